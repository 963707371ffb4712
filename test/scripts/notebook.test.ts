import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import {
  executedPath,
  executeNotebook,
  executeNotebookAllowingErrors,
  cellName,
  failedCell,
  joinText,
  numberExecutedCells,
  type Notebook,
} from "../../scripts/notebook.js";
import { ROOT, jupyterEnv, venvProgram } from "../../scripts/project.js";
import { pngSize } from "../support/png.js";

const fixture = (name: string) => join(ROOT, "test", "fixtures", name);
const outputOf = (name: string) => join(ROOT, "test", ".output", name);
const stdoutOf = (notebook: Notebook) =>
  notebook.cells
    .flatMap((cell) => cell.outputs ?? [])
    .filter((output) => output.output_type === "stream" && output.name === "stdout")
    .map((output) => joinText(output.text))
    .join("");

describe("a smoke notebook, executed headless by jupyter nbconvert in the venv", () => {
  test("trains on the native backend and displays a PNG", async () => {
    // Started without TF_ENABLE_ONEDNN_OPTS (npm test sets it): what the kernel has, its kernelspec gave it.
    const notebook = await executeNotebook(fixture("smoke.ipynb"), outputOf("smoke.ipynb"), {
      env: { TF_ENABLE_ONEDNN_OPTS: undefined },
    });
    const text = stdoutOf(notebook);
    assert.match(text, /backend: tensorflow/);
    // Before any import: the kernelspec's environment, not ae-shared, turned oneDNN on.
    assert.match(text, /TF_ENABLE_ONEDNN_OPTS at start: 1\n/);
    assert.match(text, /xTrain \[512,784\] xTest \[256,784\]/);
    const losses: number[] = JSON.parse(/losses: (\[.*\])/.exec(text)?.[1] ?? "[]");
    assert.equal(losses.length, 2);
    assert.ok(losses.every(Number.isFinite), `finite losses ${losses}`);
    assert.ok(losses[1]! < losses[0]!, `loss went down: ${losses}`);
    const png = notebook.cells
      .flatMap((cell) => cell.outputs ?? [])
      .find((output) => output.output_type === "display_data" && output.data?.["image/png"]);
    assert.ok(png, "a display_data output with image/png");
    assert.deepEqual(pngSize(Buffer.from(String(png.data?.["image/png"]), "base64")), {
      width: 28,
      height: 28,
    });
    assert.match(text, /tensors left: 0/);
    // Numbered as JupyterLab numbers them, in the file as well: tslab sends no execute_input for nbconvert to use.
    const counts = (nb: Notebook) =>
      nb.cells.filter((c) => c.cell_type === "code").map((c) => c.execution_count);
    const expected = notebook.cells.filter((c) => c.cell_type === "code").map((_, i) => i + 1);
    assert.deepEqual(counts(notebook), expected);
    assert.deepEqual(counts(JSON.parse(readFileSync(outputOf("smoke.ipynb"), "utf8")) as Notebook), expected);
    // Trusted here, as the file stands (numbered): JupyterLab then runs its outputs' scripts (lab.test.ts).
    const trust = spawnSync(venvProgram("jupyter"), ["trust", outputOf("smoke.ipynb")], {
      env: jupyterEnv(),
      encoding: "utf8",
    });
    assert.equal(trust.status, 0, trust.stderr);
    assert.match(trust.stdout, /^Notebook already signed: /);
  });
});

describe("numberExecutedCells", () => {
  const code = (source: string, stderr?: string) => ({
    cell_type: "code",
    source,
    outputs: stderr ? [{ output_type: "stream", name: "stderr", text: stderr }] : [],
  });
  test("counts the code cells that ran from 1; empty cells and cells after a failed one get none", () => {
    const notebook: Notebook = {
      cells: [
        { cell_type: "markdown", source: "# title" },
        code("const a = 1;"),
        code("  \n"),
        code("throw new Error('x');", "Error: x"),
        code("console.log(a);"),
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    };
    const counts = numberExecutedCells(notebook).cells.map((c) => c.execution_count);
    assert.deepEqual(counts, [undefined, 1, null, 2, null]);
  });
});

// The fixture's failing cell is the 2nd to run after a markdown cell, a code cell and an empty code cell: JupyterLab
// numbers it [2], it is the 3rd code cell, and cells[4] in the file, so each way of counting gives another number.
describe("a failing cell is reported with its source and stderr, as JupyterLab numbers it", () => {
  test("failedCell finds the cell; the cells after it did not run", async () => {
    const notebook = await executeNotebookAllowingErrors(fixture("failing.ipynb"), outputOf("failing.ipynb"));
    const failure = failedCell(notebook);
    assert.equal(failure?.index, 4);
    assert.match(failure?.source ?? "", /broken on purpose/);
    assert.match(failure?.stderr ?? "", /Error: broken on purpose \(answer 42\)/);
    assert.match(stdoutOf(notebook), /first cell ran/);
    assert.doesNotMatch(stdoutOf(notebook), /never runs/);
    const counts = notebook.cells.filter((c) => c.cell_type === "code").map((c) => c.execution_count);
    assert.deepEqual(
      counts,
      [1, null, 2, null],
      "the empty cell and the cell after the failed one: no number",
    );
    assert.equal(cellName(notebook, 4), "cell [2] (In [2] in JupyterLab after Run All; the 3rd code cell)");
    assert.equal(cellName(notebook, 5), "the 4th code cell (it has no number: it did not run)");
  });

  test("executeNotebook rejects naming the cell as JupyterLab numbers it, and the executed notebook to open", async () => {
    const executed = outputOf("failing-2.ipynb");
    const error = await executeNotebook(fixture("failing.ipynb"), executed).then(
      () => assert.fail("the notebook has a failing cell"),
      (rejected: unknown) => rejected as Error,
    );
    const lines = error.message.split("\n");
    assert.equal(
      lines[0],
      "failing.ipynb: cell [2] (In [2] in JupyterLab after Run All; the 3rd code cell) failed; " +
        "the cells after it did not run:",
    );
    assert.match(
      error.message,
      /\n {2}\| const answer: number = 42;\n[\s\S]*stderr:[\s\S]*Error: broken on purpose \(answer 42\)/,
    );
    // The executed notebook's path, relative to the working folder (the checkout, where npm runs commands).
    assert.equal(
      lines.at(-1),
      `The executed notebook, with every output: ${relative(process.cwd(), executed)}`,
    );
    // That file is the executed notebook, its failed cell numbered as the message says.
    const written = JSON.parse(readFileSync(executed, "utf8")) as Notebook;
    assert.equal(written.cells[4]?.execution_count, 2);
    assert.match(stdoutOf(written), /first cell ran/);
  });
});

test("npm run notebook writes answers apart from the lesson of the same name", () => {
  const executed = join(ROOT, "dist", "executed");
  assert.equal(executedPath(join(ROOT, "notebooks", "01-dense.ipynb")), join(executed, "01-dense.ipynb"));
  assert.equal(
    executedPath(join("notebooks", "answers", "01-dense.ipynb")),
    join(executed, "answers", "01-dense.ipynb"),
  );
  assert.equal(executedPath("/tmp/elsewhere/x.ipynb"), join(executed, "x.ipynb"));
});

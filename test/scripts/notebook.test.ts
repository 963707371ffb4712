import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  executeNotebook,
  executeNotebookAllowingErrors,
  failedCell,
  joinText,
  type Notebook,
} from "../../scripts/notebook.js";
import { ROOT } from "../../scripts/project.js";
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
    const notebook = await executeNotebook(fixture("smoke.ipynb"), outputOf("smoke.ipynb"));
    const text = stdoutOf(notebook);
    assert.match(text, /backend: tensorflow/);
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
  });
});

describe("a failing cell is reported with its source and stderr", () => {
  test("failedCell finds the cell; the cells after it did not run", async () => {
    const notebook = await executeNotebookAllowingErrors(fixture("failing.ipynb"), outputOf("failing.ipynb"));
    const failure = failedCell(notebook);
    assert.equal(failure?.index, 1);
    assert.match(failure?.source ?? "", /broken on purpose/);
    assert.match(failure?.stderr ?? "", /Error: broken on purpose \(answer 42\)/);
    assert.match(stdoutOf(notebook), /first cell ran/);
    assert.doesNotMatch(stdoutOf(notebook), /never runs/);
  });

  test("executeNotebook rejects with that report", async () => {
    await assert.rejects(
      executeNotebook(fixture("failing.ipynb"), outputOf("failing-2.ipynb")),
      /failing\.ipynb: code cell 1 failed \(the cells after it did not run\):\n {2}\| const answer: number = 42;[\s\S]*stderr:[\s\S]*Error: broken on purpose \(answer 42\)/,
    );
  });
});

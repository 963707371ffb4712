// errorReport.ts: in a notebook, an error reads message first, without the frames of tslab and Node's vm.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { inspect } from "node:util";
import { formatError } from "ae-shared";
import { inLanguage } from "./support/language.js";
import { reportErrorsReadably } from "ae-shared/internal/display/errorReport";
import { executeNotebookAllowingErrors, failedCell } from "../scripts/notebook.js";
import { NOTEBOOKS, ROOT } from "../scripts/project.js";
import { inFakeKernel } from "./support/kernel.js";

/** An error as tslab's console.error receives it from a cell: Node's vm put the source line and a caret first. */
function errorFromACell(): Error {
  const error = new RangeError('AE_EPOCHS must be a whole number from 1 to 1000, found "abc"');
  error.stack = [
    "/lessons/src/shared/dist/params.js:28",
    "        throw new ParamError(`${mustBe(variable, range, raw)}. ` +",
    "        ^",
    "",
    error.stack?.split("\n")[0] ?? "",
    "    at readEnvParam (/lessons/src/shared/dist/params.js:28:15)",
    "    at evalmachine.<anonymous>:36:60",
    "    at sigintHandlersWrap (node:vm:280:12)",
    "    at Script.runInThisContext (node:vm:135:14)",
    "    at Object.execute (/lessons/node_modules/tslab/dist/executor.js:160:38)",
    "    at /lessons/node_modules/tslab/dist/jupyter.js:208:57",
    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
  ].join("\n");
  return error;
}

test("formatError: the message first, then the lesson's frames; tslab's and Node's left out; causes after", () => {
  const error = errorFromACell();
  assert.equal(
    formatError(error),
    [
      'RangeError: AE_EPOCHS must be a whole number from 1 to 1000, found "abc"',
      "    at readEnvParam (/lessons/src/shared/dist/params.js:28:15)",
      "    at evalmachine.<anonymous>:36:60",
    ].join("\n"),
  );
  const wrapped = new Error("loadMnist failed", { cause: new TypeError("bad file") });
  const text = formatError(wrapped);
  assert.match(text, /^Error: loadMnist failed\n/);
  assert.match(text, /\nCaused by: TypeError: bad file\n/);
});

test("in a kernel every error is inspected as formatError writes it; in a plain process Node's way stays", async () => {
  assert.equal(Object.hasOwn(Error.prototype, inspect.custom), false);
  reportErrorsReadably();
  assert.equal(Object.hasOwn(Error.prototype, inspect.custom), false, "not outside a kernel");
  assert.match(
    inspect(errorFromACell()),
    /^\/lessons\/src\/shared\/dist\/params\.js:28\n/,
    "Node's own report",
  );
  try {
    await inFakeKernel(() => reportErrorsReadably());
    const error = errorFromACell();
    assert.equal(inspect(error), formatError(error));
    assert.doesNotMatch(inspect({ error }), /params\.js:28\n/, "inside other values too");
  } finally {
    delete (Error.prototype as { [inspect.custom]?: unknown })[inspect.custom];
  }
});

test("a lesson run with AE_EPOCHS=abc: the first line the student reads is the message, in Chinese", async () => {
  const notebook = await executeNotebookAllowingErrors(
    join(NOTEBOOKS, "01-dense.ipynb"),
    join(ROOT, "test", ".output", "01-dense-bad-epochs.ipynb"),
    { env: { AE_EPOCHS: "abc" } },
  );
  const stderr = failedCell(notebook)?.stderr ?? "";
  assert.equal(
    stderr.split("\n")[0],
    'ParamError: AE_EPOCHS 应为 1 到 1000 之间的整数，实际为 "abc"。删去这个环境变量即可使用本课的默认值（5）。',
  );
  assert.doesNotMatch(stderr, /node_modules[\\/]tslab|node:vm/, "no frames of tslab or Node's vm");
});

test("in Chinese, a cause is introduced in Chinese; the messages are the errors' own", async () => {
  const wrapped = new Error("loadMnist failed", { cause: new TypeError("bad file") });
  const text = await inLanguage("zh", () => formatError(wrapped));
  assert.match(text, /\n起因：TypeError: bad file\n/);
});

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// scripts/lessonCode.js: what the two lesson compilers share (lessonModels.js and lessonProgram.js, tested with
// them): reading a lesson's notebook, and compiling TypeScript as tslab compiles a cell.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { loadTypeScript, readNotebook, transpileCells } from "../../scripts/lessonCode.js";
import { NOTEBOOKS } from "../../scripts/project.js";

const scratch = mkdtempSync(join(tmpdir(), "ae-lessoncode-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("readNotebook", () => {
  test("a lesson's notebook by its name: the file name and the parsed notebook", () => {
    const { file, notebook } = readNotebook("01-dense", NOTEBOOKS);
    assert.equal(file, "01-dense.ipynb");
    assert.equal(notebook.nbformat, 4);
    assert.ok(notebook.cells.some((cell) => cell.cell_type === "code"));
  });

  test("a notebook that does not exist, or is not JSON: its path, and the notebooks there are", () => {
    writeFileSync(join(scratch, "broken.ipynb"), "{ not json");
    assert.throws(
      () => readNotebook("05-missing", scratch),
      (error: Error) => {
        assert.equal(
          error.message,
          `lessonCode: expected the notebook ${join(scratch, "05-missing.ipynb")} for lesson "05-missing", but it does not exist; the notebooks in ${scratch} are: broken.ipynb`,
        );
        return true;
      },
    );
    assert.throws(
      () => readNotebook("broken", scratch),
      /^Error: lessonCode: .*broken\.ipynb is not a notebook \(JSON\)/,
    );
  });
});

describe("transpileCells", () => {
  test("TypeScript as tslab compiles a cell: types dropped, imports as require, ES2022 kept", () => {
    const { code, problems } = transpileCells(
      'import * as tf from "@tensorflow/tfjs-node";\nconst n: number = 2;\nclass A {\n  #x = tf.scalar(n);\n}\n',
    );
    assert.deepEqual(problems, []);
    assert.match(code, /require\("@tensorflow\/tfjs-node"\)/);
    assert.match(code, /const n = 2;/);
    assert.match(code, /#x = tf\.scalar\(n\);/, "private fields stay: ES2022");
  });

  test("more compiler options, and what the compiler reports", () => {
    const source = 'import * as tf from "@tensorflow/tfjs-node";\nconsole.log(tf);\n';
    assert.match(transpileCells(source, { esModuleInterop: true }).code, /__importStar/);
    assert.doesNotMatch(transpileCells(source, { esModuleInterop: false }).code, /__importStar/);
    assert.deepEqual(transpileCells("function f() {\n  return (1;\n}").problems, ["')' expected."]);
  });

  test("TypeScript is loaded once", () => {
    assert.equal(loadTypeScript(), loadTypeScript());
    assert.equal(typeof loadTypeScript().transpileModule, "function");
  });
});

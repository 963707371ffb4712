// The library's entry point as notebooks see it: through node_modules, compiled by tslab's own TypeScript 5.0.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import * as shared from "ae-shared";
import { ROOT } from "../scripts/project.js";

type TypeScript = typeof import("typescript");
const tslabTypeScript = createRequire(join(ROOT, "node_modules", "tslab", "package.json"))(
  "@tslab/typescript-for-tslab",
) as TypeScript;

/** Type-checks `source` as a notebook cell would be (tslab's compiler options), plus our .d.ts files in full. */
function diagnosticsOf(source: string): string[] {
  const ts = tslabTypeScript;
  const dir = join(ROOT, "test", ".output", "declarations");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "cell.ts");
  writeFileSync(file, source);
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    strict: true,
    noEmit: true,
    // Our declarations are checked in full; other packages' are the packages' business.
    skipLibCheck: false,
  });
  const shared = join(ROOT, "src", "shared", "dist");
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || d.file.fileName === file || d.file.fileName.startsWith(shared))
    .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

test("tslab's compiler is TypeScript 5.0", () => {
  assert.equal(tslabTypeScript.version, "5.0.4");
});

test("the declarations compile under TypeScript 5.0, with tfjs-node types shared with the notebook", () => {
  const cell = `
import * as tf from "@tensorflow/tfjs-node";
import * as shared from "ae-shared";
const flat = shared.loadMnist({ trainSize: 1 });
const x: tf.Tensor2D = flat.xTrain;
const images = shared.loadMnist({ layout: "image", trainSize: 1 });
const y: tf.Tensor4D = images.xTrain;
const backend: string = shared.BACKEND;
export { x, y, backend };
`;
  assert.deepEqual(diagnosticsOf(cell), []);
});

test("the same check does report a type error (it is not vacuous)", () => {
  const diagnostics = diagnosticsOf(
    `import { loadMnist } from "ae-shared";\nconst n: number = loadMnist().xTrain;\n`,
  );
  assert.equal(diagnostics.length, 1);
  assert.match(diagnostics[0] ?? "", /not assignable to type 'number'/);
});

test("the entry point exports the documented helpers", () => {
  for (const name of ["loadMnist", "readIdxImages", "readIdxLabels", "requireNativeBackend", "BACKEND"]) {
    assert.ok(name in shared, `${name} is exported`);
  }
});

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// Each version lives in one place (ARCHITECTURE.md, "A TensorFlow or tfjs version"): tfjs-node's in package.json,
// TensorFlow's in scripts/setup/tensorflowWheel.js. After a bump this names every other place that still says the
// old one; the fences are test/overrides.test.ts's (each override is re-tested and moved by hand).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ALL_FENCES } from "../scripts/fenceTable.js";
import { TENSORFLOW_WHEEL } from "../scripts/setup/tensorflowWheel.js";
import { ROOT } from "../scripts/project.js";

const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const json = (file: string) =>
  JSON.parse(read(file)) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
/** The files a reader or a maintainer follows: what they say of a version must be the installed one. */
const DOCUMENTS = ["README.md", "docs/teacher-guide.zh.md", "ARCHITECTURE.md", "src/engine/README.md"];

test("tfjs-node's version is package.json's pin; both packages ask for the same", () => {
  const pinned = json("package.json").dependencies?.["@tensorflow/tfjs-node"];
  assert.match(pinned ?? "", /^\d+\.\d+\.\d+$/, "package.json pins an exact tfjs-node");
  for (const pkg of ["src/shared/package.json", "src/engine/package.json"]) {
    assert.equal(json(pkg).peerDependencies?.["@tensorflow/tfjs-node"], pinned, pkg);
  }
});

test("TensorFlow's version is the wheel's: its file, the native library's fence and the documents follow it", () => {
  const { version, requirement, file } = TENSORFLOW_WHEEL;
  assert.equal(requirement, `tensorflow-cpu==${version}`);
  assert.ok(file.startsWith(`tensorflow_cpu-${version}-`), file);
  assert.equal(ALL_FENCES["ae-engine"].nativeTensorflow?.version, version);
  for (const document of DOCUMENTS) {
    for (const [mention, found] of read(document).matchAll(/tensorflow-cpu==(\d+\.\d+\.\d+)/g)) {
      assert.equal(found, version, `${document} says ${mention}`);
    }
  }
});

test("the sizes set-up reports for TensorFlow are the wheel record's", () => {
  const readme = read("README.md");
  assert.ok(readme.includes(`the TensorFlow wheel ${TENSORFLOW_WHEEL.wheelMb} MB`), "README's set-up table");
  assert.ok(readme.includes(`TensorFlow's C library in node_modules ${TENSORFLOW_WHEEL.libraryMb} MB`));
});

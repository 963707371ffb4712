// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// scripts/testUnit.js: the fast tier is the files marked for it, and none of them starts what makes a test slow.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../../scripts/project.js";
import { unitTestFiles } from "../../scripts/testUnit.js";

test("the unit tier: the marked files, none of which runs a kernel, a browser or a training", () => {
  const files = unitTestFiles();
  assert.ok(files.includes(join("test", "prose.test.ts")), files.join(", "));
  assert.ok(files.includes(join("test", "scripts", "testUnit.test.ts")), files.join(", "));
  assert.ok(!files.includes(join("test", "notebooks.test.ts")), files.join(", "));
  // What starts a kernel (nbconvert, tslab), a browser (Chromium, the lab), a lesson program or a training.
  const slow =
    /\b(executeNotebook\w*|startKernel|chromium|playwright|runLessonProgram|trainWeights|trainLesson)\b|\.fit\(/;
  for (const file of files.filter((f) => !f.endsWith("testUnit.test.ts"))) {
    const code = readFileSync(join(ROOT, file), "utf8");
    assert.doesNotMatch(code, slow, `${file} is marked for the unit tier but starts something slow`);
  }
});

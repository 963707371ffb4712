// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// scripts/tests.js: every test file runs; the fast tier is the files marked for it, none of which starts what makes a
// test slow.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../../scripts/project.js";
import { testFiles } from "../../scripts/tests.js";

test("the unit tier: the marked files, none of which runs a kernel, a browser or a training", () => {
  const files = testFiles({ unit: true });
  assert.ok(files.includes(join("test", "prose.test.ts")), files.join(", "));
  assert.ok(files.includes(join("test", "scripts", "tests.test.ts")), files.join(", "));
  assert.ok(!files.includes(join("test", "notebooks.test.ts")), files.join(", "));
  // What starts a kernel (nbconvert, tslab), a browser (Chromium, the lab), a lesson program or a training.
  const slow =
    /\b(executeNotebook\w*|startKernel|chromium|playwright|runLessonProgram|trainWeights|trainLesson)\b|\.fit\(/;
  for (const file of files.filter((f) => !f.endsWith("tests.test.ts"))) {
    const code = readFileSync(join(ROOT, file), "utf8");
    assert.doesNotMatch(code, slow, `${file} is marked for the unit tier but starts something slow`);
  }
});

test("the whole suite: every test file of test/ and test/scripts/, the unit tier among them", () => {
  const all = testFiles();
  const unit = testFiles({ unit: true });
  assert.ok(all.includes(join("test", "notebooks.test.ts")), all.join(", "));
  assert.ok(all.includes(join("test", "scripts", "setup.test.ts")), all.join(", "));
  assert.ok(unit.length > 10 && unit.length < all.length, `${unit.length} unit files of ${all.length}`);
  for (const file of unit) assert.ok(all.includes(file), file);
});

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// The lesson registry (scripts/lessons.js): an entry in scripts/lessons/ for each notebook of notebooks/, and none
// for a notebook that is not there; what is missing is named with its step of the checklist (ARCHITECTURE.md,
// "Where to add" → "A lesson"), which test/lessonRecipe.test.ts follows for a new lesson.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LESSONS, RECIPE, lessonEntry, registryProblems, savedModels } from "../scripts/lessons.js";
import { lessonNames } from "../scripts/project.js";

test("every lesson of notebooks/ has its entry in scripts/lessons/, and every entry its lesson", () => {
  const problems = registryProblems();
  assert.deepEqual(problems, [], problems.join("\n"));
  assert.deepEqual(Object.keys(LESSONS), lessonNames());
});

test("a lesson without its entry, or an entry without its lesson, is named with the checklist's step", () => {
  assert.deepEqual(registryProblems(["01-a", "02-b"], ["01-a", "03-c"]), [
    `notebooks/02-b.ipynb has no entry in the lesson registry: add scripts/lessons/02-b.js (step 2 of ${RECIPE})`,
    "scripts/lessons/03-c.js is the entry of no lesson: notebooks/03-c.ipynb does not exist " +
      `(step 1 of ${RECIPE}; or remove the entry with its lesson)`,
  ]);
  assert.throws(() => lessonEntry("99-none"), {
    message: `notebooks/99-none.ipynb has no entry in the lesson registry: add scripts/lessons/99-none.js (step 2 of ${RECIPE})`,
  });
});

test("each saved model has a name of its own under weights/, and each lesson a line that states its result", () => {
  const names = savedModels().map((saved) => saved.name);
  assert.deepEqual(names, [...new Set(names)]);
  for (const [name, entry] of Object.entries(LESSONS)) {
    assert.ok(entry.resultLines.length > 0, `${name}: resultLines`);
    const { fits, comparisonCharts, digitGrids, liveGrids = 0 } = entry.shows;
    for (const count of [fits, comparisonCharts, digitGrids, liveGrids, entry.epochs])
      assert.ok(Number.isInteger(count) && count >= 0, `${name}: ${JSON.stringify(entry.shows)}`);
    assert.equal(entry.training === null, fits === 0, `${name}: a lesson that trains shows its fits`);
    assert.ok(liveGrids <= fits, `${name}: a grid redrawn while training belongs to a fit`);
  }
});

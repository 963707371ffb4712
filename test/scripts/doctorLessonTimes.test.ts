// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// The doctor's estimate of each lesson's time on this machine (scripts/doctor/lessonTimes.js): the recorded time
// on a reference CPU, scaled by this machine's training speed over that CPU's, per kind of model.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { CheckTimes } from "../../scripts/checkTimes.js";
import { estimateLessons, lessonKind } from "../../scripts/doctor/lessonTimes.js";
import type { Run } from "../../scripts/export.js";
import { lessonEntry } from "../../scripts/lessons.js";
import { lessonNames } from "../../scripts/project.js";

const run = (cpu: string, seconds: number, epochs = 5): Run => ({
  date: "2026-12-06",
  cpu,
  seconds,
  settings: { epochs, trainSize: 60000 },
  results: [],
});
const checks = (runs: CheckTimes["checks"][string]): CheckTimes => ({
  about: "",
  checks: { "npm run doctor": runs },
});
const doctorRun = (cpu: string, speed?: Record<string, number>) => ({
  date: "2026-12-06",
  cpu,
  node: "24.22.3",
  seconds: 40,
  load: "quiet",
  ...(speed ? { speed } : {}),
});

test("the lessons with Conv2D layers are timed by the conv model, the others by the dense one", () => {
  for (const lesson of lessonNames())
    assert.equal(lessonEntry(lesson).timedBy, lessonKind(lesson), `${lesson}: its entry's timedBy`);
  assert.equal(lessonKind("03-conv"), "conv");
  assert.equal(lessonKind("04-denoise"), "conv");
  assert.equal(lessonKind("01-dense"), "dense");
  assert.equal(lessonKind("07-sparse"), "dense");
});

test("a lesson's time: its longest run on the reference CPU at its newest settings, times the speed ratio", () => {
  const estimates = estimateLessons(
    { dense: 0.5, conv: 6 },
    {
      lessons: ["01-dense", "03-conv", "05-pca"],
      kinds: { "01-dense": "dense", "03-conv": "conv", "05-pca": "dense" },
      exported: {
        lessons: {
          "01-dense": [run("AMD", 20), run("AMD", 24), run("AMD", 300, 50), run("Intel", 44)],
          "03-conv": [run("Intel", 277), run("AMD", 100)],
        },
      },
      // The newest doctor run with a speed stands for its CPU; a run without one is no reference.
      checks: checks([
        doctorRun("Intel"),
        doctorRun("AMD", { dense: 0.25, conv: 3 }),
        doctorRun("AMD", { dense: 1, conv: 1 }),
      ]),
    },
  );
  assert.deepEqual(estimates, [
    { lesson: "01-dense", kind: "dense", seconds: 48, reference: "AMD", ratio: 2 },
    { lesson: "03-conv", kind: "conv", seconds: 200, reference: "AMD", ratio: 2 },
  ]);
});

test("no doctor run with a speed: no estimate", () => {
  const estimates = estimateLessons(
    { dense: 0.5, conv: 6 },
    {
      lessons: ["01-dense"],
      kinds: { "01-dense": "dense" },
      exported: { lessons: { "01-dense": [run("AMD", 20)] } },
      checks: checks([doctorRun("AMD")]),
    },
  );
  assert.deepEqual(estimates, []);
});

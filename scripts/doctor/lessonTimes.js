// @ts-check
// What the doctor says after its checks: each lesson's expected time on this machine at the defaults. Check 2
// measured how long an epoch of the dense and of the conv model takes here; a recorded doctor run
// (results/checks.json, `speed`) measured the same on a CPU whose lesson times `npm run export` recorded
// (results/export.json). A lesson's time here is its longest recorded time there, scaled by the ratio of the two
// speeds for the kind of model it trains (its entry's `timedBy`: conv for the lessons with Conv2D layers, dense
// for the others; test/scripts/doctorLessonTimes.test.ts holds each entry to its notebook's code).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readCheckTimes } from "../checkTimes.js";
import { joinText } from "../notebook.js";
import { LESSONS } from "../lessons.js";
import { NOTEBOOKS, ROOT, lessonNames } from "../project.js";

/**
 * @typedef {Record<string, number>} Speed seconds per epoch of the doctor's training, by model ("dense", "conv")
 * @typedef {{lesson: string, kind: string, seconds: number, reference: string, ratio: number}} Estimate
 */

/**
 * The kind of model a lesson's code trains: "conv" if it builds Conv2D layers, else "dense"; what its entry's
 * `timedBy` must say.
 * @param {string} lesson
 * @param {string} [notebooks]
 */
export function lessonKind(lesson, notebooks = NOTEBOOKS) {
  const notebook = JSON.parse(readFileSync(join(notebooks, `${lesson}.ipynb`), "utf8"));
  const code = notebook.cells
    .filter((/** @type {{cell_type: string}} */ cell) => cell.cell_type === "code")
    .map((/** @type {{source: string | string[]}} */ cell) => joinText(cell.source))
    .join("\n");
  return /tf\.layers\.conv2d\(/.test(code) ? "conv" : "dense";
}

/**
 * Each lesson's expected seconds here, from `speed` measured here and the first recorded CPU that has both a
 * doctor run with its speed and the lesson's export runs at its newest settings. Lessons with no such CPU are
 * left out.
 * @param {Speed} speed
 * @param {{lessons: string[], kinds: Record<string, string>, exported: {lessons: Record<string,
 *   import("../export.js").Run[]>}, checks: import("../checkTimes.js").CheckTimes}} records
 * @returns {Estimate[]}
 */
export function estimateLessons(speed, { lessons, kinds, exported, checks }) {
  /** @type {Map<string, Speed>} the newest recorded speed per CPU */
  const references = new Map();
  for (const run of checks.checks["npm run doctor"] ?? []) {
    if (run.speed && !references.has(run.cpu)) references.set(run.cpu, run.speed);
  }
  return lessons.flatMap((lesson) => {
    const runs = exported.lessons[lesson] ?? [];
    const key = JSON.stringify(runs[0]?.settings ?? null);
    const kind = kinds[lesson] ?? "dense";
    for (const [cpu, reference] of references) {
      const there = runs.filter((run) => run.cpu === cpu && JSON.stringify(run.settings) === key);
      const [here, then] = [speed[kind], reference[kind]];
      if (there.length === 0 || !here || !then) continue;
      const ratio = here / then;
      const longest = Math.max(...there.map((run) => run.seconds));
      return [{ lesson, kind, seconds: longest * ratio, reference: cpu, ratio }];
    }
    return [];
  });
}

/**
 * The estimates from the committed records.
 * @param {Speed} speed
 */
export function estimateFromRecords(speed) {
  const lessons = lessonNames();
  const exported = JSON.parse(readFileSync(join(ROOT, "results", "export.json"), "utf8"));
  const kinds = Object.fromEntries(lessons.map((lesson) => [lesson, LESSONS[lesson]?.timedBy ?? "dense"]));
  return estimateLessons(speed, { lessons, kinds, exported, checks: readCheckTimes() });
}

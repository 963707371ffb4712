// @ts-check
// The committed record of exports (results/export.json): which runs are recorded (at the defaults, at the guide's
// quick setting, and the answer notebooks' at theirs), and how runs are added to it, the newest kept per CPU.
// scripts/export.js and scripts/exportAnswers.js record through it; the guide's and README's tables read it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT, shellPath } from "./project.js";

/** The committed record of exports at the defaults. */
export const RESULTS = join(ROOT, "results", "export.json");
/** Runs kept per lesson and CPU in RESULTS, the newest. */
export const KEEP_RUNS = 5;
/**
 * The teacher's guide's quick setting: an export with exactly this setting is recorded as well, apart from the
 * runs at the defaults (results/export.json `quick`), so that the guide can say what it costs and what it shows.
 */
export const QUICK_SETTING = "AE_EPOCHS=1";

/**
 * What changes a lesson's results or speed, with the values that leave it at its defaults.
 * @type {Record<string, string[]>}
 */
export const DEFAULTS = {
  AE_EPOCHS: [""],
  AE_TRAIN_SIZE: [""],
  AE_WEIGHTS: ["", "0"],
  AE_WEIGHTS_DIR: [""],
  AE_FAST_TRAINING: ["", "1", "all"],
  TF_ENABLE_ONEDNN_OPTS: ["", "1"],
};

/**
 * The settings in `env` that make an export other than one at the defaults ("AE_EPOCHS=1"); none at the defaults.
 * @param {NodeJS.ProcessEnv} env
 * @returns {string[]}
 */
export function nonDefaultSettings(env) {
  return Object.entries(DEFAULTS)
    .filter(([name, values]) => !values.includes((env[name] ?? "").trim()))
    .map(([name]) => `${name}=${env[name]}`);
}

/**
 * @typedef {{date: string, cpu: string, seconds: number, settings: {epochs: number, trainSize: number} | null,
 *   results: string[], parts?: import("./lessonPlan.js").PartTime[], scale?: string[]}} Run `parts`: seconds
 *   per part (level-2 heading) that its code cells ran, for the guide's lesson plans; `scale`: its loss scales'
 *   rows (scaleRows); runs recorded before 2026-12 have neither
 * @typedef {{about: string, lessons: Record<string, Run[]>, quick?: Record<string, Run[]>,
 *   answers?: Record<string, Run[]>}} Results `quick`: the lessons' runs at QUICK_SETTING
 * @typedef {"lessons" | "quick" | "answers"} RecordKey the lessons' runs at the defaults or at the quick setting,
 *   or the answer notebooks' (exportAnswers.js)
 */

const ABOUT =
  "Written by `npm run export` at the defaults (scripts/export.js): per lesson, its runs, the newest first, " +
  `at most ${KEEP_RUNS} per CPU: the lesson's wall time in seconds (execution and HTML conversion), the date ` +
  "(UTC), the CPU, the epochs and training images it ran with, the result lines it printed, the seconds " +
  "each part of the lesson (a level-2 heading) ran its code cells, and the rows of its loss scales. Under " +
  `"quick", the same for exports at the guide's quick setting (${QUICK_SETTING}). Exports with all ` +
  "other settings are not recorded here. The lessons' prose may quote these numbers (test/prose.test.ts). " +
  "Under `answers`: the same for the answer notebooks (`npm run export -- --answers`), their checks' verdicts.";

/**
 * `record` with `runs` added under `key` (the lessons at the defaults or at the quick setting, or the answers):
 * each lesson's new run first, then its earlier runs on the same CPU (at most `keep` in all on that CPU), then
 * those on other CPUs; lessons in name order; the other keys' runs kept.
 * @param {Results | undefined} record
 * @param {Record<string, Run>} runs by lesson
 * @param {number} [keep]
 * @param {RecordKey} [key]
 * @returns {Results}
 */
export function addRuns(record, runs, keep = KEEP_RUNS, key = "lessons") {
  /** @type {Record<string, Run[]>} */
  const lessons = { ...(record?.[key] ?? {}) };
  for (const [lesson, run] of Object.entries(runs)) {
    const earlier = lessons[lesson] ?? [];
    const sameCpu = earlier.filter((r) => r.cpu === run.cpu).slice(0, keep - 1);
    lessons[lesson] = [run, ...sameCpu, ...earlier.filter((r) => r.cpu !== run.cpu)];
  }
  const sorted = Object.fromEntries(Object.entries(lessons).sort(([a], [b]) => a.localeCompare(b)));
  return { ...record, about: ABOUT, lessons: record?.lessons ?? {}, [key]: sorted };
}

/**
 * Records an export's runs: always in `runsFile` (this export only), and in `resultsFile` (kept, runs added)
 * only when `env` is at the defaults, or at exactly the quick setting (kept apart, under `quick`). Returns the
 * settings that kept it out of `resultsFile` (none: recorded).
 * @param {Record<string, Run>} runs by lesson
 * @param {{runsFile: string, resultsFile?: string, env?: NodeJS.ProcessEnv, key?: RecordKey}} where
 * @returns {string[]}
 */
export function recordRuns(runs, { runsFile, resultsFile = RESULTS, env = process.env, key = "lessons" }) {
  const changed = nonDefaultSettings(env);
  mkdirSync(dirname(runsFile), { recursive: true });
  writeFileSync(runsFile, `${JSON.stringify({ nonDefaultSettings: changed, [key]: runs }, null, 2)}\n`);
  const quick = key === "lessons" && changed.length === 1 && changed[0] === QUICK_SETTING;
  if (changed.length > 0 && !quick) return changed;
  /** @type {Results | undefined} */
  let record;
  try {
    record = JSON.parse(readFileSync(resultsFile, "utf8"));
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== "ENOENT") {
      throw new Error(`${shellPath(resultsFile)} is not valid JSON: fix or delete it (${String(error)})`);
    }
  }
  mkdirSync(dirname(resultsFile), { recursive: true });
  const added = addRuns(record, runs, KEEP_RUNS, quick ? "quick" : key);
  writeFileSync(resultsFile, `${JSON.stringify(added, null, 2)}\n`);
  return [];
}

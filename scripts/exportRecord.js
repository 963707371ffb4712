// @ts-check
// The record of exports. An export writes its runs under dist/ only (writeRunsFile: dist/html/results.json, the
// answers' in dist/html/answers/); a maintainer's `npm run record` (scripts/record.js) then adds them to the
// committed results/export.json (readRecord, newRuns, addRuns, writeRecord), which keeps runs at the defaults, at the guide's quick setting and
// the answer notebooks' at theirs, the newest per CPU. The guide's and README's tables read that file.
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { ROOT, replaceFile, shownPath } from "./project.js";

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
  "Written by `npm run record` (scripts/record.js) from `npm run export`'s runs at the defaults: per lesson, " +
  "its runs, the newest first, " +
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
 * The file an export writes its runs to under `dist`: the lessons' (with the quick setting's), or the answers'.
 * @param {string} dist
 * @param {RecordKey} key
 */
export function runsFileOf(dist, key) {
  return key === "answers"
    ? join(dist, "html", "answers", "results.json")
    : join(dist, "html", "results.json");
}

/**
 * @typedef {{nonDefaultSettings: string[], lessons?: Record<string, Run>, answers?: Record<string, Run>,
 *   recorded?: {in: string, at: string}}} RunsFile an export's runs as it leaves them under dist/: the settings
 *   that kept it from the defaults, its runs by lesson under "lessons" or "answers", and, once `npm run record`
 *   has added them to the committed record, where and when
 */

/**
 * Writes an export's runs to `runsFile` (this export only, under dist/), with the settings that made it other
 * than one at the defaults. Returns those settings (none: at the defaults).
 * @param {Record<string, Run>} runs by lesson
 * @param {{runsFile: string, env?: NodeJS.ProcessEnv, key?: "lessons" | "answers"}} where
 * @returns {string[]}
 */
export function writeRunsFile(runs, { runsFile, env = process.env, key = "lessons" }) {
  const changed = nonDefaultSettings(env);
  mkdirSync(dirname(runsFile), { recursive: true });
  /** @type {RunsFile} */
  const written = { nonDefaultSettings: changed, [key]: runs };
  replaceFile(runsFile, `${JSON.stringify(written, null, 2)}\n`);
  return changed;
}

/**
 * Where results/export.json keeps an export's runs, from the settings it ran with: the lessons' at the defaults
 * under "lessons", at exactly the quick setting under "quick", the answers' at the defaults under "answers";
 * undefined for any other export, which is not recorded.
 * @param {string[]} changed the export's nonDefaultSettings
 * @param {"lessons" | "answers"} key
 * @returns {RecordKey | undefined}
 */
export function recordKeyOf(changed, key) {
  if (changed.length === 0) return key;
  if (key === "lessons" && changed.length === 1 && changed[0] === QUICK_SETTING) return "quick";
  return undefined;
}

/**
 * The committed record of exports as it is (undefined before the first), or an error that says it cannot be read:
 * recording over a file it cannot read would lose its runs.
 * @param {string} [resultsFile]
 * @returns {Results | undefined}
 */
export function readRecord(resultsFile = RESULTS) {
  try {
    return JSON.parse(readFileSync(resultsFile, "utf8"));
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === "ENOENT") return undefined;
    throw new Error(
      `${shownPath(resultsFile)} could not be read as the record of exports (${String(error)}): ` +
        "nothing was written to it. Fix it, or take the committed one (git checkout -- results/export.json), " +
        "and run npm run record again",
    );
  }
}

/**
 * The runs of `runs` that `record` does not hold yet under `key`: an export recorded before (an earlier version
 * of the pack recorded as it exported) adds nothing twice.
 * @param {Results | undefined} record
 * @param {RecordKey} key
 * @param {Record<string, Run>} runs by lesson
 * @returns {Record<string, Run>}
 */
export function newRuns(record, key, runs) {
  return Object.fromEntries(
    Object.entries(runs).filter(
      ([lesson, run]) => !(record?.[key]?.[lesson] ?? []).some((held) => isDeepStrictEqual(held, run)),
    ),
  );
}

/**
 * Writes the record of exports whole or not at all (replaceFile).
 * @param {Results} record
 * @param {string} [resultsFile]
 */
export function writeRecord(record, resultsFile = RESULTS) {
  mkdirSync(dirname(resultsFile), { recursive: true });
  replaceFile(resultsFile, `${JSON.stringify(record, null, 2)}\n`);
}

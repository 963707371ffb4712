// @ts-check
// How long a teacher's checks take, as measured: the whole test suite (`npm test`'s tests, scripts/tests.js) and
// the teacher's check (`npm run doctor`). A run records itself in results/checks.json only when asked
// (AE_RECORD=1, a maintainer's choice: a teacher's run changes no committed file); README and the guide quote
// the records through their generated sections (scripts/readmeTables.js).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, cpuName } from "./project.js";

export const CHECK_TIMES = join(ROOT, "results", "checks.json");

/** What results/checks.json says of itself. */
const ABOUT =
  "Written by `npm test` (its tests, scripts/tests.js) and `npm run doctor` when run with AE_RECORD=1: per " +
  "check, its runs, the newest first, at most 5 per CPU: the wall time in seconds, the date (UTC), the CPU, the " +
  "Node.js version, and whether other work ran beside it; for the doctor, the seconds per epoch its short " +
  "training took per model (speed), from which it estimates the lessons' times elsewhere. README and the " +
  "teacher's guide quote them.";

/**
 * @typedef {{date: string, cpu: string, node: string, seconds: number, load: string,
 *   speed?: Record<string, number>}} CheckRun `speed`: the doctor's seconds per training epoch by model, from
 *   which it estimates the lessons' times on another machine (scripts/doctor/lessonTimes.js)
 * @typedef {{about: string, checks: Record<string, CheckRun[]>}} CheckTimes
 */

/** The checks recorded, by the command a teacher types. */
export const CHECKS = /** @type {const} */ (["npm test", "npm run doctor"]);

/**
 * The records as the file holds them (none where it does not exist).
 * @param {string} [file]
 * @returns {CheckTimes}
 */
export function readCheckTimes(file = CHECK_TIMES) {
  if (!existsSync(file)) return { about: ABOUT, checks: {} };
  const parsed = JSON.parse(readFileSync(file, "utf8"));
  if (typeof parsed !== "object" || parsed === null || typeof parsed.checks !== "object") {
    throw new Error(
      `${file}: expected {"about", "checks": {...}}, found ${JSON.stringify(parsed).slice(0, 80)}`,
    );
  }
  return parsed;
}

/**
 * Adds a run of `check` to the records when AE_RECORD=1 (AE_LOAD says what ran beside it, "quiet" by default),
 * keeping the newest 5 per CPU. Returns the file written, or undefined when not asked to record.
 * @param {(typeof CHECKS)[number]} check
 * @param {number} seconds
 * @param {{env?: NodeJS.ProcessEnv, file?: string, now?: Date, speed?: Record<string, number>}} [options]
 */
export function recordCheckTime(
  check,
  seconds,
  { env = process.env, file = CHECK_TIMES, now = new Date(), speed } = {},
) {
  if (env.AE_RECORD !== "1") return undefined;
  const times = readCheckTimes(file);
  /** @type {CheckRun} */
  const run = {
    date: now.toISOString().slice(0, 10),
    cpu: cpuName(),
    node: process.versions.node,
    seconds: Math.round(seconds),
    load: env.AE_LOAD || "quiet",
    ...(speed ? { speed } : {}),
  };
  const runs = [run, ...(times.checks[check] ?? [])];
  times.checks[check] = runs.filter(
    (r, i) => runs.slice(0, i).filter((earlier) => earlier.cpu === r.cpu).length < 5,
  );
  writeFileSync(file, `${JSON.stringify({ about: ABOUT, checks: times.checks }, null, 2)}\n`);
  return file;
}

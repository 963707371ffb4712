// @ts-check
// `npm run record`, the maintainer's command (a teacher's `npm run export` writes only under dist/): adds the last
// export's runs, as it left them in dist/html/results.json (`npm run export`) and dist/html/answers/results.json
// (`npm run export -- --answers`), to the committed results/export.json by exportRecord.js's rules (at the
// defaults, or the lessons at exactly the guide's quick setting; the newest runs per CPU kept), then rewrites the
// generated sections of the guide, README and bench/RESULTS.md from it (resultsTable.js). It refuses, writing
// nothing, a missing, damaged or not-at-the-defaults dist record; each file is written whole or not at all; a dist
// record is marked once recorded, and a run the record holds already is not added again, so that no run is added
// twice.
// `--lessons` or `--answers` records that export only.
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import {
  KEEP_RUNS,
  QUICK_SETTING,
  RESULTS,
  addRuns,
  newRuns,
  readRecord,
  recordKeyOf,
  runsFileOf,
  writeRecord,
} from "./exportRecord.js";
import { DIST, replaceFile, shownPath } from "./project.js";
import { writeGeneratedSections } from "./resultsTable.js";

/**
 * @typedef {import("./exportRecord.js").Run} Run
 * @typedef {import("./exportRecord.js").RunsFile} RunsFile
 * @typedef {import("./exportRecord.js").Results} Results
 * @typedef {"lessons" | "answers"} ExportKind
 * @typedef {{kind: ExportKind, file: string, key: import("./exportRecord.js").RecordKey,
 *   runs: Record<string, Run>, parsed: RunsFile}} Recordable
 */

/** The command that writes each kind of dist record, for the messages. */
const EXPORT_COMMAND = { lessons: "npm run export", answers: "npm run export -- --answers" };

/** What a dist record holds, for the message that refuses a damaged one. */
const EXPECTED_SHAPE =
  'JSON with "nonDefaultSettings" (a list of settings) and "lessons" or "answers" (by notebook, a run: date, ' +
  "cpu, seconds, settings, results)";

/**
 * What is wrong with `value` as one run of a dist record, or "" if nothing is.
 * @param {unknown} value
 */
function runProblem(value) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not an object";
  const run = /** @type {Record<string, unknown>} */ (value);
  if (typeof run.date !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(run.date)) return "no date (YYYY-MM-DD)";
  if (typeof run.cpu !== "string" || run.cpu === "") return "no cpu";
  if (typeof run.seconds !== "number" || !Number.isFinite(run.seconds) || run.seconds < 0)
    return "no seconds";
  const settings = /** @type {Record<string, unknown> | null | undefined} */ (run.settings);
  const settingsOk =
    settings === null ||
    (typeof settings === "object" &&
      Number.isInteger(settings?.epochs) &&
      Number.isInteger(settings?.trainSize));
  if (!settingsOk) return "no settings (null, or epochs and trainSize)";
  if (!Array.isArray(run.results) || !run.results.every((line) => typeof line === "string")) {
    return "no results (a list of lines)";
  }
  return "";
}

/**
 * The dist record of `kind` under `dist`, checked: undefined if there is none, else its runs and where
 * results/export.json keeps them. Throws, saying what was expected and what was found, for a damaged record or
 * one not at the defaults. `recorded` in the result says it was recorded before.
 * @param {string} dist
 * @param {ExportKind} kind
 * @returns {Recordable | undefined}
 */
export function readRunsFile(dist, kind) {
  const file = runsFileOf(dist, kind);
  if (!existsSync(file)) return undefined;
  const damaged = (/** @type {string} */ found) =>
    new Error(
      `${shownPath(file)} is not an export's record: expected ${EXPECTED_SHAPE}, found ${found}. ` +
        `Run ${EXPORT_COMMAND[kind]} again, then npm run record`,
    );
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw damaged(`text that is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw damaged(JSON.stringify(parsed)?.slice(0, 60) ?? String(parsed));
  }
  const record = /** @type {Record<string, unknown>} */ (parsed);
  const settings = record.nonDefaultSettings;
  if (!Array.isArray(settings) || !settings.every((setting) => typeof setting === "string")) {
    throw damaged('no "nonDefaultSettings" list');
  }
  const runs = record[kind];
  if (typeof runs !== "object" || runs === null || Array.isArray(runs) || Object.keys(runs).length === 0) {
    throw damaged(`no runs under "${kind}" (keys: ${Object.keys(record).join(", ") || "none"})`);
  }
  for (const [name, run] of Object.entries(runs)) {
    const problem = runProblem(run);
    if (problem) throw damaged(`the run of ${name} with ${problem}`);
  }
  const key = recordKeyOf(settings, kind);
  if (key === undefined) {
    throw new Error(
      `${shownPath(file)} is an export with ${settings.join(", ")}: expected one at the defaults` +
        (kind === "lessons" ? ` or at exactly ${QUICK_SETTING}` : "") +
        ", the only exports results/export.json records. " +
        `Run ${EXPORT_COMMAND[kind]} without ${settings.length > 1 ? "those settings" : "that setting"}, then npm run record`,
    );
  }
  return {
    kind,
    file,
    key,
    runs: /** @type {Record<string, Run>} */ (runs),
    parsed: /** @type {RunsFile} */ (record),
  };
}

/**
 * Records the exports left in `dist` (both kinds, or those of `only`) into `resultsFile`, and marks each dist
 * record as recorded. Every record is checked before anything is written; one recorded before, or whose runs
 * the record holds already, is skipped. Returns what was recorded (`added`: the runs new to the record) and what
 * was skipped and why. Throws when there is nothing to record, naming what was looked for and what was found.
 * @param {{dist?: string, resultsFile?: string, only?: ExportKind[], now?: Date}} [options]
 * @returns {{recorded: (Recordable & {added: Record<string, Run>})[], skipped: (Recordable & {why: string})[]}}
 */
export function recordExports({
  dist = DIST,
  resultsFile = RESULTS,
  only = ["lessons", "answers"],
  now = new Date(),
} = {}) {
  const found = only.flatMap((kind) => readRunsFile(dist, kind) ?? []);
  const wanted = only.map(
    (kind) => `${shownPath(runsFileOf(dist, kind))} (written by ${EXPORT_COMMAND[kind]})`,
  );
  if (found.length === 0) {
    throw new Error(
      `no export to record: expected ${wanted.join(" or ")}, found ${only.length > 1 ? "neither" : "none"}. ` +
        "Run the export at the defaults first, then npm run record",
    );
  }
  const record = readRecord(resultsFile);
  const checked = found.map((each) => {
    const added = newRuns(record, each.key, each.runs);
    const why = each.parsed.recorded
      ? `was recorded in ${each.parsed.recorded.in} at ${each.parsed.recorded.at}`
      : Object.keys(added).length === 0
        ? `holds only runs that ${shownPath(resultsFile)} has already`
        : "";
    return { ...each, added, why };
  });
  const skipped = checked.filter((each) => each.why !== "");
  const recorded = checked.filter((each) => each.why === "");
  if (recorded.length === 0) {
    throw new Error(
      `nothing new to record: ${skipped.map((each) => `${shownPath(each.file)} ${each.why}`).join("; ")}. ` +
        "Run the export again for new runs, then npm run record",
    );
  }
  let updated = record;
  for (const { key, added } of recorded) updated = addRuns(updated, added, KEEP_RUNS, key);
  writeRecord(/** @type {Results} recorded is not empty */ (updated), resultsFile);
  // Marked once the record is written; a mark lost to a crash adds nothing twice either (newRuns).
  for (const each of recorded) {
    /** @type {RunsFile} */
    const marked = { ...each.parsed, recorded: { in: shownPath(resultsFile), at: now.toISOString() } };
    replaceFile(each.file, `${JSON.stringify(marked, null, 2)}\n`);
  }
  return { recorded, skipped };
}

/**
 * The kinds the command line asks for: both by default, or `--lessons`, `--answers`.
 * @param {string[]} args
 * @returns {ExportKind[]}
 */
export function kindsOf(args) {
  const unknown = args.filter((arg) => arg !== "--lessons" && arg !== "--answers");
  if (unknown.length > 0) {
    throw new Error(`expected no argument, --lessons or --answers, found ${unknown.join(" ")}`);
  }
  const asked = /** @type {ExportKind[]} */ (args.map((arg) => arg.slice(2)));
  return asked.length > 0 ? [...new Set(asked)] : ["lessons", "answers"];
}

/** @param {number} count @param {string} noun */
const plural = (count, noun) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** `npm run record`: the exports recorded, then the generated tables rewritten from the record. */
async function main() {
  const { recorded, skipped } = recordExports({ only: kindsOf(process.argv.slice(2)) });
  for (const each of skipped) process.stdout.write(`record: ${shownPath(each.file)} ${each.why}; skipped\n`);
  for (const each of recorded) {
    process.stdout.write(
      `record: ${plural(Object.keys(each.added).length, "run")} of ${shownPath(each.file)} added under ` +
        `"${each.key}" in ${shownPath(RESULTS)}\n`,
    );
  }
  const rewritten = await writeGeneratedSections();
  process.stdout.write(
    rewritten.length > 0
      ? `record: the generated tables of ${rewritten.map(shownPath).join(", ")} rewritten from it: commit them ` +
          `with ${shownPath(RESULTS)}\n`
      : `record: the generated tables were already up to date: commit ${shownPath(RESULTS)}\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((/** @type {unknown} */ error) => {
    process.stderr.write(`record failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

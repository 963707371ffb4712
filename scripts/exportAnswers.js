// @ts-check
// `npm run export -- --answers`: executes every answer notebook of notebooks/answers/ as `npm run export` executes
// the lessons (same settings), into dist/executed/answers/ and dist/html/answers/ (for the teacher: students get
// the lessons' pages), and writes each one's wall time, date, CPU, settings and the verdict lines its checks
// printed (ae-shared's expectations(): ANSWER_LINES) to dist/html/answers/results.json, and nothing outside dist/.
// A maintainer's `npm run record` adds an export at the defaults under `answers` in results/export.json (at most
// KEEP_RUNS per CPU), whose numbers the answers' prose quotes (test/prose.test.ts).
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { duration } from "./durations.js";
import { DEFAULTS, runsFileOf, writeRunsFile } from "./exportRecord.js";
import { runsLine, summarize, toHtml } from "./exportPages.js";
import { executeNotebook, joinText } from "./notebook.js";
import { DIST, NOTEBOOKS, cpuName, shellPath } from "./project.js";

/** The lines an answer notebook prints that say its result: its checks' verdicts, and the summary line. */
export const ANSWER_LINES = [/^(在预期范围内|超出预期范围|不检查)：/, /^\d+ 项(检查|超出预期范围)/];

/**
 * The verdict lines an executed answer notebook printed (ANSWER_LINES), in order.
 * @param {import("./notebook.js").Notebook} notebook
 */
export function verdictLines(notebook) {
  return notebook.cells
    .flatMap((cell) => cell.outputs ?? [])
    .filter((output) => output.output_type === "stream" && output.name === "stdout")
    .flatMap((output) => joinText(output.text).split("\n"))
    .filter((line) => ANSWER_LINES.some((pattern) => pattern.test(line)));
}

/**
 * Exports the answer notebooks of `answers` into `dist`, their runs in dist/html/answers/results.json (see the
 * top of this file). Returns the settings that made it other than an export at the defaults (none: at the defaults).
 * @param {{answers?: string, dist?: string, env?: NodeJS.ProcessEnv}} [options]
 * @returns {Promise<string[]>}
 */
export async function exportAnswers({
  answers = join(NOTEBOOKS, "answers"),
  dist = DIST,
  env = process.env,
} = {}) {
  const names = readdirSync(answers)
    .filter((name) => name.endsWith(".ipynb"))
    .sort();
  const htmlDir = join(dist, "html", "answers");
  // The settings that matter, as `env` gives them, over the kernel's own environment (as for the lessons).
  /** @type {NodeJS.ProcessEnv} */
  const answerEnv = Object.fromEntries(
    Object.keys(DEFAULTS).flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])),
  );
  /** @type {Record<string, import("./export.js").Run>} */
  const runs = {};
  const started = Date.now();
  for (const [i, name] of names.entries()) {
    const tag = `[${i + 1}/${names.length}] answers/${name}`;
    const t0 = Date.now();
    const since = () => duration(Math.round((Date.now() - t0) / 1000));
    const ticker = setInterval(() => process.stdout.write(`${tag}: running ${since()}\n`), 60_000);
    try {
      const executed = join(dist, "executed", "answers", name);
      const notebook = await executeNotebook(join(answers, name), executed, { env: answerEnv });
      toHtml(executed, htmlDir);
      const results = verdictLines(notebook);
      runs[basename(name, ".ipynb")] = {
        date: new Date().toISOString().slice(0, 10),
        cpu: cpuName(),
        seconds: Math.round((Date.now() - t0) / 1000),
        settings: summarize(notebook).settings,
        results,
      };
      process.stdout.write(`${tag}: done in ${since()}  ${results.at(-1) ?? "(no summary line)"}\n`);
    } finally {
      clearInterval(ticker);
    }
  }
  const runsFile = runsFileOf(dist, "answers");
  const changed = writeRunsFile(runs, { runsFile, env, key: "answers" });
  process.stdout.write(
    `export: ${names.length} answer notebooks in ${duration(Math.round((Date.now() - started) / 1000))} -> ` +
      `${shellPath(htmlDir)}\n${runsLine(runsFile, changed, "answers")}`,
  );
  return changed;
}

// @ts-check
// `npm run export`: executes every lesson in notebooks/ with its defaults (AE_EPOCHS / AE_TRAIN_SIZE if set),
// then writes dist/html/<lesson>.html (self-contained: outputs, images and plotly.js inside, nothing fetched
// from a CDN) and dist/html/index.html linking them. Executed notebooks are kept in dist/executed/.
// Each lesson's run (seconds, date, CPU, settings, the results it printed) goes to dist/html/results.json. It
// writes nothing outside dist/: a teacher's export leaves the checkout as it was. A maintainer's `npm run record`
// (scripts/record.js) adds an export at the defaults to the committed results/export.json and rewrites the
// generated tables from it.
// `npm run export -- --answers` exports the answer notebooks instead (scripts/exportAnswers.js).
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
// The library's own escaping, from the entry without TensorFlow: the export's process trains nothing.
import { escapeHtml as escape } from "ae-shared/plain";
import { resultLinesOf } from "./lessons.js";
import { partTimes } from "./lessonPlan.js";
import { executeNotebook } from "./notebook.js";
import { runsLine, summarize, toHtml } from "./exportPages.js";
import { exportAnswers } from "./exportAnswers.js";
import { DIST, NOTEBOOKS, cpuName, lessonNames, shellPath } from "./project.js";
import { DEFAULTS, runsFileOf, writeRunsFile } from "./exportRecord.js";

/**
 * @typedef {import("./exportRecord.js").Run} Run
 * @typedef {import("./exportRecord.js").Results} Results
 * @typedef {import("./exportRecord.js").RecordKey} RecordKey
 */

// The record's API, as the tests and exportAnswers.js have always found it here.
export {
  DEFAULTS,
  KEEP_RUNS,
  QUICK_SETTING,
  RESULTS,
  addRuns,
  nonDefaultSettings,
  recordKeyOf,
  runsFileOf,
  writeRunsFile,
} from "./exportRecord.js";

export { DIST };

/**
 * @param {{file: string, title: string, results: string[], seconds: number}[]} lessons
 * @param {NodeJS.ProcessEnv} env
 */
export function indexPage(lessons, env = process.env) {
  const settings = [
    `AE_EPOCHS=${env.AE_EPOCHS || "(默认)"}`,
    `AE_TRAIN_SIZE=${env.AE_TRAIN_SIZE || "(默认)"}`,
  ].join(", ");
  const rows = lessons
    .map(
      (lesson) =>
        `<tr><td><a href="${escape(lesson.file)}">${escape(lesson.title || lesson.file)}</a></td>` +
        `<td>${lesson.results.map(escape).join("<br>")}</td><td>${Math.round(lesson.seconds)} s</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>自动编码器 · TypeScript 课程</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;padding:0 1em}td,th{padding:.4em .8em;text-align:left;vertical-align:top;border-bottom:1px solid #ddd}table{border-collapse:collapse}</style>
</head><body>
<h1>5.2 自动编码器（TypeScript 版）</h1>
<p>每一课都已在 TensorFlow 原生内核上运行过，页面里包含全部输出、图表和图片，可以离线打开。</p>
<table><tr><th>课程</th><th>结果</th><th>运行时间</th></tr>
${rows}
</table>
<p><small>运行于 ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC，参数：${escape(settings)}</small></p>
</body></html>
`;
}

/** @param {number} seconds */
const clock = (seconds) => {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
};

/**
 * Exports every lesson of `notebooks` into `dist` (executed/, html/), with its runs in dist/html/results.json
 * (writeRunsFile). Returns the settings that made it other than an export at the defaults (none: at the defaults).
 * @param {{notebooks?: string, dist?: string, env?: NodeJS.ProcessEnv}} [options]
 * @returns {Promise<string[]>}
 */
export async function exportLessons({ notebooks = NOTEBOOKS, dist = DIST, env = process.env } = {}) {
  const lessons = lessonNames(notebooks).map((name) => `${name}.ipynb`);
  const htmlDir = join(dist, "html");
  // The settings that matter, as `env` gives them, over the kernel's own environment (jupyterEnv; an empty
  // value is not unset for all of them: TF_ENABLE_ONEDNN_OPTS="" would keep oneDNN off).
  /** @type {NodeJS.ProcessEnv} */
  const lessonEnv = Object.fromEntries(
    Object.keys(DEFAULTS).flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])),
  );
  /** @type {{file: string, title: string, results: string[], seconds: number}[]} */
  const done = [];
  /** @type {Record<string, Run>} */
  const runs = {};
  const started = Date.now();
  for (const [i, name] of lessons.entries()) {
    const tag = `[${i + 1}/${lessons.length}] ${name}`;
    const t0 = Date.now();
    // A ticker, since one lesson can run for minutes without printing.
    const tick = () => {
      const line = `${tag}: running ${clock((Date.now() - t0) / 1000)}`;
      if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
      else process.stdout.write(`${line}\n`);
    };
    tick();
    const ticker = setInterval(tick, process.stdout.isTTY ? 1000 : 30_000);
    try {
      const executed = join(dist, "executed", name);
      const notebook = await executeNotebook(join(notebooks, name), executed, { env: lessonEnv });
      const html = toHtml(executed, htmlDir);
      const seconds = (Date.now() - t0) / 1000;
      const lesson = basename(name, ".ipynb");
      const { title, results, settings, scale } = summarize(notebook, resultLinesOf(lesson));
      done.push({ file: basename(html), title, results, seconds });
      runs[lesson] = {
        date: new Date().toISOString().slice(0, 10),
        cpu: cpuName(),
        seconds: Math.round(seconds),
        settings,
        results,
        parts: partTimes(notebook),
        scale,
      };
      clearInterval(ticker);
      process.stdout.write(
        `${process.stdout.isTTY ? "\r" : ""}${tag}: done in ${clock(seconds)}  ${results.join("; ")}\n`,
      );
    } finally {
      clearInterval(ticker);
    }
  }
  writeFileSync(join(htmlDir, "index.html"), indexPage(done, env));
  process.stdout.write(
    `export: ${done.length} lessons in ${clock((Date.now() - started) / 1000)} -> ${shellPath(join(htmlDir, "index.html"))}\n`,
  );
  const runsFile = runsFileOf(dist, "lessons");
  const changed = writeRunsFile(runs, { runsFile, env });
  process.stdout.write(runsLine(runsFile, changed, "lessons"));
  return changed;
}

/** `npm run export`, or with `--answers` the answer notebooks: pages and runs under dist/, nothing else. */
async function main() {
  if (process.argv.includes("--answers")) return void (await exportAnswers());
  await exportLessons();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((/** @type {unknown} */ error) => {
    process.stderr.write(`\nexport failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

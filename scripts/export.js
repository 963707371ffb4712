// @ts-check
// `npm run export`: executes every lesson in notebooks/ with its defaults (AE_EPOCHS / AE_TRAIN_SIZE if set),
// then writes dist/html/<lesson>.html (self-contained: outputs, images and plotly.js inside, nothing fetched
// from a CDN) and dist/html/index.html linking them. Executed notebooks are kept in dist/executed/.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { executeNotebook, joinText } from "./notebook.js";
import { NOTEBOOKS, ROOT, jupyterEnv, shellPath, venvProgram } from "./project.js";

export const DIST = join(ROOT, "dist");
const TEMPLATE = join(ROOT, "scripts", "offline-html.j2");

/**
 * Converts an executed notebook to one self-contained HTML page.
 * @param {string} executed path of the executed .ipynb
 * @param {string} outDir
 * @returns {string} the HTML file written
 */
export function toHtml(executed, outDir) {
  mkdirSync(outDir, { recursive: true });
  const result = spawnSync(
    venvProgram("jupyter"),
    [
      "nbconvert",
      "--to",
      "html",
      "--template",
      "lab",
      "--template-file",
      TEMPLATE,
      "--output-dir",
      outDir,
      executed,
    ],
    { cwd: ROOT, env: jupyterEnv(), encoding: "utf8" },
  );
  if (result.status !== 0) {
    throw new Error(`jupyter nbconvert --to html ${basename(executed)} failed:\n${result.stderr}`);
  }
  return join(outDir, `${basename(executed, ".ipynb")}.html`);
}

// The library's own escaping; its display module alone, so the export does not load TensorFlow.
/** @type {typeof import("ae-shared/dist/display.js")} */
const { escapeHtml: escape } = createRequire(join(ROOT, "package.json"))("ae-shared/dist/display.js");

/**
 * What the index says of a lesson: its title (first heading) and the results it printed: final val_loss
 * lines, and 05-pca's verdict on which 32-number code rebuilds the test images best.
 * @param {import("./notebook.js").Notebook} notebook
 */
export function summarize(notebook) {
  const markdown = notebook.cells.find((cell) => cell.cell_type === "markdown");
  const title = /^#\s+(.+)$/m.exec(joinText(markdown?.source))?.[1] ?? "";
  const results = notebook.cells
    .flatMap((cell) => cell.outputs ?? [])
    .filter((output) => output.output_type === "stream" && output.name === "stdout")
    .flatMap((output) => joinText(output.text).split("\n"))
    .filter((line) => /val_loss = \d|的 MSE 最小/.test(line));
  return { title, results };
}

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
<h1>5.2 自动编码器(TypeScript 版)</h1>
<p>每一课都已在 TensorFlow 原生内核上运行过,页面里包含全部输出、图表和图片,可以离线打开。</p>
<table><tr><th>课程</th><th>结果</th><th>运行时间</th></tr>
${rows}
</table>
<p><small>运行于 ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC,参数:${escape(settings)}</small></p>
</body></html>
`;
}

/** @param {number} seconds */
const clock = (seconds) => {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
};

async function main() {
  const lessons = readdirSync(NOTEBOOKS)
    .filter((name) => name.endsWith(".ipynb"))
    .sort();
  const htmlDir = join(DIST, "html");
  /** @type {{file: string, title: string, results: string[], seconds: number}[]} */
  const done = [];
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
      const executed = join(DIST, "executed", name);
      const notebook = await executeNotebook(join(NOTEBOOKS, name), executed);
      const html = toHtml(executed, htmlDir);
      const seconds = (Date.now() - t0) / 1000;
      const { title, results } = summarize(notebook);
      done.push({ file: basename(html), title, results, seconds });
      clearInterval(ticker);
      process.stdout.write(
        `${process.stdout.isTTY ? "\r" : ""}${tag}: done in ${clock(seconds)}  ${results.join("; ")}\n`,
      );
    } finally {
      clearInterval(ticker);
    }
  }
  writeFileSync(join(htmlDir, "index.html"), indexPage(done));
  process.stdout.write(
    `export: ${done.length} lessons in ${clock((Date.now() - started) / 1000)} -> ${shellPath(join(htmlDir, "index.html"))}\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((/** @type {unknown} */ error) => {
    process.stderr.write(`\nexport failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

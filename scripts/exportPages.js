// @ts-check
// What both exports make of an executed notebook (scripts/export.js for the lessons, scripts/exportAnswers.js for
// the answers): its self-contained HTML page, the summary of what it printed, and the export's last line.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { recordKeyOf } from "./exportRecord.js";
import { allResultLines } from "./lessons.js";
import { joinText } from "./notebook.js";
import { ROOT, jupyterEnv, shownPath, venvProgram } from "./project.js";
import { lessonTitle } from "./resultsTable.js";

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

/**
 * What the index says of a lesson: its title (first heading), the results it printed (the lines its entry's
 * `resultLines` find, scripts/lessons/), and the settings it ran with, from its first line ("epochs = 5，训练图片
 * 60000 张"; null if it printed none).
 * @param {import("./notebook.js").Notebook} notebook
 * @param {RegExp[]} [resultLines] the lesson's (lessons.js's resultLinesOf); every lesson's by default
 */
export function summarize(notebook, resultLines = allResultLines()) {
  const title = lessonTitle(notebook);
  const lines = notebook.cells
    .flatMap((cell) => cell.outputs ?? [])
    .filter((output) => output.output_type === "stream" && output.name === "stdout")
    .flatMap((output) => joinText(output.text).split("\n"));
  const results = lines.filter((line) => resultLines.some((pattern) => pattern.test(line)));
  const params = lines.map((line) => /^epochs = (\d+)[,，]\s*训练图片 (\d+) 张/.exec(line)).find(Boolean);
  const settings = params ? { epochs: Number(params[1]), trainSize: Number(params[2]) } : null;
  return { title, results, settings, scale: scaleRows(notebook) };
}

/**
 * The rows of the loss scales a lesson showed (showLossScale's text): "name: loss, share%", where the share is
 * how far the loss went from always outputting the mean image (0%) to a perfect copy (100%).
 * @param {import("./notebook.js").Notebook} notebook
 * @returns {string[]}
 */
export function scaleRows(notebook) {
  return notebook.cells
    .flatMap((cell) => cell.outputs ?? [])
    .map((output) => joinText(/** @type {string | string[] | undefined} */ (output.data?.["text/plain"])))
    .filter((text) => text.includes("怎样读损失"))
    .flatMap((text) => text.split("\n"))
    .flatMap((line) => {
      const row = /^(.*?)\s{2,}(\d+\.\d{4})\s+(-?\d+\.\d)%$/.exec(line);
      return row ? [`${row[1]}: ${row[2]}, ${row[3]}%`] : [];
    });
}

/**
 * The export's last line: where its runs are, and whether a maintainer's `npm run record` can add them to the
 * committed record (a teacher need do nothing with them).
 * @param {string} runsFile
 * @param {string[]} changed the export's nonDefaultSettings
 * @param {"lessons" | "answers"} key
 */
export function runsLine(runsFile, changed, key) {
  const recordable = recordKeyOf(changed, key) !== undefined;
  return (
    `export: this export's runs are in ${shownPath(runsFile)}` +
    (recordable
      ? "; for the lesson pack's maintainer: `npm run record` adds them to results/export.json\n"
      : ` (set here: ${changed.join(", ")}; results/export.json records exports at the defaults only)\n`)
  );
}

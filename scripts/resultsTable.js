// @ts-check
// The generated tables, never typed: the lesson table of the teacher's guide (docs/teacher-guide.zh.md), and
// README's lessons with their times and set-up's steps (made in scripts/readmeTables.js). The guide's table
// gives, per lesson in notebooks/ (its name, and its title from the notebook's first heading), the wall times
// that `npm run export` recorded at the defaults in results/export.json, as a range per CPU, with the result
// lines those runs printed (a number that differs between runs becomes a range), and the models `npm run
// weights` saved after 50 epochs (weights/weights.json: losses, the lesson's time, date, CPU). Each table
// replaces what lies between its two marker comments, in whichever file has them, formatted by Prettier as
// `npm run format` would. A maintainer's `npm run record` rewrites them after recording an export's runs;
// `npm run results-table` rewrites them from the files as they are. test/scripts/resultsTable.test.ts checks
// that the committed guide and README hold what this makes of the committed files.
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import * as prettier from "prettier";
import { joinText } from "./notebook.js";
import { recordedRunSection } from "./bench/tables.js";
import { duration, durationRange } from "./durations.js";
import { NOTEBOOKS, ROOT, lessonNames, replaceFile } from "./project.js";
import { markdownCell as cell, markers, replaceSection, sectionOf } from "./markedSections.js";
import { quickSetting } from "./quickSetting.js";
import { serverSizing } from "./serverSizing.js";
import { answerTimes } from "./answerTimes.js";
import { README, checkTimes, lessonTimes, nodeLines, setupSteps } from "./readmeTables.js";
import { lessonPlanSection } from "./lessonPlan.js";
import { mergeResults } from "./resultRanges.js";
import { LESSONS } from "./lessons.js";

export { markers, replaceSection, sectionOf };

export const GUIDE = join(ROOT, "docs", "teacher-guide.zh.md");
export const EXPORT_RECORD = join(ROOT, "results", "export.json");
export const WEIGHTS_RECORD = join(ROOT, "weights", "weights.json");
export const BENCH_RESULTS = join(ROOT, "bench", "RESULTS.md");
export const BENCH_RECORDED = join(ROOT, "bench", "recorded");
/** The markers of the guide's table. */
export const { start: START, end: END } = markers("results-table");
export { mergeResults };

/**
 * @typedef {import("./export.js").Run} Run
 * @typedef {{lesson: string, epochs: number, loss: number, val_loss?: number, trained: string,
 *   lessonSeconds: number, cpu: string}} SavedModel
 * @typedef {{name: string, title: string, trains?: boolean}} Lesson `trains` false for a lesson whose code calls no
 *   `fit` (05-pca compares saved models): its default epochs mean nothing there
 * @typedef {{lessons: Lesson[], exported?: {lessons: Record<string, Run[]>, quick?: Record<string, Run[]>,
 *   answers?: Record<string, Run[]>}, weights: {models: Record<string,
 *   SavedModel>}, notebooks: Record<string, import("./notebook.js").Notebook>,
 *   steps?: import("./setup/common.js").Step[]}} Sources `steps` for README's set-up table: by default set-up's
 *   own (scripts/setup/runner.js STEPS); `notebooks` by lesson name
 */

/**
 * A lesson's title: the first heading of its first markdown cell ("" if none).
 * @param {import("./notebook.js").Notebook} notebook
 */
export function lessonTitle(notebook) {
  const markdown = notebook.cells.find((cell) => cell.cell_type === "markdown");
  return /^#\s+(.+)$/m.exec(joinText(markdown?.source))?.[1]?.trim() ?? "";
}

/**
 * Whether a lesson trains a model: one of its code cells calls `fit`.
 * @param {import("./notebook.js").Notebook} notebook
 */
export function lessonTrains(notebook) {
  return notebook.cells.some((cell) => cell.cell_type === "code" && /\.fit\(/.test(joinText(cell.source)));
}

/**
 * What the table is made of, read from the files: the lessons in `notebooks`, the export record (absent until
 * an export at the defaults writes it) and the weights record.
 * @param {{notebooks?: string, exportFile?: string, weightsFile?: string}} [where]
 * @returns {Sources}
 */
export function readSources({
  notebooks = NOTEBOOKS,
  exportFile = EXPORT_RECORD,
  weightsFile = WEIGHTS_RECORD,
} = {}) {
  /** @type {Record<string, import("./notebook.js").Notebook>} */
  const read = Object.fromEntries(
    lessonNames(notebooks).map((name) => [
      name,
      JSON.parse(readFileSync(join(notebooks, `${name}.ipynb`), "utf8")),
    ]),
  );
  const lessons = Object.entries(read).map(([name, notebook]) => ({
    name,
    title: lessonTitle(notebook),
    trains: lessonTrains(notebook),
  }));
  const exported = existsSync(exportFile) ? JSON.parse(readFileSync(exportFile, "utf8")) : undefined;
  return { lessons, exported, weights: JSON.parse(readFileSync(weightsFile, "utf8")), notebooks: read };
}

const settingsKey = (/** @type {Run["settings"]} */ settings) =>
  settings ? `${settings.epochs}/${settings.trainSize}` : "";

/**
 * One lesson's export runs, as two cells: the settings (with its entry's `trainsOn`) and the times per CPU; the
 * results. Runs at settings other than the newest run's (the lesson's defaults before it changed them) are left out.
 * @param {Run[] | undefined} runs the newest first
 * @param {string} [trainsOn]
 * @returns {[string, string]}
 */
function exportCells(runs, trainsOn = "") {
  if (!runs || runs.length === 0) return ["尚未测量（`npm run export`）", "—"];
  const key = settingsKey(runs[0]?.settings ?? null);
  const current = runs.filter((run) => settingsKey(run.settings) === key);
  /** @type {Map<string, number[]>} */
  const perCpu = new Map();
  for (const run of current) perCpu.set(run.cpu, [...(perCpu.get(run.cpu) ?? []), run.seconds]);
  const settings = runs[0]?.settings;
  const times = [
    ...(settings ? [`${settings.epochs} 个 epoch，${settings.trainSize} 张训练图片${trainsOn}`] : []),
    ...[...perCpu].map(([cpu, seconds]) => `\`${cpu}\`：${durationRange(seconds)}（${seconds.length} 次）`),
  ];
  const results = mergeResults(current.map((run) => run.results)).map(cell);
  return [times.join("<br>"), results.length > 0 ? results.join("<br>") : "—"];
}

/**
 * One lesson's saved models, as a cell: each model's losses after its epochs, then the lesson's time.
 * @param {(SavedModel & {name: string})[]} models
 * @param {boolean} sameMachine whether all saved models share one date and CPU (then said once, below the table)
 */
function weightsCell(models, sameMachine) {
  if (models.length === 0) return "—";
  const seconds = [...new Set(models.map((m) => m.lessonSeconds))];
  const machines = [...new Set(models.map((m) => `${m.trained}，\`${m.cpu}\``))];
  return [
    ...models.map(
      (m) =>
        `\`${m.name}\`：${m.epochs} 个 epoch 后 loss ${m.loss.toFixed(4)}` +
        (m.val_loss === undefined ? "（训练时没有验证集）" : `，val_loss ${m.val_loss.toFixed(4)}`),
    ),
    `全课 ${seconds.map((s) => duration(s)).join("、")}${sameMachine ? "" : `（${machines.join("；")}）`}`,
  ].join("<br>");
}

/**
 * The generated part of the guide (without its markers), in Markdown as written, before Prettier.
 * @param {Sources} sources
 */
export function resultsTable({ lessons, exported, weights }) {
  const models = Object.entries(weights.models).map(([name, model]) => ({ ...model, name }));
  const machines = [...new Set(models.map((m) => `${m.trained}|${m.cpu}`))];
  const sameMachine = machines.length === 1;
  const rows = lessons.map(({ name, title }) => {
    const [times, results] = exportCells(exported?.lessons[name], LESSONS[name]?.trainsOn);
    const saved = weightsCell(
      models.filter((m) => m.lesson === name),
      sameMachine,
    );
    return `| \`${name}\` | ${cell(title)} | ${times} | ${results} | ${saved} |`;
  });
  const [date, cpu] = machines[0]?.split("|") ?? [];
  return [
    ...(exported
      ? []
      : [
          "默认设置下的用时和结果尚未测量：`results/export.json` 还不存在。在默认设置下（不设置 `AE_EPOCHS`、" +
            "`AE_TRAIN_SIZE`、`AE_WEIGHTS` 等变量）运行一次 `npm run export`，它会执行每一课；" +
            "再由维护者运行 `npm run record`，记下用时和结果，并重新生成这张表。",
          "",
        ]),
    "| 课 | 标题 | 默认设置运行一遍（`npm run export`） | 默认设置的结果 | 保存的模型（`npm run weights`，`AE_WEIGHTS=1` 时加载） |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "“默认设置运行一遍”是 `npm run export` 从头到尾执行整本笔记本（含转换成 HTML）所用的时间，按 CPU 列出" +
      "记录中最短到最长的一次，括号里是记录的次数；结果是这些运行最后打印的几行，几次运行之间不同的数字写成范围。" +
      "“全课”是 `npm run weights` 把整课作为一个 Node 程序、训练到保存的 epoch 数所用的时间" +
      (sameMachine ? `，${date} 在 \`${cpu}\` 上测得。` : "，日期和 CPU 见各行。"),
    "",
    "本节由 `scripts/resultsTable.js` 根据 `notebooks/`、`results/export.json` 和 `weights/weights.json` 生成，" +
      "请不要手改：维护者按默认设置运行 `npm run export` 之后，再运行 `npm run record` 更新它；" +
      "也可以运行 `npm run results-table`，按现有的记录重新生成。",
  ].join("\n");
}

/** The generated sections by the name in their markers, and what each is made of. */
export const SECTIONS = {
  "results-table": resultsTable,
  "lesson-times": lessonTimes,
  "setup-steps": (/** @type {Sources} */ sources) => setupSteps(sources.steps),
  "node-lines": () => nodeLines(),
  "check-times": () => checkTimes(),
  "lesson-plan": lessonPlanSection,
  "quick-setting": quickSetting,
  "answer-times": answerTimes,
  "server-sizing": () => serverSizing(),
};

/**
 * `text` with each generated section it has made from `sources`, the whole formatted by Prettier with the
 * settings for `file`.
 * @param {string} text
 * @param {Sources} sources
 * @param {string} [file]
 */
export async function withResultsTable(text, sources, file = GUIDE) {
  const names = Object.keys(SECTIONS).filter((name) => sectionOf(text, name) !== undefined);
  // bench/RESULTS.md's sections each show one recorded bench run: "bench-run <file in bench/recorded/>".
  const runs = [...text.matchAll(/<!-- (bench-run ([\w.-]+\.json)) start/g)];
  if (names.length === 0 && runs.length === 0) {
    throw new Error(
      `${relative(ROOT, file)} has no generated section to rewrite: it needs a pair of marker lines, such as ${START} and ${END}`,
    );
  }
  const fixed = names.reduce(
    (sofar, name) =>
      replaceSection(sofar, SECTIONS[/** @type {keyof SECTIONS} */ (name)](sources), file, name),
    text,
  );
  const written = runs.reduce((sofar, [, name = "", recorded = ""]) => {
    const record = JSON.parse(readFileSync(join(BENCH_RECORDED, recorded), "utf8"));
    return replaceSection(sofar, recordedRunSection(record, recorded), file, name);
  }, fixed);
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(written, { ...options, filepath: file });
}

/**
 * Rewrites the generated sections of `file`, or by default of the guide, README and bench/RESULTS.md, those of
 * them that are there (the students' copy of `npm run handout` has no guide), from the files as they are.
 * Returns the files that changed.
 * @param {{file?: string, notebooks?: string, exportFile?: string, weightsFile?: string}} [where]
 */
export async function writeGeneratedSections({ file, ...where } = {}) {
  const sources = readSources(where);
  /** @type {string[]} */
  const changed = [];
  for (const target of file ? [file] : [GUIDE, README, BENCH_RESULTS].filter((path) => existsSync(path))) {
    const text = readFileSync(target, "utf8");
    const written = await withResultsTable(text, sources, target);
    if (written !== text) {
      replaceFile(target, written);
      changed.push(target);
    }
  }
  return changed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  writeGeneratedSections()
    .then((changed) =>
      process.stdout.write(
        changed.length === 0
          ? `results-table: ${[GUIDE, README, BENCH_RESULTS].map((f) => relative(ROOT, f)).join(", ")} already up to date\n`
          : `results-table: ${changed.map((file) => relative(ROOT, file)).join(" and ")} rewritten (commit it)\n`,
      ),
    )
    .catch((/** @type {unknown} */ error) => {
      process.stderr.write(`results-table: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}

// @ts-check
// Each lesson's plan for a 45-minute period, as the teacher's guide prints it (its "lesson-plan" section): the
// lesson's parts (the notebook's level-2 headings), the minutes planned for explaining each (its entry's `plan`
// in scripts/lessons/, a teaching decision), and the minutes the machine runs each part's cells, measured: `npm run
// export` times every part's cells per run, and `npm run record` records them (results/export.json, `parts`).
// test/scripts/lessonPlan.test.ts holds every lesson within the period on the slowest CPU recorded, and each plan
// to its notebook's headings.
import { duration } from "./durations.js";
import { LESSONS } from "./lessons.js";
import { joinText } from "./notebook.js";

/** A class period, in minutes. */
export const PERIOD_MINUTES = 45;

/**
 * The level-3 headings of a notebook's markdown, as written (without "### ").
 * @param {import("./notebook.js").Notebook} notebook
 */
export function subsections(notebook) {
  return notebook.cells
    .filter((cell) => cell.cell_type === "markdown")
    .flatMap((cell) => [...joinText(cell.source).matchAll(/^### (.+)$/gm)].map((m) => (m[1] ?? "").trim()));
}

/**
 * @typedef {{title: string, seconds: number}} PartTime
 * @typedef {{title: string, savedWeights: boolean, seconds: number | null}} Part
 */

/** The part a markdown cell opens, from its first level-2 heading ("## 1、获取数据" → "1、获取数据"). */
const HEADING = /^## (.+)$/m;
/** Code that AE_WEIGHTS=1 changes: the optional cell that loads saved weights, or a fit that it replaces. */
const SAVED_WEIGHTS = /tryLoadSavedWeights\(|\?\? await \w+\.fit\(/;

/**
 * A notebook's parts in order: each level-2 heading, whether AE_WEIGHTS=1 changes a cell in it, and, for a
 * notebook nbclient executed, the seconds its code cells ran (from each cell's `metadata.execution`; null when
 * not executed). Cells before the first heading belong to the first part.
 * @param {import("./notebook.js").Notebook} notebook
 * @returns {Part[]}
 */
export function lessonParts(notebook) {
  /** @type {Part[]} */
  const parts = [];
  for (const cell of notebook.cells) {
    const text = joinText(cell.source);
    const heading = cell.cell_type === "markdown" ? HEADING.exec(text)?.[1]?.trim() : undefined;
    if (heading !== undefined || parts.length === 0) {
      parts.push({ title: heading ?? "", savedWeights: false, seconds: null });
    }
    const part = /** @type {Part} */ (parts[parts.length - 1]);
    if (cell.cell_type !== "code") continue;
    if (SAVED_WEIGHTS.test(text)) part.savedWeights = true;
    const ran = cellSeconds(cell);
    if (ran !== null) part.seconds = (part.seconds ?? 0) + ran;
  }
  return parts.filter((part, i) => i > 0 || part.title !== "" || part.seconds !== null);
}

/**
 * How long a code cell ran, from the timestamps nbclient writes into its metadata; null if it has none.
 * @param {import("./notebook.js").Cell} cell
 */
function cellSeconds(cell) {
  const execution = /** @type {Record<string, string> | undefined} */ (cell.metadata?.["execution"]);
  const [busy, idle] = [execution?.["iopub.status.busy"], execution?.["iopub.status.idle"]];
  if (!busy || !idle) return null;
  const seconds = (Date.parse(idle) - Date.parse(busy)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/**
 * The parts' times of an executed notebook, rounded to tenths of a second, as the export records them.
 * @param {import("./notebook.js").Notebook} executed
 * @returns {PartTime[]}
 */
export function partTimes(executed) {
  return lessonParts(executed).map((part) => ({
    title: part.title,
    seconds: Math.round((part.seconds ?? 0) * 10) / 10,
  }));
}

/** "12 秒", "2 分 5 秒"; whole minutes for the plan: "3 分钟". */
const minutes = (/** @type {number} */ m) => `${m} 分钟`;

/**
 * The seconds each part ran in a lesson's newest recorded run per CPU (runs at the newest run's settings), and
 * the longest whole run per CPU.
 * @param {import("./export.js").Run[] | undefined} runs the newest first
 */
export function recordedTimes(runs) {
  const [newest] = runs ?? [];
  const key = JSON.stringify(newest?.settings ?? null);
  /** @type {Map<string, {parts: Map<string, number> | null, longest: number}>} */
  const perCpu = new Map();
  for (const run of (runs ?? []).filter((r) => JSON.stringify(r.settings ?? null) === key)) {
    const known = perCpu.get(run.cpu);
    const parts = run.parts ? new Map(run.parts.map((part) => [part.title, part.seconds])) : null;
    perCpu.set(run.cpu, {
      parts: known?.parts ?? parts,
      longest: Math.max(known?.longest ?? 0, run.seconds),
    });
  }
  return perCpu;
}

/**
 * A lesson's plan: its parts with the minutes planned for each and the seconds they ran per CPU, and the
 * period's total on the slowest CPU recorded (planned minutes plus that CPU's longest run, rounded up).
 * @param {string} name
 * @param {import("./notebook.js").Notebook} notebook
 * @param {import("./export.js").Run[] | undefined} runs
 */
export function lessonPlan(name, notebook, runs) {
  // A notebook the registry does not know yet has no minutes planned.
  const planned = LESSONS[name]?.plan ?? {};
  const parts = lessonParts(notebook).map((part) => ({ ...part, minutes: planned[part.title] ?? null }));
  const times = recordedTimes(runs);
  const talk = parts.reduce((sum, part) => sum + (part.minutes ?? 0), 0);
  const slowest = Math.max(0, ...[...times.values()].map((t) => t.longest));
  return { parts, times, talk, machine: Math.ceil(slowest / 60), total: talk + Math.ceil(slowest / 60) };
}

/**
 * The guide's "lesson-plan" section (without markers, before Prettier): a table per lesson.
 * @param {{lessons: {name: string, title: string}[], exported?: {lessons: Record<string, import("./export.js").Run[]>},
 *   notebooks: Record<string, import("./notebook.js").Notebook>}} sources
 */
export function lessonPlanSection({ lessons, exported, notebooks }) {
  // durations.js's wording, as the guide's other tables write times ("2 分 5 秒").
  const seconds = (/** @type {number | undefined} */ s) => (s === undefined ? "—" : duration(s));
  const blocks = lessons.map(({ name, title }) => {
    const notebook = notebooks[name];
    if (!notebook) return "";
    const plan = lessonPlan(name, notebook, exported?.lessons[name]);
    const cpus = [...plan.times.keys()];
    const header = ["部分", "讲解（计划）", ...cpus.map((cpu) => `运行 \`${cpu}\``), "`AE_WEIGHTS=1`"];
    const rows = plan.parts.map((part) => [
      part.title.replace(/\|/g, "\\|"),
      part.minutes === null ? "—" : minutes(part.minutes),
      ...cpus.map((cpu) => seconds(plan.times.get(cpu)?.parts?.get(part.title))),
      part.savedWeights ? "可加载保存的权重" : "",
    ]);
    const whole = [
      "整课",
      minutes(plan.talk),
      ...cpus.map((cpu) => seconds(plan.times.get(cpu)?.longest)),
      "",
    ];
    const verdict =
      cpus.length === 0
        ? `讲解共 ${minutes(plan.talk)}；运行时间尚未记录（\`npm run export\`，再 \`npm run record\`）。`
        : `讲解 ${minutes(plan.talk)} + 运行（记录中最慢的一次，向上取整）${minutes(plan.machine)} = ` +
          `${minutes(plan.total)}，${plan.total <= PERIOD_MINUTES ? "在" : "超出"}一节课的 ${PERIOD_MINUTES} 分钟${plan.total <= PERIOD_MINUTES ? "之内" : ""}。`;
    const skip = (LESSONS[name]?.skippable ?? []).map((heading) => `**${heading}**`).join("、");
    return [
      `#### \`${name}\` ${title}`,
      "",
      `| ${header.join(" | ")} |`,
      `| ${header.map(() => "---").join(" | ")} |`,
      ...rows.map((row) => `| ${row.join(" | ")} |`),
      `| ${whole.join(" | ")} |`,
      "",
      verdict + (skip ? `时间不够时，可以略过小节${skip}，留给学生课后读。` : ""),
    ].join("\n");
  });
  return [
    "每课一张表：各部分（笔记本里的二级标题）计划讲解几分钟，各 CPU 上运行这一部分的代码单元用了多久（`npm run export` 在默认设置下测得、`npm run record` 记录，每个 CPU 取最新的一次），“整课”一行是执行整本笔记本的时间（记录中最长的一次）。" +
      "计划把讲解和运行按先后相加，没有算训练时边等边讲省下的时间。练习不在课上：留作课后作业，或者在课的最后做其中一题。" +
      "“可加载保存的权重”的部分，用 `AE_WEIGHTS=1 npm start` 启动时直接载入训练了 50 个 epoch 的模型，不再训练。",
    "",
    ...blocks.filter(Boolean).flatMap((block) => [block, ""]),
    "本节由 `scripts/resultsTable.js` 根据 `notebooks/`、`scripts/lessons/`（讲解的计划）和 `results/export.json`（运行时间）生成，请不要手改。",
  ].join("\n");
}

// @ts-check
// README's two generated sections, never typed by hand (scripts/resultsTable.js puts them between their marker
// comments, with the guide's table): the lessons with their times, for teachers reading Chinese or English
// (from the same files as the guide's table: notebooks/, results/export.json, weights/weights.json), and
// set-up's steps with the time and disk room each one's `time` and `room` fields give (scripts/setup/).
// test/scripts/resultsTable.test.ts checks that the committed README holds what these make of the files.
import { join } from "node:path";
import { readCheckTimes } from "./checkTimes.js";
import { UNITS, duration, durationRange } from "./durations.js";
import { FULL_SUITE_LINE, NODE_LINES, RECOMMENDED, listText } from "./nodeLines.js";
import { ROOT } from "./project.js";
import { CHINESE_FONT } from "./setup/headlessChromium.js";
import { STEPS } from "./setup/runner.js";

export const README = join(ROOT, "README.md");

/**
 * @typedef {import("./resultsTable.js").Sources} Sources
 * @typedef {import("./resultsTable.js").SavedModel} SavedModel
 * @typedef {import("./export.js").Run} Run
 * @typedef {import("./setup/common.js").Step} Step
 */

/** @param {Run["settings"]} settings */
const settingsKey = (settings) => (settings ? `${settings.epochs}/${settings.trainSize}` : "");

/**
 * A lesson's export runs as README gives them: per CPU, in the order first recorded, the times of the runs at
 * the newest run's settings (runs at a lesson's earlier defaults are left out).
 * @param {Run[] | undefined} runs the newest first
 * @returns {{epochs: number | undefined, perCpu: Map<string, number[]>} | undefined}
 */
function runsPerCpu(runs) {
  const [newest] = runs ?? [];
  if (!runs || !newest) return undefined;
  const key = settingsKey(newest.settings);
  /** @type {Map<string, number[]>} */
  const perCpu = new Map();
  for (const run of runs.filter((r) => settingsKey(r.settings) === key)) {
    perCpu.set(run.cpu, [...(perCpu.get(run.cpu) ?? []), run.seconds]);
  }
  return { epochs: newest.settings?.epochs, perCpu };
}

/**
 * A lesson's saved models as README gives them: the lesson's time (one per training run) and the CPUs.
 * @param {SavedModel[]} models
 */
function savedRuns(models) {
  if (models.length === 0) return undefined;
  const cpus = [...new Set(models.map((m) => m.cpu))];
  return {
    epochs: models[0]?.epochs,
    cpu: cpus.join("|"),
    cpus,
    seconds: [...new Set(models.map((m) => m.lessonSeconds))],
  };
}

/**
 * A column's total: the sum of its ranges, where every lesson has one time or range, all on one CPU.
 * @param {({cpu: string, seconds: number[]} | undefined)[]} cells
 * @param {boolean} [ranges] whether a cell's times are a range (else several times cannot be summed)
 */
function total(cells, ranges = true) {
  /** @type {{cpu: string, seconds: number[]}[]} */
  const all = cells.flatMap((cell) => (cell && (ranges || cell.seconds.length === 1) ? [cell] : []));
  if (all.length === 0 || all.length < cells.length || new Set(all.map((cell) => cell.cpu)).size > 1) {
    return undefined;
  }
  const sum = (/** @type {(seconds: number[]) => number} */ pick) =>
    all.reduce((seconds, cell) => seconds + Math.round(pick(cell.seconds)), 0);
  return durationRange([sum((s) => Math.min(...s)), sum((s) => Math.max(...s))], UNITS.en);
}

const SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹";

/**
 * The lessons with their times at the defaults, a column per recorded CPU side by side, and the time the saved
 * models took with its rate per epoch (without markers, before Prettier). A total row sums each CPU's column
 * where every lesson has a time on that CPU.
 * @param {Sources} sources
 */
export function lessonTimes({ lessons, exported, weights }) {
  const models = Object.values(weights.models);
  const epochs = [...new Set(models.map((m) => m.epochs))];
  const rows = lessons.map(({ name, title, trains = true }) => ({
    name,
    title,
    trains,
    defaults: runsPerCpu(exported?.lessons[name]),
    saved: savedRuns(models.filter((m) => m.lesson === name)),
  }));
  /** @type {string[]} */
  const cpus = [];
  for (const row of rows)
    for (const cpu of row.defaults?.perCpu.keys() ?? []) if (!cpus.includes(cpu)) cpus.push(cpu);
  /** @type {string[]} */
  const savedCpus = [];
  for (const cpu of rows.flatMap((row) => row.saved?.cpus ?? []))
    if (!savedCpus.includes(cpu)) savedCpus.push(cpu);
  const allCpus = [...cpus, ...savedCpus.filter((cpu) => !cpus.includes(cpu))];
  const mark = (/** @type {string} */ cpu) => SUPERSCRIPTS[allCpus.indexOf(cpu)] ?? "*";
  const body = rows.map(({ name, title, trains, defaults, saved }) => {
    const atDefaults = cpus.map((cpu) => {
      const seconds = defaults?.perCpu.get(cpu);
      return seconds ? durationRange(seconds, UNITS.en) : "—";
    });
    const savedTime = saved
      ? (epochs.length > 1 ? `${saved.epochs} epochs: ` : "") +
        saved.seconds.map((seconds) => duration(seconds, UNITS.en)).join(", ") +
        saved.cpus.map(mark).join("")
      : "—";
    const perEpoch = saved?.epochs
      ? saved.seconds.map((seconds) => `${(seconds / (saved.epochs ?? 1)).toFixed(1)} s`).join(", ") +
        saved.cpus.map(mark).join("")
      : "—";
    const cells = [
      `\`${name}\``,
      title.replace(/[\\|]/g, "\\$&"),
      trains ? (defaults?.epochs ?? "—") : "不训练 trains none",
      ...atDefaults,
      savedTime,
      perEpoch,
    ];
    return `| ${cells.join(" | ")} |`;
  });
  const totals = cpus.map((cpu) =>
    total(
      rows.map((row) =>
        row.defaults?.perCpu.has(cpu) ? { cpu, seconds: row.defaults.perCpu.get(cpu) ?? [] } : undefined,
      ),
    ),
  );
  const savedHeader =
    epochs.length === 1
      ? `${epochs[0]} 个 epoch 用时 time for ${epochs[0]} epochs`
      : "保存的模型 saved models";
  const cpuHeaders = cpus.map((cpu) => `默认设置用时 time at the defaults ${mark(cpu)}`);
  const listed = allCpus.map((cpu) => `${mark(cpu)} \`${cpu}\``);
  return [
    ...(exported
      ? []
      : [
          "默认设置下的用时尚未测量：在默认设置下运行一次 `npm run export`，再运行 `npm run record`。" +
            "Times at the defaults are not measured yet: run `npm run export` at the defaults once, then `npm run record`.",
          "",
        ]),
    `| 课 lesson | 标题 title | 默认 epoch 数 default epochs | ${[...cpuHeaders, `${savedHeader} (\`npm run weights\`)`, "每个 epoch per epoch"].join(" | ")} |`,
    `| --- | --- | --- | ${[...cpuHeaders, "", ""].map(() => "---").join(" | ")} |`,
    ...body,
    ...(totals.some(Boolean)
      ? [`| 合计 total | | | ${[...totals.map((t) => t ?? ""), "", ""].join(" | ")} |`]
      : []),
    "",
    "默认设置用时：`npm run export` 执行整本笔记本并转换成 HTML 的时间，每个 CPU 一栏，有几次记录时写成最短到最长；" +
      "倒数第二栏：把整课作为一个 Node 程序，训练出 `AE_WEIGHTS=1` 加载的模型；最后一栏是它除以 epoch 数。" +
      `${listed.length > 0 ? `测量所用的 CPU：${listed.join("；")}。` : ""}`,
    "",
    "At the defaults: the whole notebook run and converted to HTML by `npm run export`, a column per CPU, the " +
      "shortest to the longest of the recorded runs; the second-to-last column: the lesson run as one Node " +
      "program to train the models `AE_WEIGHTS=1` loads; the last, that time divided by its epochs." +
      (listed.length > 0 ? ` The marks name the CPUs: ${listed.join("; ")}.` : ""),
    "",
    "本节由 `scripts/resultsTable.js` 根据 `notebooks/`、`results/export.json` 和 `weights/weights.json` 生成，" +
      "请不要手改。Generated from those files (`npm run results-table`): do not edit.",
  ].join("\n");
}

/**
 * The disk room each step fills on a fresh machine, as set-up counts it before it runs (scripts/setup/room.js),
 * with the total in the checkout and in all. Where npm's cache and the temporary folder lie depends on the
 * machine: here they are fixed, outside the checkout.
 * @param {Step[]} [steps]
 */
export function freshRooms(steps = STEPS) {
  const env = { npm_config_cache: "/npm-cache", TMPDIR: "/tmp" };
  const perStep = steps.map((step) => step.room(env, true));
  const mb = (/** @type {{mb: number}[]} */ rooms) => rooms.reduce((sum, room) => sum + room.mb, 0);
  return {
    perStep,
    inCheckout: mb(perStep.flat().filter((room) => room.where.startsWith(ROOT))),
    inAll: mb(perStep.flat()),
  };
}

/** @param {number} mb */
const size = (mb) => (mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${Math.ceil(mb)} MB`);

/**
 * Set-up's steps with what a first run of each takes and the disk room it fills on a fresh machine, and the
 * total room as set-up checks it (without markers, before Prettier).
 * @param {Step[]} [steps]
 */
export function setupSteps(steps = STEPS) {
  const { perStep, inCheckout, inAll } = freshRooms(steps);
  const [font] = CHINESE_FONT.spec.split(/(?<=.)@/);
  return [
    "| step | first run | room on a fresh machine |",
    "| --- | --- | --- |",
    ...steps.map((step, i) => {
      const room = (perStep[i] ?? []).map((r) => `${r.what} ${size(r.mb)}`.replace(/\|/g, "\\|")).join(", ");
      return `| ${step.name.replace(/\|/g, "\\|")} | ${step.time} | ${room || "—"} |`;
    }),
    "",
    `A fresh set-up needs about ${size(inCheckout)} in the checkout, ${size(inAll)} in all (with npm's ` +
      "cache and pip's temporary copy of the wheel); set-up checks for that room before it writes anything. " +
      "The browser step runs only where the machine has no Chromium; it adds the font Noto Sans SC Regular for " +
      `Chinese and Latin text (${CHINESE_FONT.sizeMB} MB, from the npm package \`${font}\`, a ` +
      `${CHINESE_FONT.downloadMB} MB download, SHA-512 checked) and a fontconfig file that lists it.`,
    "",
    "Generated by `scripts/resultsTable.js` from the steps' `time` and `room` fields (`scripts/setup/`): " +
      "`npm run results-table` rewrites it.",
  ].join("\n");
}

/**
 * The Node.js lines the pack is tested on (scripts/nodeLines.js), for README and the guide, in both languages
 * (without markers, before Prettier).
 */
export function nodeLines() {
  const majors = NODE_LINES.map((line) => line.major);
  const others = majors.filter((major) => major !== FULL_SUITE_LINE);
  // Versions set-up refuses, as examples: the ones beside the newest line.
  const newest = Math.max(...majors);
  const refused = [newest - 1, newest + 1].filter((major) => !majors.includes(major));
  return [
    "| Node.js | 状态 status | CI 测试的版本 release CI runs |",
    "| --- | --- | --- |",
    ...NODE_LINES.map((line) => `| ${line.major} | ${line.statusZh} · ${line.status} | ${line.version} |`),
    "",
    `课程包只在 Node.js ${listText(majors, "zh")} 上测试，推荐 ${RECOMMENDED.join(" 或 ")} LTS：` +
      `从 nodejs.org 下载安装，或者用 nvm 安装（\`nvm install ${RECOMMENDED.at(-1)}\`），` +
      "再用 `node --version` 确认终端里的 `node` 就是它。" +
      "`npm start`、`npm test` 等命令每次都先检查 Node.js 的版本，" +
      `遇到其他版本（例如 ${listText(refused, "zh").replace(" 和 ", " 或 ")}）就停下来，` +
      "打印 `setup failed: the lesson pack is tested on Node.js …`，下一行 `How to fix:` 说明要装哪个版本；" +
      "装好以后再运行原来的命令即可。" +
      `CI（\`.ci/run\`）在 ${FULL_SUITE_LINE} 上运行全部测试，在 ${listText(others, "zh")} 上各自从头安装，` +
      "再运行快速测试、以很小的设置执行每一课和每一本答案，并在浏览器里打开 JupyterLab。",
    "",
    `The pack is tested on Node.js ${listText(majors)}; ${RECOMMENDED.join(" or ")} LTS is recommended: ` +
      `install it from nodejs.org or with nvm (\`nvm install ${RECOMMENDED.at(-1)}\`), and check with ` +
      "`node --version` that it is the terminal's `node`. `npm start`, `npm test` and the other commands check " +
      `Node.js first every time: on any other version (${listText(refused).replace(" and ", " or ")}, say) ` +
      "they stop with `setup failed: the lesson pack is tested on Node.js …` and a `How to fix:` line naming " +
      "the versions to install; install one and run the command again. " +
      `CI runs the whole suite on ${FULL_SUITE_LINE}, and on ${listText(others)} a fresh set-up, the unit ` +
      "tier, every lesson and answer at small settings, and JupyterLab in a browser (`.ci/run`).",
    "",
    "本节由 `scripts/resultsTable.js` 根据 `scripts/nodeLines.js` 生成。Generated from `scripts/nodeLines.js`.",
  ].join("\n");
}

/**
 * How long `npm test` and `npm run doctor` took, as results/checks.json records them: per check, the shortest to
 * the longest quiet run on each CPU (without markers, before Prettier).
 * @param {import("./checkTimes.js").CheckTimes} [times]
 */
export function checkTimes(times = readCheckTimes()) {
  /** @param {string} check @param {"zh" | "en"} language */
  const measured = (check, language) => {
    const quiet = (times.checks[check] ?? []).filter((run) => run.load === "quiet");
    const cpus = [...new Set(quiet.map((run) => run.cpu))];
    if (cpus.length === 0) return language === "zh" ? "还没有记录" : "not recorded yet";
    return cpus
      .map((cpu) => {
        const runs = quiet.filter((run) => run.cpu === cpu);
        const range = durationRange(
          runs.map((run) => run.seconds),
          UNITS[language],
        );
        const nodes = [...new Set(runs.map((run) => run.node))].join(", ");
        return language === "zh"
          ? `${range}（${cpu}，Node ${nodes}，${runs.length} 次）`
          : `${range} (${cpu}, Node ${nodes}, ${runs.length} run${runs.length > 1 ? "s" : ""})`;
      })
      .join(language === "zh" ? "；" : "; ");
  };
  return [
    "| 命令 command | 测量的用时 measured time |",
    "| --- | --- |",
    `| \`npm run doctor\` | ${measured("npm run doctor", "zh")} · ${measured("npm run doctor", "en")} |`,
    `| \`npm test\`（测试部分 its tests） | ${measured("npm test", "zh")} · ${measured("npm test", "en")} |`,
    "",
    "两行都不含开头的安装检查（第一次运行还要加上安装的时间）；`npm test` 一行也不含类型、代码和格式检查。" +
      "Neither row counts the set-up check before it (a first run adds set-up's time); the `npm test` row " +
      "leaves out the type, lint and format checks too.",
    "",
    "本节由 `scripts/resultsTable.js` 根据 `results/checks.json` 生成（维护者带 `AE_RECORD=1` 运行这两条命令时记录）。" +
      "Generated from `results/checks.json`, which the two commands write when a maintainer runs them with " +
      "`AE_RECORD=1`.",
  ].join("\n");
}

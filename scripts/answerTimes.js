// @ts-check
// The answer notebooks' recorded runs as README and the guide list them (their "answer-times" section): per
// answer notebook, the times `npm run export -- --answers` took on each CPU at the defaults, and the summary line
// its checks printed in the newest run (`npm run record` records both under `answers` in results/export.json).
import { durationRange, UNITS } from "./durations.js";

/**
 * @typedef {import("./exportRecord.js").Run} Run
 * @typedef {import("./resultsTable.js").Sources} Sources
 */

/** An answer notebook's summary line: "12 项检查：全部在预期范围内", "1 项超出预期范围（共 12 项检查）：…". */
const SUMMARY = /^\d+ 项(检查|超出预期范围)/;

/**
 * The section (without markers, before Prettier), in both languages as README's sections are.
 * @param {Sources} sources
 */
export function answerTimes({ exported }) {
  const answers = exported?.answers ?? {};
  /** @type {string[]} */
  const cpus = [];
  for (const runs of Object.values(answers))
    for (const run of runs) if (!cpus.includes(run.cpu)) cpus.push(run.cpu);
  if (cpus.length === 0) {
    return (
      "答案笔记本的用时尚未测量：运行一次 `npm run export -- --answers`，再运行 `npm run record`。" +
      "The answer notebooks' times are not measured yet: run `npm run export -- --answers` once, then `npm run record`."
    );
  }
  const rows = Object.entries(answers).map(([name, runs]) => {
    const times = cpus.map((cpu) => {
      const seconds = runs.filter((run) => run.cpu === cpu).map((run) => run.seconds);
      return seconds.length > 0 ? durationRange(seconds, UNITS.en) : "—";
    });
    const summary = runs[0]?.results.find((line) => SUMMARY.test(line)) ?? "—";
    return `| \`answers/${name}\` | ${times.join(" | ")} | ${summary.replace(/[\\|]/g, "\\$&")} |`;
  });
  const columns = cpus.map((cpu) => `\`${cpu}\``);
  return [
    `| 答案 answers | ${columns.join(" | ")} | 最新一次的检查 newest run's checks |`,
    `| --- | ${columns.map(() => "---").join(" | ")} | --- |`,
    ...rows,
    "",
    "`npm run export -- --answers` 在默认设置下执行整本答案（含转换成 HTML）的时间，每个 CPU 一栏，有几次记录时写成最短到最长。" +
      "The time `npm run export -- --answers` took to run each answer notebook at the defaults (and convert it to " +
      "HTML), a column per CPU, the shortest to the longest of the recorded runs.",
    "",
    "本节由 `scripts/resultsTable.js` 根据 `results/export.json` 的 `answers` 部分生成，请不要手改。" +
      "Generated from the `answers` part of `results/export.json`: do not edit.",
  ].join("\n");
}

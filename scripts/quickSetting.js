// @ts-check
// The teacher's guide's quick setting (AE_EPOCHS=1, exportRecord.js's QUICK_SETTING), as measured: its
// generated section lists, per lesson, the recorded exports' times per CPU and where each model the lesson
// trained landed on its loss scale; test/claims.test.ts holds every such model above the mean-image line.
import { durationRange } from "./durations.js";
import { markdownCell as cell } from "./markedSections.js";

/**
 * @typedef {import("./exportRecord.js").Run} Run
 * @typedef {import("./resultsTable.js").Sources} Sources
 */

/** The loss scale's reference rows, which no model of the lesson makes. */
const SCALE_BASELINES = ["完美复制（输出 = 输入）", "输出该数字的平均训练图像", "始终输出平均训练图像"];

/**
 * The rows of a recorded run's loss scales that are its own models trained at the run's settings: not the
 * baselines, not the saved 50-epoch models it shows beside them. Each as {name, loss, share}.
 * @param {Run} run
 */
export function trainedScaleRows(run) {
  return (run.scale ?? []).flatMap((row) => {
    const found = /^(.*): (\d+\.\d+), (-?\d+\.\d)%$/.exec(row);
    if (!found) return [];
    const name = found[1] ?? "";
    if (SCALE_BASELINES.includes(name) || /50 个 epoch|保存的模型/.test(name)) return [];
    return [{ name, loss: Number(found[2]), share: Number(found[3]) }];
  });
}

/**
 * The guide's quick-setting section (without markers, before Prettier): per lesson, the recorded times of an
 * export at the quick setting per CPU, and where its models' losses landed on the lesson's loss scale.
 * @param {Sources} sources
 */
export function quickSetting({ lessons, exported }) {
  const quick = exported?.quick ?? {};
  /** @type {string[]} */
  const cpus = [];
  for (const runs of Object.values(quick))
    for (const run of runs) if (!cpus.includes(run.cpu)) cpus.push(run.cpu);
  const columns = cpus.length > 0 ? cpus.map((cpu) => `\`${cpu}\` 上的用时`) : ["用时"];
  const rows = lessons.map(({ name }) => {
    const runs = quick[name] ?? [];
    const times = cpus.map((cpu) => {
      const seconds = runs.filter((run) => run.cpu === cpu).map((run) => run.seconds);
      return seconds.length > 0 ? durationRange(seconds) : "—";
    });
    if (times.length === 0) times.push("—");
    const newest = runs[0];
    const scale = newest ? trainedScaleRows(newest) : [];
    const where =
      scale.length > 0
        ? scale
            .map((row) => `${cell(row.name)}：${row.loss.toFixed(4)}，${row.share.toFixed(1)}%`)
            .join("<br>")
        : newest
          ? "本课不画损失的刻度"
          : "尚未测量";
    return `| \`${name}\` | ${times.join(" | ")} | ${where} |`;
  });
  return [
    `| 课 | ${columns.join(" | ")} | 本次训练的模型在“怎样读损失”刻度上的位置（损失，平均图像 → 完美） |`,
    `| --- | ${columns.map(() => "---").join(" | ")} | --- |`,
    ...rows,
    "",
    "用时是 `AE_EPOCHS=1 npm run export` 执行整本笔记本（含转换成 HTML）的时间，有几次记录时写成最短到最长；" +
      "位置取最新的一次：0% 是“始终输出平均训练图像”，大于 0% 就是比它好，100% 是完美复制。",
    "",
    "本节由 `scripts/resultsTable.js` 根据 `results/export.json` 的 `quick` 部分生成（维护者在这个设置下运行 `npm run export` 之后用 `npm run record` 记录），请不要手改。",
  ].join("\n");
}

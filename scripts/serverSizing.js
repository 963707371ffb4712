// @ts-check
// The teacher's guide's "server-sizing" section: what each lesson's kernel used (results/usage.json, written by
// `npm run usage`), and from it a shared server's size for a class of 10, 40 and 100, by The Littlest
// JupyterHub's rules (its "Estimate Memory / CPU / Disk needed"): memory = concurrent users × memory per user +
// 128 MB, with 20–40 % headroom on the most a user was seen to use (40 % here); CPU = concurrent users × CPU per
// user + 20 % of one CPU; disk = users × disk per user + 2 GB (and the install).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { duration } from "./durations.js";
import { ROOT } from "./project.js";

/** What `npm run usage` records (scripts/usage.js). */
export const USAGE_RECORD = join(ROOT, "results", "usage.json");

/** The class sizes the guide sizes a server for; in a lab period every student works at once. */
export const CLASS_SIZES = [10, 40, 100];
/** A class period, in seconds: a lesson's CPU time is spread over it. */
export const PERIOD_SECONDS = 45 * 60;
/** TLJH's headroom on the most memory a user was seen to use (20–40 %), and its overheads. */
export const HEADROOM = 0.4;
const HUB_MB = 128;
const HUB_CPU = 0.2;
const HUB_DISK_GB = 2;

/**
 * @typedef {import("./usage.js").UsageRun} UsageRun
 * @typedef {"defaults" | "savedWeights"} Setting
 */

/**
 * What one student needs in a setting: memory (the largest kernel peak plus their JupyterLab server, with the
 * headroom), CPU (the largest lesson's CPU time over a period, in cores) and disk (the executed lessons kept).
 * @param {UsageRun} run
 * @param {Setting} setting
 */
export function perStudent(run, setting) {
  const lessons = Object.values(run.lessons).map((lesson) => lesson[setting]);
  const peakMB = Math.max(...lessons.map((usage) => usage.peakMB));
  const cpuSeconds = Math.max(...lessons.map((usage) => usage.cpuSeconds));
  return {
    memoryMB: (peakMB + run.jupyterServerMB) * (1 + HEADROOM),
    cores: cpuSeconds / PERIOD_SECONDS,
    diskMB: lessons.reduce((sum, usage) => sum + (usage.notebookMB ?? 0), 0),
  };
}

/**
 * A server for `students` working at once, in a setting: GB of memory, cores, GB of disk (rounded up).
 * @param {UsageRun} run
 * @param {Setting} setting
 * @param {number} students
 */
export function serverSize(run, setting, students) {
  const one = perStudent(run, setting);
  return {
    memoryGB: Math.ceil((students * one.memoryMB + HUB_MB) / 1024),
    cores: Math.ceil(students * one.cores + HUB_CPU),
    diskGB: Math.ceil((students * one.diskMB) / 1024 + HUB_DISK_GB + (run.installMB ?? 0) / 1024),
  };
}

/**
 * The section (without markers, before Prettier).
 * @param {{usage?: {runs: UsageRun[]}}} [sources] by default results/usage.json
 */
export function serverSizing({ usage = readUsage() } = {}) {
  const run = usage?.runs[0];
  if (!run) {
    return "尚未测量：运行一次 `npm run usage`，它测出每一课内核的内存和 CPU 时间，并生成本节。";
  }
  const both = (/** @type {(setting: Setting) => string} */ show) =>
    `${show("defaults")} / ${show("savedWeights")}`;
  const rows = Object.entries(run.lessons).map(([name, lesson]) => {
    const cells = [
      both((s) => `${lesson[s].peakMB} MB`),
      both((s) => duration(lesson[s].cpuSeconds)),
      both((s) => duration(lesson[s].seconds)),
    ];
    return `| \`${name}\` | ${cells.join(" | ")} |`;
  });
  const sizes = CLASS_SIZES.map((students) => {
    const [a, b] = /** @type {Setting[]} */ (["defaults", "savedWeights"]).map((s) =>
      serverSize(run, s, students),
    );
    return `| ${students} | ${a?.memoryGB} GB / ${b?.memoryGB} GB | ${a?.cores} / ${b?.cores} | ${a?.diskGB} GB |`;
  });
  const [defaults, saved] = /** @type {Setting[]} */ (["defaults", "savedWeights"]).map((s) =>
    perStudent(run, s),
  );
  return [
    `${run.date} 在 \`${run.cpu}\`（${run.cores} 核，Node.js ${run.node}）上，每课单独运行一遍测得（默认设置 / \`AE_WEIGHTS=1\`）：`,
    "",
    "| 课 | 内核的内存峰值 | 内核的 CPU 时间 | 运行一遍 |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    `每位学生另有一个 JupyterLab 服务器进程，打开页面后约 ${run.jupyterServerMB} MB。` +
      "CPU 时间是内核所有线程用掉的 CPU 时间之和：训练时 TensorFlow 会用上所有的核，所以它可以大于“运行一遍”的时间。",
    "",
    "按 The Littlest JupyterHub 的估算方法（其文档 “Estimate Memory / CPU / Disk needed”），全班在同一节课里同时使用：",
    "",
    `- 内存 = 人数 × 每人内存 + 128 MB。每人内存取上表最大的内核峰值加一个 JupyterLab 服务器，再留 ${HEADROOM * 100}% 余量：` +
      `默认设置 ${Math.round(defaults?.memoryMB ?? 0)} MB，\`AE_WEIGHTS=1\` ${Math.round(saved?.memoryMB ?? 0)} MB。`,
    `- CPU = 人数 × 每人 CPU + 0.2 核。每人 CPU 取上表最大的 CPU 时间，摊在一节 45 分钟的课里：` +
      `默认设置 ${(defaults?.cores ?? 0).toFixed(2)} 核，\`AE_WEIGHTS=1\` ${(saved?.cores ?? 0).toFixed(2)} 核。` +
      "全班同时按下“运行”时会更慢，但不会出错：CPU 不够只是变慢，内存不够内核才会重启。",
    `- 磁盘 = 人数 × 每人磁盘 + 2 GB，再加安装本身（约 ${((run.installMB ?? 0) / 1024).toFixed(1)} GB）。` +
      `每人磁盘取七课执行后连同输出保存的大小，约 ${Math.round(defaults?.diskMB ?? 0)} MB。`,
    "",
    "| 学生人数 | 内存（默认 / `AE_WEIGHTS=1`） | CPU 核（默认 / `AE_WEIGHTS=1`） | 磁盘 |",
    "| --- | --- | --- | --- |",
    ...sizes,
    "",
    "本节由 `scripts/serverSizing.js` 根据 `results/usage.json`（`npm run usage` 写入）生成，请不要手改。",
  ].join("\n");
}

/** results/usage.json, or undefined before the first `npm run usage`. */
function readUsage() {
  return existsSync(USAGE_RECORD) ? JSON.parse(readFileSync(USAGE_RECORD, "utf8")) : undefined;
}

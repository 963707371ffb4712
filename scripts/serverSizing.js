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
 * What one student needs in a setting: memory (the largest kernel's own memory at its peak plus their
 * JupyterLab server's, with the headroom; and, once for the server, the kernels' shared memory), CPU (the cores
 * a running lesson keeps busy, and the least: the largest lesson's CPU time spread over a period) and disk (the
 * executed lessons kept).
 * @param {UsageRun} run
 * @param {Setting} setting
 */
export function perStudent(run, setting) {
  const lessons = Object.values(run.lessons).map((lesson) => lesson[setting]);
  // A kernel's own memory: its shared part (TensorFlow's library, mostly) is in memory once for all kernels.
  const privateMB = Math.max(...lessons.map((usage) => usage.privateMB ?? usage.peakMB));
  const cpuSeconds = Math.max(...lessons.map((usage) => usage.cpuSeconds));
  return {
    // TLJH's "max CPU usage per user": the cores a running lesson keeps busy (CPU time over its run), at most
    // this machine's cores; and, below that, the least that lets the class's runs fit in one period.
    cores: Math.max(...lessons.map((usage) => usage.cpuSeconds / usage.seconds)),
    periodCores: cpuSeconds / PERIOD_SECONDS,
    memoryMB: (privateMB + (run.jupyterServerPrivateMB ?? run.jupyterServerMB)) * (1 + HEADROOM),
    sharedMB: Math.max(...lessons.map((usage) => usage.sharedMB ?? 0)),
    diskMB: lessons.reduce((sum, usage) => sum + (usage.notebookMB ?? 0), 0),
  };
}

/**
 * A server for `students` working at once, in a setting: GB of memory, cores (for every lesson to run as fast as
 * measured; the least for the runs to fit in a period), GB of disk (rounded up).
 * @param {UsageRun} run
 * @param {Setting} setting
 * @param {number} students
 */
export function serverSize(run, setting, students) {
  const one = perStudent(run, setting);
  return {
    memoryGB: Math.ceil((students * one.memoryMB + one.sharedMB + HUB_MB) / 1024),
    cores: Math.ceil(students * one.cores + HUB_CPU),
    leastCores: Math.ceil(students * one.periodCores + HUB_CPU),
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
      both((s) => `${lesson[s].peakMB} MB（${lesson[s].privateMB ?? "—"} MB）`),
      both((s) => duration(lesson[s].cpuSeconds)),
      both((s) => duration(lesson[s].seconds)),
    ];
    return `| \`${name}\` | ${cells.join(" | ")} |`;
  });
  const sizes = CLASS_SIZES.map((students) => {
    const [a, b] = /** @type {Setting[]} */ (["defaults", "savedWeights"]).map((s) =>
      serverSize(run, s, students),
    );
    return (
      `| ${students} | ${a?.memoryGB} GB / ${b?.memoryGB} GB | ${a?.cores} / ${b?.cores} | ` +
      `${a?.leastCores} / ${b?.leastCores} | ${a?.diskGB} GB |`
    );
  });
  const [defaults, saved] = /** @type {Setting[]} */ (["defaults", "savedWeights"]).map((s) =>
    perStudent(run, s),
  );
  return [
    `${run.date} 在 \`${run.cpu}\`（${run.cores} 核，Node.js ${run.node}）上，每课单独运行一遍测得（默认设置 / \`AE_WEIGHTS=1\`）：`,
    "",
    "| 课 | 内核的内存峰值（其中内核独有的） | 内核的 CPU 时间 | 运行一遍 |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    "内存峰值是 `top` 显示的常驻内存（RSS）的最高值；括号里是其中内核独有的部分，其余主要是 TensorFlow 的库，" +
      `同一台服务器上所有内核共用一份（最多 ${Math.max(...Object.values(run.lessons).map((l) => l.defaults.sharedMB ?? 0))} MB）。` +
      `每位学生另有一个 JupyterLab 服务器进程，打开页面后 ${run.jupyterServerMB} MB（独有 ${run.jupyterServerPrivateMB ?? "—"} MB）。` +
      "CPU 时间是内核所有线程用掉的 CPU 时间之和：训练时 TensorFlow 会用上所有的核，所以它可以大于“运行一遍”的时间。",
    "",
    "按 The Littlest JupyterHub 的估算方法（其文档“Estimate Memory / CPU / Disk needed”），全班在同一节课里同时使用：",
    "",
    `- 内存 = 人数 × 每人内存 + 共用的部分 + 128 MB（The Littlest JupyterHub 自己的开销）。每人内存取上表内核独有内存的最大值加一个 JupyterLab 服务器独有的内存，再留 ${HEADROOM * 100}% 余量（文档建议 20–40%）：` +
      `默认设置 ${Math.round(defaults?.memoryMB ?? 0)} MB，\`AE_WEIGHTS=1\` ${Math.round(saved?.memoryMB ?? 0)} MB。`,
    "- CPU = 人数 × 每人 CPU + 0.2 核（文档里的“+ 20%”：它自己的开销，约一个核的五分之一）。每人 CPU 取各课运行时平均占用核数的最大值（上表 CPU 时间除以运行一遍的时间，" +
      `最多是这台机器的 ${run.cores} 核）：默认设置 ${(defaults?.cores ?? 0).toFixed(1)} 核，` +
      `\`AE_WEIGHTS=1\` ${(saved?.cores ?? 0).toFixed(1)} 核，这样全班同时运行也和这里一样快。` +
      "CPU 少一些时训练只是变慢，不会出错（内存不够内核才会重启）；但至少要让全班在一节 45 分钟的课里跑完：" +
      "人数 × 最长一课的 CPU 时间 ÷ 45 分钟，下表“至少”一栏。",
    `- 磁盘 = 人数 × 每人磁盘 + 2 GB，再加安装本身（约 ${((run.installMB ?? 0) / 1024).toFixed(1)} GB）。` +
      `每人磁盘取全部 ${Object.keys(run.lessons).length} 课执行后连同输出保存的大小，约 ${Math.round(defaults?.diskMB ?? 0)} MB。`,
    "",
    "| 学生人数 | 内存（默认 / `AE_WEIGHTS=1`） | CPU 核，和这里一样快（默认 / `AE_WEIGHTS=1`） | CPU 核，至少（默认 / `AE_WEIGHTS=1`） | 磁盘 |",
    "| --- | --- | --- | --- | --- |",
    ...sizes,
    "",
    advice(run, defaults, saved),
    "",
    "本节由 `scripts/serverSizing.js` 根据 `results/usage.json`（`npm run usage` 写入）生成，请不要手改。",
  ].join("\n");
}

/**
 * What the numbers advise: what AE_WEIGHTS=1 saves (read from them, not assumed), a per-user memory limit, and
 * one open kernel at a time.
 * @param {UsageRun} run
 * @param {ReturnType<typeof perStudent> | undefined} defaults
 * @param {ReturnType<typeof perStudent> | undefined} saved
 */
function advice(run, defaults, saved) {
  const longest = (/** @type {Setting} */ s) =>
    Math.max(...Object.values(run.lessons).map((l) => l[s].cpuSeconds));
  const memory = (/** @type {number | undefined} */ mb) => Math.round(mb ?? 0);
  const moreMemory = memory(saved?.memoryMB) > memory(defaults?.memoryMB);
  const limitGB = Math.ceil(Math.max(defaults?.memoryMB ?? 0, saved?.memoryMB ?? 0) / 1024);
  return [
    `建议：\`AE_WEIGHTS=1\`（\`npm run server -- install --saved-weights\`）省的是 CPU：最长一课的 CPU 时间从 ` +
      `${duration(longest("defaults"))}降到 ${duration(longest("savedWeights"))}；` +
      (moreMemory ? "它不省内存（加载的模型反而让每人内存略多），" : "它也省一点内存，") +
      "服务器的大小主要由内存决定。",
    `每个打开的笔记本都有自己的内核，占着内存：请学生一次只开一课，做完一课后在 Kernel 菜单里选 Shut Down Kernel。` +
      `在 The Littlest JupyterHub 上可以给每人设上限，例如 \`sudo tljh-config set limits.memory ${limitGB}G\`，` +
      "再 `sudo tljh-config reload`：超出的内核会重启，而不会拖垮整台服务器。",
  ].join("\n");
}

/** results/usage.json, or undefined before the first `npm run usage`. */
function readUsage() {
  return existsSync(USAGE_RECORD) ? JSON.parse(readFileSync(USAGE_RECORD, "utf8")) : undefined;
}

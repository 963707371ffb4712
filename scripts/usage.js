// @ts-check
// `npm run usage` (a maintainer's measurement, for the shared server's sizing): each lesson executed headless at
// its defaults and with AE_WEIGHTS=1, one at a time, and its kernel's peak memory and CPU time read from the
// kernel itself (process.resourceUsage() in a cell appended to a copy of the lesson); and an idle JupyterLab
// server's memory, as each student has one. Recorded in results/usage.json, newest first, one run per CPU: the
// teacher's guide's "server-sizing" section is made from it (scripts/serverSizing.js).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { executeNotebook, joinText } from "./notebook.js";
import { NOTEBOOKS, ROOT, cpuName, jupyterEnv, lessonNames, venvProgram } from "./project.js";
import { writeGeneratedSections } from "./resultsTable.js";
import { USAGE_RECORD } from "./serverSizing.js";
const MARK = "AE_USAGE ";
/**
 * The prepended cell: the kernel's memory sampled every 100 ms while the lesson runs, its private part (RssAnon:
 * what each kernel needs of its own) and its shared part (RssFile + RssShmem: mostly TensorFlow's library, in
 * memory once for all kernels of a server), each at its highest.
 */
const SAMPLER_CELL = [
  "// Prepended by scripts/usage.js: the kernel's memory, sampled while the lesson runs.",
  'import { readFileSync as aeReadFile } from "fs";',
  "const aeMemory = { privateKB: 0, sharedKB: 0 };",
  "const aeSample = () => {",
  '  const status = aeReadFile("/proc/self/status", "utf8");',
  "  const lines = status.split(String.fromCharCode(10));",
  "  const kB = (name: string) =>",
  '    Number(lines.find((l) => l.startsWith(name + ":"))?.slice(name.length + 1).trim().split(" ")[0] ?? 0);',
  '  aeMemory.privateKB = Math.max(aeMemory.privateKB, kB("RssAnon"));',
  '  aeMemory.sharedKB = Math.max(aeMemory.sharedKB, kB("RssFile") + kB("RssShmem"));',
  "};",
  "setInterval(aeSample, 100).unref();",
].join("\n");
/** The appended cell: the peaks, and what the kernel process used (maxRSS in kB, CPU times in µs). */
const USAGE_CELL = [
  "// Appended by scripts/usage.js: the kernel's peak memory and CPU time.",
  "aeSample();",
  "const aeUsage = process.resourceUsage();",
  `console.log("${MARK}" + JSON.stringify({ maxRSS: aeUsage.maxRSS, cpu: aeUsage.userCPUTime + aeUsage.systemCPUTime, ...aeMemory }));`,
].join("\n");

/**
 * @typedef {{peakMB: number, privateMB?: number, sharedMB?: number, cpuSeconds: number, seconds: number,
 *   notebookMB?: number}} Usage one lesson run: its kernel's peak memory (MB: resident, as `top` shows it; of
 *   that, its own and the shared part, sampled), CPU time (user + system, all threads), the run's wall time, and
 *   the size of the executed notebook with its outputs (what a student's saved lesson takes on disk)
 * @typedef {{date: string, cpu: string, cores: number, node: string, jupyterServerMB: number,
 *   jupyterServerPrivateMB?: number,
 *   installMB?: number, lessons: Record<string, {defaults: Usage, savedWeights: Usage}>}} UsageRun `installMB`:
 *   what set-up installed that a server keeps (node_modules, .venv, the library's build, the weights)
 */

/**
 * Reads the usage line from an executed notebook's last cell.
 * @param {import("./notebook.js").Notebook} notebook
 * @returns {{maxRSS: number, cpu: number, privateKB: number, sharedKB: number}}
 */
export function usageOf(notebook) {
  const text = (notebook.cells.at(-1)?.outputs ?? []).map((output) => joinText(output.text)).join("");
  const line = text.split("\n").find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`expected the line "${MARK}{...}" in the last cell's output, found: ${text}`);
  return JSON.parse(line.slice(MARK.length));
}

/**
 * Runs one lesson with the usage cell appended.
 * @param {string} lesson
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<Usage>}
 */
async function measure(lesson, env) {
  const dir = join(ROOT, "dist", "usage");
  mkdirSync(dir, { recursive: true });
  const notebook = JSON.parse(readFileSync(join(NOTEBOOKS, `${lesson}.ipynb`), "utf8"));
  const cell = (/** @type {string} */ source) => ({
    cell_type: "code",
    source,
    outputs: [],
    execution_count: null,
    metadata: {},
  });
  notebook.cells = [cell(SAMPLER_CELL), ...notebook.cells, cell(USAGE_CELL)];
  const input = join(dir, `${lesson}.input.ipynb`);
  writeFileSync(input, JSON.stringify(notebook));
  const started = Date.now();
  try {
    const output = join(dir, `${lesson}.${env.AE_WEIGHTS ? "saved" : "defaults"}.ipynb`);
    const executed = await executeNotebook(input, output, { env });
    const seconds = (Date.now() - started) / 1000;
    const { maxRSS, cpu, privateKB, sharedKB } = usageOf(executed);
    return {
      peakMB: Math.round(maxRSS / 1024),
      privateMB: Math.round(privateKB / 1024),
      sharedMB: Math.round(sharedKB / 1024),
      cpuSeconds: Math.round(cpu / 1e5) / 10,
      seconds: Math.round(seconds),
      notebookMB: Math.round(statSync(output).size / 1e5) / 10,
    };
  } finally {
    rmSync(input, { force: true });
  }
}

/**
 * An idle JupyterLab server's memory (MB), resident and private, as each student's server has it once its page
 * is open, before any kernel.
 */
async function jupyterServer() {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn(
    venvProgram("jupyter"),
    [
      "lab",
      "--no-browser",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--IdentityProvider.token=usage",
      // A maintainer's machine may run it as root (CI's does); a student's server never is.
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ],
    { env: jupyterEnv(), stdio: "ignore" },
  );
  try {
    for (let tries = 0; ; tries++) {
      try {
        await fetch(`http://127.0.0.1:${port}/api`);
        break;
      } catch (error) {
        if (tries > 300) throw new Error(`JupyterLab did not answer in 60 s: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    await fetch(`http://127.0.0.1:${port}/lab?token=usage`); // the page a student opens
    const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
    const mb = (/** @type {string} */ name) =>
      Math.round(Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024);
    return { jupyterServerMB: mb("VmRSS"), jupyterServerPrivateMB: mb("RssAnon") };
  } finally {
    server.kill();
  }
}

/** What a server keeps of set-up's work, in MB (du): node_modules, .venv, the library's build, the weights. */
function installMB() {
  const paths = ["node_modules", ".venv", "src/engine/dist", "src/shared/dist", "weights"].map((path) =>
    join(ROOT, path),
  );
  const du = spawnSync("du", ["-smc", ...paths], { encoding: "utf8" });
  return Number(/^(\d+)\s+total$/m.exec(du.stdout)?.[1] ?? 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const settings = ["AE_EPOCHS", "AE_TRAIN_SIZE", "AE_WEIGHTS"].filter(
    (name) => process.env[name] !== undefined,
  );
  if (settings.length > 0) {
    process.stderr.write(`usage failed: expected the defaults, found ${settings.join(", ")} set\n`);
    process.exit(1);
  }
  // Each lesson's numbers are kept as they come (dist/usage/lessons.json): a run stopped half-way, on the same
  // day and CPU, goes on from the next lesson.
  const progress = join(ROOT, "dist", "usage", "lessons.json");
  const today = { date: new Date().toISOString().slice(0, 10), cpu: cpuName() };
  const kept = existsSync(progress) ? JSON.parse(readFileSync(progress, "utf8")) : {};
  /** @type {UsageRun["lessons"]} */
  const lessons = kept.date === today.date && kept.cpu === today.cpu ? kept.lessons : {};
  for (const lesson of lessonNames().filter((name) => !(name in lessons))) {
    const defaults = await measure(lesson, {});
    const savedWeights = await measure(lesson, { AE_WEIGHTS: "1" });
    lessons[lesson] = { defaults, savedWeights };
    writeFileSync(progress, JSON.stringify({ ...today, lessons }));
    process.stdout.write(`usage: ${lesson}: ${JSON.stringify(lessons[lesson])}\n`);
  }
  /** @type {UsageRun} */
  const run = {
    ...today,
    cores: cpus().length,
    node: process.versions.node,
    ...(await jupyterServer()),
    installMB: installMB(),
    lessons,
  };
  const record = existsSync(USAGE_RECORD) ? JSON.parse(readFileSync(USAGE_RECORD, "utf8")) : { runs: [] };
  record.about =
    "Written by `npm run usage` (scripts/usage.js): per lesson, its kernel's peak memory (MB), CPU time (s, all " +
    "threads) and wall time (s), at the defaults and with AE_WEIGHTS=1, and an idle JupyterLab server's memory; " +
    "one run per CPU, the newest first. The guide's server sizes are made from it (scripts/serverSizing.js).";
  record.runs = [run, ...record.runs.filter((/** @type {UsageRun} */ r) => r.cpu !== run.cpu)];
  writeFileSync(USAGE_RECORD, `${JSON.stringify({ about: record.about, runs: record.runs }, null, 2)}\n`);
  process.stdout.write(
    `usage: recorded in results/usage.json; JupyterLab server ${run.jupyterServerMB} MB\n`,
  );
  await writeGeneratedSections();
}

// @ts-check
// `npm run bench [-- --epochs 3 --models dense,deep,conv,denoise --keras --before | --levers]`: trains the lesson models
// (the notebooks' own functions, see lessonModels.js) on the full MNIST training set and reports seconds per
// epoch, ms per batch, losses, peak RSS and tensors left; with --keras, the course's own Keras code trains
// the same model right after ours, in the same run, for the ratio. `npm run bench -- --lessons` times the whole
// lessons instead, before and after the graph path (bench/lessonTimes.js); `--kernels` times the graph path's own
// forms beside TensorFlow's usual kernels (bench/kernels.js); `--live --epochs 9` what 01's and 03's live
// reconstructions cost an epoch (bench/liveCost.js). Prints tables; writes JSON under bench/runs/.
// Prints numbers, asserts nothing: speed goals live here, never in tests.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { runBenchProcess } from "./bench/benchProcess.js";
import { ensureKerasVenv, runKerasModel } from "./bench/kerasVenv.js";
import { LESSON_MODELS } from "./lessonModels.js";
import { lessonVariants, timeLessons } from "./bench/lessonTimes.js";
import { liveCostTable } from "./bench/liveTable.js";
import { f2, f4, kernelTable, lessonTimesTable, limitTable, ratioTable, runsTable } from "./bench/tables.js";
import { ROOT, TENSORFLOW_ENV } from "./project.js";
// The library's wording for bad values and the engine's levers, from the entries without TensorFlow: the bench's
// parent process trains nothing.
import { FAST_TRAINING_LEVERS } from "ae-engine/plain";
import { mustBe, wholeNumberRange } from "ae-shared/plain";

export const RUNS_DIR = join(ROOT, "bench", "runs");

/**
 * Ways to run ours, each a set of environment variables for the child: the default, and with --levers the
 * fast path switched off and then on one lever at a time (AE_FAST_TRAINING, see src/engine/fastTraining.ts),
 * then TensorFlow's oneDNN kernels (TENSORFLOW_ENV, as every process the pack starts; see project.js).
 * @typedef {{name: string, env: NodeJS.ProcessEnv}} Variant
 */

/**
 * With --levers: ours as tfjs comes (fast path off, TensorFlow's default kernels), then with the fast path's
 * levers switched on one by one, in the order the library lists them, then oneDNN; the last row is the
 * default (all on).
 * @returns {Variant[]}
 */
export function leverVariants() {
  const levers = FAST_TRAINING_LEVERS;
  const defaultKernels = { TF_ENABLE_ONEDNN_OPTS: "0" };
  return [
    { name: "tfjs-node, fast path off", env: { AE_FAST_TRAINING: "0", ...defaultKernels } },
    ...levers.map((lever, i) => ({
      name: `tfjs-node, + ${lever}`,
      env: { AE_FAST_TRAINING: levers.slice(0, i + 1).join(","), ...defaultKernels },
    })),
    { name: "tfjs-node, + oneDNN", env: { AE_FAST_TRAINING: "1", ...TENSORFLOW_ENV } },
  ];
}

/**
 * With --before: ours on the eager fast path (every lever but the graph path: the pack before issue 19), then as
 * it runs by default, for the before/after ratio in one run.
 * @returns {Variant[]}
 */
export function beforeVariants() {
  const eager = FAST_TRAINING_LEVERS.filter((lever) => lever !== "graph").join(",");
  return [
    { name: "tfjs-node, eager fast path", env: { ...TENSORFLOW_ENV, AE_FAST_TRAINING: eager } },
    { name: "tfjs-node", env: { ...TENSORFLOW_ENV, ...process.env } },
  ];
}

/** The CPU's model name, as /proc/cpuinfo gives it. */
export function cpuModel() {
  try {
    return (
      /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpus()[0]?.model
    );
  } catch {
    return cpus()[0]?.model ?? "unknown";
  }
}

/**
 * @param {string[]} argv
 */
export function parseBenchArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      epochs: { type: "string", default: "3" },
      models: { type: "string" },
      "train-size": { type: "string", default: "60000" },
      keras: { type: "boolean", default: false },
      levers: { type: "boolean", default: false },
      before: { type: "boolean", default: false },
      lessons: { type: "boolean", default: false },
      kernels: { type: "boolean", default: false },
      live: { type: "boolean", default: false },
    },
  });
  const whole = (/** @type {string} */ name, /** @type {string} */ raw, max = Infinity) => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 1 || n > max)
      throw new RangeError(mustBe(`--${name}`, wholeNumberRange(1, max), raw));
    return n;
  };
  // --live measures the models of 01 and 03, the lessons that draw their reconstructions while training.
  const allModels = values.live ? "dense,conv" : Object.keys(LESSON_MODELS).join(",");
  const models = (values.models ?? allModels).split(",").map((m) => m.trim());
  const unknown = models.filter((m) => !Object.hasOwn(LESSON_MODELS, m));
  if (unknown.length > 0 || models.length === 0) {
    const expected = `a comma-separated list of ${Object.keys(LESSON_MODELS).join(", ")}`;
    throw new RangeError(mustBe("--models", expected, values.models));
  }
  if (values.levers && values.before) {
    throw new RangeError(
      mustBe("--levers and --before", "one of them (--levers has every lever's row)", "both"),
    );
  }
  if (values.lessons && (values.keras || values.levers || values.before || values.kernels)) {
    throw new RangeError(
      mustBe("--lessons", "alone (it times each lesson before and after the graph path)", argv.join(" ")),
    );
  }
  if (values.live && (values.keras || values.levers || values.before || values.lessons || values.kernels)) {
    throw new RangeError(
      mustBe(
        "--live",
        "alone with --epochs and --models (it alternates drawing epochs in one fit)",
        argv.join(" "),
      ),
    );
  }
  if (values.kernels && (values.keras || values.levers || values.before)) {
    throw new RangeError(
      mustBe(
        "--kernels",
        "alone (it times the graph path's own forms beside the usual kernels)",
        argv.join(" "),
      ),
    );
  }
  return {
    epochs: whole("epochs", values.epochs, 1000),
    models: /** @type {(keyof typeof LESSON_MODELS)[]} */ (models),
    trainSize: whole("train-size", values["train-size"], 60000),
    keras: values.keras,
    levers: values.levers,
    before: values.before,
    lessons: values.lessons,
    kernels: values.kernels,
    live: values.live,
  };
}

async function main() {
  const options = parseBenchArgs(process.argv.slice(2));
  const machine = {
    cpu: cpuModel(),
    cores: cpus().length,
    node: process.versions.node,
    date: new Date().toISOString(),
    // The 1-minute load average as the run begins: a machine shared with other work times nothing alone.
    load: loadavg()[0],
  };
  if (options.kernels) {
    process.stdout.write(`bench: ${machine.cpu}, ${machine.cores} cores; the graph path's own forms\n`);
    const env = { ...process.env, ...TENSORFLOW_ENV, TF_CPP_MIN_LOG_LEVEL: "2" };
    const script = join(ROOT, "scripts", "bench", "kernels.js");
    const { kernels } = /** @type {{kernels: import("ae-engine/bench").KernelTiming[]}} */ (
      /** @type {unknown} */ (await runBenchProcess("kernels", process.execPath, [script], env))
    );
    process.stdout.write(`\n${kernelTable(kernels)}\n`);
    return writeRun({ machine, options, results: [], kernels });
  }
  if (options.lessons) {
    process.stdout.write(`bench: ${machine.cpu}, ${machine.cores} cores; every lesson at its defaults\n`);
    return benchLessons(machine, options);
  }
  process.stdout.write(
    `bench: ${machine.cpu}, ${machine.cores} cores; ${options.epochs} epochs on ${options.trainSize} images\n`,
  );
  const python = options.keras ? await ensureKerasVenv() : undefined;
  // Ours starts as every process the pack starts, with TensorFlow's environment (TENSORFLOW_ENV) unless the user
  // set it; Keras with the environment the bench was given: TensorFlow's default unless the user chose otherwise.
  const variants = options.levers
    ? leverVariants()
    : options.before
      ? beforeVariants()
      : [{ name: "tfjs-node", env: { ...TENSORFLOW_ENV, ...process.env } }];
  // The lesson's loss chart is written to a file in script mode; keep those files out of the way.
  const scratch = mkdtempSync(join(tmpdir(), "ae-bench-"));
  /** @type {import("./bench/benchProcess.js").BenchResult[]} */
  const results = [];
  const report = (/** @type {import("./bench/benchProcess.js").BenchResult} */ r) => {
    results.push(r);
    const sec = r.sec_per_epoch.map(f2).join(" ");
    process.stdout.write(`  ${r.model} ${r.impl}: s/epoch ${sec}, val_loss ${f4(r.val_loss.at(-1))}\n`);
  };
  try {
    // Interleaved, model by model: ours, then Keras, so both see the machine in the same state.
    for (const model of options.models) {
      for (const variant of variants) {
        const args = [join(ROOT, "scripts", "bench", "trainTfjs.js"), "--model", model];
        args.push("--epochs", String(options.epochs), "--train-size", String(options.trainSize));
        if (options.live) args.push("--live");
        const env = {
          ...process.env,
          ...variant.env,
          CI: "true",
          TMPDIR: scratch,
          TF_CPP_MIN_LOG_LEVEL: "2",
        };
        const result = await runBenchProcess(`${variant.name} ${model}`, process.execPath, args, env);
        report({ ...result, impl: variant.name });
      }
      if (python) {
        const run = { model, epochs: options.epochs, trainSize: options.trainSize, env: process.env };
        report(await runKerasModel(python, run));
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  process.stdout.write(`\n${runsTable(results)}\n`);
  if (options.keras) process.stdout.write(`\n${ratioTable(results)}\n`);
  if (options.live) process.stdout.write(`\n${liveCostTable(results)}\n`);
  else process.stdout.write(`\n${limitTable(results)}\n`);
  writeRun({ machine, options, results });
}

/**
 * Writes a run's record under bench/runs/, named by its date.
 * @param {{machine: {date: string}} & Record<string, unknown>} run
 */
function writeRun(run) {
  mkdirSync(RUNS_DIR, { recursive: true });
  const file = join(RUNS_DIR, `${run.machine.date.slice(0, 16).replace(/[:T]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  process.stdout.write(`\nbench: results written to ${relative(ROOT, file)}\n`);
}

/**
 * `--lessons`: every lesson, before and after the graph path (bench/lessonTimes.js).
 * @param {{date: string}} machine
 * @param {ReturnType<typeof parseBenchArgs>} options
 */
async function benchLessons(machine, options) {
  const scratch = mkdtempSync(join(tmpdir(), "ae-bench-lessons-"));
  try {
    const lessons = await timeLessons({
      variants: lessonVariants(FAST_TRAINING_LEVERS),
      scratch,
      report: (t) => process.stdout.write(`  ${t.lesson} ${t.variant}: ${t.seconds.toFixed(0)} s\n`),
    });
    process.stdout.write(`\n${lessonTimesTable(lessons)}\n`);
    writeRun({ machine, options, results: [], lessons });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((/** @type {unknown} */ error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

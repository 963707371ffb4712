// @ts-check
// The bench's tables, from its results: every run, ours beside Keras, and how far each run is from the machine's
// matmul speed. `npm run bench` prints them; bench/RESULTS.md's sections of recorded runs are made of them
// (scripts/resultsTable.js).
import { textTable } from "ae-shared/plain";
import { liveCostTable } from "./liveTable.js";
import { finalLoss } from "./benchProcess.js";

/**
 * Seconds per epoch after the first (the first includes one-off start-up work), or the first if that is all.
 * @param {number[]} seconds
 */
export function steadyEpochSeconds(seconds) {
  const rest = seconds.length > 1 ? seconds.slice(1) : seconds;
  return rest.reduce((a, b) => a + b, 0) / rest.length;
}

export const f2 = (/** @type {number} */ n) => n.toFixed(2);
export const f4 = (/** @type {number | undefined} */ n) => (n === undefined ? "-" : n.toFixed(4));

/**
 * One row per run: everything it measured.
 * @param {import("./benchProcess.js").BenchResult[]} results
 */
export function runsTable(results) {
  return textTable(
    [
      "model",
      "impl",
      "s/epoch, each",
      "s/epoch after 1st",
      "ms/batch",
      "median ms/batch",
      "loss",
      "val_loss",
      "peak RSS MB",
      "tensors",
    ],
    results.map((r) => [
      r.model,
      r.impl,
      r.sec_per_epoch.map(f2).join(", "),
      f2(steadyEpochSeconds(r.sec_per_epoch)),
      f2(steadyEpochSeconds(r.ms_per_batch)),
      r.median_batch_ms ? f2(steadyEpochSeconds(r.median_batch_ms)) : "-",
      r.loss.map(f4).join(", "),
      r.val_loss.map(f4).join(", "),
      r.peak_rss_mb.toFixed(0),
      r.tensors === null ? "-" : String(r.tensors),
    ]),
    { style: "markdown" },
  );
}

/**
 * Ours beside Keras, per model and way of running ours: the ratio of seconds per epoch after the first,
 * and how far the last val_loss is from Keras's.
 * @param {import("./benchProcess.js").BenchResult[]} results
 */
export function ratioTable(results) {
  const rows = [];
  for (const keras of results.filter((r) => r.impl === "keras")) {
    for (const ours of results.filter((r) => r.model === keras.model && r.impl !== "keras")) {
      const oursSec = steadyEpochSeconds(ours.sec_per_epoch);
      const kerasSec = steadyEpochSeconds(keras.sec_per_epoch);
      const [oursVal, kerasVal] = [finalLoss(ours).value, finalLoss(keras).value];
      const oursBatch = ours.median_batch_ms ? steadyEpochSeconds(ours.median_batch_ms) : NaN;
      const kerasBatch = keras.median_batch_ms ? steadyEpochSeconds(keras.median_batch_ms) : NaN;
      rows.push([
        ours.model,
        ours.impl,
        f2(oursSec),
        f2(kerasSec),
        `${(oursSec / kerasSec).toFixed(2)}x`,
        Number.isNaN(oursBatch / kerasBatch) ? "-" : `${(oursBatch / kerasBatch).toFixed(2)}x`,
        f4(oursVal) + finalLoss(ours).mark,
        f4(kerasVal) + finalLoss(keras).mark,
        `${(((oursVal - kerasVal) / kerasVal) * 100).toFixed(1)} %`,
      ]);
    }
  }
  return textTable(
    [
      "model",
      "ours",
      "ours s/epoch",
      "Keras s/epoch",
      "ratio",
      "median batch ratio",
      "ours val_loss",
      "Keras val_loss",
      "val_loss vs Keras",
    ],
    rows,
    { style: "markdown" },
  );
}

/** Issue 19's goal: ours at most this times Keras's epoch time... */
export const GOAL_RATIO = 1.0;
/** ...with a val_loss within this share of Keras's... */
export const GOAL_VAL_LOSS = 0.03;
/** ...after at least this many epochs. */
export const GOAL_EPOCHS = 5;

/**
 * Which models met issue 19's goal in a run with Keras, by the default row of ours ("tfjs-node"), as a sentence;
 * empty when the run has no such rows.
 * @param {import("./benchProcess.js").BenchResult[]} results
 */
export function goalLine(results) {
  /** @type {string[]} */
  const met = [];
  /** @type {string[]} */
  const missed = [];
  for (const keras of results.filter((r) => r.impl === "keras")) {
    const ours = results.find((r) => r.model === keras.model && r.impl === "tfjs-node");
    if (!ours) continue;
    const ratio = steadyEpochSeconds(ours.sec_per_epoch) / steadyEpochSeconds(keras.sec_per_epoch);
    const [oursVal, kerasVal] = [finalLoss(ours).value, finalLoss(keras).value];
    const off = Math.abs(oursVal - kerasVal) / kerasVal;
    const lossName = ours.val_loss.length > 0 ? "val_loss" : "training loss";
    const why = [
      ratio > GOAL_RATIO ? `${ratio.toFixed(2)}x Keras's epoch time` : "",
      !(off <= GOAL_VAL_LOSS) ? `${lossName} ${(off * 100).toFixed(1)} % from Keras's` : "",
      ours.sec_per_epoch.length < GOAL_EPOCHS ? `${ours.sec_per_epoch.length} epochs` : "",
    ].filter(Boolean);
    if (why.length === 0) met.push(ours.model);
    else missed.push(`${ours.model} (${why.join(", ")})`);
  }
  if (met.length + missed.length === 0) return "";
  return (
    `Goal (at most ${GOAL_RATIO.toFixed(1)} times Keras's epoch time, val_loss within ` +
    `${GOAL_VAL_LOSS * 100} % of Keras's after ${GOAL_EPOCHS} epochs, by the default row "tfjs-node"` +
    `${results.some((r) => r.val_loss.length === 0) ? "; the training loss for a model fit without validation" : ""}): ` +
    [met.length ? `met by ${met.join(", ")}` : "", missed.length ? `missed by ${missed.join(", ")}` : ""]
      .filter(Boolean)
      .join("; ") +
    "."
  );
}

/**
 * How far each run is from what the machine could do: the epoch's arithmetic (from the model's layers; Keras's
 * rows count the same model's), the speed the run reached over a whole epoch (validation and pauses included),
 * that speed as a share of the matmul speed measured before our run of the same model, and the seconds an epoch
 * would take at that speed.
 * @param {import("./benchProcess.js").BenchResult[]} results
 */
export function limitTable(results) {
  /** @type {string[][]} */
  const rows = [];
  for (const r of results) {
    const ours = results.find((o) => o.model === r.model && o.flops_per_epoch && o.matmul_gflops);
    if (!ours?.flops_per_epoch || !ours.matmul_gflops) continue;
    const gflop = ours.flops_per_epoch / 1e9;
    const reached = gflop / steadyEpochSeconds(r.sec_per_epoch);
    rows.push([
      r.model,
      r.impl,
      gflop.toFixed(1),
      f2(steadyEpochSeconds(r.sec_per_epoch)),
      reached.toFixed(1),
      ours.matmul_gflops.toFixed(1),
      `${((reached / ours.matmul_gflops) * 100).toFixed(0)} %`,
      f2(gflop / ours.matmul_gflops),
    ]);
  }
  return textTable(
    [
      "model",
      "impl",
      "GFLOP/epoch",
      "s/epoch",
      "GFLOP/s reached",
      "matmul GFLOP/s",
      "share of matmul",
      "s/epoch at matmul speed",
    ],
    rows,
    { style: "markdown" },
  );
}

/**
 * Each lesson's wall time per way of running it (columns in the order the times came), and the last way's time
 * over the first's.
 * @param {import("./lessonTimes.js").LessonTime[]} times
 */
export function lessonTimesTable(times) {
  const variants = [...new Set(times.map((t) => t.variant))];
  const lessons = [...new Set(times.map((t) => t.lesson))];
  const rows = lessons.map((lesson) => {
    const seconds = variants.map((v) => times.find((t) => t.lesson === lesson && t.variant === v)?.seconds);
    const [first, last] = [seconds[0], seconds.at(-1)];
    return [
      lesson,
      ...seconds.map((s) => (s === undefined ? "-" : s.toFixed(0))),
      first && last ? `${(last / first).toFixed(2)}x` : "-",
    ];
  });
  const total = variants.map((v) => times.filter((t) => t.variant === v).reduce((a, t) => a + t.seconds, 0));
  const [first, last] = [total[0], total.at(-1)];
  rows.push([
    "all lessons",
    ...total.map((s) => s.toFixed(0)),
    first && last ? `${(last / first).toFixed(2)}x` : "-",
  ]);
  return textTable(
    ["lesson", ...variants.map((v) => `${v} s`), `${variants.at(-1)} / ${variants[0]}`],
    rows,
    { style: "markdown", alignRight: [false, ...variants.map(() => true), true] },
  );
}

/**
 * The graph path's own forms beside TensorFlow's usual kernels (src/engine/graph/graphKernels.ts): ms per call of each,
 * their ratio, and how far apart their results are.
 * @param {import("ae-engine/bench").KernelTiming[]} timings
 */
export function kernelTable(timings) {
  return textTable(
    [
      "spot",
      "shapes",
      "usual kernel",
      "usual ms",
      "graph path's form",
      "form ms",
      "form / usual",
      "largest difference",
    ],
    timings.map((t) => [
      t.spot,
      t.shapes,
      t.usual,
      f2(t.usualMs),
      t.ours,
      f2(t.oursMs),
      `${(t.oursMs / t.usualMs).toFixed(2)}x`,
      t.difference.toExponential(1),
    ]),
    { style: "markdown", alignRight: [false, false, false, true, false, true, true, true] },
  );
}

/**
 * A recorded bench run (the JSON `npm run bench` writes under bench/runs/, kept in bench/recorded/) as
 * bench/RESULTS.md shows it: the machine and settings, then its tables.
 * @param {{machine: {cpu: string, cores: number, node: string, date: string, load?: number},
 *   options: {epochs: number, trainSize: number, models?: string[], keras?: boolean, levers?: boolean,
 *     before?: boolean, lessons?: boolean, kernels?: boolean, live?: boolean},
 *   results: import("./benchProcess.js").BenchResult[], lessons?: import("./lessonTimes.js").LessonTime[],
 *   kernels?: import("ae-engine/bench").KernelTiming[]}} record
 * @param {string} name the file's name in bench/recorded/
 */
export function recordedRunSection({ machine, options, results, lessons, kernels }, name) {
  const flags = [
    options.models ? `--models ${options.models.join(",")}` : "",
    options.keras ? "--keras" : "",
    options.levers ? "--levers" : "",
    options.before ? "--before" : "",
    options.live ? "--live" : "",
  ]
    .filter(Boolean)
    .join(" ");
  return [
    `${machine.date.slice(0, 16).replace("T", " ")} UTC, "${machine.cpu}", ${machine.cores} cores` +
      `${machine.load === undefined ? "" : ` (load ${machine.load.toFixed(1)})`}, Node ` +
      (options.lessons
        ? `${machine.node}: \`npm run bench -- --lessons\`, every lesson at its defaults `
        : options.kernels
          ? `${machine.node}: \`npm run bench -- --kernels\`, batch 256, median of 10 calls `
          : `${machine.node}: \`npm run bench -- --epochs ${options.epochs}${flags ? ` ${flags}` : ""}\` on ` +
            `${options.trainSize} images `) +
      `(\`bench/recorded/${name}\`).`,
    "",
    ...(lessons
      ? [lessonTimesTable(lessons), ""]
      : kernels
        ? [kernelTable(kernels), ""]
        : [
            runsTable(results),
            ...(results.some((r) => r.impl === "keras") ? ["", ratioTable(results)] : []),
            ...[goalLine(results)].filter(Boolean).flatMap((line) => ["", line]),
            "",
            options.live ? liveCostTable(results) : limitTable(results),
            "",
          ]),
    "Generated from that file by `scripts/resultsTable.js` (`npm run results-table`): do not edit.",
  ].join("\n");
}

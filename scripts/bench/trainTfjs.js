// @ts-check
// One bench run of ours, in a process of its own (so peak RSS is this model's): a lesson model, built by the
// notebook's own function, trained on the full MNIST training set as the lesson trains it (fit with the
// course's arguments and the lesson's callbacks, progressBar and lossPlot). Prints `BENCH_RESULT {json}` last.
// With --live, as a notebook runs 01 and 03: their live reconstructions drawing in every other epoch (liveCost.js).
//   node scripts/bench/trainTfjs.js --model dense --epochs 3 [--train-size 60000] [--seed 1] [--live]
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LESSON_MODELS, lessonModelBuilder } from "../lessonModels.js";
import { epochFlops, matmulGflops } from "./flops.js";
import { alternating, standInKernel } from "./liveCost.js";
import { ROOT } from "../project.js";

const require = createRequire(join(ROOT, "package.json"));
// ae-shared first, as the lessons import it: it picks TensorFlow's kernels before TensorFlow loads (backend.ts).
/** @type {typeof import("ae-shared")} */
const shared = require("ae-shared");
/** @type {typeof import("@tensorflow/tfjs-node")} */
const tf = require("@tensorflow/tfjs-node");
/** @type {typeof import("ae-engine")} */
const engine = require("ae-engine");

/** The denoising lesson's first noise level (04-denoise: σ = 0.5). */
const NOISE_STDDEV = 0.5;

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    epochs: { type: "string", default: "3" },
    "train-size": { type: "string", default: String(shared.TRAIN_COUNT) },
    seed: { type: "string", default: "1" },
    live: { type: "boolean", default: false },
  },
});
const key = /** @type {import("../lessonModels.js").LessonModelKey} */ (values.model ?? "");
if (!Object.hasOwn(LESSON_MODELS, key)) {
  throw new Error(`--model must be one of ${Object.keys(LESSON_MODELS).join(", ")}, found ${values.model}`);
}
const epochs = shared.checkWholeNumber("--epochs", Number(values.epochs), 1, 1000);
const trainSize = shared.checkWholeNumber(
  "--train-size",
  Number(values["train-size"]),
  1,
  shared.TRAIN_COUNT,
);
const seed = shared.checkWholeNumber("--seed", Number(values.seed), 0);

/** The middle value (the mean of the two middle ones for an even count). */
const median = (/** @type {number[]} */ values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/**
 * Times each epoch as Keras's bench callback does: wall seconds from its start to its end (validation
 * included), ms per training batch up to the last batch's end, and the median of the batches' own times
 * (begin to end: the kernels, without pauses between batches). Put last: it must not be the first
 * callback (progressBar must be, see progress.ts).
 */
function epochTimer() {
  /** @type {{sec: number[], msPerBatch: number[], medianBatchMs: number[]}} */
  const times = { sec: [], msPerBatch: [], medianBatchMs: [] };
  let start = 0;
  let batchStart = 0;
  let lastBatchEnd = 0;
  /** @type {number[]} */
  let batchMs = [];
  const callback = new tf.CustomCallback({
    onEpochBegin: async () => {
      start = performance.now();
      batchMs = [];
    },
    onBatchBegin: async () => {
      batchStart = performance.now();
    },
    onBatchEnd: async () => {
      lastBatchEnd = performance.now();
      batchMs.push(lastBatchEnd - batchStart);
    },
    onEpochEnd: async () => {
      times.sec.push((performance.now() - start) / 1000);
      times.msPerBatch.push((lastBatchEnd - start) / batchMs.length);
      times.medianBatchMs.push(median(batchMs));
    },
  });
  return { callback, times };
}

async function main() {
  const { layout } = LESSON_MODELS[key];
  const build = lessonModelBuilder(key, { tf, console: { log() {} } });
  const data = shared.loadMnist({ layout, trainSize });
  // 04-denoise trains noisy -> clean; the others clean -> clean.
  const noisy =
    key === "denoise"
      ? {
          train: shared.addGaussianNoise(data.xTrain, { stddev: NOISE_STDDEV, seed }),
          test: shared.addGaussianNoise(data.xTest, { stddev: NOISE_STDDEV, seed: seed + 100 }),
        }
      : undefined;
  const model = build();
  // The machine's matmul speed, measured here, just before training, for the bench's limit table.
  const peak = matmulGflops(tf);
  const timer = epochTimer();
  // --live: in a stand-in kernel, so that the lesson's outputs are drawn and sent as in a notebook.
  const sent = values.live ? standInKernel() : undefined;
  const live = values.live ? alternating(tf, shared.liveReconstructions(data.xTest)) : undefined;
  // 09-vae trains as Keras's vae.py: batch 128, no validation, the KL as its second output's loss (targets zeros).
  const vae = key === "vae";
  const klTargets = vae ? tf.zeros([trainSize, model.outputs[1]?.shape[1] ?? 0]) : undefined;
  const history = await model.fit(
    noisy?.train ?? data.xTrain,
    klTargets ? [data.xTrain, klTargets] : data.xTrain,
    {
      epochs: epochs,
      batchSize: vae ? 128 : 256,
      shuffle: true,
      ...(vae ? {} : { validationData: [noisy?.test ?? data.xTest, data.xTest] }),
      verbose: 0,
      callbacks: [
        shared.progressBar(),
        shared.lossPlot(
          vae
            ? { title: key, series: ["reconstruction_loss", "kl_loss"], rightAxis: ["kl_loss"] }
            : { title: key },
        ),
        ...(live ? [live.callback] : []),
        timer.callback,
      ],
    },
  );
  klTargets?.dispose();
  const flops = epochFlops(model.layers, { trainSize, testSize: vae ? 0 : data.xTest.shape[0] });
  model.dispose();
  tf.dispose([data.xTrain, data.xTest, ...(noisy ? [noisy.train, noisy.test] : [])]);
  const result = {
    model: key,
    impl: "tfjs-node",
    epochs,
    n_train: trainSize,
    batch_size: vae ? 128 : 256,
    sec_per_epoch: timer.times.sec,
    ms_per_batch: timer.times.msPerBatch,
    median_batch_ms: timer.times.medianBatchMs,
    loss: /** @type {number[]} */ (history.history.loss),
    val_loss: /** @type {number[]} */ (history.history.val_loss ?? []),
    ...(vae
      ? {
          reconstruction_loss: /** @type {number[]} */ (history.history.reconstruction_loss),
          kl_loss: /** @type {number[]} */ (history.history.kl_loss),
        }
      : {}),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
    tensors: tf.memory().numTensors,
    flops_per_epoch: flops,
    matmul_gflops: peak,
    fast_training: engine.fastTrainingLevers(),
    onednn: process.env.TF_ENABLE_ONEDNN_OPTS ?? null,
    ...(live && sent ? { live: live.cost, kernel_messages: sent } : {}),
    versions: { "tfjs-node": tf.version["tfjs-node"], node: process.versions.node },
  };
  process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().catch((/** @type {unknown} */ error) => {
  process.stderr.write(`bench run failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

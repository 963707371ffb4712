// @ts-check
// `npm run bench`: how fast the parts a lesson waits on are on this machine. Prints numbers; asserts nothing.
// Compare with the course's Keras run: the dense model's epoch took "3s 47us/step" (per sample) there.
// The models are the notebooks' own (scripts/lessonCode.js), so the numbers are for what the lessons train.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { lessonModelBuilder } from "./lessonCode.js";
import { ROOT } from "./project.js";

const require = createRequire(join(ROOT, "package.json"));
/** @type {typeof import("@tensorflow/tfjs-node")} */
const tf = require("@tensorflow/tfjs-node");
/** @type {typeof import("ae-shared")} */
const shared = require("ae-shared");

/** @type {[string, string][]} */
const rows = [];
/**
 * @template T
 * @param {string} name
 * @param {() => Promise<T> | T} work
 * @param {(seconds: number, result: T) => string} [detail]
 */
async function measure(name, work, detail) {
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  rows.push([name, `${seconds.toFixed(2)} s${detail ? `  ${detail(seconds, result)}` : ""}`]);
  process.stdout.write(`  ${name}: ${rows[rows.length - 1]?.[1]}\n`);
  return result;
}

/**
 * One epoch of `m` on x -> x with validation, as the lessons train.
 * @param {import("@tensorflow/tfjs-node").LayersModel} m
 * @param {import("@tensorflow/tfjs-node").Tensor} x
 * @param {import("@tensorflow/tfjs-node").Tensor} val
 */
async function epoch(m, x, val) {
  const history = await m.fit(x, x, {
    epochs: 1,
    batchSize: 256,
    shuffle: true,
    validationData: [val, val],
    verbose: 0,
  });
  m.dispose();
  return Number(history.history.val_loss?.[0]);
}

async function main() {
  process.stdout.write(
    `bench: backend ${tf.getBackend()}, ${(await import("node:os")).cpus().length} cores\n`,
  );
  await measure("set-up, already done", () => {
    const result = spawnSync(process.execPath, [join(ROOT, "scripts", "setup.js")], { cwd: ROOT });
    if (result.status !== 0) throw new Error(`set-up failed (exit ${result.status}):\n${result.stderr}`);
  });
  // The lesson models, built by the notebooks' own functions; read here so that an epoch's time does not
  // include reading the notebooks. 03-conv's function prints shapes: not here.
  const quiet = { log() {} };
  const build = {
    dense: lessonModelBuilder("dense", { tf, console: quiet }),
    deep: lessonModelBuilder("deep", { tf, console: quiet }),
    conv: lessonModelBuilder("conv", { tf, console: quiet }),
  };
  const flat = await measure("loadMnist, all 70,000 images (flat)", () => shared.loadMnist());
  const perStep = (/** @type {number} */ seconds, /** @type {number} */ samples) =>
    `${Math.round((seconds / samples) * 1e6)}us/sample`;
  await measure(
    "dense 784-32-784, 1 epoch on 60,000 + validation",
    () => epoch(build.dense(), flat.xTrain, flat.xTest),
    (s, valLoss) => `${perStep(s, 60000)}, val_loss ${valLoss.toFixed(4)}`,
  );
  await measure(
    "deep 128-64-32-64-128-784, 1 epoch on 60,000 + validation",
    () => epoch(build.deep(), flat.xTrain, flat.xTest),
    (s, valLoss) => `${perStep(s, 60000)}, val_loss ${valLoss.toFixed(4)}`,
  );
  tf.dispose([flat.xTrain, flat.xTest]);

  const images = shared.loadMnist({ layout: "image", trainSize: 6000, testSize: 1000 });
  await measure(
    "conv stack, 1 epoch on 6,000 + 1,000 validation",
    () => epoch(build.conv(), images.xTrain, images.xTest),
    (s) => `${perStep(s, 7000)}; a full epoch (60,000 + 10,000) takes about ${Math.round(s * 10)} s`,
  );
  const noisy = await measure("addGaussianNoise on 6,000 images", () =>
    shared.addGaussianNoise(images.xTrain, { stddev: 0.5, seed: 1 }),
  );
  await measure("digitGridPng, 3 rows of 10", () =>
    shared.digitGridPng([
      { label: "a", images: images.xTest },
      { label: "b", images: noisy },
      { label: "c", images: images.xTrain },
    ]),
  );
  tf.dispose([images.xTrain, images.xTest, noisy]);
  process.stdout.write(`bench: tensors left ${tf.memory().numTensors}\n`);
}

main().catch((/** @type {unknown} */ error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

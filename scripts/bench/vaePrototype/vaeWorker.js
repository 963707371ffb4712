// @ts-check
// PROTOTYPE (a VAE lesson, docs/vae-design.md): our side of the VAE speed measurement, a long-lived worker driven by
// vaeSpeed.js. One JSON command a line on stdin, one line `RESULT {json}` on stdout, so that the driver interleaves
// blocks of our steps with blocks of Keras's (vae_keras_worker.py) in the same run; the idle worker waits on stdin.
//   {"op": "init", "variants": ["vae-512:loop", ...]}   builds each variant's model and optimizer
//   {"op": "run", "variant": V, "steps": N, "batch": B}  N steps of batch B (128), timed between step ends
// Variants: "<model>:<how>", model vae-512 | vae-06 | vae-conv | ae-512 | ae-06, how loop (a custom loop with
// optimizer.minimize), fit-sum and fit-mean (model.fit with two outputs, see vaeModels.js), graph (fit of the plain
// autoencoder, on the engine's graph path) or eager (the same fit with the graph lever off).
import { createRequire } from "node:module";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ROOT } from "../../project.js";
import { SAVED } from "./workers.js";
import { fitModel, loopStep, plainAutoencoder, vaeModels } from "./vaeModels.js";

const require = createRequire(join(ROOT, "package.json"));
// ae-shared first, as the lessons import it: it switches the engine on and picks TensorFlow's kernels.
/** @type {typeof import("ae-shared")} */
const shared = require("ae-shared");
/** @type {typeof import("@tensorflow/tfjs-node")} */
const tf = require("@tensorflow/tfjs-node");
/** @type {typeof import("ae-engine")} */
const engine = require("ae-engine");

/** Batch size of the current run command (128 unless it says). */
let BATCH = 128;
const data = shared.loadMnist({ layout: "flat" });
const images = tf.reshape(data.xTrain, [-1, 28, 28, 1]);

/**
 * @typedef {{model: string, how: string, step: (x: import("@tensorflow/tfjs-node").Tensor, steps: number) => Promise<{ms: number[], last: Record<string, number>}>, order: Int32Array, cursor: number}} Variant
 */

/** A random order of the training images. */
function permutation() {
  const order = Int32Array.from({ length: data.xTrain.shape[0] }, (_, i) => i);
  tf.util.shuffle(order);
  return order;
}

/** Times between step ends, the first left out (as Keras's worker). */
const intervals = (/** @type {number[]} */ ends) => ends.slice(1).map((t, i) => t - (ends[i] ?? t));

/**
 * @param {import("@tensorflow/tfjs-node").LayersModel} model
 * @param {(x: import("@tensorflow/tfjs-node").Tensor) => import("@tensorflow/tfjs-node").Tensor | import("@tensorflow/tfjs-node").Tensor[]} targets
 * @param {boolean} eager the fit with the graph lever off
 */
function fitter(model, targets, eager) {
  return async (/** @type {import("@tensorflow/tfjs-node").Tensor} */ x) => {
    /** @type {number[]} */
    const ends = [];
    /** @type {Record<string, number>} */
    let last = {};
    const y = targets(x);
    if (eager) engine.setFastTraining(["gradients", "loss", "adam"]);
    try {
      await model.fit(x, y, {
        epochs: 1,
        batchSize: BATCH,
        shuffle: false,
        verbose: 0,
        callbacks: [
          new tf.CustomCallback({
            onBatchEnd: async (_batch, logs) => {
              ends.push(performance.now());
              last = /** @type {Record<string, number>} */ ({ ...logs });
            },
          }),
        ],
      });
    } finally {
      if (eager) engine.setFastTraining();
      if (y !== x) tf.dispose(y);
    }
    return { ms: intervals(ends), last };
  };
}

/**
 * @param {string} name
 * @returns {Variant}
 */
function variant(name) {
  const [model = "", how = ""] = name.split(":");
  const shape = /** @type {"512" | "06" | "conv"} */ (model.split("-")[1]);
  const zeros = (/** @type {import("@tensorflow/tfjs-node").Tensor} */ x) => {
    const n = x.shape[0] ?? 0;
    return [x.rank > 2 ? x.reshape([n, 784]) : x.clone(), tf.zeros([n, 4])];
  };
  /** @type {Variant["step"]} */
  let step;
  if (model.startsWith("ae-")) {
    const ae = plainAutoencoder(tf, /** @type {"512" | "06"} */ (shape));
    const fit = fitter(ae, (x) => x, how === "eager");
    step = (x) => fit(x);
  } else if (how === "session") {
    // Option (c)'s stand-in: the whole step in one TensorFlow session call (export_vae_step.py wrote it).
    const saved = tf.node.loadSavedModel(join(SAVED, `session-${shape}`), ["serve"], "serving_default");
    step = async (x, steps) => {
      const session = await saved;
      const ends = [];
      /** @type {Record<string, number>} */
      let last = {};
      for (let i = 0; i < steps; i++) {
        const batch = x.slice(i * BATCH, BATCH);
        const out = /** @type {Record<string, import("@tensorflow/tfjs-node").Tensor>} */ (
          session.predict({ x: batch })
        );
        last = { recon: out.recon?.dataSync()[0] ?? NaN, kl: out.kl?.dataSync()[0] ?? NaN };
        tf.dispose([batch, ...Object.values(out)]);
        ends.push(performance.now());
      }
      return { ms: intervals(ends), last };
    };
  } else if (how === "loop") {
    const vae = vaeModels(tf, shape);
    const optimizer = tf.train.adam();
    step = async (x, steps) => {
      const ends = [];
      /** @type {Record<string, number>} */
      let last = {};
      for (let i = 0; i < steps; i++) {
        const batch = x.slice(i * BATCH, BATCH);
        last = loopStep(tf, vae, optimizer, batch);
        batch.dispose();
        ends.push(performance.now());
      }
      return { ms: intervals(ends), last };
    };
  } else {
    const vae = vaeModels(tf, shape);
    const fit = fitter(fitModel(tf, vae, how === "fit-sum" ? "sum" : "mean"), zeros, false);
    step = (x) => fit(x);
  }
  return { model, how, step, order: permutation(), cursor: 0 };
}

/** @type {Map<string, Variant>} */
const variants = new Map();

/**
 * The next `count` images of the variant's shuffled epoch, in its model's layout.
 * @param {Variant} v
 * @param {number} count
 */
function nextImages(v, count) {
  if (v.cursor + count > v.order.length) [v.order, v.cursor] = [permutation(), 0];
  const indices = tf.tensor1d(v.order.slice(v.cursor, v.cursor + count), "int32");
  v.cursor += count;
  const x = tf.gather(v.model === "vae-conv" ? images : data.xTrain, indices);
  indices.dispose();
  return x;
}

/** @param {Record<string, any>} command */
async function handle(command) {
  if (command.op === "init") {
    for (const name of command.variants) variants.set(name, variant(name));
    return { ok: true, tfjs: tf.version["tfjs-node"], levers: engine.fastTrainingLevers() };
  }
  if (command.op === "run") {
    const v = variants.get(command.variant);
    if (!v) throw new Error(`unknown variant ${command.variant}`);
    BATCH = command.batch ?? 128;
    const x = nextImages(v, command.steps * BATCH);
    try {
      const { ms, last } = await v.step(x, command.steps);
      return { variant: command.variant, step_ms: ms, last, tensors: tf.memory().numTensors };
    } finally {
      x.dispose();
    }
  }
  throw new Error(`unknown op ${command.op}`);
}

process.stdout.write(`READY ${JSON.stringify({ onednn: process.env.TF_ENABLE_ONEDNN_OPTS ?? null })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line);
  if (command.op === "quit") break;
  try {
    process.stdout.write(`RESULT ${JSON.stringify(await handle(command))}\n`);
  } catch (error) {
    process.stdout.write(
      `RESULT ${JSON.stringify({ error: error instanceof Error ? error.stack : String(error) })}\n`,
    );
  }
}
process.exit(0);

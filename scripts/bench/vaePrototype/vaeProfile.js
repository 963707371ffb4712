// @ts-check
// PROTOTYPE (a VAE lesson, docs/vae-design.md): how many TensorFlow kernels one training step runs on tfjs's path,
// for the VAE trained each way (vaeModels.js) and the plain autoencoder of the same layers, with the eager levers.
//   node scripts/bench/vaePrototype/vaeProfile.js [--shape 512]
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "../../project.js";
import { fitModel, loopStep, plainAutoencoder, vaeModels } from "./vaeModels.js";

const require = createRequire(join(ROOT, "package.json"));
/** @type {typeof import("ae-shared")} */
const shared = require("ae-shared");
/** @type {typeof import("@tensorflow/tfjs-node")} */
const tf = require("@tensorflow/tfjs-node");

const { values } = parseArgs({ options: { shape: { type: "string", default: "512" } } });
const shape = /** @type {"512" | "06"} */ (values.shape);
const x = tf.randomUniform([128, 784]);
const zeros = tf.zeros([128, 4]);

/**
 * Kernels of one call of `step` (after two warm-up calls), the most frequent first.
 * @param {string} name
 * @param {() => Promise<void>} step
 */
async function profile(name, step) {
  await step();
  await step();
  const { kernels } = await tf.profile(step);
  /** @type {Record<string, number>} */
  const counts = {};
  for (const k of kernels) counts[k.name] = (counts[k.name] ?? 0) + 1;
  const top = Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([k, n]) => `${k} ${n}`);
  process.stdout.write(`${name}: ${kernels.length} kernels; ${top.join(", ")}\n`);
}

const vae = vaeModels(tf, shape);
const optimizer = tf.train.adam();
await profile(`vae-${shape} loop`, async () => void loopStep(tf, vae, optimizer, x));
for (const scale of /** @type {const} */ (["mean", "sum"])) {
  const model = fitModel(tf, vaeModels(tf, shape), scale);
  await profile(`vae-${shape} fit-${scale}`, async () => tf.dispose(await model.trainOnBatch(x, [x, zeros])));
}
const ae = plainAutoencoder(tf, shape);
shared.setFastTraining(["gradients", "loss", "adam"]);
await profile(`ae-${shape} eager`, async () => tf.dispose(await ae.trainOnBatch(x, x)));

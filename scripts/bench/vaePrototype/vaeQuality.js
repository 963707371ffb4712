// @ts-check
// PROTOTYPE (a VAE lesson, docs/vae-design.md): how many epochs the VAE needs for a good 2-D map, and the "space
// filled" measures (spaceMetrics.js) of the VAE beside 06-latent's plain 2-D autoencoder (its own mapModels, trained
// as 06 trains it: 20 epochs, batch 256). The VAE trains through model.fit with two outputs (vaeModels.js, "mean"),
// batch 128 as Keras's examples, and is measured after each checkpoint epoch.
//   node scripts/bench/vaePrototype/vaeQuality.js --vae 06 [--epochs 20] [--checkpoints 1,2,5,10,20] [--ae] [--keras]
// --keras then trains Keras's vae.py train_step on the same layers for the same epochs (vae_keras_worker.py) and
// reports its losses and code measures, to check that ours learns what Keras's learns. Writes
// bench/vae-prototype/quality-<vae>-<date>.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "../../project.js";
import { lessonFunctions } from "../../lessonModels.js";
import { fitModel, vaeModels } from "./vaeModels.js";
import {
  PRIOR,
  drawCodes,
  drawnInEmpty,
  emptyCells,
  gridCodes,
  inside,
  ownFrame,
  verdicts,
} from "./spaceMetrics.js";
import { MNIST_DIR, SAVED, kerasWorker, machine } from "./workers.js";
import { RECORDS, measureLine, pct, qualityLines } from "./vaeRecords.js";

const require = createRequire(join(ROOT, "package.json"));
/** @type {typeof import("ae-shared")} */
const shared = require("ae-shared");
/** @type {typeof import("@tensorflow/tfjs-node")} */
const tf = require("@tensorflow/tfjs-node");
/** @typedef {import("@tensorflow/tfjs-node").Tensor2D} Tensor2D */

const { values } = parseArgs({
  options: {
    vae: { type: "string", default: "06" },
    epochs: { type: "string", default: "20" },
    checkpoints: { type: "string", default: "1,2,5,10,15,20" },
    batch: { type: "string", default: "128" },
    ae: { type: "boolean", default: false },
    "ae-saved": { type: "boolean", default: false },
    keras: { type: "boolean", default: false },
  },
});
const shape = /** @type {"06" | "512"} */ (values.vae);
const epochs = Number(values.epochs);
const batchSize = Number(values.batch);
const checkpoints = new Set((values.checkpoints ?? "").split(",").map(Number));
const log = (/** @type {string} */ line) => process.stdout.write(`${line}\n`);
/** @type {{machine: ReturnType<typeof machine>, options: object, classifier: {testAccuracy: number, seconds: number}, ae: any, vae: any[], keras: any}} */
const run = {
  machine: machine(),
  options: values,
  classifier: { testAccuracy: NaN, seconds: NaN },
  ae: /** @type {any} */ (null),
  vae: /** @type {any[]} */ ([]),
  keras: /** @type {any} */ (null),
};
log(`vae quality: ${run.machine.cpu}, ${run.machine.cores} cores, load ${run.machine.load}`);

const data = shared.loadMnist({ layout: "flat" });
const { xTrain, xTest, yTrain, yTest } = data;

// The small classifier that judges decoded images: 784-256-10, two epochs (a few seconds).
const t0 = performance.now();
const classifier = tf.sequential({
  layers: [
    tf.layers.dense({ units: 256, activation: "relu", inputShape: [784] }),
    tf.layers.dense({ units: 10, activation: "softmax" }),
  ],
});
classifier.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
const labels = tf.tensor1d(yTrain, "float32");
await classifier.fit(xTrain, labels, { epochs: 2, batchSize: 128, shuffle: true, verbose: 0 });
const testLabels = tf.tensor1d(yTest, "float32");
const [, acc] = /** @type {import("@tensorflow/tfjs-node").Scalar[]} */ (
  classifier.evaluate(xTest, testLabels)
);
run.classifier = {
  testAccuracy: (await /** @type {any} */ (acc).data())[0],
  seconds: (performance.now() - t0) / 1000,
};
log(
  `classifier: test accuracy ${(run.classifier.testAccuracy * 100).toFixed(1)} %, ${run.classifier.seconds.toFixed(1)} s`,
);

/**
 * 06-latent's k-NN (k = 5): for each test code, the majority label of its 5 nearest training codes.
 * @param {Tensor2D} trainCodes
 * @param {Tensor2D} testCodes
 */
function knn(trainCodes, testCodes) {
  let right = 0;
  for (let start = 0; start < testCodes.shape[0]; start += 1000) {
    const nearest = tf.tidy(() => {
      const q = testCodes.slice(start, 1000);
      const d = q
        .square()
        .sum(1, true)
        .sub(q.matMul(trainCodes, false, true).mul(2))
        .add(trainCodes.square().sum(1).reshape([1, -1]));
      return tf.topk(d.neg(), 5).indices;
    });
    /** @type {number[][]} */ (nearest.arraySync()).forEach((row, i) => {
      const votes = new Array(10).fill(0);
      for (const j of row) votes[yTrain[j] ?? 0] += 1;
      if (votes.indexOf(Math.max(...votes)) === yTest[start + i]) right += 1;
    });
    nearest.dispose();
  }
  return right / testCodes.shape[0];
}

/**
 * The measures of one 2-D map: its test codes, its training codes (for k-NN), its decoder and its frame.
 * @param {Tensor2D} trainCodes
 * @param {Tensor2D} testCodes
 * @param {import("@tensorflow/tfjs-node").LayersModel} decoder
 * @param {"prior" | "own"} frameOf
 */
function measure(trainCodes, testCodes, decoder, frameOf) {
  const codes = /** @type {number[][]} */ (testCodes.arraySync());
  const frame = frameOf === "prior" ? PRIOR : ownFrame(codes);
  const judge = (/** @type {number[][]} */ z) =>
    tf.tidy(
      () =>
        /** @type {number[][]} */ (
          /** @type {Tensor2D} */ (
            classifier.predict(/** @type {Tensor2D} */ (decoder.predict(tf.tensor2d(z))))
          ).arraySync()
        ),
    );
  const start = performance.now();
  const grid = verdicts(judge(gridCodes(frame, 30)));
  const draws = drawCodes(frame, 1000);
  const drawn = verdicts(judge(draws));
  // The same classifier on the decoded codes of the test images: the recognised share that real codes give.
  const ownProbabilities = judge(codes);
  const decodedTest = verdicts(ownProbabilities);
  const rightLabel =
    ownProbabilities.filter((p, i) => p.indexOf(Math.max(...p)) === yTest[i]).length / codes.length;
  // For each drawn code, the distance (in σ of the frame, per axis) to the nearest test code: a hole is where a
  // drawn code has no test image's code near it.
  const nearest = tf.tidy(() => {
    const scale = tf.tensor1d(frame.std);
    const a = tf.div(tf.tensor2d(draws), scale);
    const b = tf.div(tf.tensor2d(codes), scale);
    const d2 = a
      .square()
      .sum(1, true)
      .sub(a.matMul(b, false, true).mul(2))
      .add(b.square().sum(1).reshape([1, -1]));
    return /** @type {number[]} */ (d2.min(1).maximum(0).sqrt().arraySync());
  });
  const share = (/** @type {number} */ r) => nearest.filter((d) => d > r).length / nearest.length;
  const sortedNearest = [...nearest].sort((x, y) => x - y);
  return {
    frame,
    holes: {
      over005: share(0.05),
      over01: share(0.1),
      over02: share(0.2),
      median: sortedNearest[500],
      p90: sortedNearest[900],
    },
    drawnInEmpty10: drawnInEmpty(codes, draws, frame, 10),
    drawnInEmpty20: drawnInEmpty(codes, draws, frame, 20),
    decodedTest,
    decodedTestRightLabel: rightLabel,
    inside2sigma: inside(codes, frame),
    empty10: emptyCells(codes, frame, 10),
    empty20: emptyCells(codes, frame, 20),
    knn: knn(trainCodes, testCodes),
    grid30: grid,
    drawn1000: drawn,
    classifierMs: performance.now() - start,
  };
}

mkdirSync(SAVED, { recursive: true });
const save = (/** @type {import("@tensorflow/tfjs-node").LayersModel} */ m, /** @type {string} */ name) =>
  m.save(`file://${join(SAVED, name)}`);

if (values.ae || values["ae-saved"]) {
  // 06-latent's own model, by its own function, trained as 06 trains it (the graph path).
  const { mapModels } = lessonFunctions("06-latent", ["mapModels"], { tf });
  const { autoEncoder, encoder, decoder } =
    /** @type {{[k in "autoEncoder" | "encoder" | "decoder"]: import("@tensorflow/tfjs-node").LayersModel}} */ (
      /** @type {Function} */ (mapModels)()
    );
  // --ae-saved: 06's saved model (weights/latent-2d, 50 epochs), as the VAE lesson could load it instead of training.
  const start = performance.now();
  const history = values["ae-saved"]
    ? await shared.tryLoadSavedWeights(autoEncoder, "latent-2d")
    : await autoEncoder.fit(xTrain, xTrain, { epochs: 20, batchSize: 256, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - start) / 1000;
  const [trainCodes, testCodes] = [xTrain, xTest].map(
    (x) => /** @type {Tensor2D} */ (encoder.predict(x, { batchSize: 1000 })),
  );
  await save(encoder, "ae-encoder");
  await save(decoder, "ae-decoder");
  run.ae = {
    saved: values["ae-saved"],
    seconds,
    loss: history?.history.loss,
    ...measure(/** @type {Tensor2D} */ (trainCodes), /** @type {Tensor2D} */ (testCodes), decoder, "own"),
  };
  log(
    `06's plain AE, ${values["ae-saved"] ? "saved, 50" : 20} epochs (${seconds.toFixed(0)} s): ${measureLine(run.ae)}`,
  );
}

const vae = vaeModels(tf, shape);
const model = fitModel(tf, vae, "mean");
const zeros = { train: tf.zeros([xTrain.shape[0], 4]), test: tf.zeros([xTest.shape[0], 4]) };
let seconds = 0;
for (let epoch = 1; epoch <= epochs; epoch++) {
  const start = performance.now();
  const h = await model.fit(xTrain, [xTrain, zeros.train], {
    epochs: 1,
    batchSize,
    shuffle: true,
    verbose: 0,
  });
  seconds += (performance.now() - start) / 1000;
  // "mean": the reconstruction is a mean over the pixels and the KL is / 784: × 784 gives Keras's scale.
  const recon = /** @type {number} */ (h.history[`${model.outputNames[0]}_loss`]?.[0]) * 784;
  const kl = /** @type {number} */ (h.history[`${model.outputNames[1]}_loss`]?.[0]) * 784;
  const entry = { epoch, seconds, recon, kl };
  if (checkpoints.has(epoch)) {
    const [trainOut, testOut] = [xTrain, xTest].map(
      (x) => /** @type {Tensor2D[]} */ (vae.encoder.predict(x, { batchSize: 1000 })),
    );
    Object.assign(
      entry,
      measure(
        /** @type {Tensor2D} */ (trainOut?.[0]),
        /** @type {Tensor2D} */ (testOut?.[0]),
        vae.decoder,
        "prior",
      ),
    );
    const logVar = /** @type {Tensor2D} */ (testOut?.[1]);
    Object.assign(entry, { meanSigma: tf.tidy(() => logVar.mul(0.5).exp().mean().dataSync()[0]) });
    tf.dispose([...(trainOut ?? []), ...(testOut ?? [])]);
    await save(vae.encoder, `vae-${shape}-e${epoch}-encoder`);
    await save(vae.decoder, `vae-${shape}-e${epoch}-decoder`);
    log(
      `VAE ${shape} epoch ${epoch} (${seconds.toFixed(0)} s), recon ${recon.toFixed(1)}, KL ${kl.toFixed(2)}: ${measureLine(entry)}`,
    );
  }
  run.vae.push(entry);
}

if (values.keras) {
  const keras = await kerasWorker();
  try {
    await keras.send({ op: "init", models: [`vae-${shape}`], mnist_dir: MNIST_DIR });
    const result = await keras.send({ op: "epoch", model: `vae-${shape}`, epochs, batch: batchSize });
    const codes = /** @type {number[][]} */ (result.z_mean);
    run.keras = {
      epochs: result.epochs,
      inside2sigma: inside(codes, PRIOR),
      empty10: emptyCells(codes, PRIOR, 10),
      empty20: emptyCells(codes, PRIOR, 20),
    };
    const last = result.epochs.at(-1);
    log(
      `Keras vae-${shape}, ${epochs} epochs: recon ${last.reconstruction_loss.toFixed(1)}, KL ${last.kl_loss.toFixed(2)}, inside 2σ ${pct(run.keras.inside2sigma)}, empty cells ${run.keras.empty10}/100, ${run.keras.empty20}/400`,
    );
  } finally {
    keras.quit();
  }
}

const dir = RECORDS;
mkdirSync(dir, { recursive: true });
Object.assign(run, { lines: qualityLines(run) });
const file = join(dir, `quality-${shape}-${run.machine.date.slice(0, 16).replace(/[:T]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
log(`written to ${relative(ROOT, file)}`);

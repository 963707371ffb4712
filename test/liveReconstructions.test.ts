// liveReconstructions.ts: digits and their reconstructions redrawn in place while a model trains, read from the
// weights of the moment, mid-epoch too, on the engine's graph path as the lessons train.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { digitGridPng, liveReconstructions } from "ae-shared";
import { graphTrainingPlan } from "ae-engine";
import { captureStdout, inFakeKernel, type SentOutput } from "./support/kernel.js";
import { inLanguage } from "./support/language.js";
import { pngSize } from "./support/png.js";

/** A small dense autoencoder, as the lessons compile theirs but with a large step, so each batch shows. */
function setup() {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [784],
        units: 8,
        activation: "relu",
        kernelInitializer: "glorotUniform",
      }),
      tf.layers.dense({ units: 784, activation: "sigmoid", kernelInitializer: "glorotUniform" }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss: "binaryCrossentropy" });
  const x = tf.randomUniform([256, 784], 0, 1, "float32", 7).round(); // 8 batches of 32
  return { model, x, dispose: () => (x.dispose(), model.dispose()) };
}

const png = (output: SentOutput) => output.message.data["image/png"] ?? "";
const captionOf = (output: SentOutput) => (output.message.data["text/plain"] ?? "").split("\n")[0] ?? "";

describe("liveReconstructions in a notebook", () => {
  test("redraws one output before training, every few batches, and after it, from the weights of the moment", async () => {
    const { model, x, dispose } = setup();
    try {
      assert.ok("steps" in graphTrainingPlan(model, x, x), "the model trains on the graph path");
      const live = liveReconstructions(x, { count: 10, everyBatches: 2, maxShare: 1 });
      // A first fit makes Adam's state, so that the count below is the redraws' alone.
      await model.fit(x, x, { epochs: 1, batchSize: 256, verbose: 0 });
      const before = tf.memory().numTensors;
      const { sent } = await inFakeKernel(() =>
        inLanguage("zh", () => model.fit(x, x, { epochs: 2, batchSize: 32, verbose: 0, callbacks: [live] })),
      );
      assert.equal(tf.memory().numTensors, before, "no tensors left by the redraws");

      // Before training, after batches 2, 4, 6 and 8 of each epoch, after training: one output, redrawn.
      assert.equal(sent.length, 1 + 2 * 4 + 1);
      assert.equal(live.updates, sent.length);
      const ids = new Set(sent.map((s) => s.message.transient.display_id));
      assert.equal(ids.size, 1, "one display id");
      assert.deepEqual(
        sent.map((s) => s.update),
        sent.map((_, i) => i > 0),
        "the first creates the output, the others replace it",
      );
      assert.match(captionOf(sent[0]!), /^开始训练前：上为前 10 张图片，下为模型此刻的重建$/);
      assert.match(
        captionOf(sent[1]!),
        /^训练中：第 1\/2 个 epoch，第 2\/8 批。上为前 10 张图片，下为模型此刻的重建$/,
      );
      assert.match(captionOf(sent[8]!), /^训练中：第 2\/2 个 epoch，第 8\/8 批。/);
      assert.match(captionOf(sent[9]!), /^训练结束（2 个 epoch，共 16 批）：/);
      const size = pngSize(Buffer.from(png(sent[0]!), "base64"));
      assert.ok(size.width > 10 * 28 && size.height > 2 * 28, `two rows of 10: ${size.width}x${size.height}`);

      // Within an epoch each redraw shows new reconstructions: the graph path serves the weights mid-epoch.
      const firstEpoch = sent.slice(1, 5).map(png);
      assert.equal(new Set(firstEpoch).size, firstEpoch.length, "every mid-epoch redraw differs");
      // The last shows the trained model: the same grid as drawn from model.predict after fit.
      const originals = x.slice(0, 10);
      const reconstructed = model.predict(originals) as tf.Tensor;
      const expected = await digitGridPng([
        { label: "原图", images: originals },
        { label: "重建", images: reconstructed },
      ]);
      tf.dispose([originals, reconstructed]);
      assert.equal(png(sent.at(-1)!), Buffer.from(expected).toString("base64"));
    } finally {
      dispose();
    }
  });

  test("redraws only while drawing takes at most maxShare of the time, however few the batches between", async () => {
    const { model, x, dispose } = setup();
    try {
      const live = liveReconstructions(x, { everyBatches: 1, maxShare: 1e-6 });
      const { sent } = await inFakeKernel(() =>
        inLanguage("zh", () => model.fit(x, x, { epochs: 1, batchSize: 32, verbose: 0, callbacks: [live] })),
      );
      // The drawing before training is not counted, so the first batch redraws; its cost then keeps the others
      // away until training ends.
      assert.deepEqual(
        sent.map((s) => captionOf(s).split("：")[0]),
        ["开始训练前", "训练中", "训练结束（1 个 epoch，共 8 批）"],
      );
      assert.match(captionOf(sent[1]!), /第 1\/8 批/);
    } finally {
      dispose();
    }
  });
});

describe("liveReconstructions outside a kernel", () => {
  test("draws nothing, prints nothing and writes no file", async () => {
    const { model, x, dispose } = setup();
    const pngs = () => readdirSync(tmpdir()).filter((f) => f.startsWith("ae-digits-")).length;
    try {
      const [files, live] = [pngs(), liveReconstructions(x, { everyBatches: 1, maxShare: 1 })];
      const { text } = await captureStdout(() =>
        model.fit(x, x, { epochs: 1, batchSize: 32, verbose: 0, callbacks: [live] }),
      );
      assert.equal(text, "");
      assert.equal(live.updates, 0);
      assert.equal(pngs(), files);
    } finally {
      dispose();
    }
  });
});

describe("liveReconstructions' arguments", () => {
  test("say what was expected and what was found", () => {
    const x = tf.zeros([4, 784]);
    try {
      assert.throws(
        () => liveReconstructions([1, 2] as unknown as tf.Tensor),
        /liveReconstructions: images must be images as the model takes them, e\.g\. xTest, found an array/,
      );
      const one = tf.zeros([784]);
      assert.throws(
        () => liveReconstructions(one),
        /images must be .* \(at least one image\), found a tensor of shape \[784\]/,
      );
      one.dispose();
      assert.throws(
        () => liveReconstructions(x, { everyBatches: 0 }),
        /liveReconstructions: everyBatches must be a whole number >= 1, found 0/,
      );
      assert.throws(
        () => liveReconstructions(x, { count: 2.5 }),
        /liveReconstructions: count must be a whole number >= 1, found 2\.5/,
      );
      for (const maxShare of [0, 1.5, Number.NaN]) {
        assert.throws(
          () => liveReconstructions(x, { maxShare }),
          /liveReconstructions: maxShare must be a number above 0, at most 1, found (0|1\.5|NaN)$/,
        );
      }
    } finally {
      x.dispose();
    }
  });
});

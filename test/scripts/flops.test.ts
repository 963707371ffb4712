// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// scripts/bench/flops.js: an epoch's arithmetic from a model's layers, and the machine's matmul speed.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { epochFlops, forwardFlopsPerImage, matmulGflops } from "../../scripts/bench/flops.js";

test("Dense counts 2·in·out per image; an epoch is three forward passes per training image and one per test image", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 32, activation: "relu" }),
      tf.layers.dense({ units: 784, activation: "sigmoid" }),
    ],
  });
  try {
    assert.equal(forwardFlopsPerImage(model.layers), 2 * 784 * 32 * 2);
    assert.equal(epochFlops(model.layers, { trainSize: 10, testSize: 4 }), 2 * 784 * 32 * 2 * (3 * 10 + 4));
  } finally {
    model.dispose();
  }
});

test("Conv2D counts 2·kh·kw·channels in per output value; pooling and upsampling count nothing", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, padding: "same" }),
      tf.layers.maxPooling2d({ poolSize: 2, padding: "same" }),
      tf.layers.conv2d({ filters: 8, kernelSize: [3, 3], padding: "same" }),
      tf.layers.upSampling2d({ size: [2, 2] }),
      tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, padding: "same" }),
    ],
  });
  try {
    const first = 2 * 3 * 3 * 1 * (28 * 28 * 16);
    const second = 2 * 3 * 3 * 16 * (14 * 14 * 8);
    // A transposed convolution spreads each of its input values (28·28·8) over 3·3·4 outputs.
    const third = 2 * 3 * 3 * 4 * (28 * 28 * 8);
    assert.equal(forwardFlopsPerImage(model.layers), first + second + third);
  } finally {
    model.dispose();
  }
});

test("a layer shared with another model (09's decoder layers) counts once, as the model uses it", () => {
  const input = tf.input({ shape: [784] });
  const [down, up] = [tf.layers.dense({ units: 2 }), tf.layers.dense({ units: 784 })];
  const model = tf.model({ inputs: input, outputs: up.apply(down.apply(input)) as tf.SymbolicTensor });
  const code = tf.input({ shape: [2] });
  const decoder = tf.model({ inputs: code, outputs: up.apply(code) as tf.SymbolicTensor });
  try {
    assert.equal(forwardFlopsPerImage(model.layers), 2 * 784 * 2 * 2);
  } finally {
    decoder.dispose();
    model.dispose();
  }
});

test("the matmul speed is a positive number of GFLOP/s, and the matrices it made are freed", () => {
  const before = tf.memory().numTensors;
  const gflops = matmulGflops(tf, { n: 128, repeats: 2 });
  assert.ok(Number.isFinite(gflops) && gflops > 0, String(gflops));
  assert.equal(tf.memory().numTensors, before);
});

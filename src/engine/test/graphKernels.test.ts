// graph/graphKernels.ts: each of the graph path's own forms computes what TensorFlow's usual kernel computes (the
// timings themselves are the bench's: `npm run bench -- --kernels`).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { kernelTimings } from "ae-engine/bench";

test("each form beside the usual kernel: the same results, each call timed, no tensor left", async () => {
  const before = tf.memory().numTensors;
  const timings = await kernelTimings({ batch: 2, repeats: 1 });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(
    timings.map((t) => [t.spot, t.shapes, t.usual, t.ours]),
    [
      ["Conv2D to one channel", "28×28×32", "Conv2D", "depthwise + channel sum"],
      ["its kernel's gradient", "28×28×32", "Conv2DBackpropFilter", "depthwise's"],
      ["UpSampling2D's gradient", "28×28×32", "ResizeNearestNeighborGrad", "AvgPool × 4"],
      ["UpSampling2D's gradient", "14×14×32", "ResizeNearestNeighborGrad", "AvgPool × 4"],
    ],
  );
  for (const t of timings) {
    assert.ok(t.difference < 1e-5, `${t.spot} ${t.shapes}: results differ by ${t.difference}`);
    assert.ok(t.usualMs > 0 && t.oursMs > 0, `${t.spot}: timed`);
  }
});

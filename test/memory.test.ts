// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { keep, loadMnist } from "ae-shared";

test("keeping under the same name frees the previous value: a re-run cell leaves the count where it was", () => {
  const start = tf.memory().numTensors;
  const makeModel = () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
  keep("model", makeModel());
  const afterFirst = tf.memory().numTensors;
  assert.equal(afterFirst - start, 2, "kernel and bias");
  for (let run = 0; run < 3; run++) keep("model", makeModel());
  assert.equal(tf.memory().numTensors, afterFirst);

  keep("data", loadMnist({ trainSize: 10, testSize: 10 }));
  const withData = tf.memory().numTensors;
  keep("data", loadMnist({ trainSize: 10, testSize: 10 }));
  assert.equal(tf.memory().numTensors, withData, "objects holding tensors are freed too");

  keep("pair", [tf.zeros([2]), { inner: tf.ones([3]) }]);
  const withPair = tf.memory().numTensors;
  keep("pair", [tf.zeros([2]), { inner: tf.ones([3]) }]);
  assert.equal(tf.memory().numTensors, withPair, "nested arrays and objects are walked");

  const same = keep("same", tf.zeros([1]));
  assert.equal(keep("same", same), same, "keeping the same value again does not free it");
  assert.equal(same.isDisposed, false);
});

test("a name is required", () => {
  assert.throws(() => keep("", tf.scalar(1)), /keep: expected a non-empty name, found ""/);
});

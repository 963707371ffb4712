// Digits for the tests of digitGrid.ts and showDigits.ts: made-up images, a check that a test leaks no tensors,
// and the size of a grid.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-node";
import { DIGIT_GAP } from "ae-shared";

/** `n` flat images; pixel (y, x) of image k is `value(k, y, x)`. */
export function digits(n: number, value: (k: number, y: number, x: number) => number = () => 0): tf.Tensor2D {
  const values = new Float32Array(n * 784);
  for (let k = 0; k < n; k++)
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) values[k * 784 + y * 28 + x] = value(k, y, x);
  return tf.tensor2d(values, [n, 784]);
}

/** Runs `body` with tensors it makes and disposes them after, checking nothing else is left behind. */
export async function leakFree(
  body: (keep: <T extends tf.Tensor>(t: T) => T) => Promise<void>,
): Promise<void> {
  const before = tf.memory().numTensors;
  const made: tf.Tensor[] = [];
  try {
    await body((t) => {
      made.push(t);
      return t;
    });
  } finally {
    tf.dispose(made);
  }
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
}

/** Width (or height) in px of a grid of `count` digits (or rows) at `scale`. */
export const side = (count: number, scale: number) => count * 28 * scale + (count - 1) * DIGIT_GAP;

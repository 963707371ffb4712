// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { addGaussianNoise, type NoiseOptions } from "ae-shared";
import { inLanguage } from "./support/language.js";

/** Mean, standard deviation, min and max of a tensor's values. */
function stats(t: tf.Tensor): { mean: number; std: number; min: number; max: number } {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(t);
    return {
      mean: mean.dataSync()[0] ?? NaN,
      std: Math.sqrt(variance.dataSync()[0] ?? NaN),
      min: t.min().dataSync()[0] ?? NaN,
      max: t.max().dataSync()[0] ?? NaN,
    };
  });
}

/** Runs `body` and checks that it leaves no tensor behind besides the ones it returns for disposal. */
function leakFree(body: () => tf.Tensor[]): void {
  const before = tf.memory().numTensors;
  tf.dispose(body());
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
}

describe("addGaussianNoise", () => {
  test("unclipped noise on zeros has the asked mean and standard deviation", () => {
    leakFree(() => {
      const zeros = tf.zeros([500, 784]);
      const noisy = addGaussianNoise(zeros, { mean: 0.3, stddev: 0.7, clip: false, seed: 1 });
      const { mean, std } = stats(noisy);
      // 392,000 samples: the standard error of the mean is 0.7 / 626 ≈ 0.0011.
      assert.ok(Math.abs(mean - 0.3) < 0.006, `mean ${mean}`);
      assert.ok(Math.abs(std - 0.7) < 0.006, `std ${std}`);
      // Gaussian, not uniform: about 68.3% of samples lie within one standard deviation.
      const within = tf.tidy(() => noisy.sub(0.3).abs().lessEqual(0.7).mean().dataSync()[0] ?? 0);
      assert.ok(Math.abs(within - 0.6827) < 0.005, `fraction within 1 std ${within}`);
      return [zeros, noisy];
    });
  });

  test("the course's loc 3.0 / scale 10.0 without clipping leaves [0, 1] far behind", () => {
    leakFree(() => {
      const x = tf.fill([200, 784], 0.5);
      const noisy = addGaussianNoise(x, { mean: 3, stddev: 10, clip: false, seed: 7 });
      const { mean, std, min, max } = stats(noisy);
      assert.ok(Math.abs(mean - 3.5) < 0.1, `mean ${mean}`);
      assert.ok(Math.abs(std - 10) < 0.1, `std ${std}`);
      assert.ok(min < -30 && max > 30, `range ${min}..${max}`);
      return [x, noisy];
    });
  });

  test("clipped by default: values stay in [0, 1] and both ends are reached", () => {
    leakFree(() => {
      const x = tf.fill([100, 784], 0.5);
      const noisy = addGaussianNoise(x, { stddev: 0.5, seed: 3 });
      const { min, max } = stats(noisy);
      assert.equal(min, 0);
      assert.equal(max, 1);
      // P(|z| > 1) ≈ 31.7% of the values are clipped, half at each end.
      const atZero = tf.tidy(() => noisy.equal(0).mean().dataSync()[0] ?? 0);
      assert.ok(Math.abs(atZero - 0.1587) < 0.01, `fraction clipped to 0: ${atZero}`);
      return [x, noisy];
    });
  });

  test("returns a new float32 tensor of the same shape and leaves x alone", () => {
    leakFree(() => {
      const x = tf.zeros([3, 28, 28, 1]);
      const noisy = addGaussianNoise(x, { stddev: 0.1, seed: 1 });
      assert.notEqual(noisy, x);
      assert.deepEqual(noisy.shape, [3, 28, 28, 1]);
      assert.equal(noisy.dtype, "float32");
      assert.equal(x.isDisposed, false);
      assert.equal(
        tf.tidy(() => x.abs().max().dataSync()[0]),
        0,
        "x is unchanged",
      );
      const ints = tf.ones([2, 784], "int32");
      const fromInts = addGaussianNoise(ints, { stddev: 0, mean: -0.25, clip: false });
      assert.equal(fromInts.dtype, "float32");
      assert.equal(
        tf.tidy(() => fromInts.sub(0.75).abs().max().dataSync()[0]),
        0,
        "stddev 0 adds the mean",
      );
      return [x, noisy, ints, fromInts];
    });
  });

  test("the same seed gives the same noise, for every seed including 0 and negatives", () => {
    leakFree(() => {
      const x = tf.fill([4, 784], 0.5);
      const made: tf.Tensor[] = [x];
      const noise = (seed?: number) => {
        const t = addGaussianNoise(x, { stddev: 0.3, seed, clip: false });
        made.push(t);
        return Array.from(t.dataSync());
      };
      // tf.randomNormal treats seed 0 as "no seed"; ours must not.
      for (const seed of [0, 42, -5, 2 ** 40]) assert.deepEqual(noise(seed), noise(seed), `seed ${seed}`);
      const distinct = [0, 1, 42, -1, 2 ** 32, -(2 ** 32)].map((seed) => noise(seed).slice(0, 8).join());
      assert.equal(new Set(distinct).size, distinct.length, "different seeds give different noise");
      assert.notDeepEqual(noise(), noise(), "no seed: fresh noise on every call");
      return made;
    });
  });

  test("the noise does not depend on the input's values, only on the seed and shape", () => {
    leakFree(() => {
      const a = tf.zeros([2, 784]);
      const b = tf.fill([2, 784], 0.25);
      const na = addGaussianNoise(a, { stddev: 1, seed: 9, clip: false });
      const nb = addGaussianNoise(b, { stddev: 1, seed: 9, clip: false });
      const diff = tf.tidy(() => nb.sub(na).sub(0.25).abs().max().dataSync()[0] ?? 1);
      assert.ok(diff < 1e-6, `max difference ${diff}`);
      return [a, b, na, nb];
    });
  });

  describe("bad input is refused with what was expected and found, leaking nothing", () => {
    const cases: { name: string; x: () => tf.Tensor; options: unknown; message: RegExp }[] = [
      {
        name: "negative stddev",
        x: () => tf.zeros([2, 784]),
        options: { stddev: -1 },
        message: /addGaussianNoise: stddev must be a finite number >= 0, found -1/,
      },
      {
        name: "infinite stddev",
        x: () => tf.zeros([2, 784]),
        options: { stddev: Infinity },
        message: /stddev must be a finite number >= 0, found Infinity/,
      },
      {
        name: "missing stddev",
        x: () => tf.zeros([2, 784]),
        options: { mean: 0 },
        message: /stddev must be a finite number >= 0, found undefined/,
      },
      {
        name: "no options",
        x: () => tf.zeros([2, 784]),
        options: undefined,
        message: /expected options like \{ stddev: 0\.5 \}, found undefined/,
      },
      {
        name: "NaN mean",
        x: () => tf.zeros([2, 784]),
        options: { stddev: 1, mean: NaN },
        message: /mean must be a finite number, found NaN/,
      },
      {
        name: "fractional seed",
        x: () => tf.zeros([2, 784]),
        options: { stddev: 1, seed: 1.5 },
        message: /seed must be an integer, found 1\.5/,
      },
      {
        name: "string seed",
        x: () => tf.zeros([2, 784]),
        options: { stddev: 1, seed: "42" },
        message: /seed must be an integer, found "42"/,
      },
      {
        name: "clip not a boolean",
        x: () => tf.zeros([2, 784]),
        options: { stddev: 1, clip: "no" },
        message: /clip must be true or false, found "no"/,
      },
      {
        name: "empty tensor",
        x: () => tf.zeros([0, 784]),
        options: { stddev: 1 },
        message: /expected a non-empty tensor, found shape \[0, 784\]/,
      },
      {
        name: "NaN and Infinity in x",
        x: () => tf.tensor2d([[0, NaN, Infinity, 1]]),
        options: { stddev: 1 },
        message: /expected finite values in x, found 2 NaN or Infinity/,
      },
      {
        name: "string tensor",
        x: () => tf.tensor(["a", "b"]),
        options: { stddev: 1 },
        message: /expected a numeric tensor, found dtype string/,
      },
    ];
    for (const { name, x, options, message } of cases) {
      test(name, () => {
        leakFree(() => {
          const input = x();
          assert.throws(() => addGaussianNoise(input, options as NoiseOptions), message);
          return [input];
        });
      });
    }

    test("not a tensor, or a disposed one", () => {
      const before = tf.memory().numTensors;
      assert.throws(
        () => addGaussianNoise([0.5, 0.5] as unknown as tf.Tensor, { stddev: 1 }),
        /expected a tf\.Tensor of images, found an array/,
      );
      const gone = tf.zeros([1, 784]);
      gone.dispose();
      assert.throws(() => addGaussianNoise(gone, { stddev: 1 }), /the input tensor was already disposed/);
      assert.equal(tf.memory().numTensors, before);
    });
  });
});

test("in Chinese, bad options are refused in Chinese", async () => {
  const x = tf.zeros([2, 784]);
  try {
    await inLanguage("zh", () => {
      assert.throws(() => addGaussianNoise(x, { stddev: -1 }), {
        message: "addGaussianNoise: stddev 应为不小于 0 的有限数，实际为 -1",
      });
      assert.throws(() => addGaussianNoise(x, { stddev: 1, clip: "no" as unknown as boolean }), {
        message: 'addGaussianNoise: clip 应为 true 或 false，实际为 "no"',
      });
      assert.throws(() => addGaussianNoise(x, null as unknown as NoiseOptions), {
        message: "addGaussianNoise：选项应形如 { stddev: 0.5 }，实际为 null",
      });
    });
  } finally {
    x.dispose();
  }
});

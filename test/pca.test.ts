// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// pca.ts: PCA fitted with ml-pca on a covariance computed by TensorFlow, encoding and decoding as matmuls.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { fitPca } from "ae-shared";
import { inLanguage } from "./support/language.js";

const close = (found: number[], expected: number[], what: string, tolerance = 1e-5) => {
  assert.equal(found.length, expected.length, what);
  found.forEach((value, i) =>
    assert.ok(Math.abs(value - expected[i]!) < tolerance, `${what}[${i}]: ${value} vs ${expected[i]}`),
  );
};
/** The same direction, whichever way it points (an eigenvector's sign is arbitrary). */
const sameDirection = (found: number[], expected: number[], what: string) => {
  const sign = Math.sign(found.reduce((sum, value, i) => sum + value * expected[i]!, 0)) || 1;
  close(
    found.map((value) => value * sign),
    expected,
    what,
  );
  return sign;
};

describe("fitPca on points whose principal directions are known", () => {
  // Points mean + t·u + s·v in 3-D, with u ⟂ v unit vectors and t, s uncorrelated (Σ t·s = 0) and centred:
  // the covariance has eigenvalues var(t) = 10/3 along u, var(s) = 1/3 along v, and 0 along u × v.
  const u = [1 / 3, 2 / 3, 2 / 3];
  const v = [2 / 3, 1 / 3, -2 / 3];
  const mean = [1, 0, -1];
  const t = [-2, -1, 1, 2];
  const s = [0.5, -0.5, -0.5, 0.5];
  const rows = t.map((ti, i) => mean.map((m, j) => m + ti * u[j]! + s[i]! * v[j]!));

  test("finds the mean, the two directions strongest first, and the share of variance of each", () => {
    const x = tf.tensor2d(rows);
    const pca = fitPca(x, 2);
    try {
      close(Array.from(pca.mean.dataSync()), mean, "mean");
      assert.deepEqual(pca.components.shape, [3, 2]);
      const columns = pca.components.transpose().arraySync() as number[][];
      sameDirection(columns[0]!, u, "first component");
      sameDirection(columns[1]!, v, "second component");
      close(pca.explainedVariance, [10 / 11, 1 / 11], "explained variance");
    } finally {
      pca.dispose();
      x.dispose();
    }
  });

  test("codes are the coordinates along the directions; two of them rebuild the points, one loses s·v", () => {
    const x = tf.tensor2d(rows);
    const [pca2, pca1] = [fitPca(x, 2), fitPca(x, 1)];
    try {
      const columns = pca2.components.transpose().arraySync() as number[][];
      const [signU, signV] = [sameDirection(columns[0]!, u, "u"), sameDirection(columns[1]!, v, "v")];
      const code = pca2.encode(x);
      const codes = code.arraySync();
      close(
        codes.map((c) => c[0]! * signU),
        t,
        "codes along u",
      );
      close(
        codes.map((c) => c[1]! * signV),
        s,
        "codes along v",
      );
      const rebuilt = pca2.decode(code);
      close(Array.from(rebuilt.dataSync()), rows.flat(), "rebuilt from 2 codes");
      const one = tf.tidy(() => pca1.decode(pca1.encode(x)));
      const expected = t.map((ti) => mean.map((m, j) => m + ti * u[j]!));
      close(Array.from(one.dataSync()), expected.flat(), "rebuilt from 1 code");
      tf.dispose([code, rebuilt, one]);
    } finally {
      pca1.dispose();
      pca2.dispose();
      x.dispose();
    }
  });
});

describe("fitPca on random data", () => {
  // 200 points in 10-D with unequal spreads, seeded so that the test reads the same numbers every run.
  const data = (): tf.Tensor2D =>
    tf.tidy(() =>
      tf.matMul(
        tf.randomNormal([200, 10], 0, 1, "float32", 7),
        tf.randomNormal([10, 10], 0, 1, "float32", 8),
      ),
    );

  test("its reconstruction error is what the dropped components explain, and less than another projection's", () => {
    const x = data();
    const k = 3;
    const pca = fitPca(x, k);
    try {
      const squaredError = (reconstruction: tf.Tensor) =>
        tf.tidy(() => tf.sum(tf.square(tf.sub(x, reconstruction))).dataSync()[0]!);
      const pcaError = tf.tidy(() => squaredError(pca.decode(pca.encode(x))));
      const total = tf.tidy(() => squaredError(tf.mean(x, 0)));
      // Σ‖x − x̂‖² = (Σ‖x − mean‖²) · (share of the variance the k components leave out).
      const kept = pca.explainedVariance.reduce((sum, share) => sum + share, 0);
      assert.ok(Math.abs(pcaError / total - (1 - kept)) < 1e-4, `${pcaError / total} vs ${1 - kept}`);
      // Any other k orthonormal directions through the mean rebuild the points worse.
      for (const seed of [1, 2, 3]) {
        const otherError = tf.tidy(() => {
          const [q] = tf.linalg.qr(tf.randomNormal([10, k], 0, 1, "float32", seed));
          const centred = tf.sub(x, pca.mean);
          return squaredError(tf.add(tf.matMul(tf.matMul(centred, q!), q!, false, true), pca.mean));
        });
        assert.ok(pcaError < otherError, `PCA ${pcaError} < random projection ${otherError} (seed ${seed})`);
      }
      const shares = pca.explainedVariance;
      assert.ok(
        shares.every((share, i) => i === 0 || shares[i - 1]! >= share),
        `strongest first: ${shares}`,
      );
    } finally {
      pca.dispose();
      x.dispose();
    }
  });

  test("leaves no tensor behind: fitPca keeps two, encode and decode return one each, dispose frees them", () => {
    const x = data();
    const before = tf.memory().numTensors;
    const pca = fitPca(x, 4);
    assert.equal(tf.memory().numTensors, before + 2, "mean and components");
    const code = pca.encode(x);
    const back = pca.decode(code);
    assert.equal(tf.memory().numTensors, before + 4);
    assert.deepEqual(
      [code.shape, back.shape],
      [
        [200, 4],
        [200, 10],
      ],
    );
    tf.dispose([code, back]);
    pca.dispose();
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});

describe("fitPca refuses what it cannot fit, saying what was expected and found", () => {
  test("wrong shapes, too few rows, and a number of components out of range", async () => {
    const images = tf.zeros([3, 28, 28, 1]);
    const one = tf.zeros([1, 5]);
    const x = tf.tensor2d([
      [0, 1],
      [1, 0],
      [2, 2],
    ]);
    try {
      assert.throws(() => fitPca(images as tf.Tensor2D, 2), {
        name: "RangeError",
        message: "fitPca: x: expected a 2-D tensor of shape [n, d], found shape [3, 28, 28, 1]",
      });
      assert.throws(() => fitPca(one as tf.Tensor2D, 1), {
        message: "fitPca: x must have at least 2 rows (one row has no variance), found 1",
      });
      for (const components of [0, 3, 1.5]) {
        assert.throws(() => fitPca(x, components), {
          message: `fitPca: components must be a whole number from 1 to 2, found ${components}`,
        });
      }
      const pca = fitPca(x, 1);
      const wide = tf.zeros([2, 3]);
      try {
        assert.throws(() => pca.encode(wide as tf.Tensor2D), {
          message: "pca.encode: x: expected a 2-D tensor of shape [n, 2], found shape [2, 3]",
        });
        assert.throws(() => pca.decode(wide as tf.Tensor2D), {
          message: "pca.decode: code: expected a 2-D tensor of shape [n, 1], found shape [2, 3]",
        });
        await inLanguage("zh", () =>
          assert.throws(() => pca.encode(wide as tf.Tensor2D), {
            message: "pca.encode: x：应为形状 [n, 2] 的二维张量，实际形状为 [2, 3]",
          }),
        );
      } finally {
        pca.dispose();
        wide.dispose();
      }
    } finally {
      tf.dispose([images, one, x]);
    }
  });
});

// The proofs that the VAE lesson's own code computes what the graph path's VAE graph (vaeGraph.ts) will: the
// notebook's Sampling layer and its two loss functions are run once on probe tensors, and their values compared
// with the formulas the graph writes. Nothing of tfjs is replaced; the probes' random values are seeded, so that
// they take nothing from Math.random (tfjs's shuffles and the fit's ε draw from it).
// - Sampling: with Math.random held at a fixed value for one call of the layer, tfjs's randomNormal draws the ε
//   that tf.randomNormal(shape, 0, 1, "float32", value) draws; the layer must give mean + exp(logVar / 2) · ε,
//   drawing from Math.random once, as the graph path does per step (graphFit.ts feeds that ε to the graph).
// - The losses, per image on random rows: the reconstruction loss c0 · BCE (the mean over the pixels), the KL loss
//   c1 · KL(N(mean, exp(logVar)) ‖ N(0, 1)) summed over the code, each with one constant c on every row.
import * as tf from "@tensorflow/tfjs-node";
import { reason, type GraphPathReason } from "./graphLayers";

const ROWS = 16;
/** `f`'s value, every tensor made on the way disposed. */
function tidyValue<T>(f: () => T): T {
  let value: T | undefined;
  tf.tidy(() => void (value = f()));
  return value as T;
}
const SEED = 0.4213;

/** Why the Sampling layer is not the graph's, or undefined when it is. */
export function probeSampling(layer: tf.layers.Layer, latent: number): GraphPathReason | undefined {
  const wrong = reason(
    "a Sampling layer that does not compute mean + exp(logVar / 2) · ε, with ε = tf.randomNormal(mean.shape)",
    "Sampling 层算的不是 mean + exp(logVar / 2) · ε（ε = tf.randomNormal(mean.shape)）",
  );
  const random = Math.random;
  let draws = 0;
  try {
    return tidyValue(() => {
      const mean = tf.randomUniform([ROWS, latent], -3, 3, "float32", 11);
      const logVar = tf.randomUniform([ROWS, latent], -4, 3, "float32", 12);
      Math.random = () => (draws++, SEED);
      let out: tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[];
      try {
        out = layer.apply([mean, logVar], { training: true });
      } finally {
        Math.random = random;
      }
      if (draws !== 1 || !(out instanceof tf.Tensor) || out.dtype !== "float32") return wrong;
      if (out.shape.join() !== mean.shape.join()) return wrong;
      const epsilon = tf.randomNormal(mean.shape, 0, 1, "float32", SEED).dataSync();
      const [m, v, z] = [mean.dataSync(), logVar.dataSync(), out.dataSync()];
      for (let i = 0; i < z.length; i++) {
        const expected = (m[i] ?? 0) + Math.exp((v[i] ?? 0) / 2) * (epsilon[i] ?? 0);
        if (!(Math.abs((z[i] ?? NaN) - expected) <= 1e-5 * (1 + Math.abs(expected)))) return wrong;
      }
      return undefined;
    });
  } catch {
    return wrong;
  } finally {
    Math.random = random;
  }
}

/** `c` if it is within rounding of a whole number or of one over one, else `c`'s own value. */
function roundConstant(c: number): number {
  for (const candidate of [Math.round(c), 1 / Math.round(1 / c)]) {
    if (
      Number.isFinite(candidate) &&
      candidate !== 0 &&
      Math.abs(c - candidate) <= 1e-5 * Math.abs(candidate)
    )
      return candidate;
  }
  return c;
}

/** The one constant c with value = c · expected on every row, or undefined. */
function constantOf(value: tf.Tensor, expected: number[]): number | undefined {
  if (value.shape.length !== 1 || value.shape[0] !== expected.length) return undefined;
  const ratios = Array.from(value.dataSync(), (v, i) => v / (expected[i] ?? NaN));
  const c = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  if (!Number.isFinite(c)) return undefined;
  // Any constant, 0 too (the lesson's exercises weigh the KL): the graph multiplies by it.
  return ratios.every((r) => Math.abs(r - c) <= 1e-4 * Math.abs(c)) ? roundConstant(c) : undefined;
}

type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** Per row of [rows, columns] values, the sum of f over the row. */
function rowSums(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  columns: number,
  f: (a: number, b: number) => number,
) {
  return Array.from({ length: ROWS }, (_, r) => {
    let sum = 0;
    for (let j = r * columns; j < (r + 1) * columns; j++) sum += f(a[j] ?? NaN, b[j] ?? NaN);
    return sum;
  });
}

/**
 * The constants of the model's two losses (lossFunctions as compile made them, for [reconstruction, KL]), or why
 * one is not the graph's.
 */
export function probeLosses(
  losses: LossFunction[],
  pixels: number,
  latent: number,
): { reconstruction: number; kl: number } | GraphPathReason {
  const [reconstructionLoss, klLoss] = losses;
  const notBce = reason(
    "a reconstruction loss that is not binary cross-entropy per image (times a constant)",
    "重建损失不是每张图的二元交叉熵（乘一个常数）",
  );
  const notKl = reason(
    "a KL loss that is not KL(N(mean, exp(logVar)) ‖ N(0, 1)) per image (times a constant)",
    "KL 损失不是每张图的 KL(N(mean, exp(logVar)) ‖ N(0, 1))（乘一个常数）",
  );
  const attempt = (probe: () => number | undefined, otherwise: GraphPathReason): number | GraphPathReason => {
    try {
      return tidyValue(probe) ?? otherwise;
    } catch {
      return otherwise;
    }
  };
  const reconstruction = attempt(() => {
    if (!reconstructionLoss) return undefined;
    // Targets anywhere in [0, 1], probabilities away from tfjs's clipping, each row its own spread.
    const y = tf.randomUniform([ROWS, pixels], 0, 1, "float32", 21);
    const spread = tf.randomUniform([ROWS, 1], 0.1, 1, "float32", 22);
    const p = tf.add(0.5, tf.mul(tf.randomUniform([ROWS, pixels], -0.48, 0.48, "float32", 23), spread));
    const bce = (t: number, q: number) => -(t * Math.log(q) + (1 - t) * Math.log(1 - q)) / pixels;
    return constantOf(reconstructionLoss(y, p), rowSums(y.dataSync(), p.dataSync(), pixels, bce));
  }, notBce);
  if (typeof reconstruction !== "number") return reconstruction;
  const kl = attempt(() => {
    if (!klLoss) return undefined;
    const mean = tf.randomUniform([ROWS, latent], -3, 3, "float32", 31);
    const logVar = tf.randomUniform([ROWS, latent], -4, 3, "float32", 32);
    // Targets that are not zeros: the KL loss must not read them (fit's are zeros, the graph takes none).
    const targets = tf.randomUniform([ROWS, 2 * latent], -1, 1, "float32", 33);
    const term = (m: number, v: number) => -0.5 * (1 + v - m * m - Math.exp(v));
    const expected = rowSums(mean.dataSync(), logVar.dataSync(), latent, term);
    return constantOf(klLoss(targets, tf.concat([mean, logVar], -1)), expected);
  }, notKl);
  if (typeof kl !== "number") return kl;
  return { reconstruction, kl };
}

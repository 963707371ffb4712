// Gaussian noise for the denoising autoencoder lesson, reproducible from a seed.
// The noise is generated here rather than with tf.randomNormal: tfjs seeds its generator with
// `seed ? seed : Math.random()`, so seed 0 silently gives different noise on every call, and the stream is
// tfjs's internal detail. Our own generator makes "same seed, same noise" hold for every integer seed.
import { randomBytes } from "node:crypto";
import * as tf from "@tensorflow/tfjs-node";
import { checkNonNegative, describeValue, mustBe } from "../checks";
import { localize } from "../language";

export interface NoiseOptions {
  /** Standard deviation of the noise (finite, >= 0). */
  stddev: number;
  /** Mean of the noise. Default 0. */
  mean?: number;
  /** Any safe integer: the same seed gives the same noise. Default: a fresh random seed on every call. */
  seed?: number;
  /** Clip the result to [0, 1], the range of the images. Default true; false keeps the raw sums. */
  clip?: boolean;
}

const WHO = "addGaussianNoise";
const TWO_32 = 2 ** 32;

/** sfc32 (Small Fast Counter, 128-bit state): fast, good statistics, and simple to seed from two words. */
function sfc32(lo: number, hi: number): () => number {
  let a = 0x9e3779b9;
  let b = lo | 0;
  let c = hi | 0;
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs still show the seed's structure; the usual warm-up discards them.
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** `count` samples of N(mean, stddev²) from `seed` (Marsaglia's polar method, two samples per accepted pair). */
function gaussian(count: number, mean: number, stddev: number, seed: number): Float32Array {
  // Split the seed into two 32-bit words so that every safe integer, negative ones included, is distinct.
  const lo = ((seed % TWO_32) + TWO_32) % TWO_32;
  const hi = Math.floor(seed / TWO_32);
  const random = sfc32(lo, hi);
  const out = new Float32Array(count);
  for (let i = 0; i < count;) {
    // Uniform in (-1, 1), never exactly 0 or ±1.
    const u = ((random() + 0.5) / TWO_32) * 2 - 1;
    const v = ((random() + 0.5) / TWO_32) * 2 - 1;
    const s = u * u + v * v;
    if (s >= 1 || s === 0) continue;
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    out[i++] = mean + stddev * u * f;
    if (i < count) out[i++] = mean + stddev * v * f;
  }
  return out;
}

function checkOptions(options: NoiseOptions): Required<Omit<NoiseOptions, "seed">> & { seed?: number } {
  if (options === null || typeof options !== "object") {
    const found = describeValue(options);
    throw new TypeError(
      localize({
        en: `${WHO}: expected options like { stddev: 0.5 }, found ${found}`,
        zh: `${WHO}：选项应形如 { stddev: 0.5 }，实际为 ${found}`,
      }),
    );
  }
  const { stddev, mean = 0, seed, clip = true } = options;
  checkNonNegative(`${WHO}: stddev`, stddev);
  if (typeof mean !== "number" || !Number.isFinite(mean)) {
    throw new RangeError(mustBe(`${WHO}: mean`, localize({ en: "a finite number", zh: "有限数" }), mean));
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new RangeError(mustBe(`${WHO}: seed`, localize({ en: "an integer", zh: "整数" }), seed));
  }
  if (typeof clip !== "boolean") {
    throw new TypeError(mustBe(`${WHO}: clip`, localize({ en: "true or false", zh: "true 或 false" }), clip));
  }
  return { stddev, mean, seed, clip };
}

function checkTensor(x: tf.Tensor): void {
  if (!(x instanceof tf.Tensor)) {
    const found = describeValue(x);
    throw new TypeError(
      localize({
        en: `${WHO}: expected a tf.Tensor of images, found ${found}`,
        zh: `${WHO}：应为图片的 tf.Tensor，实际为 ${found}`,
      }),
    );
  }
  if (x.isDisposed) {
    throw new Error(
      localize({
        en: `${WHO}: the input tensor was already disposed`,
        zh: `${WHO}：输入的张量已经被释放（dispose）`,
      }),
    );
  }
  if (x.dtype === "string" || x.dtype === "complex64") {
    throw new TypeError(
      localize({
        en: `${WHO}: expected a numeric tensor, found dtype ${x.dtype}`,
        zh: `${WHO}：应为数值类型的张量，实际的 dtype 为 ${x.dtype}`,
      }),
    );
  }
  if (x.size === 0) {
    const shape = `[${x.shape.join(", ")}]`;
    throw new RangeError(
      localize({
        en: `${WHO}: expected a non-empty tensor, found shape ${shape}`,
        zh: `${WHO}：张量不能为空，实际形状为 ${shape}`,
      }),
    );
  }
  const bad = tf.tidy(() => tf.logicalNot(tf.isFinite(x.toFloat())).sum().dataSync()[0] ?? 0);
  if (bad > 0) {
    throw new RangeError(
      localize({
        en: `${WHO}: expected finite values in x, found ${bad} NaN or Infinity`,
        zh: `${WHO}：x 的值应为有限数，实际有 ${bad} 个 NaN 或 Infinity`,
      }),
    );
  }
}

/**
 * `x` plus Gaussian noise N(mean, stddev²), clipped to [0, 1] unless `clip: false`. Returns a new float32
 * tensor of the same shape (the caller disposes it); `x` is left as it is.
 *
 * ```ts
 * const noisy = addGaussianNoise(xTest, { stddev: 0.5, seed: 42 });
 * ```
 */
export function addGaussianNoise<T extends tf.Tensor>(x: T, options: NoiseOptions): T {
  const { stddev, mean, seed, clip } = checkOptions(options);
  checkTensor(x);
  const noiseSeed = seed ?? randomBytes(6).readUIntBE(0, 6);
  const values = gaussian(x.size, mean, stddev, noiseSeed);
  return tf.tidy(() => {
    const noisy = x.toFloat().add(tf.tensor(values, x.shape, "float32"));
    return clip ? noisy.clipByValue(0, 1) : noisy;
  }) as T;
}

// @ts-check
// How much arithmetic an epoch of a lesson model is, for the bench's "limit" table: floating-point operations
// counted from the layers' shapes, and the machine's measured matmul speed to set them against. A multiply-add
// counts as two. Training an image costs about three forward passes (the forward pass, the gradient to each
// layer's input, the gradient to its weights); validating one costs one. Pooling, upsampling, biases,
// activations and the loss are left out: they are a few operations per value, against hundreds per value in
// the matmuls and convolutions.

/**
 * @typedef {{shape: (number | null)[]}} ShapeLike
 * @typedef {{getClassName(): string, getConfig(): Record<string, unknown>, getInputAt(node: number): ShapeLike | ShapeLike[],
 *   getOutputAt(node: number): ShapeLike | ShapeLike[]}} LayerLike
 */

/** @param {(number | null)[]} shape */
const units = (shape) => shape.slice(1).reduce((/** @type {number} */ a, b) => a * (b ?? 1), 1);

/**
 * Forward floating-point operations for one image through `layers` (a tfjs LayersModel's `layers`).
 * @param {LayerLike[]} layers
 */
export function forwardFlopsPerImage(layers) {
  let flops = 0;
  for (const layer of layers) {
    // The layer's first use: a layer shared with another model (09's decoder layers, in its lone decoder too)
    // has an input and output per use, and the model's own use came first.
    const first = (/** @type {ShapeLike | ShapeLike[]} */ value) => (Array.isArray(value) ? value[0] : value);
    const input = first(layer.getInputAt(0));
    const output = first(layer.getOutputAt(0))?.shape;
    if (!input || !output) continue;
    const kind = layer.getClassName();
    if (kind === "Dense") {
      flops += 2 * units(input.shape) * units(output);
    } else if (kind === "Conv2D" || kind === "Conv2DTranspose") {
      const config = layer.getConfig();
      const [kh = 1, kw = 1] = /** @type {number[]} */ (config.kernelSize);
      const channelsIn = input.shape.at(-1) ?? 1;
      // Each output value (H·W·filters of them) is a sum over a kh·kw·channelsIn window; for a transposed
      // convolution, each input value is spread over such a window instead.
      flops +=
        kind === "Conv2D"
          ? 2 * kh * kw * channelsIn * units(output)
          : 2 * kh * kw * (output.at(-1) ?? 1) * units(input.shape);
    }
  }
  return flops;
}

/**
 * Floating-point operations of one epoch: training on `trainSize` images and validating on `testSize`.
 * @param {LayerLike[]} layers
 * @param {{trainSize: number, testSize: number}} sizes
 */
export function epochFlops(layers, { trainSize, testSize }) {
  const forward = forwardFlopsPerImage(layers);
  return 3 * forward * trainSize + forward * testSize;
}

/**
 * The machine's matmul speed as TensorFlow runs it: the best of `repeats` products of two n×n float32 matrices,
 * in GFLOP/s (2·n³ operations each), after one warm-up product.
 * @param {typeof import("@tensorflow/tfjs-node")} tf
 * @param {{n?: number, repeats?: number}} [options]
 */
export function matmulGflops(tf, { n = 1024, repeats = 10 } = {}) {
  const a = tf.randomUniform([n, n], -1, 1, "float32", 1);
  const b = tf.randomUniform([n, n], -1, 1, "float32", 2);
  let best = Infinity;
  try {
    for (let i = 0; i <= repeats; i++) {
      const start = performance.now();
      const product = tf.matMul(a, b);
      product.dataSync();
      const seconds = (performance.now() - start) / 1000;
      product.dispose();
      if (i > 0) best = Math.min(best, seconds);
    }
  } finally {
    tf.dispose([a, b]);
  }
  return (2 * n ** 3) / best / 1e9;
}

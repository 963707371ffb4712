// @ts-check
// PROTOTYPE (a VAE lesson, docs/vae-design.md): the VAE as the lesson would write it in tfjs, and the ways to
// train it that the design compares. The model code is what a notebook cell would hold, in JavaScript here:
// - Sampling, a layer of a few lines (Keras's vae.py has the same): z = mean + exp(logVar / 2) · ε;
// - the encoder (image -> [zMean, zLogVar, z]) and the decoder (z -> image), dense or vae.py's convolutions;
// - (a) `loopStep`: one step of a custom training loop with optimizer.minimize, as Keras's train_step and
//   tfjs-examples' fashion-mnist-vae: reconstruction (sum of BCE over the pixels, mean over the batch) + KL;
// - (b) `fitModel`: the same losses through model.fit: outputs [decoded, concatenate([zMean, zLogVar])], one loss
//   each (the KL's target is zeros), as 07-sparse trains its L1 penalty; either the reconstruction as a sum over the
//   pixels (a custom loss) or as "binaryCrossentropy" (a mean, so the engine's loss lever applies) with the KL / 784;
// - the plain autoencoder of the same layers with a linear 2-D code (06-latent's kind), for the graph path's bound.

/** @typedef {typeof import("@tensorflow/tfjs-node")} Tf */
/** @typedef {import("@tensorflow/tfjs-node").SymbolicTensor} SymbolicTensor */
/** @typedef {import("@tensorflow/tfjs-node").Tensor} Tensor */

export const LATENT = 2;
export const PIXELS = 784;
/** The dense shapes measured: the older Keras example's 784-512-2, and 06-latent's 784-128-64-2. */
export const HIDDEN = /** @type {const} */ ({ 512: [512], "06": [128, 64] });

/**
 * The Sampling layer class for this tf (registered for serialization once).
 * @param {Tf} tf
 */
export function samplingLayer(tf) {
  const known = samplingClasses.get(tf);
  if (known) return known;
  class Sampling extends tf.layers.Layer {
    static className = "Sampling";
    /**
     * @override
     * @param {import("@tensorflow/tfjs-node").Shape[]} inputShape
     */
    computeOutputShape(inputShape) {
      return /** @type {import("@tensorflow/tfjs-node").Shape} */ (inputShape[0]);
    }
    /**
     * @override
     * @param {Tensor | Tensor[]} inputs
     */
    call(inputs) {
      return tf.tidy(() => {
        const [zMean, zLogVar] = /** @type {Tensor[]} */ (inputs);
        const epsilon = tf.randomNormal(/** @type {Tensor} */ (zMean).shape);
        return tf.add(
          /** @type {Tensor} */ (zMean),
          tf.mul(tf.exp(tf.mul(0.5, /** @type {Tensor} */ (zLogVar))), epsilon),
        );
      });
    }
  }
  tf.serialization.registerClass(Sampling);
  samplingClasses.set(tf, Sampling);
  return Sampling;
}
/** @type {WeakMap<object, any>} */
const samplingClasses = new WeakMap();

const kernelInitializer = "glorotUniform";

/**
 * Encoder and decoder: dense on [n, 784] ("512", "06"), or vae.py's convolutions on [n, 28, 28, 1] ("conv").
 * @param {Tf} tf
 * @param {"512" | "06" | "conv"} shape
 */
export function vaeModels(tf, shape) {
  const Sampling = samplingLayer(tf);
  const dense = (
    /** @type {number} */ units,
    /** @type {any} */ activation,
    /** @type {string | undefined} */ name = undefined,
  ) => tf.layers.dense({ units, activation, kernelInitializer, name });
  const apply = (/** @type {import("@tensorflow/tfjs-node").layers.Layer} */ layer, /** @type {any} */ x) =>
    /** @type {SymbolicTensor} */ (layer.apply(x));
  const input = tf.input({ shape: shape === "conv" ? [28, 28, 1] : [PIXELS] });
  /** @type {SymbolicTensor} */
  let h = input;
  if (shape === "conv") {
    const conv = (/** @type {number} */ filters) =>
      tf.layers.conv2d({
        filters,
        kernelSize: 3,
        strides: 2,
        padding: "same",
        activation: "relu",
        kernelInitializer,
      });
    h = apply(conv(64), apply(conv(32), h));
    h = apply(dense(16, "relu"), apply(tf.layers.flatten(), h));
  } else {
    for (const units of HIDDEN[shape]) h = apply(dense(units, "relu"), h);
  }
  const zMean = apply(dense(LATENT, "linear", "z_mean"), h);
  const zLogVar = apply(dense(LATENT, "linear", "z_log_var"), h);
  const z = apply(new Sampling({ name: "z" }), [zMean, zLogVar]);
  const encoder = tf.model({ inputs: input, outputs: [zMean, zLogVar, z] });

  const codeInput = tf.input({ shape: [LATENT] });
  let g = codeInput;
  if (shape === "conv") {
    g = apply(tf.layers.reshape({ targetShape: [7, 7, 64] }), apply(dense(7 * 7 * 64, "relu"), g));
    const up = (
      /** @type {number} */ filters,
      strides = 2,
      /** @type {any} */ activation = "relu",
      /** @type {string | undefined} */ name = undefined,
    ) =>
      tf.layers.conv2dTranspose({
        filters,
        kernelSize: 3,
        strides,
        padding: "same",
        activation,
        kernelInitializer,
        name,
      });
    g = apply(up(1, 1, "sigmoid", "decoded"), apply(up(32), apply(up(64), g)));
  } else {
    for (const units of [...HIDDEN[shape]].reverse()) g = apply(dense(units, "relu"), g);
    g = apply(dense(PIXELS, "sigmoid", "decoded"), g);
  }
  const decoder = tf.model({ inputs: codeInput, outputs: g });
  return { encoder, decoder, input, zMean, zLogVar, z };
}

/**
 * Per image: the sum over the pixels of the binary cross-entropy (Keras's vae.py), shape [n].
 * @param {Tf} tf
 * @param {Tensor} x
 * @param {Tensor} xHat
 */
export function reconstructionLoss(tf, x, xHat) {
  const flat = (/** @type {Tensor} */ t) => t.reshape([t.shape[0] ?? -1, PIXELS]);
  return tf.mul(tf.metrics.binaryCrossentropy(flat(x), flat(xHat)), PIXELS);
}

/**
 * Per image: KL(N(mean, exp(logVar)) || N(0, 1)) summed over the code's dimensions, shape [n].
 * @param {Tf} tf
 * @param {Tensor} zMean
 * @param {Tensor} zLogVar
 */
export function klLoss(tf, zMean, zLogVar) {
  return tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, zLogVar), tf.square(zMean)), tf.exp(zLogVar)), 1));
}

/**
 * (a) The custom loop's step: minimize reconstruction + KL over the encoder's and decoder's weights.
 * Returns the batch's two losses as numbers (read every step, as the live chart would).
 * @param {Tf} tf
 * @param {ReturnType<typeof vaeModels>} vae
 * @param {import("@tensorflow/tfjs-node").Optimizer} optimizer
 * @param {Tensor} x
 */
export function loopStep(tf, { encoder, decoder }, optimizer, x) {
  /** @type {Tensor[]} */
  let parts = [];
  const weights = [...encoder.trainableWeights, ...decoder.trainableWeights].map(
    (w) => /** @type {import("@tensorflow/tfjs-node").Variable} */ (/** @type {any} */ (w).read()),
  );
  const total = optimizer.minimize(
    () => {
      const [zMean, zLogVar, z] = /** @type {Tensor[]} */ (encoder.apply(x, { training: true }));
      const xHat = /** @type {Tensor} */ (decoder.apply(/** @type {Tensor} */ (z), { training: true }));
      const recon = tf.mean(reconstructionLoss(tf, x, xHat));
      const kl = tf.mean(klLoss(tf, /** @type {Tensor} */ (zMean), /** @type {Tensor} */ (zLogVar)));
      parts = [tf.keep(recon), tf.keep(kl)];
      return /** @type {import("@tensorflow/tfjs-node").Scalar} */ (tf.add(recon, kl));
    },
    true,
    weights,
  );
  const [recon, kl] = parts.map((t) => /** @type {number} */ (t.dataSync()[0]));
  tf.dispose([...parts, /** @type {Tensor} */ (total)]);
  return { recon: /** @type {number} */ (recon), kl: /** @type {number} */ (kl) };
}

/**
 * (b) A model for fit: outputs [decoded, meanLogVar]; losses [reconstruction, KL], the KL's target zeros [n, 4].
 * "sum": the reconstruction summed over the pixels (Keras's scale); "mean": "binaryCrossentropy" (the engine's loss
 * lever) and the KL divided by 784, so the total is Keras's / 784.
 * @param {Tf} tf
 * @param {ReturnType<typeof vaeModels>} vae
 * @param {"sum" | "mean"} scale
 */
export function fitModel(tf, { decoder, input, zMean, zLogVar, z }, scale) {
  let decoded = /** @type {SymbolicTensor} */ (decoder.apply(z));
  // vae.py's images: flat for the loss, whose mean is over the last axis (the targets are flat too).
  if (decoded.shape.length > 2) decoded = /** @type {SymbolicTensor} */ (tf.layers.flatten().apply(decoded));
  const meanLogVar = /** @type {SymbolicTensor} */ (
    tf.layers.concatenate({ name: "kl" }).apply([zMean, zLogVar])
  );
  const model = tf.model({ inputs: input, outputs: [decoded, meanLogVar] });
  const split = (/** @type {Tensor} */ t) => tf.split(t, 2, 1);
  const kl = (/** @type {Tensor} */ _zeros, /** @type {Tensor} */ t) => {
    const [m, v] = split(t);
    const perImage = klLoss(tf, /** @type {Tensor} */ (m), /** @type {Tensor} */ (v));
    return scale === "sum" ? perImage : tf.div(perImage, PIXELS);
  };
  const recon =
    scale === "sum"
      ? (/** @type {Tensor} */ x, /** @type {Tensor} */ xHat) => reconstructionLoss(tf, x, xHat)
      : "binaryCrossentropy";
  model.compile({ optimizer: tf.train.adam(), loss: /** @type {any} */ ([recon, kl]) });
  return model;
}

/**
 * The plain autoencoder of the same dense layers with a linear 2-D code (06-latent's kind): one chain, Adam and
 * binaryCrossentropy, so the engine's graph path trains it.
 * @param {Tf} tf
 * @param {"512" | "06"} shape
 */
export function plainAutoencoder(tf, shape) {
  const model = tf.sequential();
  const hidden = HIDDEN[shape];
  model.add(
    tf.layers.dense({ units: hidden[0] ?? 0, activation: "relu", inputShape: [PIXELS], kernelInitializer }),
  );
  for (const units of hidden.slice(1))
    model.add(tf.layers.dense({ units, activation: "relu", kernelInitializer }));
  model.add(tf.layers.dense({ units: LATENT, kernelInitializer }));
  for (const units of [...hidden].reverse())
    model.add(tf.layers.dense({ units, activation: "relu", kernelInitializer }));
  model.add(tf.layers.dense({ units: PIXELS, activation: "sigmoid", kernelInitializer }));
  model.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
  return model;
}

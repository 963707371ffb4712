// Test support: a tiny model to train in tests of fit callbacks, and a callback that acts after each batch.
import * as tf from "@tensorflow/tfjs-node";

/**
 * A tiny model and data: 64 samples in batches of 16 = 4 steps per epoch. Compiled as the lessons compile theirs,
 * so that it trains on the engine's graph path as they do (and the progress bar has no path to note).
 */
export function tinySetup() {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: 4, activation: "sigmoid" })],
  });
  model.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
  const x = tf.randomUniform([64, 4]);
  return { model, x, dispose: () => (tf.dispose([x]), model.dispose()) };
}

/** A callback that runs `action(epoch, batch)` after each batch, after earlier callbacks' onBatchEnd. */
export function afterBatch(action: (epoch: number, batch: number) => void): tf.CustomCallback {
  let epoch = 0;
  return new tf.CustomCallback({
    onEpochBegin: async (e) => void (epoch = e),
    onBatchEnd: async (batch) => action(epoch, batch),
  });
}

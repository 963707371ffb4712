// progress.ts: the Keras-style progress bar as a fit callback, in a plain Node script and in a notebook.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { progressBar } from "ae-shared";
import { captureStdout, inFakeKernel, type SentOutput } from "./support/kernel.js";
import { inLanguage } from "./support/language.js";
import { tinySetup } from "./support/training.js";

const LIVE = String.raw`\r ?\d/4 \[[=>.]{30}\] - ETA: \d+s - loss: \d\.\d{4} *`;
const FINAL = String.raw`\r4/4 \[={30}\] - \d+s \d+(s|ms|us)/step - loss: \d\.\d{4}`;

/** The text of each output sent, its display id, and whether it replaced an earlier one. */
const textsOf = (sent: SentOutput[]) =>
  sent.map(({ message, update }) => ({
    text: message.data["text/plain"] ?? "",
    id: message.transient.display_id,
    update,
  }));

/**
 * Trains the tiny model (batches of 16, 4 per epoch) in a fake kernel with a progressBar, in the language
 * given; returns the outputs sent and what went to stdout.
 */
async function fitInKernel(epochs: number, updateEveryMs: number, language: "en" | "zh" = "en") {
  const { model, x, dispose } = tinySetup();
  try {
    const { sent, stdout } = await inFakeKernel(() =>
      inLanguage(language, () =>
        model.fit(x, x, { epochs, batchSize: 16, verbose: 0, callbacks: [progressBar({ updateEveryMs })] }),
      ),
    );
    return { messages: textsOf(sent), stdout };
  } finally {
    dispose();
  }
}

test("progressBar options are checked", () => {
  assert.throws(
    () => progressBar({ updateEveryMs: -1 }),
    /progressBar: updateEveryMs must be a finite number >= 0, found -1/,
  );
});

describe("progressBar in a plain Node script", () => {
  test("the loss shown is the running mean over the epoch's batches, weighted by batch size", async () => {
    const { model, dispose } = tinySetup();
    const bar = progressBar({ updateEveryMs: 0 });
    bar.setParams({ epochs: 1, samples: 5, batchSize: 2, verbose: 0 });
    bar.setModel(model);
    const losses = [tf.scalar(1), tf.scalar(2), tf.scalar(4)];
    const valLoss = tf.scalar(0.5);
    try {
      const { text } = await captureStdout(async () => {
        await bar.onTrainBegin();
        await bar.onEpochBegin(0);
        await bar.onBatchEnd(0, { batch: 0, size: 2, loss: losses[0]! });
        await bar.onBatchEnd(1, { batch: 1, size: 2, loss: losses[1]! });
        await bar.onBatchEnd(2, { batch: 2, size: 1, loss: losses[2]! });
        await bar.onEpochEnd(0, { loss: 2, val_loss: valLoss });
        await bar.onTrainEnd();
      });
      const lines = text.split("\r");
      assert.match(lines[1] ?? "", /^1\/3 \[=+>\.+\] - ETA: \d+s - loss: 1\.0000 *$/);
      // (1*2 + 2*2) / 4 = 1.5, then (1*2 + 2*2 + 4*1) / 5 = 2 (an unweighted mean would be 2.3333).
      assert.match(lines[2] ?? "", /^2\/3 .* - loss: 1\.5000 *$/);
      assert.match(
        lines[3] ?? "",
        /^3\/3 \[={30}\] - \d+s \d+(s|ms|us)\/step - loss: 2\.0000 - val_loss: 0\.5000\n$/,
      );
    } finally {
      tf.dispose([...losses, valLoss]);
      dispose();
    }
  });

  test("stdout gets '\\r' updates and one newline per epoch line; a real fit leaks no tensors", async () => {
    const { model, x, dispose } = tinySetup();
    try {
      // The first fit creates the optimizer's variables, which stay with the model.
      await model.fit(x, x, { epochs: 1, batchSize: 16, verbose: 0 });
      const before = tf.memory().numTensors;
      const { result: history, text } = await captureStdout(() =>
        model.fit(x, x, {
          epochs: 2,
          batchSize: 16,
          verbose: 0,
          validationData: [x, x],
          callbacks: [progressBar({ updateEveryMs: 0 })],
        }),
      );
      assert.equal(tf.memory().numTensors, before, "no tensors left behind");
      const epoch = (k: number) => `Epoch ${k}/2\\n(${LIVE}){3}${FINAL} - val_loss: \\d\\.\\d{4}\\n`;
      assert.match(text, new RegExp(`^${epoch(1)}${epoch(2)}$`));
      assert.equal(text.split("\n").length - 1, 4, "two lines per epoch");
      // The final line's loss is the epoch's loss in the history.
      const shown = [...text.matchAll(/ - loss: (\d\.\d{4})/g)].map((m) => m[1]);
      assert.equal(shown[3], (history.history.loss?.[0] as number).toFixed(4));
      assert.equal(shown[7], (history.history.loss?.[1] as number).toFixed(4));
    } finally {
      dispose();
    }
  });

  test("throttled: with a long interval only each epoch's final line is drawn", async () => {
    const { model, x, dispose } = tinySetup();
    try {
      const { text } = await captureStdout(() =>
        model.fit(x, x, {
          epochs: 3,
          batchSize: 16,
          verbose: 0,
          callbacks: [progressBar({ updateEveryMs: 1e9 })],
        }),
      );
      assert.match(text, new RegExp(`^(Epoch \\d/3\\n${FINAL}\\n){3}$`));
    } finally {
      dispose();
    }
  });

  test("placed after a plain-object callback, it says how to fix the list", async () => {
    const { model, x, dispose } = tinySetup();
    try {
      const callbacks = [{ onEpochEnd: async () => {} }, progressBar()] as unknown as tf.CustomCallbackArgs[];
      await assert.rejects(
        model.fit(x, x, { epochs: 1, verbose: 0, callbacks }),
        /Put progressBar\(\) first/,
      );
    } finally {
      dispose();
    }
  });
});

describe("progressBar in a notebook: one output updated in place", () => {
  test("throttled: one display, then updates at epoch ends; the last shows two lines per epoch", async () => {
    const { messages, stdout } = await fitInKernel(3, 1e9);
    assert.equal(stdout, "", "nothing on stdout in a notebook");
    assert.deepEqual(
      messages.map((m) => m.update),
      [false, true, true, true],
    );
    assert.equal(new Set(messages.map((m) => m.id)).size, 1, "one display id");
    assert.equal(messages[0]?.text, "Epoch 1/3");
    const final = FINAL.slice(2); // without the "\r"
    assert.match(
      messages[3]?.text ?? "",
      new RegExp(`^Epoch 1/3\\n${final}\\nEpoch 2/3\\n${final}\\nEpoch 3/3\\n${final}$`),
    );
  });

  test("unthrottled: every batch redraws the same output, with the live line last", async () => {
    const { messages } = await fitInKernel(2, 0);
    // The first line when training begins, then per epoch: its start, 3 live lines, its end.
    assert.equal(messages.length, 11);
    assert.equal(messages.filter((m) => !m.update).length, 1);
    assert.match(messages[7]?.text ?? "", new RegExp(`^Epoch 1/2\\n.*\\nEpoch 2/2\\n${LIVE.slice(2)}$`));
  });
});

test("in Chinese: the epoch header and the time per batch, in a notebook", async () => {
  const { messages } = await fitInKernel(2, 1e9, "zh");
  assert.equal(messages[0]?.text, "Epoch 1/2");
  const final = String.raw`4/4 \[={30}\] - \d+s \d+(s|ms|us)/批 - loss: \d\.\d{4}`;
  assert.match(messages.at(-1)?.text ?? "", new RegExp(`^Epoch 1/2\\n${final}\\nEpoch 2/2\\n${final}$`));
});

describe("a model the engine's graph path does not train", () => {
  const x = tf.randomUniform([32, 8], 0, 1, "float32", 5);
  /** 8 -> 4 relu -> (a layer the graph path leaves to tfjs) -> 8 sigmoid, compiled as the lessons compile. */
  const modelWith = (layer?: tf.layers.Layer) => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [8], units: 4, activation: "relu" }),
        ...(layer ? [layer] : []),
        tf.layers.dense({ units: 8, activation: "sigmoid" }),
      ],
    });
    model.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
    return model;
  };
  /** What a fit of `model` with a progress bar prints in a plain script, in `language`. */
  const printed = async (model: tf.LayersModel, language: "en" | "zh") => {
    try {
      const { text } = await captureStdout(() =>
        inLanguage(language, () =>
          model.fit(x, x, {
            epochs: 1,
            batchSize: 16,
            verbose: 0,
            callbacks: [progressBar({ updateEveryMs: 1e9 })],
          }),
        ),
      );
      return text;
    } finally {
      model.dispose();
    }
  };

  test("one line at the start of training says so, with the reason, once, in the lesson's language", async () => {
    const first = await printed(modelWith(tf.layers.dropout({ rate: 0.2 })), "zh");
    assert.match(first, /^这个模型不走图训练路径，训练会慢一些：模型里有 Dropout 层。\nEpoch 1\/1\n/);
    assert.equal(first.split("图训练路径").length - 1, 1, "one line");
    const again = await printed(modelWith(tf.layers.dropout({ rate: 0.2 })), "zh");
    assert.match(again, /^Epoch 1\/1\n/, "the same reason again: not repeated");
    const english = await printed(modelWith(tf.layers.batchNormalization()), "en");
    assert.match(
      english,
      /^This model trains on tfjs's own path, more slowly: a BatchNormalization layer\.\nEpoch 1\/1\n/,
    );
  });

  test("a model like the lessons' (on the graph path): no line", async () => {
    assert.match(await printed(modelWith(), "zh"), /^Epoch 1\/1\n\r/);
  });

  test("in a notebook, the line heads the progress output", async () => {
    const model = modelWith(tf.layers.activation({ activation: "tanh" }));
    try {
      const { sent } = await inFakeKernel(() =>
        model.fit(x, x, {
          epochs: 1,
          batchSize: 16,
          verbose: 0,
          callbacks: [progressBar({ updateEveryMs: 1e9 })],
        }),
      );
      const last = textsOf(sent).at(-1)?.text ?? "";
      assert.match(
        last,
        /^This model trains on tfjs's own path, more slowly: an Activation layer\.\nEpoch 1\/1\n2\/2 /,
      );
    } finally {
      model.dispose();
    }
  });
});

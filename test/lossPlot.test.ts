// lossPlot.ts: the loss table, comparisons of finished runs, and the live loss chart as a fit callback.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { LossPlot, compareLosses, lossPlot, lossSummary } from "ae-shared";
import { inLanguage } from "./support/language.js";
import { printedPath, readPrintedPath } from "./support/paths.js";

describe("loss histories", () => {
  test("the loss table lines up runs by epoch", () => {
    assert.equal(
      lossSummary([{ name: "dense", loss: [0.25, 0.125], valLoss: [0.2, 0.1] }]),
      ["epoch    loss  val_loss", "    1  0.2500    0.2000", "    2  0.1250    0.1000"].join("\n"),
    );
    assert.equal(
      lossSummary([
        { name: "a", loss: [0.5], valLoss: [] },
        { name: "b", loss: [0.25, 0.125], valLoss: [0.2, 0.1] },
      ]),
      [
        "epoch  a loss  val_loss  b loss  val_loss",
        "    1  0.5000         -  0.2500    0.2000",
        "    2       -         -  0.1250    0.1000",
      ].join("\n"),
    );
  });

  test("compareLosses refuses empty or broken histories", () => {
    assert.throws(() => compareLosses([]), /compareLosses: expected at least one run, found none/);
    assert.throws(
      () => compareLosses([{ name: "x", history: { loss: [] } }]),
      /run "x": expected a loss per epoch, found none/,
    );
    assert.throws(
      () => compareLosses([{ name: "x", history: { loss: [0.3, Number.POSITIVE_INFINITY] } }]),
      /run "x": expected loss to be finite numbers, found Infinity at epoch 2/,
    );
  });

  test("lossPlot options are checked", () => {
    assert.throws(
      () => lossPlot({ everyBatches: 0 }),
      /lossPlot: everyBatches must be a whole number >= 1, found 0/,
    );
    assert.throws(
      () => lossPlot({ minIntervalMs: -1 }),
      /lossPlot: minIntervalMs must be a finite number >= 0, found -1/,
    );
  });
});

describe("the live loss plot as a fit callback, outside a kernel", () => {
  test("records every batch and epoch, and leaks no tensors", async () => {
    const saved = process.env.CI;
    process.env.CI = "true"; // no browser: the finished chart goes to a file
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) =>
      written.push(String(chunk)) > 0) as typeof process.stdout.write;
    const x = tf.randomUniform([96, 784], 0, 1, "float32", 1);
    const before = tf.memory().numTensors;
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 8, activation: "relu" }),
        tf.layers.dense({ units: 784, activation: "sigmoid" }),
      ],
    });
    model.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
    const plot = new LossPlot({ title: "in process", everyBatches: 1, minIntervalMs: 0 });
    try {
      await model.fit(x, x, {
        epochs: 2,
        batchSize: 32,
        validationData: [x, x],
        verbose: 0,
        callbacks: [plot],
      });
    } finally {
      process.stdout.write = write;
      process.env.CI = saved;
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, before, "the callback leaves no tensors behind");
    x.dispose();
    assert.equal(plot.history.loss.length, 2);
    assert.equal(plot.history.val_loss.length, 2);
    const [batches, valLine] = plot.spec().traces;
    assert.deepEqual(
      batches?.x.map((x) => x.toFixed(3)),
      ["0.333", "0.667", "1.000", "1.333", "1.667", "2.000"],
      "3 batches an epoch, at their epoch fraction",
    );
    assert.deepEqual(valLine?.x, [1, 2]);
    assert.deepEqual(plot.spec().xRange, [0, 2], "the x axis spans the whole run from the start");
    const printed = new RegExp(`chart written to ${printedPath(String.raw`\.html`)}`).exec(
      written.join(""),
    )?.[1];
    const file = printed && readPrintedPath(printed);
    assert.ok(file, `a file was written: ${written.join("")}`);
    assert.match(readFileSync(file, "utf8"), /in process/);
  });
});

describe("in Chinese", () => {
  test("the live chart's title, legends and axes; the metric names stay as the history spells them", async () => {
    await inLanguage("zh", () => {
      const plot = lossPlot();
      let spec = plot.spec();
      assert.equal(spec.title, "训练损失");
      assert.deepEqual([spec.xTitle, spec.yTitle], ["epoch", "损失（loss）"]);
      assert.deepEqual(
        spec.traces.map((trace) => trace.name),
        ["loss（每一批）"],
      );
      assert.equal(spec.summary, "epoch  loss  val_loss\n（训练中……）");
      plot.history.loss.push(0.3);
      plot.history.val_loss.push(0.2);
      spec = plot.spec();
      assert.deepEqual(
        spec.traces.map((trace) => trace.name),
        ["loss（每一批）", "val_loss（每个 epoch 结束时）"],
      );
      assert.equal(
        lossPlot({ title: "784-32-784 自编码器" }).title,
        "784-32-784 自编码器",
        "a lesson's title stays",
      );
      assert.throws(() => compareLosses([]), {
        message: "compareLosses：至少需要一次训练的记录，实际一个也没有",
      });
    });
  });
});

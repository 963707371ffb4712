// lossPlot.ts: the loss table, comparisons of finished runs, and the live loss chart as a fit callback.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { LossPlot, chartHtml, compareLosses, epochTable, lossPlot, lossSummary } from "ae-shared";
import { captureStdout } from "./support/kernel.js";
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

  test("a table by epoch leaves a dash where a column has no value", () => {
    assert.equal(
      epochTable([
        { name: "reconstruction_loss", values: [150.5, 140.25] },
        { name: "kl_loss", values: [5.5] },
      ]),
      [
        "epoch  reconstruction_loss  kl_loss",
        "    1             150.5000   5.5000",
        "    2             140.2500        -",
      ].join("\n"),
    );
  });

  test("lossPlot options are checked", () => {
    assert.throws(
      () => lossPlot({ series: [] }),
      /lossPlot: series must name at least one log, each once, found \[\]/,
    );
    assert.throws(
      () => lossPlot({ series: ["a_loss", "a_loss"] }),
      /series must name at least one log, each once, found \["a_loss", "a_loss"\]/,
    );
    assert.throws(
      () => lossPlot({ series: ["a_loss", "b_loss"], rightAxis: ["c_loss"] }),
      /rightAxis must name some but not all of the series \["a_loss", "b_loss"\], found \["c_loss"\]/,
    );
    assert.throws(
      () => lossPlot({ series: ["a_loss"], rightAxis: ["a_loss"] }),
      /rightAxis must name some but not all of the series/,
    );
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
    let written = "";
    try {
      // captureStdout, not a bare write: the test runner's own reports pass on through stdout meanwhile.
      ({ text: written } = await captureStdout(() =>
        model.fit(x, x, {
          epochs: 2,
          batchSize: 32,
          validationData: [x, x],
          verbose: 0,
          callbacks: [plot],
        }),
      ));
    } finally {
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
    const printed = new RegExp(`chart written to ${printedPath(String.raw`\.html`)}`).exec(written)?.[1];
    const file = printed && readPrintedPath(printed);
    assert.ok(file, `a file was written: ${written}`);
    assert.match(readFileSync(file, "utf8"), /in process/);
  });
});

/** A model with two outputs, so that fit logs a loss per output beside their sum (as a VAE's fit does). */
function twoOutputs(): tf.LayersModel {
  const input = tf.input({ shape: [6] });
  const hidden = tf.layers.dense({ units: 4, activation: "relu" }).apply(input) as tf.SymbolicTensor;
  const first = tf.layers.dense({ units: 6, name: "first" }).apply(hidden) as tf.SymbolicTensor;
  const second = tf.layers.dense({ units: 2, name: "second" }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [first, second] });
  model.compile({ optimizer: "adam", loss: ["meanSquaredError", "meanAbsoluteError"] });
  return model;
}

describe("several series, one on a right axis", () => {
  test("each series is drawn per batch and kept per epoch, with its val_ log", async () => {
    const saved = process.env.CI;
    process.env.CI = "true"; // no browser: the finished chart goes to a file
    const [x, y] = [tf.randomUniform([40, 6], 0, 1, "float32", 2), tf.zeros([40, 2])];
    const before = tf.memory().numTensors;
    const model = twoOutputs();
    const plot = lossPlot({
      title: "two losses",
      series: ["first_loss", "second_loss"],
      rightAxis: ["second_loss"],
      everyBatches: 1,
      minIntervalMs: 0,
    });
    try {
      await captureStdout(() =>
        model.fit(x, [x, y], {
          epochs: 2,
          batchSize: 20,
          validationData: [x, [x, y]],
          verbose: 0,
          callbacks: [plot],
        }),
      );
    } finally {
      process.env.CI = saved;
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, before, "the callback leaves no tensors behind");
    for (const key of [
      "loss",
      "val_loss",
      "first_loss",
      "val_first_loss",
      "second_loss",
      "val_second_loss",
    ]) {
      assert.equal(plot.history[key]?.length, 2, `${key} per epoch`);
    }
    const spec = plot.spec();
    assert.deepEqual(
      spec.traces.map((trace) => [trace.name, trace.x.length, trace.yaxis ?? "y"]),
      [
        ["first_loss (each batch)", 4, "y"],
        ["val_first_loss (each epoch)", 2, "y"],
        ["second_loss (each batch, right axis)", 4, "y2"],
        ["val_second_loss (each epoch, right axis)", 2, "y2"],
      ],
    );
    assert.notDeepEqual(spec.traces[0]?.y, spec.traces[2]?.y, "each line has its own series' values");
    assert.equal(
      spec.traces[0]?.line?.color,
      spec.traces[1]?.marker?.color,
      "a series' lines share a colour",
    );
    assert.notEqual(spec.traces[0]?.line?.color, spec.traces[2]?.line?.color);
    assert.deepEqual([spec.yTitle, spec.y2Title], ["first_loss", "second_loss"]);
    assert.match(
      spec.summary,
      /^epoch {2}first_loss {2}val_first_loss {2}second_loss {2}val_second_loss\n {4}1 /,
    );
    const html = chartHtml(spec);
    assert.match(html, /"yaxis2":\{"title":\{"text":"second_loss"\},"overlaying":"y","side":"right"\}/);
    assert.doesNotMatch(chartHtml(lossPlot().spec()), /yaxis2/, "one series: one axis, as before");
    x.dispose();
    y.dispose();
  });

  test("a series fit does not log is refused before the first batch, with the logs it has", async () => {
    const [x, y] = [tf.randomUniform([8, 6]), tf.zeros([8, 2])];
    const model = twoOutputs();
    try {
      await assert.rejects(
        model.fit(x, [x, y], {
          epochs: 1,
          verbose: 0,
          callbacks: [lossPlot({ series: ["frist_loss", "second_loss"] })],
        }),
        {
          message:
            "lossPlot: expected the series frist_loss among the training logs, found loss, first_loss, second_loss",
        },
      );
    } finally {
      model.dispose();
      tf.dispose([x, y]);
    }
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
      const twoAxes = lossPlot({ series: ["reconstruction_loss", "kl_loss"], rightAxis: ["kl_loss"] }).spec();
      assert.deepEqual(
        twoAxes.traces.map((trace) => trace.name),
        ["reconstruction_loss（每一批）", "kl_loss（每一批，右侧坐标轴）"],
      );
      assert.equal(twoAxes.summary, "epoch  reconstruction_loss  kl_loss\n（训练中……）");
      assert.throws(() => compareLosses([]), {
        message: "compareLosses：至少需要一次训练的记录，实际一个也没有",
      });
    });
  });
});

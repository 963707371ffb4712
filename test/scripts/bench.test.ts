// scripts/bench.js and its tfjs-node runner: arguments, the tables, and one real (small) run of ours.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { beforeVariants, leverVariants, parseBenchArgs } from "../../scripts/bench.js";
import { drawsIn } from "../../scripts/bench/liveCost.js";
import { liveCostTable } from "../../scripts/bench/liveTable.js";
import {
  goalLine,
  kernelTable,
  limitTable,
  ratioTable,
  runsTable,
  steadyEpochSeconds,
} from "../../scripts/bench/tables.js";
import { runBenchProcess, type BenchResult } from "../../scripts/bench/benchProcess.js";
import { ROOT } from "../../scripts/project.js";

const result = (overrides: Partial<BenchResult>): BenchResult => ({
  median_batch_ms: [10, 8, 8],
  model: "dense",
  impl: "tfjs-node",
  epochs: 3,
  n_train: 60000,
  batch_size: 256,
  sec_per_epoch: [3, 2, 2.5],
  ms_per_batch: [12, 8, 10],
  loss: [0.3, 0.2, 0.15],
  val_loss: [0.2, 0.16, 0.14],
  peak_rss_mb: 1049.6,
  tensors: 0,
  versions: {},
  ...overrides,
});

describe("bench arguments", () => {
  test("defaults: 3 epochs of the course's four lesson models and 09's VAE on 60,000 images, ours only", () => {
    assert.deepEqual(parseBenchArgs([]), {
      epochs: 3,
      models: ["dense", "deep", "conv", "denoise", "vae"],
      trainSize: 60000,
      keras: false,
      levers: false,
      before: false,
      lessons: false,
      kernels: false,
      live: false,
    });
    // --live measures 01's and 03's models unless told otherwise.
    assert.deepEqual(parseBenchArgs(["--live"]).models, ["dense", "conv"]);
    assert.deepEqual(parseBenchArgs(["--live", "--models", "conv"]).models, ["conv"]);
    assert.deepEqual(parseBenchArgs(["--epochs", "5", "--models", "conv, dense", "--keras"]).models, [
      "conv",
      "dense",
    ]);
  });

  test("bad values say what was expected and found", () => {
    assert.throws(
      () => parseBenchArgs(["--epochs", "2.5"]),
      /--epochs must be a whole number from 1 to 1000, found "2.5"/,
    );
    assert.throws(
      () => parseBenchArgs(["--models", "dense,sparse"]),
      /--models must be a comma-separated list of dense, deep, conv, denoise, vae, found "dense,sparse"/,
    );
    assert.throws(
      () => parseBenchArgs(["--train-size", "0"]),
      /--train-size must be a whole number from 1 to 60000/,
    );
    assert.throws(
      () => parseBenchArgs(["--levers", "--before"]),
      /--levers and --before must be one of them \(--levers has every lever's row\), found "both"/,
    );
    assert.throws(
      () => parseBenchArgs(["--live", "--keras"]),
      /--live must be alone with --epochs and --models .*, found "--live --keras"/,
    );
  });

  test("--before: the eager fast path (every lever but the graph), then the default", () => {
    assert.deepEqual(
      beforeVariants().map((v) => [v.name, v.env.AE_FAST_TRAINING, v.env.TF_ENABLE_ONEDNN_OPTS]),
      [
        ["tfjs-node, eager fast path", "gradients,loss,adam", "1"],
        ["tfjs-node", process.env.AE_FAST_TRAINING, "1"],
      ],
    );
  });

  test("--levers: the fast path off, then its levers added one by one", () => {
    assert.deepEqual(
      leverVariants().map((v) => [v.name, v.env.AE_FAST_TRAINING, v.env.TF_ENABLE_ONEDNN_OPTS]),
      [
        ["tfjs-node, fast path off", "0", "0"],
        ["tfjs-node, + gradients", "gradients", "0"],
        ["tfjs-node, + loss", "gradients,loss", "0"],
        ["tfjs-node, + adam", "gradients,loss,adam", "0"],
        ["tfjs-node, + graph", "gradients,loss,adam,graph", "0"],
        ["tfjs-node, + oneDNN", "1", "1"],
      ],
    );
  });
});

describe("bench tables", () => {
  test("seconds per epoch leave the first epoch out, unless it is the only one", () => {
    assert.equal(steadyEpochSeconds([3, 2, 2.5]), 2.25);
    assert.equal(steadyEpochSeconds([4]), 4);
  });

  test("runs, and ours beside Keras with the ratio and the val_loss difference", () => {
    const runs = runsTable([result({})]);
    assert.match(
      runs,
      /^\| model +\| impl +\| s\/epoch, each +\| s\/epoch after 1st \| ms\/batch \| median ms\/batch \| loss/,
    );
    assert.match(
      runs,
      /\| dense \| tfjs-node \| 3\.00, 2\.00, 2\.50 \| 2\.25 +\| 9\.00 +\| 8\.00 +\| 0\.3000, 0\.2000, 0\.1500 \|/,
    );
    const keras = result({
      impl: "keras",
      median_batch_ms: [5, 4, 4],
      sec_per_epoch: [2, 1.5, 1.5],
      val_loss: [0.2, 0.15, 0.1372],
      tensors: null,
    });
    const ratio = ratioTable([result({}), keras]);
    assert.match(
      ratio,
      /\| dense \| tfjs-node \| 2\.25 +\| 1\.50 +\| 1\.50x \| 2\.00x +\| 0\.1400 +\| 0\.1372 +\| 2\.0 % +\|/,
    );
  });
});

test("the kernel table: each spot's two forms, their ratio and how far apart their results are", () => {
  const table = kernelTable([
    {
      spot: "Conv2D to one channel",
      shapes: "28×28×32",
      usual: "Conv2D",
      usualMs: 16,
      ours: "depthwise + channel sum",
      oursMs: 8,
      difference: 3.2e-7,
    },
  ]);
  assert.match(
    table,
    /^\| spot +\| shapes +\| usual kernel \| usual ms \| graph path's form +\| form ms \| form \/ usual/,
  );
  assert.match(
    table,
    /\| Conv2D to one channel \| 28×28×32 \| Conv2D +\| +16\.00 \| depthwise \+ channel sum \| +8\.00 \| +0\.50x \| +3\.2e-7 \|/,
  );
  assert.throws(() => parseBenchArgs(["--kernels", "--keras"]), /--kernels must be alone/);
});

test("the goal line: met or missed per model, by the default row, with what missed", () => {
  const five = (values: number[]) => ({ sec_per_epoch: values, val_loss: [0.2, 0.15, 0.13, 0.12, 0.1] });
  const keras = (model: BenchResult["model"]) => result({ model, impl: "keras", ...five([2, 2, 2, 2, 2]) });
  const line = goalLine([
    result({ model: "dense", impl: "tfjs-node, eager fast path", ...five([9, 9, 9, 9, 9]) }),
    result({ model: "dense", ...five([1, 1, 1, 1, 1]) }),
    keras("dense"),
    result({ model: "deep", ...five([3, 3, 3, 3, 3]), val_loss: [0.2, 0.15, 0.13, 0.12, 0.095] }),
    keras("deep"),
    result({ model: "conv", sec_per_epoch: [1, 1, 1], val_loss: [0.2, 0.15, 0.1] }),
    keras("conv"),
  ]);
  assert.equal(
    line,
    "Goal (at most 1.0 times Keras's epoch time, val_loss within 3 % of Keras's after 5 epochs, by the " +
      'default row "tfjs-node"): met by dense; missed by deep (1.50x Keras\'s epoch time, val_loss 5.0 % ' +
      "from Keras's), conv (3 epochs).",
  );
  assert.equal(goalLine([result({})]), "", "no Keras row: no goal line");
});

test("a model trained without validation (the VAE, as Keras's vae.py) is judged by its training loss", () => {
  const vae = (impl: string, last: number, seconds: number) =>
    result({
      model: "vae",
      impl,
      sec_per_epoch: [4, seconds, seconds, seconds, seconds],
      loss: [190, 160, 150, 145, last],
      val_loss: [],
    });
  const met = [vae("tfjs-node", 141, 2), vae("keras", 140, 2.5)];
  assert.match(goalLine(met), /; the training loss for a model fit without validation\): met by vae\.$/);
  assert.match(
    ratioTable(met),
    /\| vae +\| tfjs-node \| 2\.00 +\| 2\.50 +\| 0\.80x \|.*\| 141\.0000 \(training loss\) \| 140\.0000 \(training loss\) \| 0\.7 % +\|/,
  );
  assert.match(
    goalLine([vae("tfjs-node", 147, 3), vae("keras", 140, 2.5)]),
    /missed by vae \(1\.20x Keras's epoch time, training loss 5\.0 % from Keras's\)\.$/,
  );
});

test("a real run of ours: one epoch of the dense lesson model on 512 images, everything reported", async () => {
  const run = await runBenchProcess(
    "tfjs-node dense",
    process.execPath,
    [
      join(ROOT, "scripts", "bench", "trainTfjs.js"),
      "--model",
      "dense",
      "--epochs",
      "2",
      "--train-size",
      "512",
    ],
    { ...process.env, CI: "true", TF_CPP_MIN_LOG_LEVEL: "2" },
  );
  assert.equal(run.model, "dense");
  assert.equal(run.n_train, 512);
  assert.equal(run.sec_per_epoch.length, 2);
  assert.equal(run.ms_per_batch.length, 2);
  assert.ok(run.loss[1]! < run.loss[0]!, `loss falls: ${run.loss}`);
  assert.equal(run.val_loss.length, 2);
  assert.ok(run.peak_rss_mb > 100, `peak RSS ${run.peak_rss_mb} MB`);
  assert.equal(run.tensors, 0, "nothing left behind");
});

test("--live: the live reconstructions draw in half the epochs after the first, by turns that cancel a drift", () => {
  const on = Array.from({ length: 9 }, (_, epoch) => drawsIn(epoch));
  assert.deepEqual(on, [false, true, false, false, true, true, false, false, true]);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const epochs = on.map((_, i) => i).slice(1);
  assert.equal(mean(epochs.filter((i) => on[i])), mean(epochs.filter((i) => !on[i])), "same mean epoch");
});

test("--live's table: seconds with and without drawing, their ratio, redraws and their cost", () => {
  const run = result({
    sec_per_epoch: [9, 1.1, 1.0, 1.0, 1.1],
    live: { on: [false, true, false, false, true], updates: [0, 4, 0, 0, 6], updateMs: [0, 40, 0, 0, 66] },
  });
  const table = liveCostTable([run]);
  // Drawing 1.10 s against 1.00 s: 1.100x; 5 redraws an epoch at 10.6 ms, 53 ms of a 1.1 s epoch: 4.82 %.
  assert.match(
    table,
    /\| dense \| 1\.10, 1\.10 +\| 1\.00, 1\.00 +\| +1\.10 \| +1\.00 \| +1\.100x \| +5\.0 \| +10\.6 \| +4\.82 % \| +1: 10\.0 % \|/,
  );
  assert.equal(liveCostTable([result({})]).split("\n").length, 2, "a run without --live has no row");
});

test("a real --live run of ours: the reconstructions drew in their epochs and were sent as to a notebook", async () => {
  const run = await runBenchProcess(
    "tfjs-node dense --live",
    process.execPath,
    [join(ROOT, "scripts", "bench", "trainTfjs.js"), "--model", "dense", "--epochs", "3"].concat([
      "--train-size",
      "8192",
      "--live",
    ]),
    { ...process.env, CI: "true", TF_CPP_MIN_LOG_LEVEL: "2" },
  );
  assert.deepEqual(run.live?.on, [false, true, false]);
  // 32 batches an epoch, 25 between redraws: one in the epoch that draws, counted from its first batch.
  assert.deepEqual(run.live?.updates, [0, 1, 0]);
  assert.ok((run.live?.updateMs[1] ?? 0) > 0, `a redraw takes time: ${run.live?.updateMs}`);
  assert.ok((run.kernel_messages?.messages ?? 0) > 2, JSON.stringify(run.kernel_messages));
  assert.equal(run.tensors, 0, "nothing left behind");
});

test("a run that fails reports its last lines", async () => {
  await assert.rejects(
    runBenchProcess(
      "tfjs-node sparse",
      process.execPath,
      [join(ROOT, "scripts", "bench", "trainTfjs.js"), "--model", "sparse"],
      process.env,
    ),
    /tfjs-node sparse run failed \(exit code 1\); the last lines of its output:[\s\S]*--model must be one of dense, deep, conv, denoise, vae, found sparse/,
  );
  test("the limit: each run's GFLOP/s over its epoch, against the matmul speed measured before ours", () => {
    const ours = result({ flops_per_epoch: 9e9, matmul_gflops: 60 });
    const keras = result({ impl: "keras", sec_per_epoch: [2, 1.5, 1.5] });
    const table = limitTable([ours, keras]);
    // Ours: 9 GFLOP in 2.25 s is 4.0 GFLOP/s, 7 % of 60; at 60 GFLOP/s an epoch would take 0.15 s.
    assert.match(table, /\| dense \| tfjs-node \| 9\.0 +\| 2\.25 +\| 4\.0 +\| 60\.0 +\| 7 % +\| 0\.15 +\|/);
    // Keras's row counts the same model's arithmetic: 9 GFLOP in 1.5 s.
    assert.match(table, /\| dense \| keras +\| 9\.0 +\| 1\.50 +\| 6\.0 +\| 60\.0 +\| 10 % +\| 0\.15 +\|/);
    assert.equal(limitTable([result({})]).split("\n").length, 2, "no rows without a measured speed");
  });
});

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import {
  formatEta,
  formatMetricValue,
  formatProgressLine,
  formatStepTime,
  guardInterrupts,
  progressBar,
} from "ae-shared";
import { ROOT, jupyterEnv, venvProgram } from "../scripts/project.js";

/** What the running code writes to stdout as strings (the test runner's own Buffer writes pass through). */
async function captureStdout<T>(run: () => Promise<T>): Promise<{ result: T; text: string }> {
  const write = process.stdout.write;
  let text = "";
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === "string") {
      text += chunk;
      return true;
    }
    return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    return { result: await run(), text };
  } finally {
    process.stdout.write = write;
  }
}

/** A tiny model and data: 64 samples in batches of 16 = 4 steps per epoch. */
function tinySetup() {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: 4, activation: "sigmoid" })],
  });
  model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
  const x = tf.randomUniform([64, 4]);
  return { model, x, dispose: () => (tf.dispose([x]), model.dispose()) };
}

/** A callback that runs `action(epoch, batch)` after each batch, after progressBar's own onBatchEnd. */
function afterBatch(action: (epoch: number, batch: number) => void): tf.CustomCallback {
  let epoch = 0;
  return new tf.CustomCallback({
    onEpochBegin: async (e) => void (epoch = e),
    onBatchEnd: async (batch) => action(epoch, batch),
  });
}

const sigint = () => process.emit("SIGINT", "SIGINT");
const LIVE = String.raw`\r ?\d/4 \[[=>.]{30}\] - ETA: \d+s - loss: \d\.\d{4} *`;
const FINAL = String.raw`\r4/4 \[={30}\] - \d+s \d+(s|ms|us)/step - loss: \d\.\d{4}`;

describe("formatting, as Keras's Progbar", () => {
  test("live line: bar with a '>' head, ETA and values", () => {
    const line = formatProgressLine({
      step: 96,
      steps: 235,
      elapsed: 1.2,
      perStep: 0.0125,
      final: false,
      values: [["loss", 0.27134]],
    });
    assert.equal(line, " 96/235 [===========>..................] - ETA: 1s - loss: 0.2713");
  });

  test("final line: full bar, total time and time per step, validation values", () => {
    const line = formatProgressLine({
      step: 235,
      steps: 235,
      elapsed: 2.9,
      perStep: 0.01234,
      final: true,
      values: [
        ["loss", 0.09251],
        ["val_loss", 0.09139],
      ],
    });
    assert.equal(
      line,
      "235/235 [==============================] - 3s 12ms/step - loss: 0.0925 - val_loss: 0.0914",
    );
  });

  test("bar edges: empty at step 0, no head below one cell, unknown number of steps", () => {
    const base = { elapsed: 0, perStep: 0, final: false, values: [] };
    assert.equal(
      formatProgressLine({ ...base, step: 0, steps: 10 }),
      " 0/10 [..............................] - ETA: 0s",
    );
    assert.equal(
      formatProgressLine({ ...base, step: 1, steps: 100 }).slice(0, 40),
      "  1/100 [..............................]",
    );
    assert.equal(formatProgressLine({ ...base, step: 4, steps: 100 }).slice(8, 12), "[>..");
    assert.equal(
      formatProgressLine({
        ...base,
        step: 96,
        steps: null,
        elapsed: 2.2,
        perStep: 0.021,
        values: [["loss", 1]],
      }),
      "     96/Unknown - 2s 21ms/step - loss: 1.0000",
    );
  });

  test("time per step: s from 1 s, ms from 1 ms, else us", () => {
    assert.equal(formatStepTime(3.4), "3s/step");
    assert.equal(formatStepTime(1), "1s/step");
    assert.equal(formatStepTime(0.012), "12ms/step");
    assert.equal(formatStepTime(0.001), "1ms/step");
    assert.equal(formatStepTime(0.00085), "850us/step");
    assert.equal(formatStepTime(0), "0s/step");
  });

  test("ETA: seconds, then m:ss, then h:mm:ss, rounded down", () => {
    assert.equal(formatEta(2.9), "2s");
    assert.equal(formatEta(60), "60s");
    assert.equal(formatEta(65.5), "1:05");
    assert.equal(formatEta(3725), "1:02:05");
  });

  test("values: 4 decimals, exponent form near zero, nan and inf as Python prints them", () => {
    assert.equal(formatMetricValue(0.092512), "0.0925");
    assert.equal(formatMetricValue(-12.5), "-12.5000");
    assert.equal(formatMetricValue(1.23456e-5), "1.2346e-05");
    assert.equal(formatMetricValue(0), "0.0000e+00");
    assert.equal(formatMetricValue(Number.NaN), "nan");
    assert.equal(formatMetricValue(Number.POSITIVE_INFINITY), "inf");
  });

  test("bad input is refused with what was expected", () => {
    assert.throws(() => formatStepTime(-1), /formatStepTime: expected a duration in seconds >= 0, found -1/);
    assert.throws(() => formatEta(Number.NaN), /formatEta: expected a duration in seconds >= 0, found NaN/);
    const line = { elapsed: 0, perStep: 0, final: false, values: [] };
    assert.throws(() => formatProgressLine({ ...line, step: 5, steps: 4 }), /at least step \(5\), found 4/);
    assert.throws(
      () => formatProgressLine({ ...line, step: 1.5, steps: 4 }),
      /step must be a whole number >= 0, found 1.5/,
    );
    assert.throws(
      () => progressBar({ updateEveryMs: -1 }),
      /updateEveryMs must be a number of ms >= 0, found -1/,
    );
    assert.throws(
      () => guardInterrupts(undefined as unknown as tf.LayersModel),
      /guardInterrupts: expected the tf.LayersModel being trained .* found undefined/,
    );
  });
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
  /** Pretends to be tslab: display.ts finds the kernel's sender in the module cache. */
  async function inFakeKernel(run: () => Promise<unknown>) {
    const requireShared = createRequire(createRequire(import.meta.url).resolve("ae-shared"));
    const path = requireShared.resolve("tslab/dist/jupyter");
    const messages: { text: string; id: string | undefined; update: boolean }[] = [];
    const lastWriteDisplayData = (
      message: { data: Record<string, string>; transient: { display_id?: string } },
      update: boolean,
    ) => messages.push({ text: message.data["text/plain"] ?? "", id: message.transient.display_id, update });
    requireShared.cache[path] = { exports: { lastWriteDisplayData } } as unknown as NodeJS.Module;
    try {
      const { text } = await captureStdout(run);
      return { messages, stdout: text };
    } finally {
      delete requireShared.cache[path];
    }
  }

  test("throttled: one display, then updates at epoch ends; the last shows two lines per epoch", async () => {
    const { model, x, dispose } = tinySetup();
    try {
      const { messages, stdout } = await inFakeKernel(() =>
        model.fit(x, x, {
          epochs: 3,
          batchSize: 16,
          verbose: 0,
          callbacks: [progressBar({ updateEveryMs: 1e9 })],
        }),
      );
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
    } finally {
      dispose();
    }
  });

  test("unthrottled: every batch redraws the same output, with the live line last", async () => {
    const { model, x, dispose } = tinySetup();
    try {
      const { messages } = await inFakeKernel(() =>
        model.fit(x, x, {
          epochs: 2,
          batchSize: 16,
          verbose: 0,
          callbacks: [progressBar({ updateEveryMs: 0 })],
        }),
      );
      // The first line when training begins, then per epoch: its start, 3 live lines, its end.
      assert.equal(messages.length, 11);
      assert.equal(messages.filter((m) => !m.update).length, 1);
      assert.match(messages[7]?.text ?? "", new RegExp(`^Epoch 1/2\\n.*\\nEpoch 2/2\\n${LIVE.slice(2)}$`));
    } finally {
      dispose();
    }
  });
});

describe("SIGINT during fit in a plain Node process", () => {
  test("stops after the current batch, prints a note, and gives the listeners back", async () => {
    const { model, x, dispose } = tinySetup();
    const before = process.listeners("SIGINT");
    let batches = 0;
    try {
      const interrupt = afterBatch((epoch, batch) => {
        batches++;
        if (epoch === 1 && batch === 1) sigint();
      });
      const { result: history, text } = await captureStdout(() =>
        model.fit(x, x, { epochs: 5, batchSize: 16, verbose: 0, callbacks: [progressBar(), interrupt] }),
      );
      assert.equal(batches, 6, "4 batches of epoch 1, 2 of epoch 2, none after");
      assert.deepEqual(history.epoch, [0, 1]);
      assert.match(
        text,
        /\r2\/4 \[.*\n+Training stopped by interrupt after epoch 2, batch 2\/4: the model keeps what it learned\.\n$/,
      );
      assert.deepEqual(process.listeners("SIGINT"), before);
      // The model is usable: it can be evaluated and trained again.
      const loss = model.evaluate(x, x) as tf.Scalar;
      assert.ok(Number.isFinite((await loss.data())[0]));
      loss.dispose();
    } finally {
      dispose();
    }
  });

  test("the listeners found are not called for the first SIGINT, but are for a second one", async () => {
    const { model, x, dispose } = tinySetup();
    const calls: unknown[] = [];
    const listener = (signal: unknown) => calls.push(signal);
    process.on("SIGINT", listener);
    try {
      const interrupt = afterBatch((epoch, batch) => {
        if (epoch !== 0 || batch !== 1) return;
        sigint();
        assert.deepEqual(calls, [], "the first SIGINT is ours");
        sigint();
      });
      const history = await captureStdout(() =>
        model.fit(x, x, { epochs: 5, batchSize: 16, verbose: 0, callbacks: [progressBar(), interrupt] }),
      );
      assert.deepEqual(calls, ["SIGINT"], "the second SIGINT went to the listener found");
      assert.deepEqual(history.result.epoch, [0]);
      assert.deepEqual(process.listeners("SIGINT"), [listener]);
    } finally {
      process.removeListener("SIGINT", listener);
      dispose();
    }
  });

  test("two guards (e.g. a progress bar and a loss plot) share the hold; the last release restores", async () => {
    const { model, dispose } = tinySetup();
    const listener = () => {};
    process.on("SIGINT", listener);
    try {
      // Pretend fit is running, so that the guards do not end by themselves.
      (model as unknown as { model: { isTraining: boolean } }).model.isTraining = true;
      const a = guardInterrupts(model);
      const b = guardInterrupts(model);
      assert.equal(process.listeners("SIGINT").includes(listener), false);
      sigint();
      assert.equal(a.interrupted && b.interrupted && model.stopTraining, true);
      a.release();
      a.release();
      assert.equal(process.listeners("SIGINT").includes(listener), false, "b still holds SIGINT");
      b.release();
      assert.deepEqual(process.listeners("SIGINT"), [listener]);
    } finally {
      (model as unknown as { model: { isTraining: boolean } }).model.isTraining = false;
      process.removeListener("SIGINT", listener);
      dispose();
    }
  });

  test("when fit throws (tfjs then skips onTrainEnd), SIGINT still goes back to its listeners", async () => {
    const { model, x, dispose } = tinySetup();
    const calls: unknown[] = [];
    const listener = (signal: unknown) => calls.push(signal);
    process.on("SIGINT", listener);
    try {
      const failing = afterBatch((_epoch, batch) => {
        if (batch === 1) throw new Error("broken on purpose");
      });
      for (const [round, check] of [
        // Right away: a SIGINT finds no fit running and is passed on.
        [1, async () => sigint()],
        // Or soon, by itself: the guard notices that fit has ended.
        [2, () => waitFor(() => process.listeners("SIGINT").includes(listener))],
      ] as const) {
        await assert.rejects(
          captureStdout(() =>
            model.fit(x, x, { epochs: 2, batchSize: 16, verbose: 0, callbacks: [progressBar(), failing] }),
          ),
          /broken on purpose/,
        );
        await check();
        assert.deepEqual(process.listeners("SIGINT"), [listener], `round ${round}`);
      }
      assert.deepEqual(calls, ["SIGINT"]);
    } finally {
      process.removeListener("SIGINT", listener);
      dispose();
    }
  });

  /** Real signals, in a child process: test/support/sigint_fit.ts. */
  function runScript(mode: "once" | "twice") {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(ROOT, "test", "support", "sigint_fit.ts"), mode],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" },
      },
    );
    let stdout = "";
    let stderr = "";
    const messages: Record<string, unknown>[] = [];
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("message", (message: Record<string, unknown>) => {
      messages.push(message);
      if ("ready" in message || "stopping" in message) child.kill("SIGINT");
    });
    return new Promise<{
      code: number | null;
      signal: string | null;
      stdout: string;
      stderr: string;
      messages: typeof messages;
    }>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`sigint_fit.ts ${mode} did not end:\n${stdout}\n${stderr}`));
      }, 120_000);
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, messages });
      });
    });
  }

  test("a real SIGINT stops training after the batch it arrived in; the script then ends normally", async () => {
    const run = await runScript("once");
    assert.equal(run.code, 0, run.stderr);
    const done = run.messages.find((m) => "done" in m)?.["done"];
    assert.deepEqual(done, { epochs: 1, batches: 3, stoppedAt: 3, listenersBefore: 0, listenersAfter: 0 });
    assert.match(
      run.stdout,
      /Training stopped by interrupt after epoch 1, batch 3\/16: the model keeps what it learned\.\n$/,
    );
  });

  test("a second real SIGINT while the stop is pending exits as Ctrl+C does", async () => {
    const run = await runScript("twice");
    assert.equal(run.signal, "SIGINT", `expected death by SIGINT, found code ${run.code}: ${run.stderr}`);
    assert.deepEqual(run.messages, [{ ready: 3 }, { stopping: 3 }]);
  });
});

async function waitFor(condition: () => boolean, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("Kernel > Interrupt in a real tslab kernel (test/support/interrupt_kernel.py)", () => {
  interface CellReport {
    status: string;
    stdout: string;
    stderr: string;
    displays: number;
    updates: number;
    text: string | null;
  }
  interface KernelRun {
    setup: CellReport;
    listenersBefore: string[];
    train: CellReport;
    interruptedAt: number;
    countsAfter: { batches: number; last: number }[];
    batchesAfterInterrupt: number;
    listenersAfter: string[];
    evaluate: CellReport;
    train2: CellReport;
    guardTooEarly: CellReport;
    sleep: CellReport;
    after: CellReport;
    alive: boolean;
  }

  function runDriver(): Promise<KernelRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        venvProgram("python"),
        [join(ROOT, "test", "support", "interrupt_kernel.py"), join(ROOT, "test", "fixtures")],
        { cwd: ROOT, env: jupyterEnv({ TF_CPP_MIN_LOG_LEVEL: "2" }), stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        if (code !== 0) reject(new Error(`interrupt_kernel.py exited with ${code}:\n${stderr.slice(-4000)}`));
        else resolve(JSON.parse(stdout) as KernelRun);
      });
    });
  }

  test("training stops within a batch, the cell succeeds, nothing runs on, later interrupts work", async () => {
    const run = await runDriver();
    assert.equal(run.setup.status, "ok", run.setup.stderr);

    // The training cell ends normally (status ok, no stderr) with what fit returned.
    assert.equal(run.train.status, "ok", run.train.stderr);
    assert.equal(run.train.stderr, "");
    const trained = JSON.parse(run.train.stdout) as { fitReturned: number; epochs: number; batches: number };
    assert.equal(trained.epochs, 3, "two full epochs and the interrupted one");

    // One output, updated in place: two lines per finished epoch, the stopped epoch, then the note.
    assert.equal(run.train.displays, 1);
    const lines = (run.train.text ?? "").split("\n");
    assert.equal(lines.length, 7, run.train.text ?? "");
    const final = /^128\/128 \[={30}\] - \d+s \d+(s|ms|us)\/step - loss: \d\.\d{4}$/;
    assert.deepEqual([lines[0], lines[2], lines[4]], ["Epoch 1/1000", "Epoch 2/1000", "Epoch 3/1000"]);
    assert.match(lines[1] ?? "", final);
    assert.match(lines[3] ?? "", final);
    const stopped =
      /^Training stopped by interrupt after epoch 3, batch (\d+)\/128: the model keeps what it learned\.$/;
    assert.match(lines[6] ?? "", stopped);
    assert.match(lines[5] ?? "", new RegExp(`^ *${stopped.exec(lines[6] ?? "")?.[1]}/128 \\[`));

    // At most the batch that was running when SIGINT came ends after it, and nothing trains afterwards.
    assert.ok(run.batchesAfterInterrupt <= 1, `${run.batchesAfterInterrupt} batches after the interrupt`);
    assert.equal(run.countsAfter[0]?.batches, trained.batches);
    assert.equal(run.countsAfter[1]?.batches, trained.batches, "no batch in the 2 s after the cell ended");

    // tslab's own listener is back, and the model keeps what it learned.
    assert.deepEqual(run.listenersAfter, run.listenersBefore);
    assert.equal(run.listenersAfter.length, 1);
    assert.match(run.listenersAfter[0] ?? "", /executor\.interrupt\(\)/);
    assert.equal(run.evaluate.status, "ok", run.evaluate.stderr);
    const { evalLoss } = JSON.parse(run.evaluate.stdout) as { evalLoss: number };
    assert.ok(Number.isFinite(evalLoss) && evalLoss > 0 && evalLoss < 0.693, `eval loss ${evalLoss}`);

    // A second training can be interrupted the same way; then tslab's interrupt ends a busy cell.
    assert.equal(run.train2.status, "ok", run.train2.stderr);
    assert.match(run.train2.text ?? "", /Training stopped by interrupt after epoch 1, batch \d+\/128/);
    assert.equal(run.guardTooEarly.status, "error");
    assert.match(
      run.guardTooEarly.stderr,
      /guardInterrupts: call it from a fit callback .* not in the cell's synchronous code/,
    );
    assert.equal(run.sleep.status, "error");
    assert.match(run.sleep.stderr, /Interrupted asynchronously/);
    assert.doesNotMatch(run.sleep.stdout, /not interrupted/);
    assert.equal(run.after.status, "ok");
    assert.equal(run.after.stdout, "still alive\n");
    assert.equal(run.alive, true);

    const after = (time: number | undefined) => ((time ?? Number.NaN) - run.interruptedAt).toFixed(1);
    console.log(
      `kernel: ${run.batchesAfterInterrupt} batch(es) ended after SIGINT, the last ${after(run.countsAfter[0]?.last)} ms ` +
        `after it; fit returned ${after(trained.fitReturned)} ms after it`,
    );
  });
});

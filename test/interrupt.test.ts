// interrupt.ts: SIGINT (Stop in Jupyter, Ctrl+C in a terminal) stops fit after the current batch.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { guardInterrupts, progressBar } from "ae-shared";
import { ROOT, jupyterEnv, venvProgram } from "../scripts/project.js";
import { captureStdout } from "./support/kernel.js";
import { inLanguage } from "./support/language.js";
import { afterBatch, tinySetup } from "./support/training.js";

const sigint = () => process.emit("SIGINT", "SIGINT");

test("guardInterrupts wants the model being trained", () => {
  assert.throws(
    () => guardInterrupts(undefined as unknown as tf.LayersModel),
    /guardInterrupts: expected the tf.LayersModel being trained .* found undefined/,
  );
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

  test("in Chinese, the note says where training stopped: inside an epoch, or after a whole one", async () => {
    const { model, x, dispose } = tinySetup();
    try {
      const stopAt = (stopEpoch: number, stopBatch: number) =>
        captureStdout(() =>
          inLanguage("zh", () =>
            model.fit(x, x, {
              epochs: 5,
              batchSize: 16,
              verbose: 0,
              callbacks: [
                progressBar(),
                afterBatch((epoch, batch) => void (epoch === stopEpoch && batch === stopBatch && sigint())),
              ],
            }),
          ),
        );
      const inside = await stopAt(1, 1);
      assert.match(
        inside.text,
        /\n训练被中断，停在第 2\/5 个 epoch 的第 2\/4 批之后：模型保留已经学到的内容。\n$/,
      );
      const whole = await stopAt(0, 3);
      assert.match(whole.text, /\n训练被中断，停在第 1\/5 个 epoch 结束后：模型保留已经学到的内容。\n$/);
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

    // The training cell ends normally (status ok, no stderr) with what fit returned. The driver interrupted it
    // while it held at the 6th batch of its 3rd epoch, whatever the machine's speed.
    assert.equal(run.train.status, "ok", run.train.stderr);
    assert.equal(run.train.stderr, "");
    const [held, result] = run.train.stdout.trimEnd().split("\n");
    assert.equal(held, "holding");
    const trained = JSON.parse(result ?? "") as { fitReturned: number; epochs: number; batches: number };
    assert.equal(trained.epochs, 3, "two full epochs and the interrupted one");
    assert.equal(trained.batches, 2 * 128 + 6);

    // One output, updated in place: two lines per finished epoch, the stopped epoch, then the note.
    assert.equal(run.train.displays, 1);
    const lines = (run.train.text ?? "").split("\n");
    assert.equal(lines.length, 7, run.train.text ?? "");
    const final = /^128\/128 \[={30}\] - \d+s \d+(s|ms|us)\/step - loss: \d\.\d{4}$/;
    assert.deepEqual([lines[0], lines[2], lines[4]], ["Epoch 1/1000", "Epoch 2/1000", "Epoch 3/1000"]);
    assert.match(lines[1] ?? "", final);
    assert.match(lines[3] ?? "", final);
    assert.equal(
      lines[6],
      "Training stopped by interrupt after epoch 3, batch 6/128: the model keeps what it learned.",
    );
    assert.match(lines[5] ?? "", /^ *6\/128 \[/);

    // The batch that was running when SIGINT came had ended before it (the hold is after it): none ends after
    // it, and nothing trains afterwards.
    assert.equal(run.batchesAfterInterrupt, 0, `${run.batchesAfterInterrupt} batches after the interrupt`);
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
    assert.match(run.train2.text ?? "", /Training stopped by interrupt after epoch 1, batch 6\/128:/);
    assert.equal(run.guardTooEarly.status, "error");
    assert.match(
      run.guardTooEarly.stderr,
      /guardInterrupts: call it from a fit callback .* not in the cell's synchronous code/,
    );
    assert.equal(run.sleep.status, "error");
    assert.match(run.sleep.stderr, /Interrupted asynchronously/);
    assert.equal(run.sleep.stdout, "sleeping\n", "the sleep was interrupted");
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

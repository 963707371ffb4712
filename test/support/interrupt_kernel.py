"""Interrupts `model.fit` in a real tslab kernel, as Kernel > Interrupt in JupyterLab does (SIGINT).

Usage: interrupt_kernel.py CWD   (run with the environment of scripts/project.js jupyterEnv())
Starts the `tslab` kernel in CWD, trains a small dense model on MNIST with progressBar() from "ae-shared",
interrupts it in its third epoch, then checks that nothing trains in the background, that the model can be
evaluated, and that later interrupts still work. Prints one JSON object with what it saw; the TS test
(test/interrupt.test.ts) asserts on it. Kernel messages are matched to each request by parent msg_id.

Nothing here races the machine's speed: the training holds at a chosen batch (HOLD) until the interrupt has
stopped it, and the driver sends SIGINT only once the kernel says it holds, so a CPU three times faster, or a
busy one, sees the same epochs and batches.
"""
import json
import sys
import time

from jupyter_client.manager import KernelManager

SETUP = """
import * as tf from "@tensorflow/tfjs-node";
import { loadMnist, progressBar } from "ae-shared";
const { xTrain, xTest } = loadMnist({ trainSize: 4096, testSize: 512 });
const input = tf.input({ shape: [784] });
const hidden = tf.layers.dense({ units: 32, activation: "relu" }).apply(input) as tf.SymbolicTensor;
const output = tf.layers.dense({ units: 784, activation: "sigmoid" }).apply(hidden) as tf.SymbolicTensor;
const model = tf.model({ inputs: input, outputs: output });
model.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
// Wall-clock end time of every batch, to compare with when the driver sent SIGINT. At the batch `holdAt` names,
// training waits (as a slow batch would) until the interrupt has asked fit to stop: see HOLD.
const batchEnds: number[] = [];
// An object, changed in place: a later cell cannot assign a top-level variable of this one.
const holdAt = { epoch: -1, batch: -1 };
let epochNow = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const counter = new tf.CustomCallback({
  onEpochBegin: async (epoch) => { epochNow = epoch; },
  onBatchEnd: async (batch) => {
    batchEnds.push(Date.now());
    if (epochNow !== holdAt.epoch || batch !== holdAt.batch) return;
    console.log("holding");
    while (!model.stopTraining) await sleep(5);
  },
});
console.log("setup done");
"""

# Where the next training waits for the interrupt (0-based epoch and batch).
HOLD = "holdAt.epoch = %d;\nholdAt.batch = %d;"

# Far more epochs than the test waits for: only an interrupt ends it.
TRAIN = """
const history = await model.fit(xTrain, xTrain, {
  epochs: 1000, batchSize: 32, verbose: 0, callbacks: [progressBar(), counter],
});
console.log(JSON.stringify({ fitReturned: Date.now(), epochs: history.epoch.length, batches: batchEnds.length }));
"""

COUNT = 'console.log(JSON.stringify({ batches: batchEnds.length, last: batchEnds[batchEnds.length - 1] }));'

# Batches that ended after the interrupt was sent (Date.now() and time.time() share the wall clock).
AFTER = 'console.log(JSON.stringify(batchEnds.filter((end) => end > %r).length));'

# After an await: while a cell's synchronous part runs, Node hides every SIGINT listener (breakOnSigint).
LISTENERS = 'await null;\nconsole.log(JSON.stringify(process.listeners("SIGINT").map(String)));'

EVALUATE = """
const evalLoss = model.evaluate(xTest, xTest) as tf.Scalar;
console.log(JSON.stringify({ evalLoss: (await evalLoss.data())[0] }));
evalLoss.dispose();
"""

# guardInterrupts must refuse to add a SIGINT listener in a cell's synchronous part (it would kill the kernel).
GUARD_TOO_EARLY = 'import { guardInterrupts } from "ae-shared";\nguardInterrupts(model);'

SLEEP = (
    'console.log("sleeping");\n'
    'await new Promise((resolve) => setTimeout(resolve, 60000));\nconsole.log("the sleep was not interrupted");'
)


class Cell:
    """One execute request and every iopub message that belongs to it."""

    def __init__(self, kc, code):
        self.kc = kc
        self.msg_id = kc.execute(code)
        self.status = None
        self.stdout = ""
        self.stderr = ""
        self.displays = 0
        self.updates = 0
        self.text = None
        self.idle = False

    def poll(self, timeout):
        """Handles messages until this cell is idle or `timeout` seconds pass. True when idle."""
        deadline = time.time() + timeout
        while not self.idle:
            remaining = deadline - time.time()
            if remaining <= 0:
                return False
            try:
                msg = self.kc.get_iopub_msg(timeout=min(remaining, 0.2))
            except Exception:  # queue.Empty
                continue
            if msg["parent_header"].get("msg_id") != self.msg_id:
                continue
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "stream":
                setattr(self, content["name"], getattr(self, content["name"]) + content["text"])
            elif kind in ("display_data", "update_display_data"):
                if kind == "display_data":
                    self.displays += 1
                else:
                    self.updates += 1
                self.text = content["data"].get("text/plain", self.text)
            elif kind == "status" and content["execution_state"] == "idle":
                self.idle = True
        return True

    def finish(self, timeout=120):
        if not self.poll(timeout):
            raise RuntimeError(f"cell did not finish in {timeout}s:\n{self.stdout}\n{self.stderr}")
        reply = self.kc.get_shell_msg(timeout=30)
        while reply["parent_header"].get("msg_id") != self.msg_id:
            reply = self.kc.get_shell_msg(timeout=30)
        self.status = reply["content"]["status"]
        return self

    def report(self):
        return {"status": self.status, "stdout": self.stdout, "stderr": self.stderr,
                "displays": self.displays, "updates": self.updates, "text": self.text}


def run(kc, code, timeout=120):
    """Runs a cell. tslab aborts the requests that reach it within 200 ms of a failed cell: those are sent again."""
    for _ in range(20):
        cell = Cell(kc, code).finish(timeout)
        if cell.status != "abort":
            return cell
        time.sleep(0.5)
    raise RuntimeError(f"tslab kept aborting {code!r}")


def interrupt_when(km, kc, code, marker, timeout=300):
    """Starts `code` and sends SIGINT once its stdout shows `marker`; returns (cell, interrupt time in ms)."""
    for _ in range(20):
        cell = Cell(kc, code)
        deadline = time.time() + timeout
        while marker not in cell.stdout and not cell.idle:
            if time.time() > deadline:
                raise RuntimeError(f"the cell never printed {marker!r}: {cell.report()}")
            cell.poll(0.05)
        if marker in cell.stdout:
            interrupted_at = time.time() * 1000
            km.interrupt_kernel()
            return cell.finish(), interrupted_at
        cell.finish()
        if cell.status != "abort":
            raise RuntimeError(f"the cell ended without printing {marker!r}: {cell.report()}")
        time.sleep(0.5)  # aborted after a failed cell (see run): send it again
    raise RuntimeError(f"tslab kept aborting {code!r}")


def train_and_interrupt(km, kc, epoch, batch):
    """Trains until the hold at (epoch, batch), interrupts there; returns (cell, interrupt time in ms)."""
    run(kc, HOLD % (epoch, batch))
    return interrupt_when(km, kc, TRAIN, "holding\n")


def main():
    cwd = sys.argv[1]
    km = KernelManager(kernel_name="tslab")
    km.start_kernel(cwd=cwd)
    result = {}
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        result["setup"] = run(kc, SETUP).report()
        result["listenersBefore"] = json.loads(run(kc, LISTENERS).stdout)

        cell, interrupted_at = train_and_interrupt(km, kc, 2, 5)
        result["train"] = cell.report()
        result["interruptedAt"] = interrupted_at

        # Nothing may train in the background: the batch count must stay put.
        first = json.loads(run(kc, COUNT).stdout)
        time.sleep(2)
        second = json.loads(run(kc, COUNT).stdout)
        result["countsAfter"] = [first, second]
        result["batchesAfterInterrupt"] = json.loads(run(kc, AFTER % interrupted_at).stdout)
        result["listenersAfter"] = json.loads(run(kc, LISTENERS).stdout)
        result["evaluate"] = run(kc, EVALUATE).report()

        # The guard can be taken again, and tslab's own interrupt works once training is over.
        cell, _ = train_and_interrupt(km, kc, 0, 5)
        result["train2"] = cell.report()
        result["guardTooEarly"] = run(kc, GUARD_TOO_EARLY).report()
        result["sleep"] = interrupt_when(km, kc, SLEEP, "sleeping\n")[0].report()
        result["after"] = run(kc, 'console.log("still alive");').report()
        result["alive"] = km.is_alive()
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    print(json.dumps(result))


main()

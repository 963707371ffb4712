// A plain Node script that trains with progressBar() and is sent real SIGINTs by test/progress.test.ts.
// Usage (with an IPC channel): node --import tsx sigint_fit.ts once|twice
// It sends {ready} once training runs, then waits inside a batch until SIGINT has stopped training, so
// the signal lands in a known batch. "once": fit must end right after that batch; it reports and exits.
// "twice": that batch never ends, so the parent's second SIGINT must end the process as Ctrl+C does.
import * as tf from "@tensorflow/tfjs-node";
import { progressBar } from "ae-shared";

const mode = process.argv[2];
if (mode !== "once" && mode !== "twice") throw new Error(`expected mode "once" or "twice", found ${mode}`);
const send = (message: object) => process.send?.(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const model = tf.sequential({
  layers: [tf.layers.dense({ inputShape: [8], units: 8, activation: "sigmoid" })],
});
model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
const x = tf.randomUniform([256, 8]);
const listenersBefore = process.listenerCount("SIGINT");

let batches = 0;
let stoppedAt: number | null = null;
const counter = new tf.CustomCallback({
  onBatchEnd: async () => {
    batches++;
    if (batches !== 3) return;
    send({ ready: batches });
    while (!model.stopTraining) await sleep(5);
    stoppedAt = batches;
    if (mode === "twice") {
      send({ stopping: batches });
      await sleep(60_000);
    }
  },
});

const history = await model.fit(x, x, {
  epochs: 50,
  batchSize: 16,
  verbose: 0,
  callbacks: [progressBar(), counter],
});
send({
  done: {
    epochs: history.epoch.length,
    batches,
    stoppedAt,
    listenersBefore,
    listenersAfter: process.listenerCount("SIGINT"),
  },
});
tf.dispose([x]);
model.dispose();
process.disconnect?.();

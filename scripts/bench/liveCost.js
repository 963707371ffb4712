// @ts-check
// `npm run bench -- --live`, in the training process (trainTfjs.js): what the lessons' live reconstructions
// (ae-shared's liveReconstructions, in 01 and 03) cost the training. The callback draws only inside a notebook
// kernel, so a stand-in for tslab's sender takes its outputs here and serialises each as tslab does; everything
// else (the mid-epoch weight read, the prediction, the PNG, the HTML) is the lesson's. One fit alternates: the
// callback draws in half the epochs and sleeps in the others (drawsIn), the first (start-up) counting for neither,
// so that both halves see the machine in the same state.
import { Module, createRequire } from "node:module";
import { join } from "node:path";
import { ROOT } from "../project.js";

/**
 * Puts a stand-in for tslab's jupyter module where ae-shared looks for the running kernel
 * (src/shared/display/kernel.ts), as a notebook's kernel would have loaded it. Returns what it was sent.
 * @returns {{messages: number, bytes: number}}
 */
export function standInKernel() {
  const requireShared = createRequire(createRequire(join(ROOT, "package.json")).resolve("ae-shared"));
  const path = requireShared.resolve("tslab/dist/jupyter");
  const sent = { messages: 0, bytes: 0 };
  const stand = new Module(path);
  stand.exports = {
    // tslab turns each message into JSON for zeromq: that work is the notebook's too.
    lastWriteDisplayData: (/** @type {unknown} */ message) => {
      sent.messages += 1;
      sent.bytes += Buffer.byteLength(JSON.stringify(message));
    },
  };
  stand.loaded = true;
  requireShared.cache[path] = stand;
  return sent;
}

/**
 * Per epoch: whether the live reconstructions drew, how many times, and the ms they took.
 * @typedef {{on: boolean[], updates: number[], updateMs: number[]}} LiveCost
 */

/**
 * Whether the live reconstructions draw in `epoch`: after the first (off), in the order on, off, off, on, so that
 * over every four epochs a steady drift of the machine's speed weighs on both halves alike.
 * @param {number} epoch
 */
export const drawsIn = (epoch) => epoch > 0 && [0, 3].includes((epoch - 1) % 4);

/**
 * A fit callback that hands `live` (a LiveReconstructions) every event in the epochs it draws in (drawsIn) and
 * none in the others, timing its redraws. Put it where the lesson puts liveReconstructions.
 * @param {typeof import("@tensorflow/tfjs-node")} tf
 * @param {import("ae-shared").LiveReconstructions} live
 */
export function alternating(tf, live) {
  /** @type {LiveCost} */
  const cost = { on: [], updates: [], updateMs: [] };
  class Alternating extends tf.Callback {
    epoch = 0;
    on = false;
    startUpdates = 0;

    /** @override */
    async onTrainBegin() {
      live.setModel(this.model);
      live.setParams(this.params);
      await live.onTrainBegin();
    }

    /** @override @param {number} epoch */
    async onEpochBegin(epoch) {
      [this.epoch, this.on, this.startUpdates] = [epoch, drawsIn(epoch), live.updates];
      cost.on[epoch] = this.on;
      cost.updateMs[epoch] = 0;
      await live.onEpochBegin(epoch);
    }

    /** @override @param {number} batch */
    async onBatchEnd(batch) {
      if (!this.on) return;
      const start = performance.now();
      const before = live.updates;
      await live.onBatchEnd(batch);
      if (live.updates > before) {
        cost.updateMs[this.epoch] = (cost.updateMs[this.epoch] ?? 0) + performance.now() - start;
      }
    }

    /** @override */
    async onEpochEnd() {
      cost.updates[this.epoch] = live.updates - this.startUpdates;
    }
  }
  return { callback: new Alternating(), cost };
}

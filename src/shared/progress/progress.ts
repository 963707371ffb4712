// Keras-style training progress for tfjs `model.fit`, in a notebook and in a plain script:
//
//   Epoch 1/5
//   235/235 [==============================] - 3s 12ms/step - loss: 0.0925 - val_loss: 0.0914
//
// In a notebook it is one output redrawn in place (at most every `updateEveryMs`, and at each epoch's end),
// so a saved notebook keeps two lines per finished epoch instead of one output per update. In a script the
// live line is rewritten with "\r" as Keras does. While training, SIGINT stops fit after the current batch
// (see interrupt.ts): the cell ends normally and the model keeps what it learned.
import * as tf from "@tensorflow/tfjs-node";
import { graphPathNotice } from "ae-engine";
import { checkNonNegative } from "../checks";
import { LiveOutput } from "../display/display";
import { guardInterrupts, type InterruptGuard } from "./interrupt";
import { inKernel } from "../display/kernel";
import { localize } from "../language";
import { formatProgressLine } from "./progressLine";
import { terminalWidth } from "../display/text";

export interface ProgressBarOptions {
  /** Least time between two redraws of the live line, in ms; each epoch's end is always drawn. Default 150. */
  updateEveryMs?: number;
}

/** Running mean of a batch metric over the epoch, weighted by batch size as tfjs's epoch logs are. */
interface RunningMean {
  sum: number;
  weight: number;
}

type LogValue = number | tf.Scalar;

async function numberOf(value: LogValue): Promise<number> {
  return typeof value === "number" ? value : ((await value.data())[0] ?? Number.NaN);
}

const now = () => performance.now();
// SIGINT and the kernel's display messages are handled only when the event loop turns, and fit does not
// yield between batches to callbacks like this one (tfjs yields only for plain-object callbacks).
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A fit callback that shows Keras-style progress; pass it with `verbose: 0` (else tfjs prints its own too):
 *
 * ```ts
 * await model.fit(x, y, { epochs: 5, batchSize: 256, verbose: 0, callbacks: [progressBar()] });
 * ```
 *
 * Put it first in `callbacks` when mixing it with plain-object callbacks (`{ onEpochEnd }`): tfjs decides
 * from the first item how to treat the whole list; wrap plain objects in `new tf.CustomCallback({...})`.
 */
export class ProgressBar extends tf.Callback {
  private readonly updateEveryMs: number;
  private epochs: number | null = null;
  private steps: number | null = null;
  private guard: InterruptGuard | null = null;
  private live: LiveOutput | null = null;
  /** Lines of the output so far (notebook): a note, then "Epoch k/N" and its final line per finished epoch. */
  private done: string[] = [];
  private header = "";
  private epoch = 0;
  private step = 0;
  private epochOpen = false;
  private epochStart = 0;
  private firstStepEnd: number | null = null;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private shownWidth = 0;
  private means = new Map<string, RunningMean>();

  constructor(options: ProgressBarOptions = {}) {
    super();
    this.updateEveryMs = checkNonNegative("progressBar: updateEveryMs", options.updateEveryMs ?? 150);
  }

  override async onTrainBegin(): Promise<void> {
    if (!(this instanceof ProgressBar)) {
      // tfjs wrapped us as a plain-object callback, so setParams/setModel never reached us.
      throw new TypeError(
        localize({
          en:
            "progressBar: fit treated it as a plain-object callback because the first item of `callbacks` is one. " +
            "Put progressBar() first, or wrap plain objects in new tf.CustomCallback({...}).",
          zh:
            "progressBar: fit 把它当成了普通对象形式的回调，因为 `callbacks` 的第一项是普通对象。" +
            "请把 progressBar() 放在第一位，或者把普通对象包成 new tf.CustomCallback({...})。",
        }),
      );
    }
    const number = (name: string): number | null => {
      const value = this.params[name];
      return typeof value === "number" && Number.isFinite(value) ? value : null;
    };
    this.epochs = number("epochs");
    const samples = number("samples");
    const batchSize = number("batchSize");
    // fit passes samples and batchSize; fitDataset passes steps (batchesPerEpoch), or nothing.
    this.steps = number("steps") ?? (samples !== null && batchSize ? Math.ceil(samples / batchSize) : null);
    this.done = [];
    this.epochOpen = false;
    this.lastDraw = Number.NEGATIVE_INFINITY;
    this.live = inKernel() ? new LiveOutput() : null;
    if (this.params["verbose"] !== 0) {
      this.print(
        localize({
          en: "(fit was called without verbose: 0, so tfjs prints its own progress as well)",
          zh: "（调用 fit 时没有写 verbose: 0，所以 tfjs 也会打印它自己的进度）",
        }),
      );
    }
    // A model the engine's graph path does not train trains several times slower: say why, once per reason.
    const offGraph = graphPathNotice(this.model);
    if (offGraph) {
      this.print(
        localize({
          en: `This model trains on tfjs's own path, more slowly: ${offGraph.en}.`,
          zh: `这个模型不走图训练路径，训练会慢一些：${offGraph.zh}。`,
        }),
      );
    }
    this.guard = guardInterrupts(this.model);
    // Claim the output now, so the progress stays above outputs other callbacks create (the loss chart).
    if (this.live) {
      this.live.update({ "text/plain": this.epochHeader(0) });
      this.lastDraw = now();
    }
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
    this.step = 0;
    this.means = new Map();
    this.epochStart = now();
    this.firstStepEnd = null;
    this.shownWidth = 0;
    this.header = this.epochHeader(epoch);
    this.epochOpen = true;
    if (this.live) {
      if (this.due()) this.drawNotebook(null);
    } else {
      process.stdout.write(`${this.header}\n`);
      this.lastDraw = now();
    }
  }

  override async onBatchEnd(batch: number, logs?: Record<string, LogValue>): Promise<void> {
    this.step = batch + 1;
    const size = typeof logs?.["size"] === "number" ? logs["size"] : 1;
    for (const [name, value] of Object.entries(logs ?? {})) {
      if (name === "batch" || name === "size") continue;
      const mean = this.means.get(name) ?? { sum: 0, weight: 0 };
      mean.sum += (await numberOf(value)) * size;
      mean.weight += size;
      this.means.set(name, mean);
    }
    if (this.step === 1) this.firstStepEnd = now();
    if (this.due() && (this.steps === null || this.step < this.steps)) this.draw(this.line(false, []));
    await nextTurn();
    // Also after a SIGINT handled before fit reset stopTraining (it does so after onTrainBegin).
    if (this.guard?.interrupted) this.model.stopTraining = true;
  }

  override async onEpochEnd(_epoch: number, logs?: Record<string, LogValue>): Promise<void> {
    // Batch metrics come from the running means; the rest of the epoch's logs are validation results.
    const extra: [string, number][] = [];
    for (const [name, value] of Object.entries(logs ?? {})) {
      if (!this.means.has(name)) extra.push([name, await numberOf(value)]);
    }
    const final = this.line(true, extra);
    this.epochOpen = false;
    if (this.live) {
      this.done.push(this.header, final);
      this.drawNotebook(null);
    } else {
      this.writeScript(final, "\n");
    }
  }

  override async onTrainEnd(): Promise<void> {
    const guard = this.guard;
    this.guard = null;
    guard?.release();
    const complete = this.epochs !== null && this.epoch + 1 >= this.epochs && this.step === this.steps;
    if (guard?.interrupted && !complete) this.print(this.interruptNote());
  }

  /** "Epoch 2/5" as Keras heads an epoch, in either language (the course's logs print it so). */
  private epochHeader(epoch: number): string {
    const of = this.epochs === null ? "" : `/${this.epochs}`;
    return localize({ en: `Epoch ${epoch + 1}${of}`, zh: `Epoch ${epoch + 1}${of}` });
  }

  /** Where training stopped: after a whole epoch, or inside one after a batch. */
  private interruptNote(): string {
    const epoch = this.epoch + 1;
    const wholeEpoch = this.steps !== null && this.step === this.steps;
    const ofEpochs = this.epochs === null ? "" : `/${this.epochs}`;
    const ofEpochsInWords = this.epochs === null ? "" : ` of ${this.epochs}`;
    const ofSteps = this.steps === null ? "" : `/${this.steps}`;
    return wholeEpoch
      ? localize({
          en: `Training stopped by interrupt after epoch ${epoch}${ofEpochsInWords}: the model keeps what it learned.`,
          zh: `训练被中断，停在第 ${epoch}${ofEpochs} 个 epoch 结束后：模型保留已经学到的内容。`,
        })
      : localize({
          en: `Training stopped by interrupt after epoch ${epoch}, batch ${this.step}${ofSteps}: the model keeps what it learned.`,
          zh: `训练被中断，停在第 ${epoch}${ofEpochs} 个 epoch 的第 ${this.step}${ofSteps} 批之后：模型保留已经学到的内容。`,
        });
  }

  /** A line that stays: added to the notebook output, or printed on its own line in a script. */
  private print(text: string): void {
    if (this.live) {
      this.done.push(text);
      this.drawNotebook(null);
    } else {
      process.stdout.write(`${text}\n`);
    }
  }

  private due(): boolean {
    return now() - this.lastDraw >= this.updateEveryMs;
  }

  private line(final: boolean, extra: [string, number][]): string {
    const t = now();
    const step = this.step;
    // Keras leaves the first step out of the time per step: it includes one-off start-up work.
    const perStep =
      step === 0
        ? 0
        : this.firstStepEnd !== null && step > 1
          ? (t - this.firstStepEnd) / 1000 / (step - 1)
          : (t - this.epochStart) / 1000 / step;
    const values: [string, number][] = [...this.means].map(([name, m]) => [name, m.sum / m.weight]);
    return formatProgressLine({
      step,
      steps: this.steps !== null && step <= this.steps ? this.steps : null,
      elapsed: (t - this.epochStart) / 1000,
      perStep,
      final,
      values: [...values, ...extra],
    });
  }

  private draw(line: string): void {
    if (this.live) this.drawNotebook(line);
    else this.writeScript(line, "");
  }

  private drawNotebook(liveLine: string | null): void {
    const lines = [...this.done];
    if (this.epochOpen) lines.push(this.header, ...(liveLine === null ? [] : [liveLine]));
    this.live?.update({ "text/plain": lines.join("\n") });
    this.lastDraw = now();
  }

  /** Rewrites the live line in place as Keras does: "\r", the line, and spaces over a longer previous one. */
  private writeScript(line: string, end: string): void {
    const width = terminalWidth(line);
    const pad = " ".repeat(Math.max(0, this.shownWidth - width));
    this.shownWidth = width;
    process.stdout.write(`\r${line}${pad}${end}`);
    this.lastDraw = now();
  }
}

/** A new `ProgressBar` callback for `model.fit`. */
export function progressBar(options: ProgressBarOptions = {}): ProgressBar {
  return new ProgressBar(options);
}

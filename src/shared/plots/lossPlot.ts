// Losses as a lesson shows them: the live loss chart of a training (a fit callback, like d2l.ai's Animator),
// and finished runs compared on one chart with a per-epoch table beside it.
import * as tf from "@tensorflow/tfjs-node";
import { fitLength } from "../progress/fitLength";
import { LiveChart, showChart, type ChartSpec, type Trace } from "./chart";
import { checkNonNegative, checkWholeNumber } from "../checks";
import { guardInterrupts, type InterruptGuard } from "../progress/interrupt";
import { localize } from "../language";
import { textTable } from "../display/text";

/** Losses per epoch, as `model.fit` returns them in `history.history`. */
export interface LossHistory {
  loss: number[];
  val_loss?: number[];
}

/** A named run for `compareLosses`: a fit's History, or its `history` field. */
export interface NamedHistory {
  name: string;
  history: tf.History | LossHistory;
}

function lossesOf(run: NamedHistory): { loss: number[]; valLoss: number[] } {
  const source = (run.history instanceof tf.History ? run.history.history : run.history) as Record<
    string,
    unknown[] | undefined
  >;
  const numbers = (key: string): number[] => {
    const values = source[key] ?? [];
    return values.map((value, i) => {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        const found = String(value);
        throw new RangeError(
          localize({
            en: `run "${run.name}": expected ${key} to be finite numbers, found ${found} at epoch ${i + 1}`,
            zh: `“${run.name}”：${key} 应为有限数，第 ${i + 1} 个 epoch 实际为 ${found}`,
          }),
        );
      }
      return value;
    });
  };
  const loss = numbers("loss");
  if (loss.length === 0) {
    throw new RangeError(
      localize({
        en: `run "${run.name}": expected a loss per epoch, found none`,
        zh: `“${run.name}”：应有每个 epoch 的 loss，实际一个也没有`,
      }),
    );
  }
  return { loss, valLoss: numbers("val_loss") };
}

/** plotly's default colours, named so a run's two lines can share one. */
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

const fmt = (value: number | undefined): string => (value === undefined ? "-" : value.toFixed(4));

/** Axis titles of a loss chart; the metric names stay as Keras's history spells them. */
const lossAxes = () => ({
  xTitle: localize({ en: "epoch", zh: "epoch" }),
  yTitle: localize({ en: "loss", zh: "损失（loss）" }),
});

/** The text table of losses per epoch, one column pair per run. */
export function lossSummary(runs: { name: string; loss: number[]; valLoss: number[] }[]): string {
  const epochs = Math.max(...runs.map((run) => run.loss.length));
  const header = [
    "epoch",
    ...runs.flatMap((run) => (runs.length > 1 ? [`${run.name} loss`, "val_loss"] : ["loss", "val_loss"])),
  ];
  const rows = Array.from({ length: epochs }, (_, e) => [
    String(e + 1),
    ...runs.flatMap((run) => [fmt(run.loss[e]), fmt(run.valLoss[e])]),
  ]);
  return textTable(header, rows, { alignRight: header.map(() => true), rule: false });
}

/**
 * Several named loss histories on one chart (e.g. dense vs deep, or noise levels): val_loss solid,
 * training loss dashed, by epoch; and the per-epoch table beside it.
 */
export function compareLosses(runs: NamedHistory[], options: { title?: string } = {}): void {
  if (runs.length === 0) {
    throw new RangeError(
      localize({
        en: "compareLosses: expected at least one run, found none",
        zh: "compareLosses：至少需要一次训练的记录，实际一个也没有",
      }),
    );
  }
  const data = runs.map((run) => ({ name: run.name, ...lossesOf(run) }));
  const epochAxis = (values: number[]) => values.map((_, i) => i + 1);
  // One colour per run; its val_loss solid, its training loss dashed.
  const traces: Trace[] = data.flatMap((run, i) => {
    const color = PALETTE[i % PALETTE.length];
    const valLoss: Trace[] =
      run.valLoss.length > 0
        ? [
            {
              name: `${run.name} val_loss`,
              x: epochAxis(run.valLoss),
              y: run.valLoss,
              mode: "lines+markers",
              line: { color },
            },
          ]
        : [];
    const loss: Trace = {
      name: `${run.name} loss`,
      x: epochAxis(run.loss),
      y: run.loss,
      mode: "lines",
      line: { dash: "dash", color },
    };
    return [...valLoss, loss];
  });
  showChart({
    title: options.title ?? localize({ en: "Loss by epoch", zh: "每个 epoch 的损失" }),
    ...lossAxes(),
    traces,
    summary: lossSummary(data),
  });
}

export interface LossPlotOptions {
  /** Chart title, e.g. the model's name. */
  title?: string;
  /** Redraw after this many batches at most (default 5), and at least at every epoch's end. */
  everyBatches?: number;
  /** ...but not more often than this (default 250 ms), so a fast model does not flood the page. */
  minIntervalMs?: number;
}

/** What tfjs hands a `tf.Callback`: numbers, or scalars still on the backend. */
type UnresolvedLogs = Record<string, number | tf.Tensor>;

/** A log entry as a number (tfjs passes the loss as a scalar tensor, which it disposes after the callbacks). */
async function logValue(logs: UnresolvedLogs | undefined, key: string): Promise<number | undefined> {
  const value = logs?.[key];
  if (value === undefined) return undefined;
  return typeof value === "number" ? value : (await value.data())[0];
}

/**
 * A `model.fit` callback that draws training loss (per batch) and validation loss (per epoch) into one
 * chart that grows while the model trains (see LiveChart). After training, `history` holds the per-epoch
 * losses for `compareLosses`.
 */
export class LossPlot extends tf.Callback {
  readonly title: string;
  /** Per-epoch losses of the last fit. */
  readonly history: Required<LossHistory> = { loss: [], val_loss: [] };
  private readonly everyBatches: number;
  private readonly minIntervalMs: number;
  private readonly batchX: number[] = [];
  private readonly batchLoss: number[] = [];
  private readonly chart = new LiveChart();
  private guard: InterruptGuard | undefined;
  private epochs = 1;
  private steps = 1;
  private epoch = 0;
  private sinceDrawn = 0;
  private lastDrawn = 0;

  constructor(options: LossPlotOptions = {}) {
    super();
    this.title = options.title ?? localize({ en: "Training loss", zh: "训练损失" });
    this.everyBatches = checkWholeNumber("lossPlot: everyBatches", options.everyBatches ?? 5);
    this.minIntervalMs = checkNonNegative("lossPlot: minIntervalMs", options.minIntervalMs ?? 250);
  }

  override async onTrainBegin(): Promise<void> {
    ({ epochs: this.epochs, steps: this.steps } = fitLength(this.params));
    this.history.loss.length = 0;
    this.history.val_loss.length = 0;
    this.batchX.length = 0;
    this.batchLoss.length = 0;
    // Stop (kernel interrupt) ends training after the current batch, also when no progress bar is used.
    this.guard = guardInterrupts(this.model);
    this.chart.begin(this.spec());
    this.drawn();
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number, logs?: UnresolvedLogs): Promise<void> {
    const loss = await logValue(logs, "loss");
    if (loss !== undefined && Number.isFinite(loss)) {
      this.batchX.push(this.epoch + (batch + 1) / this.steps);
      this.batchLoss.push(loss);
    }
    this.sinceDrawn += 1;
    if (this.sinceDrawn >= this.everyBatches && Date.now() - this.lastDrawn >= this.minIntervalMs) {
      this.chart.update(this.spec());
      this.drawn();
    }
  }

  override async onEpochEnd(_epoch: number, logs?: UnresolvedLogs): Promise<void> {
    const [loss, valLoss] = [await logValue(logs, "loss"), await logValue(logs, "val_loss")];
    if (loss !== undefined) this.history.loss.push(loss);
    if (valLoss !== undefined) this.history.val_loss.push(valLoss);
    this.chart.update(this.spec());
    this.drawn();
  }

  override async onTrainEnd(): Promise<void> {
    this.guard?.release();
    this.guard = undefined;
    this.chart.end(this.spec());
  }

  /** The chart as it stands. */
  spec(): ChartSpec {
    const valLoss = this.history.val_loss;
    const traces: Trace[] = [
      {
        name: localize({ en: "loss (each batch)", zh: "loss（每一批）" }),
        x: [...this.batchX],
        y: [...this.batchLoss],
        mode: "lines",
        line: { width: 1 },
      },
    ];
    if (valLoss.length > 0) {
      traces.push({
        name: localize({ en: "val_loss (each epoch)", zh: "val_loss（每个 epoch 结束时）" }),
        x: valLoss.map((_, i) => i + 1),
        y: [...valLoss],
        mode: "lines+markers",
      });
    }
    const summary =
      this.history.loss.length > 0
        ? lossSummary([{ name: this.title, loss: this.history.loss, valLoss }])
        : `epoch  loss  val_loss\n${localize({ en: "(training...)", zh: "（训练中……）" })}`;
    return { title: this.title, ...lossAxes(), traces, xRange: [0, this.epochs], summary };
  }

  private drawn(): void {
    this.sinceDrawn = 0;
    this.lastDrawn = Date.now();
  }
}

/** A live loss chart for `model.fit(..., { callbacks: [lossPlot()] })`. */
export function lossPlot(options: LossPlotOptions = {}): LossPlot {
  return new LossPlot(options);
}

// The live loss chart of a training, as a fit callback (like d2l.ai's Animator): each batch's training losses and
// each epoch's validation losses, in one chart that grows while the model trains.
import * as tf from "@tensorflow/tfjs-node";
import { fitLength } from "../progress/fitLength";
import { LiveChart, type ChartSpec, type Trace } from "./chart";
import { checkNonNegative, checkWholeNumber } from "../checks";
import { guardInterrupts, type InterruptGuard } from "../progress/interrupt";
import { localize } from "../language";
import { PALETTE, epochTable, lossAxes, lossSummary, type LossHistory } from "./lossCompare";

export interface LossPlotOptions {
  /** Chart title, e.g. the model's name. */
  title?: string;
  /**
   * The training logs drawn, one line each (default ["loss"]): each batch's value, and its `val_` log at each
   * epoch's end when fit validates. A model with two losses names both, e.g. a VAE's
   * ["reconstruction_loss", "kl_loss"].
   */
  series?: string[];
  /** Series drawn against a second y axis on the right, for a loss on another scale than the others. */
  rightAxis?: string[];
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

/** A fit's per-epoch losses: `loss` and `val_loss` always, and each series' values and its `val_` values. */
export type SeriesHistory = Required<LossHistory> & Record<string, number[]>;

/** The series checked against each other and against the logs fit will write (`params.metrics`). */
function checkSeries(series: string[], rightAxis: string[]): void {
  const listed = (names: string[]) => names.map((name) => `"${name}"`).join(", ");
  if (series.length === 0 || new Set(series).size !== series.length) {
    throw new RangeError(
      localize({
        en: `lossPlot: series must name at least one log, each once, found [${listed(series)}]`,
        zh: `lossPlot：series 应至少列出一个日志名，且每个只列一次，实际为 [${listed(series)}]`,
      }),
    );
  }
  const stray = rightAxis.filter((name) => !series.includes(name));
  if (stray.length > 0 || rightAxis.length === series.length) {
    throw new RangeError(
      localize({
        en: `lossPlot: rightAxis must name some but not all of the series [${listed(series)}], found [${listed(rightAxis)}]`,
        zh: `lossPlot：rightAxis 应是 series [${listed(series)}] 中的一部分（不能是全部），实际为 [${listed(rightAxis)}]`,
      }),
    );
  }
}

/**
 * A `model.fit` callback that draws training losses (per batch) and validation losses (per epoch) into one
 * chart that grows while the model trains (see LiveChart). After training, `history` holds the per-epoch
 * losses for `compareLosses`.
 */
export class LossPlot extends tf.Callback {
  readonly title: string;
  /** Per-epoch losses of the last fit. */
  readonly history: SeriesHistory = { loss: [], val_loss: [] };
  private readonly series: string[];
  private readonly rightAxis: Set<string>;
  private readonly everyBatches: number;
  private readonly minIntervalMs: number;
  private readonly batchX: number[] = [];
  /** Each series' value at each batch of batchX. */
  private readonly batchValues = new Map<string, number[]>();
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
    this.series = [...(options.series ?? ["loss"])];
    const rightAxis = options.rightAxis ?? [];
    checkSeries(this.series, rightAxis);
    this.rightAxis = new Set(rightAxis);
    this.everyBatches = checkWholeNumber("lossPlot: everyBatches", options.everyBatches ?? 5);
    this.minIntervalMs = checkNonNegative("lossPlot: minIntervalMs", options.minIntervalMs ?? 250);
  }

  override async onTrainBegin(): Promise<void> {
    ({ epochs: this.epochs, steps: this.steps } = fitLength(this.params));
    // A misspelt series would draw nothing: say so before the first batch, with the names fit will log.
    const logged = (this.params as { metrics?: unknown } | undefined)?.metrics;
    if (Array.isArray(logged)) {
      const missing = this.series.filter((name) => !logged.includes(name));
      if (missing.length > 0) {
        const names = logged.filter((name) => !String(name).startsWith("val_")).join(", ");
        throw new RangeError(
          localize({
            en: `lossPlot: expected the series ${missing.join(", ")} among the training logs, found ${names}`,
            zh: `lossPlot：训练日志里应有 ${missing.join("、")}，实际只有 ${names}`,
          }),
        );
      }
    }
    for (const values of Object.values(this.history)) values.length = 0;
    this.batchX.length = 0;
    this.batchValues.clear();
    for (const name of this.series) this.batchValues.set(name, []);
    // Stop (kernel interrupt) ends training after the current batch, also when no progress bar is used.
    this.guard = guardInterrupts(this.model);
    this.chart.begin(this.spec());
    this.drawn();
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number, logs?: UnresolvedLogs): Promise<void> {
    const values = await Promise.all(this.series.map((name) => logValue(logs, name)));
    // A batch counts when every series has a finite value, so that the lines share their x values.
    if (values.every((value) => value !== undefined && Number.isFinite(value))) {
      this.batchX.push(this.epoch + (batch + 1) / this.steps);
      this.series.forEach((name, i) => this.batchValues.get(name)?.push(values[i] as number));
    }
    this.sinceDrawn += 1;
    if (this.sinceDrawn >= this.everyBatches && Date.now() - this.lastDrawn >= this.minIntervalMs) {
      this.chart.update(this.spec());
      this.drawn();
    }
  }

  override async onEpochEnd(_epoch: number, logs?: UnresolvedLogs): Promise<void> {
    const names = [...new Set(["loss", ...this.series])].flatMap((name) => [name, `val_${name}`]);
    for (const name of names) {
      const value = await logValue(logs, name);
      if (value !== undefined) (this.history[name] ??= []).push(value);
    }
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
    const several = this.series.length > 1;
    const onRight = (name: string): Pick<Trace, "yaxis"> => (this.rightAxis.has(name) ? { yaxis: "y2" } : {});
    const rightNote = (name: string) =>
      this.rightAxis.has(name) ? localize({ en: ", right axis", zh: "，右侧坐标轴" }) : "";
    const traces: Trace[] = this.series.flatMap((name, i) => {
      // With several series each has one colour, its validation markers too; alone, plotly's defaults as ever.
      const color = several ? { color: PALETTE[i % PALETTE.length] } : {};
      const batches: Trace = {
        name: localize({
          en: `${name} (each batch${rightNote(name)})`,
          zh: `${name}（每一批${rightNote(name)}）`,
        }),
        x: [...this.batchX],
        y: [...(this.batchValues.get(name) ?? [])],
        mode: "lines",
        line: { width: 1, ...color },
        ...onRight(name),
      };
      const valValues = this.history[`val_${name}`] ?? [];
      if (valValues.length === 0) return [batches];
      const epochs: Trace = {
        name: localize({
          en: `val_${name} (each epoch${rightNote(name)})`,
          zh: `val_${name}（每个 epoch 结束时${rightNote(name)}）`,
        }),
        x: valValues.map((_, e) => e + 1),
        y: [...valValues],
        mode: "lines+markers",
        ...(several ? { line: color, marker: color } : {}),
        ...onRight(name),
      };
      return [batches, epochs];
    });
    const left = this.series.filter((name) => !this.rightAxis.has(name));
    const axes = several
      ? { ...lossAxes(), yTitle: left.join(", "), y2Title: [...this.rightAxis].join(", ") || undefined }
      : lossAxes();
    return { title: this.title, ...axes, traces, xRange: [0, this.epochs], summary: this.summary() };
  }

  /** The per-epoch table beside the chart: loss and val_loss as ever, or a column per series and `val_` log. */
  private summary(): string {
    const trained = this.history.loss.length > 0 || this.series.some((name) => this.history[name]?.length);
    if (this.series.length === 1 && this.series[0] === "loss") {
      return trained
        ? lossSummary([{ name: this.title, loss: this.history.loss, valLoss: this.history.val_loss }])
        : `epoch  loss  val_loss\n${localize({ en: "(training...)", zh: "（训练中……）" })}`;
    }
    const columns = this.series.flatMap((name) =>
      [name, `val_${name}`]
        .filter((key, i) => i === 0 || (this.history[key]?.length ?? 0) > 0)
        .map((key) => ({ name: key, values: this.history[key] ?? [] })),
    );
    return trained
      ? epochTable(columns)
      : `epoch  ${columns.map((column) => column.name).join("  ")}\n${localize({ en: "(training...)", zh: "（训练中……）" })}`;
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

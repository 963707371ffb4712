// Loss charts, drawn with plotly.js. In a notebook: inline HTML that plotly draws, plus a text summary beside
// it for viewers that run no scripts; the live chart is one output updated in place while the model trains.
// In a plain Node script: nodeplotlib's browser window (a live stream for the loss curve), or, where no
// browser can open (CI, ssh), a self-contained HTML file, so a script never waits for a window nobody sees.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-node";
import plotlyPackage from "plotly.js-dist/package.json";
import { LiveOutput, display, escapeHtml, inKernel } from "./display";
import { guardInterrupts, type InterruptGuard } from "./interrupt";

/** One line of a chart, in plotly's terms (the subset we use). */
export interface Trace {
  name: string;
  x: number[];
  y: number[];
  mode: "lines" | "markers" | "lines+markers";
  line?: { dash?: "solid" | "dash" | "dot"; width?: number; color?: string };
}

/** A chart: lines, axis titles, and the text that stands for it where scripts do not run. */
export interface ChartSpec {
  title: string;
  xTitle: string;
  yTitle: string;
  traces: Trace[];
  /** Fixed x range, so a live curve grows across the chart instead of rescaling it. */
  xRange?: [number, number];
  summary: string;
}

// ---------------------------------------------------------------------------------------------------------
// plotly.js itself, from the npm package (never a CDN): sent to the notebook once per kernel.

let plotlySource: string | undefined;
let plotlySentToNotebook = false;

/** plotly.js's code: the minified copy that set-up makes in dist/, else the package's own file. */
export function plotlyScript(): string {
  if (plotlySource === undefined) {
    const minified = join(__dirname, "plotly.min.js");
    const file = existsSync(minified) ? minified : require.resolve("plotly.js-dist/plotly.js");
    // `</script` inside the code would end the inline <script> element early.
    plotlySource = readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script");
  }
  return plotlySource;
}

/** Sends plotly.js to the notebook page, unless this kernel did already. Charts after it can draw. */
function ensurePlotlyInNotebook(): void {
  if (plotlySentToNotebook) return;
  const note = `plotly.js ${plotlyPackage.version} loaded for the charts below`;
  display({
    "text/html": `<script type="text/javascript">${plotlyScript()}</script><small style="color:#888">${note}</small>`,
    "text/plain": `(${note})`,
  });
  plotlySentToNotebook = true;
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

function layoutOf(spec: ChartSpec): Record<string, unknown> {
  return {
    title: { text: spec.title },
    xaxis: { title: { text: spec.xTitle }, ...(spec.xRange ? { range: spec.xRange } : {}) },
    yaxis: { title: { text: spec.yTitle } },
    margin: { t: 48, r: 16, b: 48, l: 64 },
    legend: { orientation: "h", y: -0.25 },
  };
}

/** JSON for an inline <script>: no `</script>` or `<!--` can close the element early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/**
 * The chart as HTML: a plot div drawn by `window.Plotly`, and the text summary beside it. If plotly is not
 * in the page (a reloaded page whose kernel had already sent it), the div says how to get it back.
 */
export function chartHtml(spec: ChartSpec): string {
  checkSpec(spec);
  const id = `ae-chart-${randomBytes(6).toString("hex")}`;
  const missing =
    "plotly.js is not loaded in this page (it is sent once per kernel). Restart the kernel and run the notebook again.";
  return [
    `<div class="ae-chart" style="display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start">`,
    `<div id="${id}" style="width:640px;max-width:100%;height:360px"></div>`,
    `<pre class="ae-chart-summary" style="margin:0;font-size:12px">${escapeHtml(spec.summary)}</pre>`,
    `<script type="text/javascript">(function () {`,
    `var el = document.getElementById(${scriptJson(id)});`,
    `if (!window.Plotly) { el.style.height = "auto"; el.textContent = ${scriptJson(missing)}; return; }`,
    `window.Plotly.newPlot(el, ${scriptJson(spec.traces)}, ${scriptJson(layoutOf(spec))}, {displaylogo: false, responsive: true});`,
    `})();</script>`,
    `</div>`,
  ].join("\n");
}

/** A standalone page with plotly.js inside: opens offline, from a file. */
export function chartPage(spec: ChartSpec): string {
  return [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(spec.title)}</title>`,
    `<script type="text/javascript">${plotlyScript()}</script></head>`,
    `<body style="font-family:sans-serif">${chartHtml(spec)}</body></html>`,
  ].join("\n");
}

function bundleOf(spec: ChartSpec): { "text/html": string; "text/plain": string } {
  return { "text/html": chartHtml(spec), "text/plain": `${spec.title}\n${spec.summary}` };
}

function checkSpec(spec: ChartSpec): void {
  if (spec.traces.length === 0)
    throw new RangeError(`chart "${spec.title}": expected at least one line, found none`);
  for (const trace of spec.traces) {
    if (trace.x.length !== trace.y.length) {
      throw new RangeError(
        `chart "${spec.title}", line "${trace.name}": expected as many x as y values, found ${trace.x.length} x and ${trace.y.length} y`,
      );
    }
    const bad = trace.y.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new RangeError(
        `chart "${spec.title}", line "${trace.name}": expected finite values, found ${trace.y[bad]} at point ${bad}`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Outside a notebook: nodeplotlib when a browser can open, else an HTML file.

/**
 * Whether a browser window can be opened for nodeplotlib: not on CI, and on Linux only with a display and
 * xdg-open. NODEPLOTLIB_PORT means the user will open the page themselves.
 */
export function browserCanOpen(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NODEPLOTLIB_PORT) return true;
  if (env.CI && env.CI !== "false" && env.CI !== "0") return false;
  if (process.platform !== "linux") return true;
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return false;
  return !spawnSync("xdg-open", ["--version"], { env, stdio: "ignore" }).error;
}

interface NodePlotLib {
  plot(data: unknown, layout?: unknown, config?: unknown): void;
}
interface Subject<T> {
  next(value: T): void;
}

function nodeplotlib(): NodePlotLib {
  // Loaded only in scripts that plot: it brings a web server (NestJS) along.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, only where a script plots
  return require("nodeplotlib") as NodePlotLib;
}

function writeChartFile(spec: ChartSpec): string {
  const slug = spec.title.replace(/[^\w-]+/g, "-").replace(/^-+|-+$/g, "") || "chart";
  const file = join(tmpdir(), `${slug}-${randomBytes(3).toString("hex")}.html`);
  writeFileSync(file, chartPage(spec));
  return file;
}

/** Shows a finished chart: inline in a notebook; in a script, nodeplotlib or (no browser) an HTML file. */
export function showChart(spec: ChartSpec): void {
  checkSpec(spec);
  if (inKernel()) {
    ensurePlotlyInNotebook();
    display(bundleOf(spec));
  } else if (browserCanOpen()) {
    nodeplotlib().plot(spec.traces, layoutOf(spec));
  } else {
    process.stdout.write(
      `${spec.title}\n${spec.summary}\n(no browser here: chart written to ${writeChartFile(spec)})\n`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Loss histories

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
        throw new RangeError(
          `run "${run.name}": expected ${key} to be finite numbers, found ${String(value)} at epoch ${i + 1}`,
        );
      }
      return value;
    });
  };
  const loss = numbers("loss");
  if (loss.length === 0) throw new RangeError(`run "${run.name}": expected a loss per epoch, found none`);
  return { loss, valLoss: numbers("val_loss") };
}

/** plotly's default colours, named so a run's two lines can share one. */
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

const fmt = (value: number | undefined): string => (value === undefined ? "-" : value.toFixed(4));

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
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? "").length)));
  return [header, ...rows]
    .map((row) => row.map((cell, c) => cell.padStart(widths[c] ?? 0)).join("  "))
    .join("\n");
}

/**
 * Several named loss histories on one chart (e.g. dense vs deep, or noise levels): val_loss solid,
 * training loss dashed, by epoch; and the per-epoch table beside it.
 */
export function compareLosses(runs: NamedHistory[], options: { title?: string } = {}): void {
  if (runs.length === 0) throw new RangeError("compareLosses: expected at least one run, found none");
  const data = runs.map((run) => ({ name: run.name, ...lossesOf(run) }));
  const epochAxis = (values: number[]) => values.map((_, i) => i + 1);
  // One colour per run; its val_loss solid, its training loss dashed.
  const traces: Trace[] = data.flatMap((run, i) => {
    const color = PALETTE[i % PALETTE.length];
    return [
      ...(run.valLoss.length > 0
        ? [
            {
              name: `${run.name} val_loss`,
              x: epochAxis(run.valLoss),
              y: run.valLoss,
              mode: "lines+markers" as const,
              line: { color },
            },
          ]
        : []),
      {
        name: `${run.name} loss`,
        x: epochAxis(run.loss),
        y: run.loss,
        mode: "lines" as const,
        line: { dash: "dash" as const, color },
      },
    ];
  });
  showChart({
    title: options.title ?? "Loss by epoch",
    xTitle: "epoch",
    yTitle: "loss",
    traces,
    summary: lossSummary(data),
  });
}

// ---------------------------------------------------------------------------------------------------------
// The live loss chart: a fit callback

export interface LossPlotOptions {
  /** Chart title, e.g. the model's name. */
  title?: string;
  /** Redraw after this many batches at most (default 5), and at least at every epoch's end. */
  everyBatches?: number;
  /** ...but not more often than this (default 250 ms), so a fast model does not flood the page. */
  minIntervalMs?: number;
}

/**
 * A `model.fit` callback that draws training loss (per batch) and validation loss (per epoch) into one
 * chart that grows while the model trains, like d2l.ai's Animator. After training, `history` holds the
 * per-epoch losses for `compareLosses`.
 */
export class LossPlot extends tf.Callback {
  readonly title: string;
  /** Per-epoch losses of the last fit. */
  readonly history: Required<LossHistory> = { loss: [], val_loss: [] };
  private readonly everyBatches: number;
  private readonly minIntervalMs: number;
  private readonly batchX: number[] = [];
  private readonly batchLoss: number[] = [];
  private readonly output = new LiveOutput();
  private stream: Subject<unknown> | undefined;
  private guard: InterruptGuard | undefined;
  private epochs = 1;
  private steps = 1;
  private epoch = 0;
  private sinceDrawn = 0;
  private lastDrawn = 0;

  constructor(options: LossPlotOptions = {}) {
    super();
    this.title = options.title ?? "Training loss";
    this.everyBatches = positiveInteger("everyBatches", options.everyBatches ?? 5);
    this.minIntervalMs = nonNegative("minIntervalMs", options.minIntervalMs ?? 250);
  }

  override async onTrainBegin(): Promise<void> {
    const { epochs, samples, batchSize } = this.params as {
      epochs?: number;
      samples?: number;
      batchSize?: number;
    };
    this.epochs = epochs ?? 1;
    this.steps = samples && batchSize ? Math.ceil(samples / batchSize) : 1;
    this.history.loss.length = 0;
    this.history.val_loss.length = 0;
    this.batchX.length = 0;
    this.batchLoss.length = 0;
    // Stop (kernel interrupt) ends training after the current batch, also when no progress bar is used.
    this.guard = guardInterrupts(this.model);
    if (inKernel()) ensurePlotlyInNotebook();
    else if (browserCanOpen()) this.startStream();
    this.draw();
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
    if (this.sinceDrawn >= this.everyBatches && Date.now() - this.lastDrawn >= this.minIntervalMs)
      this.draw();
  }

  override async onEpochEnd(_epoch: number, logs?: UnresolvedLogs): Promise<void> {
    const [loss, valLoss] = [await logValue(logs, "loss"), await logValue(logs, "val_loss")];
    if (loss !== undefined) this.history.loss.push(loss);
    if (valLoss !== undefined) this.history.val_loss.push(valLoss);
    this.draw();
  }

  override async onTrainEnd(): Promise<void> {
    this.guard?.release();
    this.guard = undefined;
    this.draw();
    if (this.stream) {
      // Not completed: a completed stream would show nothing to a browser that connects after training.
      this.stream = undefined;
    } else if (!inKernel()) {
      showChart(this.spec());
    }
  }

  /** The chart as it stands. */
  spec(): ChartSpec {
    const valLoss = this.history.val_loss;
    const traces: Trace[] = [
      {
        name: "loss (each batch)",
        x: [...this.batchX],
        y: [...this.batchLoss],
        mode: "lines",
        line: { width: 1 },
      },
    ];
    if (valLoss.length > 0) {
      traces.push({
        name: "val_loss (each epoch)",
        x: valLoss.map((_, i) => i + 1),
        y: [...valLoss],
        mode: "lines+markers",
      });
    }
    const summary =
      this.history.loss.length > 0
        ? lossSummary([{ name: this.title, loss: this.history.loss, valLoss }])
        : "epoch  loss  val_loss\n(training...)";
    return { title: this.title, xTitle: "epoch", yTitle: "loss", traces, xRange: [0, this.epochs], summary };
  }

  private draw(): void {
    this.sinceDrawn = 0;
    this.lastDrawn = Date.now();
    const spec = this.spec();
    if (inKernel()) this.output.update(bundleOf(spec));
    else this.stream?.next(spec.traces);
  }

  private startStream(): void {
    // nodeplotlib draws an rxjs Observable as a live chart; it must be nodeplotlib's own rxjs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded with nodeplotlib, only in scripts
    const { BehaviorSubject } = require("rxjs") as {
      BehaviorSubject: new (value: unknown) => Subject<unknown>;
    };
    const subject = new BehaviorSubject(this.spec().traces);
    this.stream = subject;
    nodeplotlib().plot(subject, layoutOf(this.spec()));
  }
}

/** A live loss chart for `model.fit(..., { callbacks: [lossPlot()] })`. */
export function lossPlot(options: LossPlotOptions = {}): LossPlot {
  return new LossPlot(options);
}

/** What tfjs hands a `tf.Callback`: numbers, or scalars still on the backend. */
type UnresolvedLogs = Record<string, number | tf.Tensor>;

/** A log entry as a number (tfjs passes the loss as a scalar tensor, which it disposes after the callbacks). */
async function logValue(logs: UnresolvedLogs | undefined, key: string): Promise<number | undefined> {
  const value = logs?.[key];
  if (value === undefined) return undefined;
  return typeof value === "number" ? value : (await value.data())[0];
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`lossPlot: ${name} must be a whole number of at least 1, found ${String(value)}`);
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`lossPlot: ${name} must be a finite number of at least 0, found ${String(value)}`);
  }
  return value;
}

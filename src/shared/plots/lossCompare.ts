// Finished runs' losses compared: one chart of several runs' curves by epoch, and the per-epoch table that
// stands beside it (also under the live chart of lossPlot.ts).
import * as tf from "@tensorflow/tfjs-node";
import { showChart, type Trace } from "./chart";
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
export const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
];

const fmt = (value: number | undefined): string => (value === undefined ? "-" : value.toFixed(4));

/** Axis titles of a loss chart; the metric names stay as Keras's history spells them. */
export const lossAxes = () => ({
  xTitle: localize({ en: "epoch", zh: "epoch" }),
  yTitle: localize({ en: "loss", zh: "损失（loss）" }),
});

/** A table of values by epoch, one column each; "-" where a column has no value for an epoch. */
export function epochTable(columns: { name: string; values: number[] }[]): string {
  const epochs = Math.max(0, ...columns.map((column) => column.values.length));
  const header = ["epoch", ...columns.map((column) => column.name)];
  const rows = Array.from({ length: epochs }, (_, e) => [
    String(e + 1),
    ...columns.map((column) => fmt(column.values[e])),
  ]);
  return textTable(header, rows, { alignRight: header.map(() => true), rule: false });
}

/** The text table of losses per epoch, one column pair per run. */
export function lossSummary(runs: { name: string; loss: number[]; valLoss: number[] }[]): string {
  return epochTable(
    runs.flatMap((run) => [
      { name: runs.length > 1 ? `${run.name} loss` : "loss", values: run.loss },
      { name: "val_loss", values: run.valLoss },
    ]),
  );
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

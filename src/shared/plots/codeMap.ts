// A map of 2-D codes (lesson 05): each test image a point at its code, coloured by the digit it shows, so
// that one sees which digits an encoder keeps apart. Drawn with WebGL (scattergl): 10,000 points stay smooth.
import * as tf from "@tensorflow/tfjs-node";
import type { ChartSpec, Trace } from "./chart";
import { localize } from "../language";

export interface CodeMapOptions {
  title: string;
  /** Axis titles; default "code 1" and "code 2". */
  xTitle?: string;
  yTitle?: string;
}

/**
 * The chart of 2-D `codes` (`[n, 2]`, one row per image) coloured by `labels` (n digits 0-9): a trace per
 * digit, so the legend names the colours and a click hides a digit. Its text summary gives each digit's
 * count and centre. Show it with `showChart`, or beside another map with `showCharts`.
 */
export function codeMap(codes: tf.Tensor2D, labels: Uint8Array, options: CodeMapOptions): ChartSpec {
  const [n, width] = codes.shape;
  if (codes.rank !== 2 || width !== 2 || n !== labels.length) {
    const shape = `[${codes.shape.join(", ")}]`;
    throw new RangeError(
      localize({
        en: `codeMap: expected codes of shape [${labels.length}, 2] (one 2-D code per label), found shape ${shape}`,
        zh: `codeMap：codes 的形状应为 [${labels.length}, 2]（每个标签一个 2 维编码），实际为 ${shape}`,
      }),
    );
  }
  const bad = labels.findIndex((label) => label > 9);
  if (bad >= 0) {
    throw new RangeError(
      localize({
        en: `codeMap: expected labels 0-9, found ${labels[bad]} at ${bad}`,
        zh: `codeMap：标签应为 0 到 9，第 ${bad} 个（从 0 数起）实际为 ${labels[bad]}`,
      }),
    );
  }
  const values = codes.dataSync();
  const traces: Trace[] = [];
  const centres: string[] = [];
  for (let digit = 0; digit <= 9; digit++) {
    const [x, y] = [[] as number[], [] as number[]];
    labels.forEach((label, i) => {
      if (label !== digit) return;
      x.push(values[2 * i] ?? Number.NaN);
      y.push(values[2 * i + 1] ?? Number.NaN);
    });
    if (x.length === 0) continue;
    traces.push({
      name: String(digit),
      type: "scattergl",
      mode: "markers",
      x,
      y,
      marker: { size: 3, opacity: 0.6 },
    });
    const mean = (v: number[]) => (v.reduce((sum, value) => sum + value, 0) / v.length).toFixed(2);
    centres.push(
      localize({
        en: `digit ${digit}: ${x.length} points, centre (${mean(x)}, ${mean(y)})`,
        zh: `数字 ${digit}：${x.length} 个点，中心 (${mean(x)}, ${mean(y)})`,
      }),
    );
  }
  return {
    title: options.title,
    xTitle: options.xTitle ?? localize({ en: "code 1", zh: "编码 1" }),
    yTitle: options.yTitle ?? localize({ en: "code 2", zh: "编码 2" }),
    traces,
    width: 480,
    height: 480,
    summary: centres.join("\n"),
  };
}

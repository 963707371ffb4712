// Charts drawn with plotly.js, one spec for every place a chart is shown: in a notebook, inline HTML that
// plotly draws plus a text summary for viewers that run no scripts; in a plain Node script, nodeplotlib's
// browser window (chartWindow.ts) or, with no browser, a self-contained HTML page written to a file.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { browserCanOpen, plotInWindow, streamInWindow, type WindowStream } from "./chartWindow";
import { LiveOutput, display } from "../display/display";
import { escapeHtml } from "../display/text";
import { inKernel } from "../display/kernel";
import { localize } from "../language";
import { printablePath } from "../paths";
import { plotlyScript, sendPlotlyToNotebook } from "./plotly";

/** One line or set of points of a chart, in plotly's terms (the subset we use). */
export interface Trace {
  name: string;
  x: number[];
  y: number[];
  mode: "lines" | "markers" | "lines+markers";
  /** "scattergl" draws with WebGL, for thousands of points; default "scatter" (SVG). */
  type?: "scatter" | "scattergl";
  line?: { dash?: "solid" | "dash" | "dot"; width?: number; color?: string };
  marker?: { size?: number; opacity?: number; color?: string };
  /** "y2" draws the trace against a second y axis on the right (ChartSpec.y2Title). */
  yaxis?: "y2";
}

/** A chart: lines, axis titles, and the text that stands for it where scripts do not run. */
export interface ChartSpec {
  title: string;
  xTitle: string;
  yTitle: string;
  /** The right axis's title, for traces drawn against it. */
  y2Title?: string;
  traces: Trace[];
  /** Fixed x range, so a live curve grows across the chart instead of rescaling it. */
  xRange?: [number, number];
  /** The plot's size in pixels; default 640 x 360. */
  width?: number;
  height?: number;
  summary: string;
}

function checkSpec(spec: ChartSpec): void {
  const chart = localize({ en: `chart "${spec.title}"`, zh: `图表“${spec.title}”` });
  if (spec.traces.length === 0) {
    throw new RangeError(
      localize({
        en: `${chart}: expected at least one line, found none`,
        zh: `${chart}：至少需要一条曲线，实际一条也没有`,
      }),
    );
  }
  for (const trace of spec.traces) {
    const line = localize({ en: `${chart}, line "${trace.name}"`, zh: `${chart}的曲线“${trace.name}”` });
    const [xs, ys] = [trace.x.length, trace.y.length];
    if (xs !== ys) {
      throw new RangeError(
        localize({
          en: `${line}: expected as many x as y values, found ${xs} x and ${ys} y`,
          zh: `${line}：x 与 y 的个数应相同，实际为 ${xs} 个 x、${ys} 个 y`,
        }),
      );
    }
    for (const [axis, values] of [
      ["y", trace.y],
      ["x", trace.x],
    ] as const) {
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        const found = values[bad];
        throw new RangeError(
          localize({
            en: `${line}: expected finite ${axis} values, found ${found} at point ${bad}`,
            zh: `${line}：${axis} 值应为有限数，第 ${bad} 个点（从 0 数起）实际为 ${found}`,
          }),
        );
      }
    }
  }
}

/**
 * The traces as plotly gets them: a line of one point (one epoch, or one batch of a small training set) draws
 * nothing in mode "lines", so it gets a marker there.
 */
function plotlyTraces(traces: readonly Trace[]): Trace[] {
  return traces.map((trace) =>
    trace.mode === "lines" && trace.x.length === 1 ? { ...trace, mode: "lines+markers" } : trace,
  );
}

function layoutOf(spec: ChartSpec): Record<string, unknown> {
  const right = spec.traces.some((trace) => trace.yaxis === "y2");
  return {
    title: { text: spec.title },
    xaxis: { title: { text: spec.xTitle }, ...(spec.xRange ? { range: spec.xRange } : {}) },
    yaxis: { title: { text: spec.yTitle } },
    ...(right ? { yaxis2: { title: { text: spec.y2Title ?? "" }, overlaying: "y", side: "right" } } : {}),
    margin: { t: 48, r: right ? 64 : 16, b: 48, l: 64 },
    legend: { orientation: "h", y: -0.25 },
  };
}

/** JSON for an inline <script>: no `</script>` or `<!--` can close the element early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/**
 * The chart as HTML: a plot div drawn by `window.Plotly`, and the text summary beside it. If plotly is not
 * in the page (a reloaded page whose kernel had already sent it), the div says how to get it back. Until the
 * script runs, the div says how to see the chart: a notebook opened untrusted (executed elsewhere) shows its
 * HTML without scripts, and that line is all that stands where the chart would be.
 */
export function chartHtml(spec: ChartSpec): string {
  checkSpec(spec);
  const id = `ae-chart-${randomBytes(6).toString("hex")}`;
  const missing = localize({
    en: "plotly.js is not loaded in this page (it is sent once per kernel). Restart the kernel and run the notebook again.",
    zh: "这个页面没有载入 plotly.js（每个内核只发送一次）。请重启内核，再重新运行整个笔记本。",
  });
  const untrusted = localize({
    en:
      "The chart is not drawn: this notebook is not trusted here, so its scripts do not run. To see it, trust " +
      "the notebook (in JupyterLab: Ctrl+Shift+C, then Trust Notebook), or open its HTML export from " +
      "npm run export. The numbers are in the text beside this.",
    zh:
      "图表没有画出来：这个笔记本在这里未被信任，它的脚本不会运行。要看图表，请信任这个笔记本" +
      "（在 JupyterLab 中按 Ctrl+Shift+C，选 Trust Notebook），或打开 npm run export 导出的 HTML 页面。" +
      "数值在旁边的文字里。",
  });
  return [
    `<div class="ae-chart" style="display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start">`,
    `<div id="${id}" style="width:${spec.width ?? 640}px;max-width:100%;height:${spec.height ?? 360}px">` +
      `<p class="ae-chart-untrusted" style="margin:0;padding:8px 12px;border:1px dashed #bbb;color:#555;font-size:13px">` +
      `${escapeHtml(untrusted)}</p></div>`,
    `<pre class="ae-chart-summary" style="margin:0;font-size:12px">${escapeHtml(spec.summary)}</pre>`,
    `<script type="text/javascript">(function () {`,
    `var el = document.getElementById(${scriptJson(id)});`,
    // The script runs, so the line for untrusted viewers goes: the chart, or the note below, takes its place.
    `el.textContent = "";`,
    `if (!window.Plotly) { el.style.height = "auto"; el.textContent = ${scriptJson(missing)}; return; }`,
    `window.Plotly.newPlot(el, ${scriptJson(plotlyTraces(spec.traces))}, ${scriptJson(layoutOf(spec))}, {displaylogo: false, responsive: true});`,
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

/** Writes the chart as a page to a new file in os.tmpdir() and says where, with the summary. */
function writeChartFile(spec: ChartSpec): void {
  const slug = spec.title.replace(/[^\p{L}\p{N}_-]+/gu, "-").replace(/^-+|-+$/g, "") || "chart";
  const file = join(tmpdir(), `${slug}-${randomBytes(3).toString("hex")}.html`);
  writeFileSync(file, chartPage(spec));
  const note = localize({
    en: `(no browser here: chart written to ${printablePath(file)})`,
    zh: `（这里没有浏览器：图表已写入 ${printablePath(file)}）`,
  });
  process.stdout.write(`${spec.title}\n${spec.summary}\n${note}\n`);
}

/** Shows a finished chart: inline in a notebook; in a script, nodeplotlib or (no browser) an HTML file. */
export function showChart(spec: ChartSpec): void {
  showCharts([spec]);
}

/**
 * Shows finished charts side by side, to compare them: in a notebook one output, the charts in a row that
 * wraps on a narrow page; in a script, each in nodeplotlib's window or (no browser) an HTML file of its own.
 */
export function showCharts(specs: ChartSpec[]): void {
  if (specs.length === 0) {
    throw new RangeError(
      localize({
        en: "showCharts: expected at least one chart, found none",
        zh: "showCharts：至少需要一张图表，实际一张也没有",
      }),
    );
  }
  specs.forEach(checkSpec);
  if (inKernel()) {
    sendPlotlyToNotebook();
    const bundles = specs.map(bundleOf);
    const [only] = bundles;
    if (only && bundles.length === 1) {
      display(only);
      return;
    }
    display({
      "text/html": [
        `<div style="display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start">`,
        // Each chart as wide as its plot, so that its summary goes under it and the plots stand side by side.
        ...specs.map(
          (spec, i) =>
            `<div style="width:${spec.width ?? 640}px;max-width:100%">${bundles[i]?.["text/html"]}</div>`,
        ),
        `</div>`,
      ].join("\n"),
      "text/plain": bundles.map((bundle) => bundle["text/plain"]).join("\n\n"),
    });
  } else if (browserCanOpen()) {
    for (const spec of specs) plotInWindow(plotlyTraces(spec.traces), layoutOf(spec));
  } else {
    specs.forEach(writeChartFile);
  }
}

/**
 * A chart that grows while something runs, like d2l.ai's Animator: `begin`, `update` as often as wanted,
 * `end`. In a notebook it is one output redrawn in place; in a script with a browser, nodeplotlib's live
 * window; with no browser, nothing until `end` writes the finished chart to a file.
 */
export class LiveChart {
  private readonly output = new LiveOutput();
  private stream: WindowStream<Trace[]> | undefined;

  begin(spec: ChartSpec): void {
    checkSpec(spec);
    this.stream = undefined;
    if (inKernel()) sendPlotlyToNotebook();
    else if (browserCanOpen()) this.stream = streamInWindow(plotlyTraces(spec.traces), layoutOf(spec));
    this.update(spec);
  }

  update(spec: ChartSpec): void {
    if (inKernel()) this.output.update(bundleOf(spec));
    else this.stream?.next(plotlyTraces(spec.traces));
  }

  end(spec: ChartSpec): void {
    this.update(spec);
    if (this.stream) this.stream = undefined;
    else if (!inKernel()) writeChartFile(spec);
  }
}

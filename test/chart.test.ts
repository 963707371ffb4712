// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// chart.ts: a chart spec rendered as inline HTML and as a standalone page.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { chartHtml, chartPage, showCharts, type ChartSpec } from "ae-shared";
import { inFakeKernel } from "./support/kernel.js";
import { inLanguage } from "./support/language.js";

const spec = (overrides: Partial<ChartSpec> = {}): ChartSpec => ({
  title: "t",
  xTitle: "epoch",
  yTitle: "loss",
  traces: [{ name: "loss", x: [1, 2], y: [0.5, 0.25], mode: "lines" }],
  summary: "epoch loss",
  ...overrides,
});

describe("chart rendering", () => {
  test("inline HTML: a plot div drawn by plotly, and the summary as text beside it", () => {
    const html = chartHtml(spec({ summary: "epoch <loss>\n1 0.5" }));
    const id = /<div id="(ae-chart-[0-9a-f]+)"/.exec(html)?.[1];
    assert.ok(id, "a div with a generated id");
    assert.match(html, new RegExp(`document.getElementById\\("${id}"\\)`));
    assert.match(html, /window\.Plotly\.newPlot\(el, \[\{"name":"loss","x":\[1,2\],"y":\[0\.5,0\.25\]/);
    assert.match(html, /<pre class="ae-chart-summary"[^>]*>epoch &#60;loss&#62;\n1 0\.5<\/pre>/);
    assert.match(html, /if \(!window\.Plotly\) \{.*Restart the kernel and run the notebook again/);
  });

  test("until its script runs, the plot's place says how to see the chart (untrusted notebooks run none)", async () => {
    const line = (html: string) =>
      /<div id="ae-chart-[0-9a-f]+" [^>]*><p class="ae-chart-untrusted"[^>]*>([^<]*)<\/p><\/div>/.exec(
        html,
      )?.[1];
    const html = chartHtml(spec());
    assert.match(
      line(html) ?? "",
      /^The chart is not drawn: this notebook is not trusted here.*Trust Notebook.*npm run export/,
    );
    // The script empties the div first: the chart, or the note for a page without plotly.js, takes its place.
    assert.match(html, /var el = [^\n]*\nel\.textContent = "";\nif \(!window\.Plotly\)/);
    await inLanguage("zh", () => {
      assert.match(
        line(chartHtml(spec())) ?? "",
        /^图表没有画出来：这个笔记本在这里未被信任.*Trust Notebook.*npm run export/,
      );
    });
  });

  test("a line of one point (1 epoch, or 1 batch of a small training set) gets a marker: plotly draws it", () => {
    const traces = (html: string) =>
      JSON.parse(/newPlot\(el, (\[.*?\]), \{"title"/.exec(html)?.[1] ?? "[]") as { mode: string }[];
    const html = chartHtml(
      spec({
        traces: [
          { name: "loss", x: [1], y: [0.5], mode: "lines", line: { dash: "dash" } },
          { name: "val_loss", x: [1], y: [0.4], mode: "lines+markers" },
          { name: "codes", x: [1], y: [0.3], mode: "markers" },
          { name: "longer", x: [1, 2], y: [0.5, 0.25], mode: "lines" },
        ],
      }),
    );
    assert.deepEqual(
      traces(html).map((t) => t.mode),
      ["lines+markers", "lines+markers", "markers", "lines"],
    );
  });

  test("data cannot close the script element early", () => {
    const html = chartHtml(spec({ traces: [{ name: "</script><b>x", x: [1], y: [1], mode: "lines" }] }));
    assert.equal(html.match(/<\/script>/g)?.length, 1, "only the real closing tag");
    assert.match(html, /\\u003c\/script>\\u003cb>x/);
  });

  test("bad charts are refused with what was expected", () => {
    assert.throws(() => chartHtml(spec({ traces: [] })), /chart "t": expected at least one line, found none/);
    assert.throws(
      () => chartHtml(spec({ traces: [{ name: "a", x: [1, 2], y: [1], mode: "lines" }] })),
      /line "a": expected as many x as y values, found 2 x and 1 y/,
    );
    assert.throws(
      () => chartHtml(spec({ traces: [{ name: "a", x: [1, 2], y: [1, Number.NaN], mode: "lines" }] })),
      /line "a": expected finite y values, found NaN at point 1/,
    );
  });

  test("in Chinese, the same refusals", async () => {
    await inLanguage("zh", () => {
      assert.throws(() => chartHtml(spec({ traces: [] })), {
        message: "图表“t”：至少需要一条曲线，实际一条也没有",
      });
      assert.throws(() => chartHtml(spec({ traces: [{ name: "a", x: [1, 2], y: [1], mode: "lines" }] })), {
        message: "图表“t”的曲线“a”：x 与 y 的个数应相同，实际为 2 个 x、1 个 y",
      });
      assert.match(chartHtml(spec({})), /这个页面没有载入 plotly\.js/, "the note for a page without plotly");
    });
  });

  test("a standalone page carries plotly.js inside, so it opens offline", () => {
    const page = chartPage(spec({ title: "a <page>" }));
    assert.match(page, /^<!doctype html>/);
    assert.match(page, /<title>a &#60;page&#62;<\/title>/);
    assert.match(page, /<script type="text\/javascript">\/\*\*?[\s\S]*plotly\.js/i);
    assert.ok(page.length > 1_000_000, `plotly.js is inlined (${page.length} characters)`);
  });

  test("showCharts: in a notebook, charts side by side in one output, each as wide as its plot", async () => {
    const maps = [
      spec({ title: "a", width: 480, height: 480 }),
      spec({ title: "b", width: 480, height: 480 }),
    ];
    const { sent } = await inFakeKernel(() => showCharts(maps));
    const shown = sent.filter((s) => (s.message.data["text/html"] ?? "").includes('class="ae-chart"'));
    assert.equal(shown.length, 1, "one output");
    const html = shown[0]?.message.data["text/html"] ?? "";
    assert.match(html, /^<div style="display:flex;flex-wrap:wrap/);
    assert.equal(html.match(/<div style="width:480px;max-width:100%"><div class="ae-chart"/g)?.length, 2);
    assert.equal(html.match(/style="width:480px;max-width:100%;height:480px"/g)?.length, 2);
    assert.equal(shown[0]?.message.data["text/plain"], "a\nepoch loss\n\nb\nepoch loss");
    const single = await inFakeKernel(() => showCharts([spec({ title: "c" })]));
    const one = single.sent.find((s) => (s.message.data["text/html"] ?? "").includes('class="ae-chart"'));
    assert.match(
      one?.message.data["text/html"] ?? "",
      /^<div class="ae-chart"/,
      "one chart: as showChart shows it",
    );
    assert.throws(() => showCharts([]), { message: "showCharts: expected at least one chart, found none" });
  });
});

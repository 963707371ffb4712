import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { indexPage, summarize, toHtml } from "../../scripts/export.js";
import { executeNotebook, type Notebook } from "../../scripts/notebook.js";
import { ROOT } from "../../scripts/project.js";

const notebook: Notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: "markdown", source: ["# 5.2.2 普通自编码器\n", "text"], metadata: {} },
    {
      cell_type: "code",
      source: "",
      metadata: {},
      outputs: [
        {
          output_type: "stream",
          name: "stdout",
          text: [
            "noise\n",
            "最终 loss = 0.1000,val_loss = 0.0950\n",
            "编码同为 32 维时,deep 的 MSE 最小,比 PCA 低 52%\n",
          ],
        },
      ],
    },
  ],
};

test("the index names each lesson by its heading, with the val_loss or verdict it printed and its time", () => {
  const summary = summarize(notebook);
  assert.deepEqual(summary, {
    title: "5.2.2 普通自编码器",
    results: ["最终 loss = 0.1000,val_loss = 0.0950", "编码同为 32 维时,deep 的 MSE 最小,比 PCA 低 52%"],
  });
  const page = indexPage([{ file: "01-dense.html", ...summary, seconds: 61.4 }], { AE_EPOCHS: "1" });
  assert.match(page, /<a href="01-dense\.html">5\.2\.2 普通自编码器<\/a>/);
  assert.match(
    page,
    /val_loss = 0\.0950<br>编码同为 32 维时,deep 的 MSE 最小,比 PCA 低 52%<\/td><td>61 s<\/td>/,
  );
  assert.match(page, /AE_EPOCHS=1, AE_TRAIN_SIZE=\(默认\)/);
  const escaped = indexPage([{ file: "a.html", title: "<b>", results: [], seconds: 1 }], {});
  assert.match(escaped, /&#60;b&#62;/);
});

test("an exported page loads no script from elsewhere: no require.js, no MathJax, plotly inside", async () => {
  const dir = join(ROOT, "test", ".output", "export");
  const executed = join(dir, "smoke.ipynb");
  await executeNotebook(join(ROOT, "test", "fixtures", "smoke.ipynb"), executed);
  const html = readFileSync(toHtml(executed, dir), "utf8");
  assert.deepEqual(html.match(/<script[^>]+src=/g) ?? [], []);
  assert.match(html, /<img [^>]*src="data:image\/png;base64,/, "the PNG output is inside the page");
  assert.match(html, /backend: tensorflow/);
  // Cells numbered as in JupyterLab, not "In [ ]:" before every cell (the template puts no-break spaces in).
  assert.match(html, /jp-InputArea-prompt">In\u00a0\[1\]:</);
  assert.doesNotMatch(html, /jp-InputArea-prompt">In\u00a0\[\u00a0\]:</);
});

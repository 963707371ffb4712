import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import type { Browser } from "playwright-core";
import {
  LossPlot,
  browserCanOpen,
  chartHtml,
  compareLosses,
  lossPlot,
  lossSummary,
  type ChartSpec,
} from "ae-shared";
import { ROOT } from "../scripts/project.js";
import { launchChromium, openOffline } from "./support/browser.js";
import { freePort } from "./support/ports.js";

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
      /line "a": expected finite values, found NaN at point 1/,
    );
  });

  test("the loss table lines up runs by epoch", () => {
    assert.equal(
      lossSummary([{ name: "dense", loss: [0.25, 0.125], valLoss: [0.2, 0.1] }]),
      ["epoch    loss  val_loss", "    1  0.2500    0.2000", "    2  0.1250    0.1000"].join("\n"),
    );
    assert.equal(
      lossSummary([
        { name: "a", loss: [0.5], valLoss: [] },
        { name: "b", loss: [0.25, 0.125], valLoss: [0.2, 0.1] },
      ]),
      [
        "epoch  a loss  val_loss  b loss  val_loss",
        "    1  0.5000         -  0.2500    0.2000",
        "    2       -         -  0.1250    0.1000",
      ].join("\n"),
    );
  });

  test("compareLosses refuses empty or broken histories", () => {
    assert.throws(() => compareLosses([]), /compareLosses: expected at least one run, found none/);
    assert.throws(
      () => compareLosses([{ name: "x", history: { loss: [] } }]),
      /run "x": expected a loss per epoch, found none/,
    );
    assert.throws(
      () => compareLosses([{ name: "x", history: { loss: [0.3, Number.POSITIVE_INFINITY] } }]),
      /run "x": expected loss to be finite numbers, found Infinity at epoch 2/,
    );
  });

  test("lossPlot options are checked", () => {
    assert.throws(
      () => lossPlot({ everyBatches: 0 }),
      /everyBatches must be a whole number of at least 1, found 0/,
    );
    assert.throws(
      () => lossPlot({ minIntervalMs: -1 }),
      /minIntervalMs must be a finite number of at least 0, found -1/,
    );
  });

  test("where a browser can open", () => {
    assert.equal(browserCanOpen({ CI: "true", DISPLAY: ":0" }), false);
    assert.equal(browserCanOpen({ CI: "true", NODEPLOTLIB_PORT: "9000" }), true, "the user opens it");
    if (process.platform === "linux") assert.equal(browserCanOpen({}), false, "no display, no window");
  });
});

describe("the live loss plot as a fit callback, outside a kernel", () => {
  test("records every batch and epoch, and leaks no tensors", async () => {
    const saved = process.env.CI;
    process.env.CI = "true"; // no browser: the finished chart goes to a file
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) =>
      written.push(String(chunk)) > 0) as typeof process.stdout.write;
    const x = tf.randomUniform([96, 784], 0, 1, "float32", 1);
    const before = tf.memory().numTensors;
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 8, activation: "relu" }),
        tf.layers.dense({ units: 784, activation: "sigmoid" }),
      ],
    });
    model.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
    const plot = new LossPlot({ title: "in process", everyBatches: 1, minIntervalMs: 0 });
    try {
      await model.fit(x, x, {
        epochs: 2,
        batchSize: 32,
        validationData: [x, x],
        verbose: 0,
        callbacks: [plot],
      });
    } finally {
      process.stdout.write = write;
      process.env.CI = saved;
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, before, "the callback leaves no tensors behind");
    x.dispose();
    assert.equal(plot.history.loss.length, 2);
    assert.equal(plot.history.val_loss.length, 2);
    const [batches, valLine] = plot.spec().traces;
    assert.deepEqual(
      batches?.x.map((x) => x.toFixed(3)),
      ["0.333", "0.667", "1.000", "1.333", "1.667", "2.000"],
      "3 batches an epoch, at their epoch fraction",
    );
    assert.deepEqual(valLine?.x, [1, 2]);
    assert.deepEqual(plot.spec().xRange, [0, 2], "the x axis spans the whole run from the start");
    const file = /chart written to (\S+\.html)/.exec(written.join(""))?.[1];
    assert.ok(file, `a file was written: ${written.join("")}`);
    assert.match(readFileSync(file, "utf8"), /in process/);
  });
});

describe("script mode: the same calls in a plain node process", () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  /** Runs test/fixtures/plot-script.cjs; resolves with its output once it exits. */
  function runScript(env: NodeJS.ProcessEnv, onOutput?: (text: string) => void) {
    const child = spawn(process.execPath, [join(ROOT, "test", "fixtures", "plot-script.cjs")], {
      cwd: ROOT,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2", ...env },
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      onOutput?.(output);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const exited = new Promise<{ code: number | null; output: string }>((resolve) => {
      child.on("exit", (code) => resolve({ code, output }));
    });
    return { child, exited };
  }

  test("with no browser (CI) it does not wait: each chart goes to a self-contained HTML file that draws offline", async () => {
    const { exited } = runScript({ CI: "true", DISPLAY: "" });
    const { code, output } = await exited;
    assert.equal(code, 0, output);
    const files = [...output.matchAll(/chart written to (\S+\.html)/g)].map((m) => m[1] ?? "");
    assert.equal(files.length, 2, output);
    assert.match(output, /tensors left: 0/);
    for (const file of files) {
      const { page, blocked } = await openOffline(browser, `file://${file}`);
      await page.locator(".ae-chart .main-svg").first().waitFor();
      assert.ok((await page.locator(".ae-chart .main-svg").count()) > 0);
      assert.deepEqual(blocked, [], "the page asks the network for nothing");
      await page.context().close();
    }
  });

  test("with a browser, nodeplotlib serves the live loss stream and the comparison; closing the page ends the script", async () => {
    const port = await freePort();
    const { child, exited } = runScript({ NODEPLOTLIB_PORT: String(port), CI: "" });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("nodeplotlib did not start within 60 s")), 60_000);
        const poll = setInterval(async () => {
          const ok = await fetch(`http://127.0.0.1:${port}`).then(
            (r) => r.ok,
            () => false,
          );
          if (ok) {
            clearInterval(poll);
            clearTimeout(timer);
            resolve();
          }
        }, 200);
      });
      // nodeplotlib's page takes plotly from a CDN; here the test hands it the package's copy instead.
      const plotly = readFileSync(join(ROOT, "src", "shared", "dist", "plotly.min.js"), "utf8");
      const { page } = await openOffline(browser, `http://localhost:${port}`, {
        allowed: (url) => url.startsWith(`http://localhost:${port}`),
        serve: (url) => (/\/plotly-[\d.]+\.min\.js$/.test(url) ? plotly : undefined),
      });
      await assert.doesNotReject(
        page.waitForFunction('document.querySelectorAll(".main-svg").length >= 6', undefined, {
          timeout: 60_000,
        }),
        "both charts drawn (3 svg layers each)",
      );
      const titles = await page.locator(".gtitle").allTextContents();
      assert.deepEqual(titles.sort(), ["script comparison", "script mode"]);
      await page.context().close();
      const { code, output } = await exited;
      assert.equal(code, 0, output);
      assert.match(output, /\[Nodeplotlib\] Server shutting down/);
    } finally {
      child.kill();
    }
  });
});

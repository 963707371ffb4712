// Test tier: line (CI runs it on every Node.js line: .ci/run).
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { toHtml } from "../../scripts/exportPages.js";
import { executeNotebook } from "../../scripts/notebook.js";
import { ROOT, VENV_BIN, jupyterEnv } from "../../scripts/project.js";
import { openOffline, useChromium } from "../support/browser.js";
import { freePort } from "../support/ports.js";

describe("npm start's JupyterLab", () => {
  let lab: ChildProcess;
  let url: URL;
  let log = "";

  before(async () => {
    const port = await freePort();
    lab = spawn(process.execPath, [join(ROOT, "scripts", "lab.js"), "--no-browser"], {
      cwd: ROOT,
      // A class with no time to train: the lessons load the saved 50-epoch weights (the fixtures do not read it).
      env: { ...process.env, AE_PORT: String(port), AE_WEIGHTS: "1", AE_TRAIN_SIZE: "2048" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    url = await new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`JupyterLab printed no URL within 60 s:\n${log}`)),
        60_000,
      );
      const look = (chunk: Buffer) => {
        log += chunk.toString();
        const match = /http:\/\/127\.0\.0\.1:\d+\/lab\/tree\/notebooks\?token=\w+/.exec(log);
        if (match) {
          clearTimeout(timer);
          resolve(new URL(match[0]));
        }
      };
      lab.stdout?.on("data", look);
      lab.stderr?.on("data", look);
      lab.on("exit", (code) => reject(new Error(`JupyterLab exited with ${code}:\n${log}`)));
    });
    // The URL is printed as the server starts; once in a CI run its first request was refused ("fetch failed").
    // A person opens the page a moment later: wait, as they do, until the server answers at all.
    for (let tries = 0; ; tries++) {
      try {
        await fetch(`http://127.0.0.1:${url.port}/api`);
        break;
      } catch (error) {
        if (tries >= 100)
          throw new Error(`JupyterLab printed its URL but did not answer in 20 s: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  });

  after(() => {
    if (lab.exitCode === null && lab.pid) process.kill(-lab.pid, "SIGTERM");
  });

  test("localhost, token, a TypeScript kernel on native TensorFlow", async () => {
    const token = url.searchParams.get("token") ?? "";
    assert.ok(token.length >= 32, "a generated token");
    const base = `http://127.0.0.1:${url.port}`;
    assert.equal((await fetch(`${base}/api/kernelspecs`)).status, 403, "no token, no API");
    const specs = (await (
      await fetch(`${base}/api/kernelspecs`, { headers: { Authorization: `token ${token}` } })
    ).json()) as { kernelspecs: Record<string, { spec: { display_name: string } }> };
    assert.equal(specs.kernelspecs.tslab?.spec.display_name, "TypeScript");
    assert.equal(
      (await fetch(`${base}/lab/tree/notebooks?token=${token}`)).status,
      200,
      "the Lab page, on notebooks/",
    );

    // One op too: tfjs-node builds its attributes with the util calls Node 22 warns about (see the next test).
    const code =
      'import * as tf from "@tensorflow/tfjs-node";\n' +
      "console.log(`backend=${tf.getBackend()} sum=${tf.tensor1d([1, 2]).sum().dataSync()[0]}`);";
    const run = spawnSync(
      join(VENV_BIN, "python"),
      [join(ROOT, "scripts", "run_on_server.py"), base, token, "tslab", code],
      { env: jupyterEnv(), encoding: "utf8", timeout: 120_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { status: string; stdout: string; stderr: string };
    assert.equal(result.status, "ok", result.stderr);
    assert.match(result.stdout, /backend=tensorflow sum=3/);
  });

  test("a kernel loading TensorFlow adds no TensorFlow banner to the terminal", async () => {
    // The kernel of the test above loaded TensorFlow with oneDNN on (npm test sets TF_ENABLE_ONEDNN_OPTS=1,
    // as the lessons do), which prints two lines at any TF_CPP_MIN_LOG_LEVEL; lab.js leaves them out.
    assert.equal(process.env.TF_ENABLE_ONEDNN_OPTS, "1", "the kernel ran with oneDNN on");
    // JupyterLab logs the kernel's shutdown after all the kernel wrote: wait for the terminal to show it.
    for (const start = Date.now(); !/Kernel shutdown: /.test(log) && Date.now() - start < 10_000;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.match(log, /Kernel started: [\s\S]*Kernel shutdown: /, "JupyterLab's own lines pass");
    assert.doesNotMatch(log, /absl::InitializeLog|oneDNN custom operations/, log);
    // Nor any warning of Node's, which starts "(node:PID)": Node 22 once warned of tfjs-node's util calls here.
    assert.doesNotMatch(log, /\(node:\d+\)/, log);
  });

  test("starts quietly: nothing before the URL looks like a crash", () => {
    // The root package.json's "type": "module" once made JupyterLab's own yarn.js fail at start
    // (see scripts/setup/pythonVenv.js).
    const start = log.slice(0, log.indexOf(url.href.split("?")[0] ?? "") + 1);
    assert.doesNotMatch(start, /error|exception|traceback/i, start);
    assert.doesNotMatch(start, /^\s+at /m, "no stack trace");
    assert.ok(
      start.split("\n").every((line) => line.length < 300),
      "no screen-wide lines (minified code)",
    );
  });

  describe("in Chromium, as a teacher runs a notebook", () => {
    const browser = useChromium();

    test("the loss chart and the progress line redraw in place while the model trains", async () => {
      const token = url.searchParams.get("token") ?? "";
      // A copy under dist/ (ignored by git): JupyterLab may autosave what it runs.
      mkdirSync(join(ROOT, "dist", "lab-test"), { recursive: true });
      copyFileSync(
        join(ROOT, "test", "fixtures", "live.ipynb"),
        join(ROOT, "dist", "lab-test", "live.ipynb"),
      );
      const page = await browser().newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(`http://127.0.0.1:${url.port}/lab/tree/dist/lab-test/live.ipynb?reset&token=${token}`);
      await page.locator(".jp-Notebook").waitFor({ timeout: 60_000 });
      await page.locator(".jp-Notebook .jp-Cell").first().waitFor();
      // Run All before the kernel is up opens a "Select Kernel" dialog instead: wait for it, as a person does.
      await page.getByText("TypeScript | Idle").waitFor({ timeout: 120_000 });
      // Run > Run All Cells, as a teacher would.
      await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
      await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();

      // Sample what the page shows: the chart's batch points (plotly keeps its data on the div) and the
      // progress line, until training has finished.
      const seen: { points: number; progress: string }[] = [];
      const deadline = Date.now() + 180_000;
      while (Date.now() < deadline) {
        // Runs in the page (a string, as this file is type-checked without the DOM library).
        const state = (await page.evaluate(`(() => {
          const plot = document.querySelector(".ae-chart .js-plotly-plot");
          const pre = [...document.querySelectorAll(".jp-OutputArea-output pre")].map((p) => p.textContent || "");
          return {
            points: plot && plot.data && plot.data[0] ? plot.data[0].x.length : 0,
            progress: pre.find((text) => text.startsWith("Epoch")) || "",
            done: pre.some((text) => text.includes("training done")),
          };
        })()`)) as { points: number; progress: string; done: boolean };
        seen.push({ points: state.points, progress: state.progress });
        if (state.done) break;
        await page.waitForTimeout(250);
      }
      await page.screenshot({ path: join(ROOT, "test", ".output", "lab-live.png") }); // to look at if this fails
      const last = seen[seen.length - 1];
      assert.equal(last?.points, 40 * 32, "every batch of 40 epochs drawn at the end");
      const growing = [...new Set(seen.map((s) => s.points).filter((n) => n > 0 && n < 40 * 32))];
      assert.ok(growing.length >= 3, `the chart was seen part-drawn several times: ${growing.join(", ")}`);
      assert.deepEqual(
        growing,
        [...growing].sort((a, b) => a - b),
        "and only ever grew",
      );
      assert.equal(await page.locator(".ae-chart").count(), 1, "one chart output, redrawn in place");
      assert.equal(await page.locator(".ae-chart-untrusted").count(), 0, "no line about trust once drawn");
      const progressStates = new Set(seen.map((s) => s.progress).filter(Boolean));
      assert.ok(progressStates.size >= 3, "the progress output changed while training");
      assert.match(last?.progress ?? "", /Epoch 40\/40\n32\/32 \[=+\] - .* - loss: 0\.\d{4}$/);
      await page.close();
    });
  });

  describe("in Chromium, a lesson with AE_WEIGHTS=1", () => {
    const browser = useChromium();

    test("01-dense loads the saved weights, skips training and shows its reconstructions", async () => {
      // The lesson, copied under dist/ (ignored by git) since JupyterLab may autosave what it runs. Under .ci/run
      // the checkout's path has a space and Chinese characters, as a teacher's folder may.
      mkdirSync(join(ROOT, "dist", "lab-test"), { recursive: true });
      copyFileSync(
        join(ROOT, "notebooks", "01-dense.ipynb"),
        join(ROOT, "dist", "lab-test", "01-dense.ipynb"),
      );
      const token = url.searchParams.get("token") ?? "";
      const page = await browser().newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(
        `http://127.0.0.1:${url.port}/lab/tree/dist/lab-test/01-dense.ipynb?reset&token=${token}`,
      );
      await page.locator(".jp-Notebook .jp-Cell").first().waitFor({ timeout: 60_000 });
      await page.getByText("TypeScript | Idle").waitFor({ timeout: 120_000 });
      await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
      await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
      const outputs = page.locator(".jp-OutputArea-output");
      await outputs.getByText(/已加载训练好的权重“dense”：50 个 epoch/).waitFor({ timeout: 120_000 });
      // The lesson's one digit grid, its last output: it ran to its end on the loaded weights.
      await outputs.locator("img").first().waitFor({ timeout: 60_000 });
      await page.screenshot({ path: join(ROOT, "test", ".output", "lab-weights.png") }); // to look at if this fails
      const text = (await outputs.allInnerTexts()).join("\n");
      assert.doesNotMatch(text, /Epoch 1\//, "no training ran");
      assert.doesNotMatch(text, /Error|错误|does not exist/, text);
      await page.context().close();
    });
  });

  describe("in Chromium, a notebook executed headless and opened later", () => {
    const browser = useChromium();
    // Under dist/ (ignored by git), inside JupyterLab's root.
    const dir = join(ROOT, "dist", "lab-test");
    const executed = join(dir, "saved-chart.ipynb");
    const elsewhere = join(dir, "saved-chart-from-elsewhere.ipynb");
    const untrustedLine = "图表没有画出来：这个笔记本在这里未被信任";

    before(async () => {
      const notebook = await executeNotebook(join(ROOT, "test", "fixtures", "saved-chart.ipynb"), executed);
      // The same outputs as a notebook executed on another machine: its content differs from what was signed
      // here (signatures are of the content), so this machine does not trust it.
      const copy = structuredClone(notebook);
      copy.cells[0]!.source = "Executed on another machine.";
      writeFileSync(elsewhere, `${JSON.stringify(copy, null, 1)}\n`);
    });

    /** Opens a notebook of dist/lab-test in JupyterLab and waits until its chart output is shown. */
    async function openInLab(file: string) {
      const token = url.searchParams.get("token") ?? "";
      const page = await browser().newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(`http://127.0.0.1:${url.port}/lab/tree/dist/lab-test/${file}?reset&token=${token}`);
      const chart = page.locator(".jp-OutputArea-output .ae-chart");
      // The table shows when the output is rendered; the chart's script, if it runs, has run by then.
      await chart.locator(".ae-chart-summary").waitFor({ timeout: 60_000 });
      return { page, chart };
    }

    test("the pack's executed notebook is trusted here: its chart draws in JupyterLab, without the line", async () => {
      const { page, chart } = await openInLab("saved-chart.ipynb");
      await chart.locator(".js-plotly-plot .main-svg").first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(ROOT, "test", ".output", "lab-trusted.png") }); // to look at if this fails
      assert.match(await chart.locator(".ae-chart-summary").innerText(), /epoch +loss +val_loss\n +1 /);
      assert.equal(await chart.getByText(untrustedLine).count(), 0, "no line about trust");
      await page.context().close();
    });

    test("a notebook from elsewhere (untrusted): the table, and a line in Chinese on how to see the chart", async () => {
      const { page, chart } = await openInLab("saved-chart-from-elsewhere.ipynb");
      await page.screenshot({ path: join(ROOT, "test", ".output", "lab-untrusted.png") });
      assert.equal(await chart.locator(".js-plotly-plot").count(), 0, "JupyterLab ran no chart script");
      assert.match(await chart.locator(".ae-chart-summary").innerText(), /epoch +loss +val_loss\n +1 /);
      const line = chart.getByText(untrustedLine);
      assert.ok(await line.isVisible(), "the line is shown");
      assert.match(await line.innerText(), /Trust Notebook.*npm run export/);
      await page.context().close();
    });

    test("its HTML export, opened offline, draws the chart without the line", async () => {
      const html = toHtml(executed, join(dir, "html"));
      const { page, blocked } = await openOffline(browser(), pathToFileURL(html).href);
      const chart = page.locator(".ae-chart");
      await chart.locator(".js-plotly-plot .main-svg").first().waitFor({ timeout: 30_000 });
      assert.equal(await chart.getByText(untrustedLine).count(), 0, "no line about trust");
      assert.deepEqual(blocked, [], "nothing fetched");
      await page.context().close();
    });
  });
});

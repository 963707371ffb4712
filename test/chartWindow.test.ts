// chartWindow.ts and charts in script mode: the same calls in a plain Node process, drawn by nodeplotlib
// in a browser window, or written to self-contained HTML files where no browser can open.
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { browserCanOpen } from "ae-shared";
import { ROOT } from "../scripts/project.js";
import { openOffline, useChromium } from "./support/browser.js";
import { printedPath, readPrintedPath } from "./support/paths.js";
import { freePort } from "./support/ports.js";

test("where a browser can open", () => {
  assert.equal(browserCanOpen({ CI: "true", DISPLAY: ":0" }), false);
  assert.equal(browserCanOpen({ CI: "true", NODEPLOTLIB_PORT: "9000" }), true, "the user opens it");
  if (process.platform === "linux") assert.equal(browserCanOpen({}), false, "no display, no window");
});

describe("script mode: the same calls in a plain node process", () => {
  const browser = useChromium();

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
    // The files go to the temporary folder: one whose path has a space and Chinese characters, as a lesson's
    // dist/lessons/ folder has in a checkout under "My 课程", so the printed paths are quoted to be pasted.
    const temp = mkdtempSync(join(tmpdir(), "ae charts 图表 "));
    after(() => rmSync(temp, { recursive: true, force: true }));
    const { exited } = runScript({ CI: "true", DISPLAY: "", TMPDIR: temp });
    const { code, output } = await exited;
    assert.equal(code, 0, output);
    const files = [
      ...output.matchAll(new RegExp(`chart written to ${printedPath(String.raw`\.html`)}`, "g")),
    ].map((m) => readPrintedPath(m[1] ?? ""));
    assert.ok(
      files.every((file) => file.startsWith(temp)),
      output,
    );
    assert.equal(files.length, 4, output);
    assert.match(output, /tensors left: 0/);
    for (const file of files) {
      const { page, blocked } = await openOffline(browser(), pathToFileURL(file).href);
      await page.locator(".ae-chart .main-svg").first().waitFor();
      assert.ok((await page.locator(".ae-chart .main-svg").count()) > 0);
      assert.deepEqual(blocked, [], "the page asks the network for nothing");
      await page.context().close();
    }
  });

  test("with a browser, nodeplotlib serves the live loss stream, the comparison and two maps, each once; closing the page ends the script", async () => {
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
      // nodeplotlib's own page took plotly.js from a CDN; set-up makes its server serve the library's copy.
      const { page, blocked } = await openOffline(browser(), `http://localhost:${port}`, {
        allowed: (url) => url.startsWith(`http://localhost:${port}`),
      });
      await assert.doesNotReject(
        page.waitForFunction('document.querySelectorAll(".main-svg").length >= 12', undefined, {
          timeout: 60_000,
        }),
        "four charts drawn (3 svg layers each)",
      );
      await page.waitForTimeout(500); // a chart shown twice would come with the last one
      const titles = await page.locator(".gtitle").allTextContents();
      assert.deepEqual(titles.sort(), ["map a", "map b", "script comparison", "script mode"]);
      // Only its icon fonts are asked of the network (and missed offline); plotly.js came from the page's server.
      assert.ok(
        blocked.every((url) => url.startsWith("https://fonts.gstatic.com/")),
        `asked the network for: ${blocked.join(", ")}`,
      );
      await page.context().close();
      const { code, output } = await exited;
      assert.equal(code, 0, output);
      assert.match(output, /\[Nodeplotlib\] Server shutting down/);
    } finally {
      child.kill();
    }
  });
});

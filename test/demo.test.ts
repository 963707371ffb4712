// The helpers together in a real tslab kernel (test/fixtures/demo.ipynb): what the kernel sends while a model
// trains, what the saved notebook keeps, and what a browser with no network draws from the exported HTML.
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { toHtml } from "../scripts/exportPages.js";
import { failedCell, joinText, type Notebook } from "../scripts/notebook.js";
import { ROOT, VENV_BIN, jupyterEnv } from "../scripts/project.js";
import { openOffline, useChromium } from "./support/browser.js";
import { pngSize } from "./support/png.js";

interface DisplayMessage {
  type: "display_data" | "update_display_data";
  display_id: string | null;
  mime: string[];
}

const outDir = join(ROOT, "test", ".output", "demo");
const executedPath = join(outDir, "demo.ipynb");
let displays: Record<string, DisplayMessage[]> = {};
let executed: Notebook;

before(() => {
  mkdirSync(outDir, { recursive: true });
  const run = spawnSync(
    join(VENV_BIN, "python"),
    [
      join(ROOT, "test", "support", "record_displays.py"),
      join(ROOT, "test", "fixtures", "demo.ipynb"),
      executedPath,
    ],
    { env: jupyterEnv({ TF_CPP_MIN_LOG_LEVEL: "2" }), encoding: "utf8", timeout: 300_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  displays = JSON.parse(run.stdout) as Record<string, DisplayMessage[]>;
  executed = JSON.parse(readFileSync(executedPath, "utf8")) as Notebook;
  assert.equal(failedCell(executed), undefined, JSON.stringify(failedCell(executed)));
});

describe("the demo notebook, executed headless", () => {
  test("while training, the chart and the progress are each one output updated in place", () => {
    const trainCell = executed.cells.findIndex((cell) =>
      (cell.metadata?.tags as string[] | undefined)?.includes("train"),
    );
    const messages = displays[String(trainCell)] ?? [];
    const byId = new Map<string, DisplayMessage[]>();
    for (const message of messages.filter((m) => m.display_id)) {
      byId.set(message.display_id!, [...(byId.get(message.display_id!) ?? []), message]);
    }
    assert.equal(byId.size, 2, "two live outputs: progress and chart");
    for (const [id, sent] of byId) {
      assert.equal(sent[0]?.type, "display_data", `${id} starts as a new output`);
      const updates = sent.filter((m) => m.type === "update_display_data").length;
      assert.equal(updates, sent.length - 1, "then only updates");
      assert.ok(updates >= 6, `${id} was redrawn ${updates} times (3 epochs of 8 batches)`);
    }
    const plain = messages.filter((m) => !m.display_id);
    assert.equal(plain.length, 1, "plus plotly.js itself, sent once");
    assert.deepEqual(plain[0]?.mime, ["text/html", "text/plain"]);
  });

  test("the saved notebook keeps one progress output with a line per epoch, and the final chart", () => {
    const outputs = executed.cells.flatMap((cell) => cell.outputs ?? []);
    const texts = outputs.map((o) => joinText(o.data?.["text/plain"] as string | string[] | undefined));
    const progress = texts.filter((t) => t.startsWith("Epoch 1/3"));
    assert.equal(progress.length, 1);
    const lines = progress[0]!.split("\n");
    assert.equal(lines.length, 6, `"Epoch k/3" and its final line, for 3 epochs: ${progress[0]}`);
    assert.match(lines[5]!, /^8\/8 \[=+\] - \d+s \d+(ms|us|s)\/step - loss: 0\.\d{4} - val_loss: 0\.\d{4}$/);
    const chart = texts.find((t) => t.startsWith("784-32-784"));
    assert.match(chart ?? "", /epoch {4}loss {2}val_loss\n {4}1 .*\n {4}2 .*\n {4}3 /);
  });

  test("the digit grid is one PNG of 2 rows of 8 digits at 3x, with the row labels beside it", () => {
    const grid = executed.cells.flatMap((cell) => cell.outputs ?? []).find((o) => o.data?.["image/png"]);
    assert.ok(grid);
    const png = Buffer.from(joinText(grid.data?.["image/png"] as string), "base64");
    assert.deepEqual(pngSize(png), { width: 8 * 84 + 7 * 4, height: 2 * 84 + 4 });
    const html = joinText(grid.data?.["text/html"] as string);
    assert.match(html, /原图[\s\S]*重建/);
    assert.match(html, /src="data:image\/png;base64,/);
  });

  describe("exported to HTML and opened in Chromium with no network", () => {
    const browser = useChromium();

    test("plotly draws every chart from the page itself; nothing is fetched", async () => {
      const html = toHtml(executedPath, outDir);
      const { page, blocked } = await openOffline(browser(), pathToFileURL(html).href);
      await page.locator(".ae-chart .main-svg").first().waitFor({ timeout: 30_000 });
      assert.equal(await page.locator(".ae-chart").count(), 2, "the live chart and the comparison");
      for (const chart of await page.locator(".ae-chart").all()) {
        assert.equal(await chart.locator(".main-svg").count(), 3, "plotly's three svg layers");
      }
      // The live chart's final state: 24 batch points and 3 val_loss points.
      const points = await page.locator(".ae-chart").first().locator(".scatterlayer .trace").count();
      assert.equal(points, 2, "two lines");
      assert.deepEqual(blocked, [], "no request left the page");
      assert.match(
        (await page.locator(".ae-chart-summary").first().textContent()) ?? "",
        /epoch +loss +val_loss/,
      );
      await page.context().close();
    });
  });
});

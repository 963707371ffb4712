// @ts-check
// Check 4 of `npm run doctor`: the doctor's notebook executed headless and converted to one HTML page as
// `npm run export` does it (scripts/notebook.js's executeNotebook, scripts/export.js's toHtml), opened in
// Chromium with every request that is not a local file blocked (scripts/browser.js's openOffline): the loss
// chart and the digit grid are there.
import { rmSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { openOffline } from "../browser.js";
import { ROOT } from "../project.js";
import { toHtml } from "../exportPages.js";
import { executeNotebook } from "../notebook.js";
import { chartAndGrid } from "./labPage.js";
import { DOCTOR_DIST, DOCTOR_NOTEBOOK, CheckFailure, SETUP_FIX, say } from "./report.js";

/**
 * Check 4.
 * @param {{browser: () => Promise<import("playwright-core").Browser>}} context
 */
export async function checkExportPage(context) {
  const browser = await context.browser(); // first: a missing Chromium is said before the notebook runs
  const executed = join(DOCTOR_DIST, "executed", "doctor.ipynb");
  const htmlDir = join(DOCTOR_DIST, "html");
  rmSync(executed, { force: true });
  rmSync(htmlDir, { recursive: true, force: true });
  /** @type {string} */
  let html;
  try {
    await executeNotebook(DOCTOR_NOTEBOOK, executed, { timeoutSeconds: 300 });
    html = toHtml(executed, htmlDir);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new CheckFailure(
      say(
        `笔记本没能像 npm run export 那样执行并转成 HTML：\n${why}`,
        `the notebook could not be executed and converted as npm run export does:\n${why}`,
      ),
      SETUP_FIX(),
    );
  }
  const { page, blocked } = await openOffline(browser, pathToFileURL(html).href);
  try {
    const seen = await chartAndGrid(page, "export-page", 30_000);
    const shown = relative(ROOT, html);
    return say(
      `${shown}，外部请求 ${blocked.length} 个，图表 ${seen.points} 个点，数字图片 ${seen.grid.join("×")} 像素`,
      `${shown}, ${blocked.length} outside requests, chart with ${seen.points} points, digit grid ${seen.grid.join("×")} px`,
    );
  } finally {
    await page.context().close();
  }
}

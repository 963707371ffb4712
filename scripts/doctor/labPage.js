// @ts-check
// Check 3 of `npm run doctor`: in headless Chromium (scripts/browser.js), JupyterLab's page runs the doctor's
// notebook (scripts/doctor/doctor.ipynb, copied under dist/doctor/ first: JupyterLab may autosave what it runs)
// with Run > Run All Cells, as a teacher does, and the live loss chart (its plotly div) and the digit grid (its
// image) appear. Also what check 4 looks for in the exported page: `chartAndGrid`.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DOCTOR_DIST, DOCTOR_NOTEBOOK, CheckFailure, SETUP_FIX, say } from "./report.js";

/** The copy JupyterLab runs, under its root (the checkout). */
const LAB_DIR = join(DOCTOR_DIST, "lab");

/**
 * What a page shows, read in the page (a string: this file is type-checked without the DOM library): the
 * chart's plotly layers and points, the digit grid's image size when it has loaded, and any stderr output.
 */
const PAGE_STATE = `(() => {
  const plot = document.querySelector(".ae-chart .js-plotly-plot");
  const layers = plot ? plot.querySelectorAll(".main-svg").length : 0;
  const points = plot && plot.data && plot.data[0] ? plot.data[0].x.length : 0;
  const image = [...document.querySelectorAll("img")].find(
    (img) => img.src.startsWith("data:image/png") && img.complete && img.naturalWidth > 0,
  );
  const stderr = [...document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map((node) => node.textContent || "").join("\\n");
  return { layers, points, grid: image ? [image.naturalWidth, image.naturalHeight] : null, stderr };
})()`;

/**
 * Waits until `page` shows a drawn chart with points and a decoded digit grid; returns what it saw, or throws a
 * CheckFailure saying what is missing (with a screenshot under dist/doctor/).
 * @param {import("playwright-core").Page} page
 * @param {string} name for the screenshot
 * @param {number} timeoutMs
 */
export async function chartAndGrid(page, name, timeoutMs) {
  /** @type {{layers: number, points: number, grid: number[] | null, stderr: string}} */
  let state = { layers: 0, points: 0, grid: null, stderr: "" };
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    state = /** @type {typeof state} */ (await page.evaluate(PAGE_STATE));
    if (state.layers > 0 && state.points > 0 && state.grid) return { ...state, grid: state.grid };
    await page.waitForTimeout(250);
  }
  const screenshot = join(DOCTOR_DIST, `${name}.png`);
  await page.screenshot({ path: screenshot });
  const missing = [
    state.layers > 0 && state.points > 0 ? "" : say("loss 图表", "the loss chart"),
    state.grid ? "" : say("数字图片", "the digit grid"),
  ].filter(Boolean);
  const stderr = state.stderr
    ? say(`；单元的错误输出：\n${state.stderr}`, `; the cells' error output:\n${state.stderr}`)
    : "";
  throw new CheckFailure(
    say(
      `页面上没有出现${missing.join("和")}（截图：${screenshot}）${stderr}`,
      `the page shows no ${missing.join(" and no ")} (screenshot: ${screenshot})${stderr}`,
    ),
    SETUP_FIX(),
  );
}

/**
 * Check 3.
 * @param {{lab: () => Promise<import("./lab.js").Lab>, browser: () => Promise<import("playwright-core").Browser>}} context
 */
export async function checkLabPage(context) {
  const browser = await context.browser(); // first: a missing Chromium is said before JupyterLab starts
  const lab = await context.lab();
  rmSync(LAB_DIR, { recursive: true, force: true });
  mkdirSync(LAB_DIR, { recursive: true });
  copyFileSync(DOCTOR_NOTEBOOK, join(LAB_DIR, "doctor.ipynb"));
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    await page.goto(`${lab.base}/lab/tree/dist/doctor/lab/doctor.ipynb?reset&token=${lab.token}`);
    await page.locator(".jp-Notebook .jp-Cell").first().waitFor({ timeout: 90_000 });
    // Run All before the kernel is up opens a "Select Kernel" dialog instead: wait for it, as a person does.
    await page.getByText("TypeScript | Idle").waitFor({ timeout: 120_000 });
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
    const seen = await chartAndGrid(page, "lab-page", 150_000);
    return say(
      `运行全部单元后，loss 图表 ${seen.points} 个点，数字图片 ${seen.grid.join("×")} 像素`,
      `after Run All Cells, loss chart with ${seen.points} points, digit grid ${seen.grid.join("×")} px`,
    );
  } catch (error) {
    if (error instanceof CheckFailure) throw error;
    const screenshot = join(DOCTOR_DIST, "lab-page.png");
    await page.screenshot({ path: screenshot }).catch(() => {});
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new CheckFailure(
      say(
        `JupyterLab 的页面没有运行完笔记本：${why}（截图：${screenshot}）`,
        `JupyterLab's page did not run the notebook: ${why} (screenshot: ${screenshot})`,
      ),
      SETUP_FIX(),
    );
  } finally {
    await page.close();
  }
}

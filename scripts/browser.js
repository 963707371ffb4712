// @ts-check
// The one way the pack starts a real headless Chromium (playwright-core), for checks of what a viewer sees: the
// system's (Debian's chromium) where there is one, else the one set-up unpacks from @sparticuz/chromium
// (project.js's chromiumForChecks). The tests (test/support/browser.ts) and `npm run doctor` use it.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { chromiumForChecks } from "./project.js";

/** The flags every check starts Chromium with. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  // Without the background-networking flags Chromium keeps calling home, which a closed network refuses.
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A Chromium that is not there: where it was looked for, and how to get one. */
export class MissingChromiumError extends Error {
  /** @param {{path: string, source: string}} where */
  constructor(where) {
    super(
      `Chromium not found at ${where.path} (${where.source}): run \`npm run setup\` (it unpacks the one ` +
        "@sparticuz/chromium ships when the machine has none), or set CHROMIUM_PATH.",
    );
    this.name = "MissingChromiumError";
    this.path = where.path;
    this.source = where.source;
  }
}

/**
 * Starts Chromium (chromiumForChecks, as `env` says); a missing browser is a MissingChromiumError that says how
 * to get one.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {Promise<import("playwright-core").Browser>}
 */
export async function launchChromium(env = process.env) {
  const where = chromiumForChecks(env);
  if (!existsSync(where.path)) throw new MissingChromiumError(where);
  return chromium.launch({
    executablePath: where.path,
    env: { ...env, ...where.env },
    args: CHROMIUM_ARGS,
  });
}

/**
 * Opens `url` with every request outside `allowed` aborted (recorded in `blocked`), as on a machine with no
 * network. `serve` can answer some requests itself.
 * @param {import("playwright-core").Browser} browser
 * @param {string} url
 * @param {{allowed?: (url: string) => boolean, serve?: (url: string) => string | undefined}} [options]
 * @returns {Promise<{page: import("playwright-core").Page, blocked: string[]}>}
 */
export async function openOffline(browser, url, options = {}) {
  const allowed = options.allowed ?? ((/** @type {string} */ u) => u.startsWith("file:"));
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  /** @type {string[]} */
  const blocked = [];
  await context.route("**/*", (route) => {
    const requested = route.request().url();
    if (allowed(requested)) return route.continue();
    const body = options.serve?.(requested);
    if (body !== undefined) return route.fulfill({ contentType: "text/javascript", body });
    blocked.push(requested);
    return route.abort();
  });
  const page = await context.newPage();
  await page.goto(url);
  return { page, blocked };
}

// A real headless Chromium driven by playwright-core, for checks of what a viewer sees: the system's (Debian's
// chromium) where there is one, else the one set-up unpacks from @sparticuz/chromium (scripts/project.js).
import { existsSync } from "node:fs";
import { after, before } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumForChecks } from "../../scripts/project.js";

export const CHROMIUM = chromiumForChecks();

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

/** Starts Chromium; a missing browser is an error that says how to get one, never a skipped test. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM.path)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM.path} (${CHROMIUM.source}): run \`npm run setup\` (it unpacks the one ` +
        "@sparticuz/chromium ships when the machine has none), or set CHROMIUM_PATH.",
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM.path,
    env: { ...process.env, ...CHROMIUM.env },
    args: CHROMIUM_ARGS,
  });
}

/**
 * Starts Chromium before the tests of the enclosing `describe` and closes it after them. Returns a getter for
 * the running browser (it starts in `before`, after the describe's body has run).
 */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("Chromium is not running: call the getter inside a test of its describe");
    return browser;
  };
}

/**
 * Opens `url` with every request outside `allowed` aborted (recorded in `blocked`), as on a machine with no
 * network. `serve` can answer some requests itself.
 */
export async function openOffline(
  browser: Browser,
  url: string,
  options: { allowed?: (url: string) => boolean; serve?: (url: string) => string | undefined } = {},
): Promise<{ page: Page; blocked: string[] }> {
  const allowed = options.allowed ?? ((u: string) => u.startsWith("file:"));
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const blocked: string[] = [];
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

// A real headless Chromium driven by playwright-core, for checks of what a viewer sees. Starting it is
// scripts/browser.js's job (the one way the pack starts Chromium, shared with `npm run doctor`); here, the
// tests' way to hold one for a describe.
import { after, before } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium } from "../../scripts/browser.js";

export { CHROMIUM_ARGS, launchChromium, openOffline } from "../../scripts/browser.js";

/**
 * Starts Chromium before the tests of the enclosing `describe` and closes it after them. Returns a getter for
 * the running browser (it starts in `before`, after the describe's body has run). A missing browser is an error
 * that says how to get one, never a skipped test.
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

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// plotly.ts and its build (scripts/build-plotly.js): the minified plotly.js that every chart page carries.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { PLOTLY_BUNDLE, PlotlyBundleError, plotlyScript, printablePath } from "ae-shared";
import { PLOTLY_BUNDLE as BUILT_BUNDLE, buildPlotly } from "../scripts/build-plotly.js";

const packageFile = createRequire(import.meta.url).resolve("plotly.js-dist/plotly.js");

test("the library reads the bundle its build writes", () => {
  assert.equal(PLOTLY_BUNDLE, BUILT_BUNDLE);
});

test("the build minifies plotly.js to under half its size, keeping its licence header", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ae-plotly-"));
  try {
    const out = join(dir, "nested", "plotly.min.js");
    await buildPlotly(out);
    const built = readFileSync(out, "utf8");
    assert.ok(statSync(out).size < statSync(packageFile).size / 2, `${statSync(out).size} bytes`);
    assert.match(built, /^\/\*\*?[\s\S]*?plotly\.js[\s\S]*?MIT[\s\S]*?\*\/\n/i);
    assert.equal(built, readFileSync(PLOTLY_BUNDLE, "utf8"), "the same as the library's own bundle");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("plotlyScript is the bundle, safe to inline in a <script> element", () => {
  const script = plotlyScript();
  assert.ok(script.length > 1_000_000);
  assert.doesNotMatch(script, /<\/script/i);
  assert.match(script, /newPlot/);
});

test("a missing bundle is an error that says how to make it, never a silent fallback", () => {
  const missing = join(tmpdir(), "no-such-dir", "plotly.min.js");
  assert.throws(
    () => plotlyScript(missing),
    (error: unknown) => {
      assert.ok(error instanceof PlotlyBundleError);
      assert.equal(
        error.message,
        `plotly.js bundle not found at ${printablePath(missing)}: the charts need it. ` +
          "Run `npm run build` (or `npm run setup`) in the lesson pack's folder to make it.",
      );
      return true;
    },
  );
});

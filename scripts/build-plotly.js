// @ts-check
// Part of the helper library's build (`npm run build`): plotly.js from the npm package plotly.js-dist,
// minified into src/shared/dist/plotly.min.js (4.8 MB instead of 10 MB), since every chart page and every
// exported notebook carries a copy. The library reads that file and fails loudly when it is missing.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./project.js";

const SHARED = join(ROOT, "src", "shared");
export const PLOTLY_BUNDLE = join(SHARED, "dist", "plotly.min.js");

/** Writes the minified bundle, keeping plotly's copyright and MIT licence header, which the minifier drops. */
export async function buildPlotly(out = PLOTLY_BUNDLE) {
  const plotly = createRequire(join(SHARED, "package.json")).resolve("plotly.js-dist/plotly.js");
  const source = readFileSync(plotly, "utf8");
  const esbuild = await import("esbuild");
  const { code } = await esbuild.transform(source, { minify: true, legalComments: "none" });
  const header = source.slice(0, source.indexOf("*/") + 2);
  mkdirSync(dirname(out), { recursive: true });
  // Written beside and renamed into place: a build stopped half-way never leaves a truncated bundle that
  // set-up would take for a finished one.
  writeFileSync(`${out}.partial`, `${header}\n${code}`);
  renameSync(`${out}.partial`, out);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  buildPlotly().catch((/** @type {unknown} */ error) => {
    process.stderr.write(`build-plotly failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

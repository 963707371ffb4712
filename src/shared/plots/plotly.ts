// plotly.js itself, from the npm package plotly.js-dist (never a CDN): inlined into chart pages, and sent to
// a notebook once per kernel so that every chart after it can draw. The library's build minifies the
// package's 10 MB file into dist/plotly.min.js (scripts/build-plotly.js), since every exported page carries it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import plotlyPackage from "plotly.js-dist/package.json";
import { display } from "../display/display";
import { localize } from "../language";
import { printablePath } from "../paths";

/** The minified plotly.js that `npm run build` (and so set-up) writes beside the compiled library. */
export const PLOTLY_BUNDLE = join(__dirname, "..", "plotly.min.js"); // dist/plotly.min.js, from dist/plots/

/** Thrown when the minified plotly.js is missing: the library was compiled without its build step. */
export class PlotlyBundleError extends Error {
  constructor(file: string) {
    super(
      localize({
        en:
          `plotly.js bundle not found at ${printablePath(file)}: the charts need it. ` +
          "Run `npm run build` (or `npm run setup`) in the lesson pack's folder to make it.",
        zh: `找不到 plotly.js 文件 ${printablePath(file)}，画图表需要它。请在课程包的文件夹里运行 \`npm run build\`（或 \`npm run setup\`）生成它。`,
      }),
    );
    this.name = "PlotlyBundleError";
  }
}

const sources = new Map<string, string>();
let sentToNotebook = false;

/** plotly.js's code, ready to inline in a <script> element. Throws PlotlyBundleError if the bundle is missing. */
export function plotlyScript(file: string = PLOTLY_BUNDLE): string {
  let source = sources.get(file);
  if (source === undefined) {
    if (!existsSync(file)) throw new PlotlyBundleError(file);
    // `</script` inside the code would end the inline <script> element early.
    source = readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script");
    sources.set(file, source);
  }
  return source;
}

/** Sends plotly.js to the notebook page, unless this kernel did already. Charts after it can draw. */
export function sendPlotlyToNotebook(): void {
  if (sentToNotebook) return;
  const plotly = `plotly.js ${plotlyPackage.version}`;
  const note = localize({
    en: `${plotly} loaded for the charts below`,
    zh: `已载入 ${plotly}，用于绘制下面的图表`,
  });
  display({
    "text/html": `<script type="text/javascript">${plotlyScript()}</script><small style="color:#888">${note}</small>`,
    "text/plain": localize({ en: `(${note})`, zh: `（${note}）` }),
  });
  sentToNotebook = true;
}

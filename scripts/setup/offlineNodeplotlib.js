// @ts-check
// Set-up's edit of nodeplotlib's page: the charts of `npm run lesson` load plotly.js from nodeplotlib's own
// server (the library's bundle) instead of a CDN, which a classroom offline cannot reach. Fenced to nodeplotlib
// 1.1.2 (fences.js): on another version it says so and leaves that version's page alone.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { PLOTLY_BUNDLE } from "../build-plotly.js";
import { ROOT } from "../project.js";
import { NODE_MODULES, SetupError, readIfExists } from "./common.js";
import { SETUP_FENCES } from "./fences.js";

const NODEPLOTLIB_WEB = join(NODE_MODULES, "nodeplotlib", "src", "lib", "server", "web");
const NODEPLOTLIB_PLOTLY = join(NODEPLOTLIB_WEB, "plotly.min.js");
/** nodeplotlib 1.1.2's page loads plotly.js 1.58.4 from a CDN, which a classroom offline cannot reach. */
const PLOTLY_FROM_CDN = /<script\b[^>]*\bsrc="https:\/\/cdn\.plot\.ly\/[^"]+"[^>]*><\/script>/;
const PLOTLY_FROM_PAGE = '<script type="text/javascript" src="plotly.min.js" defer></script>';

/** The nodeplotlib whose page the step edits (its fence). */
export const NODEPLOTLIB_VERSION = SETUP_FENCES.offlineNodeplotlib.version;
const nodeplotlibVersion = () =>
  JSON.parse(readIfExists(join(NODE_MODULES, "nodeplotlib", "package.json")) ?? "{}").version;
/** Records that another nodeplotlib was found and its own page left as it is. */
const NODEPLOTLIB_LEFT = join(NODE_MODULES, "nodeplotlib", ".ae-page-left-for");

/** @type {import("./common.js").Step} */
export const offlineNodeplotlib = {
  name: "nodeplotlib's page without a CDN (charts of `npm run lesson`)",
  needs: [],
  time: "under 1 s",
  room: () => [{ where: NODE_MODULES, mb: 5, what: "plotly.js for nodeplotlib" }],
  done() {
    const version = nodeplotlibVersion();
    if (version !== NODEPLOTLIB_VERSION) return readIfExists(NODEPLOTLIB_LEFT) === String(version);
    const page = readIfExists(join(NODEPLOTLIB_WEB, "index.html"));
    return (
      page !== undefined &&
      page.includes(PLOTLY_FROM_PAGE) &&
      existsSync(NODEPLOTLIB_PLOTLY) &&
      existsSync(PLOTLY_BUNDLE) &&
      readFileSync(NODEPLOTLIB_PLOTLY).equals(readFileSync(PLOTLY_BUNDLE))
    );
  },
  run() {
    const version = nodeplotlibVersion();
    if (version !== NODEPLOTLIB_VERSION) {
      process.stdout.write(
        `setup: the page edit was written for nodeplotlib ${NODEPLOTLIB_VERSION}, found ${version}; ` +
          "its own page stays in place (it loads plotly.js from a CDN, so `npm run lesson` needs the internet)\n",
      );
      writeFileSync(NODEPLOTLIB_LEFT, String(version));
      return;
    }
    // The library's minified plotly.js-dist (the same the notebooks send), served by nodeplotlib's own server.
    const index = join(NODEPLOTLIB_WEB, "index.html");
    const page = readFileSync(index, "utf8");
    if (!page.includes(PLOTLY_FROM_PAGE) && !PLOTLY_FROM_CDN.test(page)) {
      throw new SetupError(
        `${relative(ROOT, index)} no longer loads plotly.js the way nodeplotlib 1.1.2 does (a <script> from cdn.plot.ly).`,
        "check the nodeplotlib version in package-lock.json; set-up knows how to serve plotly.js to 1.1.2's page.",
      );
    }
    copyFileSync(PLOTLY_BUNDLE, NODEPLOTLIB_PLOTLY);
    writeFileSync(index, page.replace(PLOTLY_FROM_CDN, PLOTLY_FROM_PAGE));
  },
};

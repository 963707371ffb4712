// @ts-check
// Set-up's edits of other packages' files, fenced like the engine's and the library's overrides (the shape is
// ae-engine's Fence): each step edits only the version it was written for, and on another leaves the files.
// The overrides table of ARCHITECTURE.md is generated from these and the packages' own fences (scripts/fenceTable.js).

/** @type {Record<"tfjsNodeUtil" | "offlineNodeplotlib", import("ae-engine/plain").Fence>} */
export const SETUP_FENCES = {
  tfjsNodeUtil: {
    what: "tfjs-node's calls of util.isNullOrUndefined and util.isArray in dist/nodejs_kernel_backend.js and dist/kernels/TopK.js, edited by set-up (scripts/setup/tfjsNodeUtil.js)",
    pkg: "@tensorflow/tfjs-node",
    version: "4.22.0",
    why: 'Node 23 removed them (training throws "is not a function"); Node 22 warns on stderr at every training',
    without: "training fails on Node.js 23 and newer, and Node.js 22 warns on stderr",
    heldBy: ["test/scripts/tfjsNodeUtil.test.ts"],
    canGo: "a tfjs-node release has tensorflow/tfjs#8425 (merged 2025-04-23; 4.22.0 predates it)",
  },
  offlineNodeplotlib: {
    what: "nodeplotlib's index.html, edited by set-up to load plotly.js from nodeplotlib's own server (scripts/setup/offlineNodeplotlib.js)",
    pkg: "nodeplotlib",
    version: "1.1.2",
    why: "its page loads plotly.js from a CDN, which a classroom offline cannot reach",
    without: "`npm run lesson` charts need the internet",
    heldBy: ["test/scripts/lesson.test.ts"],
    canGo: "nodeplotlib serves plotly.js itself",
  },
};

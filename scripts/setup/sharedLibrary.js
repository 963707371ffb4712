// @ts-check
// Set-up's build of the shared library (src/shared, ae-shared): its compiled TypeScript and the minified
// plotly.js bundle. Done while the build is newer than every source and config it is made from.
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PLOTLY_BUNDLE } from "../build-plotly.js";
import { ROOT } from "../project.js";
import { run } from "./common.js";

const SHARED = join(ROOT, "src", "shared");

/**
 * Newest modification time among the shared library's sources and configs.
 */
function newestSharedSource() {
  const sources = readdirSync(SHARED)
    .filter((name) => name.endsWith(".ts") || name.endsWith(".json"))
    .map((name) => join(SHARED, name));
  sources.push(join(ROOT, "tsconfig.json"), join(ROOT, "scripts", "build-plotly.js"));
  return Math.max(...sources.map((file) => statSync(file).mtimeMs));
}
// Written after each build: tsc -b leaves its .tsbuildinfo untouched when no TypeScript changed, so that file
// would stay older than an edited scripts/build-plotly.js and the step would never count as done.
const SHARED_BUILD_STAMP = join(SHARED, "dist", ".ae-built");

/** @type {import("./common.js").Step} */
export const sharedLibrary = {
  name: "shared library (ae-shared)",
  needs: [],
  time: "about 5 s",
  room: () => [{ where: SHARED, mb: 10, what: "src/shared/dist" }],
  done: () =>
    existsSync(PLOTLY_BUNDLE) &&
    existsSync(SHARED_BUILD_STAMP) &&
    statSync(SHARED_BUILD_STAMP).mtimeMs >= newestSharedSource(),
  run(env) {
    // The library's own build: compiled TypeScript and the minified plotly.js bundle (scripts/build-plotly.js).
    run("npm", ["run", "build", "--silent", "--workspace", "ae-shared"], {
      env,
      what: "npm run build (src/shared)",
      fix: "fix the errors shown above in src/shared.",
    });
    writeFileSync(SHARED_BUILD_STAMP, `${new Date().toISOString()}\n`);
  },
};

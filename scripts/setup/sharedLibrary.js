// @ts-check
// Set-up's build of the lesson library (src/shared, ae-shared) and the training engine it references (src/engine,
// ae-engine): their compiled TypeScript and the minified plotly.js bundle. Done while the build is newer than
// every source and config it is made from.
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PLOTLY_BUNDLE } from "../build-plotly.js";
import { ROOT } from "../project.js";
import { run } from "./common.js";

const SHARED = join(ROOT, "src", "shared");
const ENGINE = join(ROOT, "src", "engine");

/**
 * Newest modification time among both packages' sources and configs (their tests and builds left out).
 */
function newestSharedSource() {
  const sources = [SHARED, ENGINE].flatMap((folder) =>
    readdirSync(folder, { recursive: true, encoding: "utf8" })
      .filter((name) => !/^(dist|test)\b/.test(name))
      .filter((name) => name.endsWith(".ts") || name.endsWith(".json"))
      .map((name) => join(folder, name)),
  );
  sources.push(join(ROOT, "tsconfig.json"), join(ROOT, "scripts", "build-plotly.js"));
  return Math.max(...sources.map((file) => statSync(file).mtimeMs));
}
// Written after each build: tsc -b leaves its .tsbuildinfo untouched when no TypeScript changed, so that file
// would stay older than an edited scripts/build-plotly.js and the step would never count as done.
const SHARED_BUILD_STAMP = join(SHARED, "dist", ".ae-built");

/** @type {import("./common.js").Step} */
export const sharedLibrary = {
  name: "lesson library and engine (ae-shared, ae-engine)",
  needs: [],
  time: "about 5 s",
  room: () => [{ where: SHARED, mb: 11, what: "src/shared/dist and src/engine/dist" }],
  done: () =>
    existsSync(PLOTLY_BUNDLE) &&
    existsSync(SHARED_BUILD_STAMP) &&
    statSync(SHARED_BUILD_STAMP).mtimeMs >= newestSharedSource(),
  run(env) {
    // The library's own build: compiled TypeScript and the minified plotly.js bundle (scripts/build-plotly.js).
    run("npm", ["run", "build", "--silent", "--workspace", "ae-shared"], {
      env,
      what: "npm run build (src/shared and src/engine)",
      fix: "fix the errors shown above in src/shared or src/engine.",
    });
    writeFileSync(SHARED_BUILD_STAMP, `${new Date().toISOString()}\n`);
  },
};

// @ts-check
// Set-up's first step: the npm packages, installed with `npm ci` from package-lock.json. Done while a stamp in
// node_modules records the lock file it was installed from.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../project.js";
import { NODE_MODULES, npmCache, readIfExists, run, sha256Text } from "./common.js";

const LOCK_STAMP = join(NODE_MODULES, ".ae-setup-lock.sha256");
const lockHash = () => sha256Text(readFileSync(join(ROOT, "package-lock.json"), "utf8"));

/** @type {import("./common.js").Step} */
export const nodeModules = {
  name: "npm packages",
  needs: ["node", "npm"],
  time: "about 40 s",
  room: (env) => [
    { where: ROOT, mb: 700, what: "node_modules" },
    { where: npmCache(env), mb: 350, what: "npm's cache" },
  ],
  done: () => readIfExists(LOCK_STAMP) === lockHash(),
  run(env) {
    // --ignore-scripts: no package's install script runs, whatever npm's version. npm 11 blocks them unless
    // package.json's allowScripts lets them; npm 10 (Node 22's) runs them, and tfjs-node's downloads libtensorflow
    // from storage.googleapis.com, which fails offline and where Google is blocked. Set-up does that step itself.
    run("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], {
      env,
      what: "npm ci",
      fix: "check that the npm registry is reachable (npm ping) and that package-lock.json is committed.",
    });
    writeFileSync(LOCK_STAMP, lockHash());
  },
};

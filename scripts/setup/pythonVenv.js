// @ts-check
// Set-up's Python venv (.venv): pinned JupyterLab and nbconvert from requirements.txt. Done while a stamp records
// the requirements it was installed from. Other steps run this venv's python (pip, zipfile, tslab's install).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, VENV, VENV_BIN } from "../project.js";
import { canRun, readIfExists, run, sha256Text } from "./common.js";
import { pythonCommand } from "./machine.js";

export const VENV_PYTHON = join(VENV_BIN, "python");
const REQUIREMENTS = join(ROOT, "requirements.txt");
const VENV_STAMP = join(VENV, ".ae-requirements.sha256");
const requirementsHash = () => sha256Text(readFileSync(REQUIREMENTS, "utf8"));
// Node takes a .js file's module type from the nearest package.json: inside the venv that was the checkout's
// ("type": "module"), so JupyterLab's own yarn.js, which jupyter_builder runs as JupyterLab starts, failed as
// ES module code and printed a screen of minified JavaScript and a stack trace. This one keeps the venv's
// JavaScript as its authors wrote it, CommonJS.
const VENV_PACKAGE_JSON = join(VENV, "package.json");
const VENV_PACKAGE = `${JSON.stringify({ private: true, type: "commonjs" }, null, 2)}\n`;

/**
 * Whether `python` runs and has pip. A venv whose creation was stopped (Ctrl+C) can have its python but no pip
 * yet; set-up then makes it anew instead of failing on pip forever.
 * @param {string} python
 * @param {NodeJS.ProcessEnv} env
 */
export function venvHasPip(python, env) {
  return canRun(python, env, ["-m", "pip", "--version"]);
}

/** @type {import("./common.js").Step} */
export const pythonVenv = {
  name: "Python venv (JupyterLab, nbconvert)",
  needs: ["python", "venv"],
  time: "about 25 s",
  room: () => [{ where: ROOT, mb: 250, what: ".venv" }],
  done: () =>
    readIfExists(VENV_STAMP) === requirementsHash() &&
    readIfExists(VENV_PACKAGE_JSON) === VENV_PACKAGE &&
    canRun(VENV_PYTHON, process.env),
  run(env) {
    if (!venvHasPip(VENV_PYTHON, env)) {
      rmSync(VENV, { recursive: true, force: true });
      run(pythonCommand(env), ["-m", "venv", VENV], {
        env,
        what: "python3 -m venv .venv",
        fix: "install Python's venv module (Debian: apt-get install python3-venv).",
      });
    }
    // --retries 0: an unreachable index answers at once instead of after minutes of retries.
    run(
      VENV_PYTHON,
      ["-m", "pip", "install", "--retries", "0", "--disable-pip-version-check", "-r", REQUIREMENTS],
      {
        env,
        what: "pip install -r requirements.txt",
        fix: "check that pip can reach your package index (pip config list); the pinned versions are in requirements.txt.",
      },
    );
    writeFileSync(VENV_PACKAGE_JSON, VENV_PACKAGE);
    writeFileSync(VENV_STAMP, requirementsHash());
  },
};

// @ts-check
// Set-up's Python venv (.venv): pinned JupyterLab and nbconvert from requirements.txt. Done while a stamp records
// the requirements it was installed from. Other steps run this venv's python (pip, zipfile, tslab's install).
import { spawnSync } from "node:child_process";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, VENV, VENV_BIN } from "../project.js";
import { SetupError, canRun, log, readIfExists, run, sha256Text } from "./common.js";
import { pythonCommand } from "./machine.js";

export const VENV_PYTHON = join(VENV_BIN, "python");
const REQUIREMENTS = join(ROOT, "requirements.txt");
const VENV_STAMP = join(VENV, ".ae-requirements.sha256");
const requirementsHash = () => sha256Text(readFileSync(REQUIREMENTS, "utf8"));
/**
 * The venv's wheels as the offline bundle carries them (npm run bundle), with the requirements and the Python
 * (major.minor) they were made for: where they fit, pip installs from them alone, with no index.
 */
export const PIP_WHEELS = join(ROOT, ".cache", "pip-wheels");
const WHEELS_STAMP = join(PIP_WHEELS, ".ae-requirements.sha256");
const WHEELS_PYTHON = join(PIP_WHEELS, ".ae-python-version");
/** Whether .cache/pip-wheels holds the wheels of today's requirements.txt. */
export const wheelsReady = () => readIfExists(WHEELS_STAMP) === requirementsHash();

/**
 * "3.11": the major and minor version of `python`.
 * @param {string} python
 * @param {NodeJS.ProcessEnv} env
 */
export function pythonVersion(python, env) {
  const found = spawnSync(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
    env,
    encoding: "utf8",
  });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/**
 * Makes .cache/pip-wheels: every pinned requirement as a wheel (built where the index has only a source
 * archive), for the venv's Python, so that another machine of the same kind installs them with no network.
 * @param {NodeJS.ProcessEnv} env
 */
export function makeWheels(env) {
  if (wheelsReady()) return;
  const partial = `${PIP_WHEELS}.partial`;
  rmSync(partial, { recursive: true, force: true });
  run(
    VENV_PYTHON,
    [
      "-m",
      "pip",
      "wheel",
      "--retries",
      "0",
      "--disable-pip-version-check",
      "-q",
      "-r",
      REQUIREMENTS,
      "-w",
      partial,
    ],
    {
      env,
      what: "pip wheel -r requirements.txt",
      fix: "check that pip can reach your package index (pip config list); the pinned versions are in requirements.txt.",
    },
  );
  writeFileSync(join(partial, ".ae-python-version"), pythonVersion(VENV_PYTHON, env) ?? "");
  writeFileSync(join(partial, ".ae-requirements.sha256"), requirementsHash());
  rmSync(PIP_WHEELS, { recursive: true, force: true });
  renameSync(partial, PIP_WHEELS);
}
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
    const offline = wheelsReady();
    if (offline) {
      const made = readIfExists(WHEELS_PYTHON);
      const here = pythonVersion(VENV_PYTHON, env);
      if (made !== here) {
        throw new SetupError(
          `expected Python ${made} here, for the wheels the offline bundle brought (.cache/pip-wheels); found ` +
            `Python ${here} (${pythonCommand(env)}).`,
          `install Python ${made} and run set-up with PYTHON=python${made}; or, with a network, remove ` +
            ".cache/pip-wheels and .venv and run set-up again.",
        );
      }
      log("    from the offline bundle's wheels (.cache/pip-wheels), with no package index");
    }
    // --retries 0: an unreachable index answers at once instead of after minutes of retries.
    run(
      VENV_PYTHON,
      [
        ...["-m", "pip", "install", "--retries", "0", "--disable-pip-version-check"],
        ...(offline ? ["--no-index", "--find-links", PIP_WHEELS] : []),
        ...["-r", REQUIREMENTS],
      ],
      {
        env,
        what: "pip install -r requirements.txt",
        fix: offline
          ? "the offline bundle's wheels in .cache/pip-wheels do not fit: make the bundle again (npm run bundle)."
          : "check that pip can reach your package index (pip config list); the pinned versions are in requirements.txt.",
      },
    );
    writeFileSync(VENV_PACKAGE_JSON, VENV_PACKAGE);
    writeFileSync(VENV_STAMP, requirementsHash());
  },
};

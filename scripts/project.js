// @ts-check
// Where things live in a checkout, and the environment Jupyter runs in. Shared by every script.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const VENV = join(ROOT, ".venv");
export const VENV_BIN = join(VENV, "bin");
/** Jupyter's data folder for this checkout: kernelspecs and JupyterLab settings live inside the venv. */
export const JUPYTER_DATA = join(VENV, "share", "jupyter");
export const NOTEBOOKS = join(ROOT, "notebooks");

/**
 * The environment for jupyter and its kernels: the venv first on PATH, and Jupyter's user data folder
 * pointed into the venv so that a `tslab` kernelspec in the user's home cannot shadow this checkout's.
 * @param {NodeJS.ProcessEnv} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
export function jupyterEnv(extra = {}) {
  return {
    ...process.env,
    PATH: `${VENV_BIN}:${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
    VIRTUAL_ENV: VENV,
    JUPYTER_DATA_DIR: JUPYTER_DATA,
    JUPYTER_PLATFORM_DIRS: "0",
    // TensorFlow's C library logs INFO lines (oneDNN, CPU features) to the kernel's terminal; keep warnings.
    TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? "1",
    ...extra,
  };
}

/**
 * Path of a program installed in the venv, or an error telling how to install it.
 * @param {string} name
 */
export function venvProgram(name) {
  const path = join(VENV_BIN, name);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: the Python venv is not set up. Run \`npm run setup\` first.`);
  }
  return path;
}

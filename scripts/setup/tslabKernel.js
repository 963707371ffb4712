// @ts-check
// Set-up's tslab step: the TypeScript kernel's spec installed inside the venv (--sys-prefix), with TensorFlow's
// environment added to it, and JupyterLab's settings for a classroom.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { JUPYTER_DATA, TENSORFLOW_ENV, VENV, jupyterEnv } from "../project.js";
import { NODE_MODULES, readIfExists, run } from "./common.js";
import { VENV_PYTHON } from "./pythonVenv.js";

const TSLAB_BIN = join(NODE_MODULES, ".bin", "tslab");
const KERNEL_JSON = join(JUPYTER_DATA, "kernels", "tslab", "kernel.json");
const LAB_OVERRIDES = join(VENV, "share", "jupyter", "lab", "settings", "overrides.json");
/** JupyterLab settings for a classroom: no "get Jupyter news?" pop-up over the notebook on first open. */
const LAB_SETTINGS = { "@jupyterlab/apputils-extension:notification": { fetchNews: "false" } };

/** @type {import("./common.js").Step} */
export const tslabKernel = {
  name: "tslab kernel in the venv",
  needs: [],
  time: "about 2 s",
  room: () => [],
  done() {
    const spec = readIfExists(KERNEL_JSON);
    const parsed = spec === undefined ? undefined : JSON.parse(spec);
    return (
      parsed?.argv?.[0] === TSLAB_BIN &&
      JSON.stringify(parsed.env) === JSON.stringify(TENSORFLOW_ENV) &&
      readIfExists(LAB_OVERRIDES) === JSON.stringify(LAB_SETTINGS, null, 2)
    );
  },
  run(env) {
    run(TSLAB_BIN, ["install", "--python", VENV_PYTHON, "--sys-prefix", "--binary", TSLAB_BIN], {
      env: jupyterEnv(env),
      what: "tslab install",
      fix: "re-run set-up; if it repeats, remove .venv and re-run.",
    });
    const spec = JSON.parse(readFileSync(KERNEL_JSON, "utf8"));
    writeFileSync(KERNEL_JSON, `${JSON.stringify({ ...spec, env: TENSORFLOW_ENV }, null, 2)}\n`);
    mkdirSync(dirname(LAB_OVERRIDES), { recursive: true });
    writeFileSync(LAB_OVERRIDES, JSON.stringify(LAB_SETTINGS, null, 2));
  },
};

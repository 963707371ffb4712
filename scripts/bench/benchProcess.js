// @ts-check
// Running bench processes: each model trains in a child of its own (ours in Node, Keras's in Python), so that
// its peak RSS is its own, and reports one line `BENCH_RESULT {json}` as its last line of stdout.
import { spawn } from "node:child_process";
import { ROOT } from "../project.js";

/**
 * What one bench process reports (scripts/bench/trainTfjs.js, scripts/bench/keras_course.py, keras_vae.py).
 * @typedef {object} BenchResult
 * @property {"dense" | "deep" | "conv" | "denoise" | "vae"} model
 * @property {string} impl "tfjs-node" or "keras"; a lever row adds its name, e.g. "tfjs-node (no fast path)"
 * @property {number} epochs
 * @property {number} n_train
 * @property {number} batch_size
 * @property {number[]} sec_per_epoch wall seconds from epoch begin to end, validation included
 * @property {number[]} ms_per_batch training time of the epoch (up to its last batch) / batches
 * @property {number[]} [median_batch_ms] the median of the batches' own times (begin to end), per epoch
 * @property {number[]} loss
 * @property {number[]} val_loss empty for a model trained without validation (the VAE, as Keras's vae.py)
 * @property {number[]} [reconstruction_loss] the VAE's two losses per epoch
 * @property {number[]} [kl_loss]
 * @property {number} peak_rss_mb
 * @property {number | null} tensors tfjs tensors left after disposing everything (null for Keras)
 * @property {Record<string, string>} versions
 * @property {string | null} [onednn] TF_ENABLE_ONEDNN_OPTS as the run had it (null: TensorFlow's default)
 * @property {number} [flops_per_epoch] floating-point operations of an epoch, from the model's layers (flops.js)
 * @property {number} [matmul_gflops] the machine's matmul speed measured before the run (flops.js)
 * @property {import("./liveCost.js").LiveCost} [live] with --live: per epoch, whether the live
 *   reconstructions drew, how often, and their ms
 * @property {{messages: number, bytes: number}} [kernel_messages] with --live: what the stand-in kernel was sent
 */

/**
 * Runs a program; resolves with its exit code and its output (stdout and stderr, interleaved as they came).
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{code: number | null, error?: Error, stdout: string, output: string}>}
 */
export function exec(command, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (chunk) => ((stdout += chunk), (output += chunk)));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => resolve({ code: null, error, stdout, output }));
    child.on("close", (code) => resolve({ code, stdout, output }));
  });
}

/** The last lines of a program's output, indented for an error message. */
export const tail = (/** @type {string} */ output, lines = 30) =>
  output.trimEnd().split("\n").slice(-lines).join("\n    ");

/**
 * Runs one bench process and returns what it reported; rejects with its last lines when it fails.
 * @param {string} what e.g. "Keras dense"
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<BenchResult>}
 */
export async function runBenchProcess(what, command, args, env) {
  const result = await exec(command, args, env);
  const last = result.stdout.trimEnd().split("\n").at(-1) ?? "";
  if (result.code === 0 && last.startsWith("BENCH_RESULT "))
    return JSON.parse(last.slice("BENCH_RESULT ".length));
  const why =
    result.error?.message ?? (result.code !== 0 ? `exit code ${result.code}` : "no BENCH_RESULT line");
  throw new Error(`${what} run failed (${why}); the last lines of its output:\n    ${tail(result.output)}`);
}

/**
 * The loss a run is judged by: its last val_loss, or, for a model trained without validation (the VAE, as Keras's
 * vae.py trains it), its last training loss, marked so.
 * @param {BenchResult} r
 */
export function finalLoss(r) {
  return r.val_loss.length > 0
    ? { value: r.val_loss.at(-1) ?? NaN, mark: "" }
    : { value: r.loss.at(-1) ?? NaN, mark: " (training loss)" };
}

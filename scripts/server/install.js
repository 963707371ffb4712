// @ts-check
// One install for every user of a shared server (a JupyterHub): the TypeScript kernel's spec where every
// user's Jupyter finds it (<prefix>/share/jupyter/kernels, /usr/local by default), and the command that gives
// each student an own copy of the lessons (<prefix>/bin/autoencoder-lessons). The install itself stays
// read-only for the students: a kernel reads it and writes only to the student's folder and TMPDIR.
import { chmodSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT, TENSORFLOW_ENV, shellPath } from "../project.js";

/** The kernel's name: the lessons' metadata asks for "tslab", so the system-wide spec must carry it. */
export const KERNEL_NAME = "tslab";
/** The copy command, on the users' PATH. */
export const COPY_COMMAND = "autoencoder-lessons";
/** What a student's kernel and Jupyter read from the install (the rest: the maintainers' and the tests'). */
export const READ_BY_STUDENTS = [
  "node_modules",
  "src",
  "weights",
  "notebooks",
  "results",
  "bench",
  "scripts",
  ".venv",
];

/** Jupyter's own private files, which the teacher's `npm start` keeps in the venv: not the students' to read. */
const PRIVATE = new Set(["notebook_secret", "runtime"]);

/**
 * The kernel spec: tslab started by this Node.js by its absolute paths (no PATH needed in the users'
 * sessions), with TensorFlow's environment.
 * @param {{node?: string, root?: string, env?: Record<string, string>}} [where] `env`: added to the kernel's
 */
export function kernelSpec({ node = process.execPath, root = ROOT, env = {} } = {}) {
  return {
    argv: [
      node,
      join(root, "node_modules", "tslab", "bin", "tslab"),
      "kernel",
      "--config-path",
      "{connection_file}",
    ],
    display_name: "TypeScript",
    language: "typescript",
    env: { ...TENSORFLOW_ENV, ...env },
  };
}

/**
 * The first path a user other than the owner cannot reach: a folder on the way to `path` they cannot enter,
 * or below `path` a folder they cannot list or a file they cannot read (executables: run). A symbolic link's
 * target is checked itself, with the folders on its way, but not below. undefined if none.
 * @param {string} path
 * @param {{ancestors?: boolean, into?: boolean}} [options] `into`: below a folder too
 * @returns {string | undefined}
 */
export function unreadableByOthers(path, { ancestors = true, into = true } = {}) {
  if (ancestors) {
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) return dir;
      if (dir === dirname(dir)) break;
    }
  }
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) {
    // What it points at, with the folders on the way (a venv's python links to the Python it was made from).
    const target = realTarget(path);
    if (target === undefined || target === path) return undefined;
    return unreadableByOthers(target, { ancestors: true, into: false });
  }
  if (stat.isDirectory()) {
    if ((stat.mode & 0o005) !== 0o005) return path;
    if (!into) return undefined;
    for (const entry of readdirSync(path).filter((name) => !PRIVATE.has(name))) {
      const found = unreadableByOthers(join(path, entry), { ancestors: false, into: true });
      if (found) return found;
    }
    return undefined;
  }
  const needs = stat.mode & 0o100 ? 0o005 : 0o004;
  return (stat.mode & needs) === needs ? undefined : path;
}

/**
 * Why the users cannot read `path`, and the fix: a folder on the way to open for passing through (never its
 * whole content), a file or folder of the install to open for reading, or a venv made from a Python they cannot
 * run to make anew.
 * @param {string} path
 * @param {string} blocked
 * @param {string} root
 */
export function closedMessage(path, blocked, root) {
  const inInstall = blocked === root || blocked.startsWith(`${root}/`);
  const onTheWay = `${path}/`.startsWith(`${blocked}/`) && blocked !== path;
  // Node.js itself, outside the install (root's nvm under /root, say): opening /root is not the fix.
  const isNode = path !== root && !path.startsWith(`${root}/`);
  const fix = isNode
    ? "install Node.js where every user can run it (nodejs.org's Linux archive unpacked into /usr/local, " +
      "say), then run npm run server -- install again with that node"
    : onTheWay
      ? `chmod o+x ${shellPath(blocked)}, or put ${shellPath(path)} where every user can reach it (under /opt, say)`
      : inInstall
        ? `chmod -R a+rX ${shellPath(blocked)}`
        : path.endsWith(".venv")
          ? `make the venv from a Python every user can run: rm -rf ${shellPath(path)}, then ` +
            "PYTHON=/usr/bin/python3 npm run setup"
          : `install ${shellPath(path)} where every user can reach it`;
  return (
    `server install: expected every user to be able to read ${shellPath(path)}, found ${shellPath(blocked)} ` +
    `closed to them.\n  How to fix: ${fix}.`
  );
}

/**
 * Where a symbolic link leads in the end, or undefined if nowhere (a broken link).
 * @param {string} link
 */
function realTarget(link) {
  try {
    return realpathSync(link);
  } catch {
    return undefined;
  }
}

/**
 * Installs the kernel spec and the copy command under `prefix`, after checking that the other users can read
 * what they need. Returns the files written.
 * @param {{prefix?: string, root?: string, node?: string, env?: Record<string, string>}} [options] `env`: for
 *   every kernel (AE_WEIGHTS=1: every lesson loads the saved models instead of training)
 */
export function installForEveryone({
  prefix = "/usr/local",
  root = ROOT,
  node = process.execPath,
  env = {},
} = {}) {
  const realNode = realpathSync(node);
  for (const path of [realNode, ...READ_BY_STUDENTS.map((name) => join(root, name))]) {
    const blocked = unreadableByOthers(path);
    if (blocked) throw new Error(closedMessage(path, blocked, root));
  }
  const kernelDir = join(prefix, "share", "jupyter", "kernels", KERNEL_NAME);
  mkdirSync(kernelDir, { recursive: true });
  const kernelJson = join(kernelDir, "kernel.json");
  writeFileSync(kernelJson, `${JSON.stringify(kernelSpec({ node: realNode, root, env }), null, 2)}\n`);
  const command = join(prefix, "bin", COPY_COMMAND);
  mkdirSync(dirname(command), { recursive: true });
  const server = join(root, "scripts", "server.js");
  writeFileSync(command, `#!/bin/sh\nexec ${shellPath(realNode)} ${shellPath(server)} copy "$@"\n`);
  chmodSync(command, 0o755);
  for (const path of [kernelDir, kernelJson]) chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644);
  // A umask of 077 would leave the folders above them closed to the users.
  const closed = [kernelJson, command].map((path) => unreadableByOthers(path)).find(Boolean);
  if (closed) {
    throw new Error(
      `server install: expected every user to be able to read what it wrote, found ${shellPath(closed)} closed.\n` +
        `  How to fix: chmod a+rX ${shellPath(closed)}, then run it again.`,
    );
  }
  return { kernelJson, command };
}

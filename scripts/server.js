// @ts-check
// The lessons on a shared Linux server (a JupyterHub), installed once for every user:
//   npm run server -- install [--prefix DIR] [--saved-weights]   (an administrator, after `npm run setup`): the
//     TypeScript kernel for every user's Jupyter (DIR/share/jupyter/kernels/tslab, DIR = /usr/local by default;
//     with --saved-weights its lessons load the saved models, AE_WEIGHTS=1) and the command autoencoder-lessons
//     (DIR/bin);
//   autoencoder-lessons [folder]               (each student, once; again after an update): an own copy of the
//     lessons in ~/autoencoder-lessons, or the folder given. Files already there are the student's and are kept.
// The teacher's guide gives the steps (part 十, "共享服务器").
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, shellPath } from "./project.js";
import { STEPS } from "./setup/runner.js";
import { COPY_COMMAND, installForEveryone } from "./server/install.js";
import { COPY_NAME, writeStudentCopy } from "./server/studentCopy.js";

const USAGE =
  "expected `install [--prefix DIR] [--saved-weights]` (an administrator) or `copy [folder]` (a student, as " +
  "autoencoder-lessons)";

/**
 * Runs one command line; returns the lines to print.
 * @param {string[]} args
 * @param {{cwd?: string, home?: string, steps?: {name: string, done: () => boolean}[]}} [context]
 */
export function serverCommand(args, { cwd = process.cwd(), home = homedir(), steps = STEPS } = {}) {
  const [command, ...rest] = args;
  if (command === "install") {
    const at = rest.indexOf("--prefix");
    const prefix = at >= 0 ? rest[at + 1] : "/usr/local";
    const savedWeights = rest.includes("--saved-weights");
    const extra = rest.filter(
      (arg, i) => !(at >= 0 && (i === at || i === at + 1)) && arg !== "--saved-weights",
    );
    if (prefix === undefined || prefix.startsWith("-") || extra.length > 0) {
      throw new Error(`${USAGE}, found install ${rest.join(" ")}`);
    }
    const pending = steps.filter((step) => !step.done()).map((step) => step.name);
    if (pending.length > 0) {
      throw new Error(
        `expected set-up to be done in ${shellPath(ROOT)}, found these steps pending: ${pending.join("; ")}.\n` +
          "  How to fix: run npm run setup there first.",
      );
    }
    /** @type {Record<string, string>} */
    const env = savedWeights ? { AE_WEIGHTS: "1" } : {};
    const { kernelJson, command: copy } = installForEveryone({ prefix: resolve(cwd, prefix), env });
    return [
      `kernel "TypeScript" for every user: ${shellPath(kernelJson)}` +
        (savedWeights ? " (AE_WEIGHTS=1: the lessons load the saved models)" : ""),
      `students' copy command: ${shellPath(copy)} (each student runs ${COPY_COMMAND} once)`,
      `the install ${shellPath(ROOT)} can now be made read-only (chmod -R a-w); kernels write only to ` +
        "the students' folders and TMPDIR",
    ];
  }
  if (command === "copy") {
    if (rest.length > 1 || rest.some((arg) => arg.startsWith("-"))) {
      throw new Error(`${USAGE}, found copy ${rest.join(" ")}`);
    }
    const folder = rest[0] ? resolve(cwd, rest[0]) : join(home, COPY_NAME);
    const { written, kept } = writeStudentCopy(folder);
    return [
      `${written.length} files written into ${shellPath(folder)}` +
        (kept.length > 0 ? `, ${kept.length} already there kept as they are (yours)` : ""),
      `open ${shellPath(join(folder, "notebooks", "01-dense.ipynb"))} in JupyterLab to start`,
    ];
  }
  throw new Error(`${USAGE}, found ${args.join(" ") || "nothing"}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  // `npm run server -- install --prefix x` runs in the checkout: x is where it was typed (npm's INIT_CWD).
  const cwd =
    process.env.npm_lifecycle_event === "server" ? (process.env.INIT_CWD ?? process.cwd()) : process.cwd();
  const name = args[0] === "copy" ? COPY_COMMAND : "server";
  try {
    for (const line of serverCommand(args, { cwd })) process.stdout.write(`${name}: ${line}\n`);
  } catch (error) {
    process.stderr.write(`${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

// @ts-check
// Runs a notebook headless with `jupyter nbconvert --execute` in the venv, and finds the cell that failed.
// tslab reports a failing cell only as a stderr stream (no `error` output), and the cells after it come back
// empty, so nbconvert alone cannot say what went wrong: `failedCell` does. What it executed is signed as trusted.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, jupyterEnv, shellPath, shownPath, venvProgram } from "./project.js";

/**
 * @typedef {{output_type: string, name?: string, text?: string | string[], data?: Record<string, unknown>,
 *   metadata?: Record<string, unknown>, transient?: unknown}} Output
 * @typedef {{cell_type: string, source: string | string[], outputs?: Output[], execution_count?: number | null,
 *   metadata?: Record<string, unknown>}} Cell
 * @typedef {{cells: Cell[], metadata: Record<string, any>, nbformat: number, nbformat_minor: number}} Notebook
 */

/** @param {string | string[] | undefined} text */
export const joinText = (text) => (Array.isArray(text) ? text.join("") : (text ?? ""));

/**
 * The first code cell that wrote to stderr (how tslab reports an error), with what it wrote.
 * @param {Notebook} notebook
 * @returns {{index: number, source: string, stderr: string} | undefined}
 */
export function failedCell(notebook) {
  for (const [index, cell] of notebook.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    const stderr = (cell.outputs ?? [])
      .filter((output) => output.output_type === "stream" && output.name === "stderr")
      .map((output) => joinText(output.text))
      .join("");
    const error = (cell.outputs ?? []).find((output) => output.output_type === "error");
    if (stderr || error) {
      return { index, source: joinText(cell.source), stderr: stderr || JSON.stringify(error) };
    }
  }
  return undefined;
}

/** @param {number} n 1, 2, 3, 11, 22 -> "1st", "2nd", "3rd", "11th", "22nd" */
const ordinal = (n) => {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" }[n % 10] ?? "th");
  return `${n}${suffix}`;
};

/**
 * A code cell of an executed notebook named as a reader finds it: by the number JupyterLab shows beside it after
 * Run All (its execution count, numberExecutedCells), and by its place among the code cells, which differs after
 * an empty cell; a cell without a number by its place alone.
 * @param {Notebook} notebook
 * @param {number} index the cell's index in `notebook.cells`
 */
export function cellName(notebook, index) {
  const place = ordinal(
    notebook.cells.slice(0, index + 1).filter((cell) => cell.cell_type === "code").length,
  );
  const count = notebook.cells[index]?.execution_count;
  return typeof count === "number"
    ? `cell [${count}] (In [${count}] in JupyterLab after Run All; the ${place} code cell)`
    : `the ${place} code cell (it has no number: it did not run)`;
}

/**
 * Error text for a failed cell, for a person to read: the cell as JupyterLab numbers it, its source and stderr,
 * and the executed notebook to open for the rest.
 * @param {string} name
 * @param {Notebook} notebook executed, numbered (numberExecutedCells)
 * @param {{index: number, source: string, stderr: string}} failure
 * @param {string} executed where the executed notebook was written
 */
export function describeFailure(name, notebook, failure, executed) {
  return [
    `${name}: ${cellName(notebook, failure.index)} failed; the cells after it did not run:`,
    ...failure.source.split("\n").map((line) => `  | ${line}`),
    "stderr:",
    ...failure.stderr
      .trimEnd()
      .split("\n")
      .map((line) => `  ${line}`),
    `The executed notebook, with every output: ${shownPath(resolve(executed))}`,
  ].join("\n");
}

/**
 * Numbers the code cells that ran, 1, 2, 3..., as JupyterLab shows them after Run All on a fresh kernel: nbconvert
 * takes the numbers from the kernel's `execute_input` messages, which tslab never sends, so they came back empty
 * and exported pages showed "In [ ]:" everywhere. Empty cells are not sent to the kernel, and the cells after a
 * failed one are aborted by tslab: those keep no number. Returns the notebook, changed in place.
 * @param {Notebook} notebook
 * @returns {Notebook}
 */
export function numberExecutedCells(notebook) {
  const failed = failedCell(notebook)?.index ?? Infinity;
  let count = 0;
  for (const [index, cell] of notebook.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    const ran = index <= failed && joinText(cell.source).trim() !== "";
    cell.execution_count = ran ? ++count : null;
  }
  return notebook;
}

/**
 * Executes `input` and writes the executed notebook to `output` (.ipynb), trusted on this machine (see
 * trustNotebook). Resolves with it parsed.
 * Rejects if nbconvert fails or a cell failed, with that cell's source and stderr in the message.
 * @param {string} input
 * @param {string} output
 * @param {{env?: NodeJS.ProcessEnv, timeoutSeconds?: number, onLine?: (line: string) => void}} [options]
 * @returns {Promise<Notebook>}
 */
export async function executeNotebook(input, output, { env = {}, timeoutSeconds = 1800, onLine } = {}) {
  const notebook = await executeNotebookAllowingErrors(input, output, { env, timeoutSeconds, onLine });
  const failure = failedCell(notebook);
  if (failure) throw new Error(describeFailure(basename(input), notebook, failure, output));
  return notebook;
}

/**
 * Like executeNotebook, but resolves with the executed notebook even when a cell failed.
 * @param {string} input
 * @param {string} output
 * @param {{env?: NodeJS.ProcessEnv, timeoutSeconds?: number, onLine?: (line: string) => void}} [options]
 * @returns {Promise<Notebook>}
 */
export async function executeNotebookAllowingErrors(input, output, options = {}) {
  try {
    return await runNbconvert(input, output, options);
  } catch (error) {
    // Rarely (twice in a few hundred kernel starts, on Node 22 and 24, cause not found), a tslab kernel never
    // answers its first request; a new kernel does. One more try, said on the log; a second silence fails.
    if (!(error instanceof Error) || !KERNEL_SILENT.test(error.message)) throw error;
    options.onLine?.(`${basename(input)}: the kernel did not answer as it started; starting a new one`);
    return runNbconvert(input, output, options);
  }
}

/** nbclient's message when a kernel it started never answered. */
const KERNEL_SILENT = /Kernel didn't respond in \d+ seconds/;

/**
 * One `jupyter nbconvert --execute`.
 * @param {string} input
 * @param {string} output
 * @param {{env?: NodeJS.ProcessEnv, timeoutSeconds?: number, onLine?: (line: string) => void}} [options]
 * @returns {Promise<Notebook>}
 */
function runNbconvert(input, output, { env = {}, timeoutSeconds = 1800, onLine } = {}) {
  const target = resolve(output);
  mkdirSync(dirname(target), { recursive: true });
  const args = [
    "nbconvert",
    "--to",
    "notebook",
    "--execute",
    // Without it nbconvert stops at a failing tslab cell with an empty message; failedCell reports it instead.
    "--allow-errors",
    `--ExecutePreprocessor.timeout=${timeoutSeconds}`,
    // nbclient waits 60 s for a kernel to start by default; a busy machine may take longer.
    "--ExecutePreprocessor.startup_timeout=120",
    "--output",
    target,
    resolve(input),
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(venvProgram("jupyter"), args, {
      cwd: ROOT,
      env: jupyterEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    /** @param {Buffer} chunk */
    const collect = (chunk) => {
      log += chunk.toString();
      if (onLine) for (const line of chunk.toString().split("\n")) if (line.trim()) onLine(line);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => {
      // nbconvert's own log (kernel start, warnings such as IOPub time-outs), kept beside the output.
      writeFileSync(`${target}.log`, log);
      if (code !== 0) {
        // nbconvert's Python traceback would fill the message: what the kernel printed before it (a crash's own
        // words, say) comes first, then the traceback's last line.
        const traceback = log.lastIndexOf("Traceback (most recent call last):");
        const before = traceback >= 0 ? log.slice(0, traceback) : log;
        const last = traceback >= 0 ? `\n${log.slice(traceback).trim().split("\n").at(-1)}` : "";
        reject(
          new Error(
            `jupyter nbconvert --execute ${basename(input)} exited with ${code}:\n${before.slice(-4000)}${last}`,
          ),
        );
        return;
      }
      const notebook = numberExecutedCells(JSON.parse(readFileSync(target, "utf8")));
      writeFileSync(target, `${JSON.stringify(notebook, null, 1)}\n`);
      trustNotebook(target).then(() => resolvePromise(notebook), reject);
    });
  });
}

/**
 * Signs a notebook as trusted on this machine with `jupyter trust`, as Jupyter signs a notebook it ran itself:
 * nbconvert does not, and JupyterLab runs no script of an untrusted notebook, so the charts of an executed one
 * stayed blank there. The signature goes to the venv's Jupyter data folder (jupyterEnv), which `npm start`'s
 * JupyterLab reads. Sign after the last change to the file: the signature is of its content.
 * @param {string} path
 * @returns {Promise<void>}
 */
export function trustNotebook(path) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(venvProgram("jupyter"), ["trust", resolve(path)], {
      cwd: ROOT,
      env: jupyterEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout.on("data", (/** @type {Buffer} */ chunk) => (log += chunk.toString()));
    child.stderr.on("data", (/** @type {Buffer} */ chunk) => (log += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolvePromise();
      else
        reject(new Error(`jupyter trust ${JSON.stringify(path)} exited with ${code}:\n${log.slice(-2000)}`));
    });
  });
}

/**
 * Where `npm run notebook` writes an executed notebook: dist/executed/ mirrors notebooks/, so that
 * notebooks/answers/01-dense.ipynb lands in dist/executed/answers/, apart from the lesson of the same name.
 * A notebook from elsewhere lands in dist/executed/ under its own name.
 * @param {string} input
 */
export function executedPath(input) {
  const inNotebooks = relative(join(ROOT, "notebooks"), resolve(input));
  const outside = inNotebooks.startsWith("..") || isAbsolute(inNotebooks);
  return join(ROOT, "dist", "executed", outside ? basename(input) : inNotebooks);
}

// `npm run notebook -- notebooks/01-dense.ipynb [out.ipynb]`: executes one notebook headless, reports a failing cell.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [input, output] = process.argv.slice(2);
  if (!input) {
    process.stderr.write("usage: npm run notebook -- <notebook.ipynb> [executed.ipynb]\n");
    process.exit(2);
  }
  const target = output ?? executedPath(input);
  const started = Date.now();
  executeNotebook(input, target).then(
    () =>
      process.stdout.write(
        `${input}: ran in ${((Date.now() - started) / 1000).toFixed(0)} s -> ${shellPath(target)}\n`,
      ),
    (/** @type {unknown} */ error) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

// @ts-check
// Where things live in a checkout, and the environment Jupyter runs in. Shared by every script.
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const VENV = join(ROOT, ".venv");
export const VENV_BIN = join(VENV, "bin");
/** Jupyter's data folder for this checkout: kernelspecs and JupyterLab settings live inside the venv. */
export const JUPYTER_DATA = join(VENV, "share", "jupyter");
export const NOTEBOOKS = join(ROOT, "notebooks");
/** What the pack's commands write for the teacher (pages, executed notebooks, lesson programs): ignored by git. */
export const DIST = join(ROOT, "dist");

/**
 * The lessons: the notebooks directly in `dir`, by name without `.ipynb`, in course order ("01-dense", ...).
 * The one list of lessons; a new notebook there is a new lesson to every script and test. The teacher's answers
 * (notebooks/answers/) are not lessons.
 * @param {string} [dir]
 */
export function lessonNames(dir = NOTEBOOKS) {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".ipynb"))
    .map((file) => file.slice(0, -".ipynb".length))
    .sort();
}

/**
 * The machine a measurement was made on, as weights/weights.json and results/export.json record it: the CPU's
 * model name as Node reports it, and its number of cores ("AMD EPYC, 2 cores").
 */
export function cpuName() {
  return `${cpus()[0]?.model ?? "unknown"}, ${cpus().length} cores`;
}

/**
 * The environment of every process the pack starts that loads TensorFlow (the kernel, through its kernelspec; the
 * lesson runner): TensorFlow reads TF_ENABLE_ONEDNN_OPTS once, as its library loads, so a process that starts
 * with it set has oneDNN's kernels (about 1.7 times as fast on the conv lessons) whichever module it imports
 * first. ae-shared sets it too, but only in time when it is imported before @tensorflow/tfjs-node.
 */
export const TENSORFLOW_ENV = { TF_ENABLE_ONEDNN_OPTS: "1" };

/**
 * The environment for jupyter and its kernels: the venv first on PATH, and Jupyter's user data folder
 * pointed into the venv so that a `tslab` kernelspec in the user's home cannot shadow this checkout's.
 * @param {NodeJS.ProcessEnv} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
export function jupyterEnv(extra = {}) {
  return {
    ...process.env,
    PATH: `${VENV_BIN}:${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
    VIRTUAL_ENV: VENV,
    JUPYTER_DATA_DIR: JUPYTER_DATA,
    JUPYTER_PLATFORM_DIRS: "0",
    // TensorFlow's C library logs INFO lines (oneDNN, CPU features) to the kernel's terminal; keep warnings.
    TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? "1",
    ...extra,
  };
}

/**
 * `path` as it can be pasted into a shell: unchanged when a POSIX shell reads it as one word (letters of any
 * script, Chinese included, digits, / . _ - + , : = @ %), else single-quoted ('My Lessons' -> '/x/My Lessons').
 * The library has the same rule (ae-shared's printablePath); set-up needs it before the library is built.
 * @param {string} path
 */
export function shellPath(path) {
  return /^[\p{L}\p{M}\p{N}/._\-+,:=@%]+$/u.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}

/**
 * `path` as a message shows it to a person: relative to the working folder when it lies inside it (shorter to
 * read, and what `npm run` commands start in), else absolute; pasteable into a shell either way (shellPath).
 * @param {string} path
 */
export function shownPath(path) {
  const inside = relative(process.cwd(), path);
  return shellPath(inside !== "" && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path);
}

/**
 * Writes `text` to `path` whole or not at all: into a temporary file beside it, then renamed over it, so that a
 * crash or a full disk midway leaves the file as it was (a committed record must never be left cut short).
 * @param {string} path
 * @param {string} text
 */
export function replaceFile(path, text) {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Path of a program installed in the venv, or an error telling how to install it.
 * @param {string} name
 */
export function venvProgram(name) {
  const path = join(VENV_BIN, name);
  if (!existsSync(path)) {
    throw new Error(
      `${shellPath(path)} is missing: the Python venv is not set up. Run \`npm run setup\` first.`,
    );
  }
  return path;
}

/**
 * Whether `path` is a file someone may run (not a directory, device or missing).
 * @param {string} path
 */
function isExecutableFile(path) {
  try {
    const stat = statSync(path);
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Where set-up unpacks the Chromium that the npm package @sparticuz/chromium ships, on machines without one. */
export const BUNDLED_CHROMIUM = join(ROOT, ".cache", "chromium");
/** Debian's Chromium, used when the machine has it. */
export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/**
 * The headless Chromium the browser checks drive: CHROMIUM_PATH if set, else Debian's, else the one set-up
 * unpacked from @sparticuz/chromium (with the NSS libraries and fonts it ships beside it).
 * @param {NodeJS.ProcessEnv} [env]
 * @param {string[]} [systemPaths] where to look for a system Chromium
 * @returns {{path: string, env: Record<string, string>, source: string}}
 */
export function chromiumForChecks(env = process.env, systemPaths = [SYSTEM_CHROMIUM]) {
  if (env.CHROMIUM_PATH) return { path: env.CHROMIUM_PATH, env: {}, source: "CHROMIUM_PATH" };
  const system = systemPaths.find(isExecutableFile);
  if (system) return { path: system, env: {}, source: "the system's Chromium" };
  return { ...unpackedChromium(BUNDLED_CHROMIUM, env), source: "@sparticuz/chromium" };
}

/**
 * The browser that @sparticuz/chromium unpacked into `dir`, and the environment it runs in: the NSS libraries
 * and fonts the package ships beside it.
 * @param {string} dir
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{path: string, env: Record<string, string>}}
 */
export function unpackedChromium(dir, env = process.env) {
  return {
    path: join(dir, "chromium"),
    env: {
      LD_LIBRARY_PATH: [join(dir, "al2023", "lib"), env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
      FONTCONFIG_PATH: join(dir, "fonts"),
    },
  };
}

// TensorFlow's library prints these two lines to stderr whenever a process loads it with oneDNN on (ae-shared
// turns it on, see backend.ts), whatever TF_CPP_MIN_LOG_LEVEL says. They are no news to a teacher and look
// like warnings, so the terminal of `npm start` and `npm run lesson` leaves them out.
const TENSORFLOW_LOAD_LINES = [
  /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/,
  /^I\d{4} [\d:.]+ +\d+ port\.cc:\d+\] oneDNN custom operations are on\./,
];

/**
 * `text` without TensorFlow's two start-up lines.
 * @param {string} text
 */
export const withoutTensorflowLoadLines = (text) =>
  text
    .split(/(?<=\n)/)
    .filter((line) => !TENSORFLOW_LOAD_LINES.some((pattern) => pattern.test(line.replace(/\n$/, ""))))
    .join("");

/**
 * Copies a child's stderr to this process's, line by line, without TensorFlow's two start-up lines; every
 * other line passes unchanged, and a line without its end yet (a prompt) is shown if nothing follows within
 * 100 ms. Returns a function to call when the child has closed: it writes what is left.
 * @param {import("node:stream").Readable | null} stream
 * @returns {() => void}
 */
export function forwardStderrQuietly(stream) {
  let partial = "";
  /** @type {NodeJS.Timeout | undefined} */
  let flushPartial;
  stream?.setEncoding("utf8");
  stream?.on("data", (/** @type {string} */ chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    const shown = lines.filter((line) => !TENSORFLOW_LOAD_LINES.some((pattern) => pattern.test(line)));
    if (shown.length > 0) process.stderr.write(shown.map((line) => `${line}\n`).join(""));
    clearTimeout(flushPartial);
    if (partial !== "") {
      flushPartial = setTimeout(() => {
        process.stderr.write(partial);
        partial = "";
      }, 100);
    }
  });
  return () => {
    clearTimeout(flushPartial);
    process.stderr.write(partial);
    partial = "";
  };
}

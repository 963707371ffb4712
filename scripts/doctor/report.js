// @ts-check
// What every check of `npm run doctor` shares: its words in Chinese and English (the library's localize, through
// ae-shared/plain), the failure that carries a problem and its fix, the lines it prints, and the child process a
// check that loads TensorFlow runs in (a crash of the native library then fails that check, not the doctor).
import { spawn } from "node:child_process";
import { join } from "node:path";
import * as plain from "ae-shared/plain";
import { ROOT, TENSORFLOW_ENV } from "../project.js";

/** The doctor's own notebook (committed without outputs), and where it writes: under dist/, ignored by git. */
export const DOCTOR_NOTEBOOK = join(ROOT, "scripts", "doctor", "doctor.ipynb");
export const DOCTOR_DIST = join(ROOT, "dist", "doctor");

export { plain };
// Chinese, as teachers read first; `npm run doctor -- --en` in English. A child check gets the same argument.
export const LANGUAGE_ARGS = process.argv.includes("--en") ? ["--en"] : [];
plain.useLanguage(LANGUAGE_ARGS.length > 0 ? "en" : "zh");

/**
 * The text in the language in use (Chinese unless `--en`).
 * @param {string} zh
 * @param {string} en
 */
export const say = (zh, en) => plain.localize({ zh, en });

/** The fix when a failure names none: set-up again, then the doctor again. */
export const SETUP_FIX = () =>
  say(
    "运行 `npm run setup`（按需补装），再运行 `npm run doctor`",
    "run `npm run setup` (it installs what is missing), then `npm run doctor` again",
  );

/** A check that failed: what it saw, and what to do. */
export class CheckFailure extends Error {
  /**
   * @param {string} problem
   * @param {string} fix
   */
  constructor(problem, fix) {
    super(problem);
    this.name = "CheckFailure";
    this.fix = fix;
  }
}

/**
 * Seconds with one decimal, in the language in use: "4.2 秒", "4.2 s".
 * @param {number} ms
 */
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} ${say("秒", "s")}`;

/**
 * A check's line: mark, number, name, then what it saw (or the problem, and the fix on the next line).
 * @param {{number: number, of: number, name: string, ms: number} & ({ok: true, fact: string} |
 *   {ok: false, problem: string, fix: string})} result
 */
export function checkLine(result) {
  const head = `${result.ok ? "✓" : "✗"} ${result.number}/${result.of} ${result.name}`;
  const time = say(`（${seconds(result.ms)}）`, ` (${seconds(result.ms)})`);
  if (result.ok) return `${head}${say("：", ": ")}${result.fact}${time}`;
  const problem = result.problem.trim().split("\n").join("\n    ");
  return `${head}${say("：", ": ")}${problem}${time}\n    ${say("怎么办", "Fix")}${say("：", ": ")}${result.fix}`;
}

/** What a child check prints last: this marker, then its result as JSON. */
export const RESULT_MARK = "DOCTOR_RESULT ";

/**
 * Runs `script` (a check's own module, run as a program) in a Node process with TensorFlow's environment, and
 * returns the JSON it printed after RESULT_MARK. A child that ends without one (a crash, a missing library)
 * is a CheckFailure with the end of what it printed.
 * @param {string} script path of the module
 * @param {NodeJS.ProcessEnv} env
 * @param {number} timeoutMs
 * @returns {Promise<any>}
 */
export function runChild(script, env, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...LANGUAGE_ARGS], {
      cwd: ROOT,
      env: { TF_CPP_MIN_LOG_LEVEL: "2", ...env, ...TENSORFLOW_ENV },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = output.split("\n").find((l) => l.startsWith(RESULT_MARK));
      if (line) {
        resolve(JSON.parse(line.slice(RESULT_MARK.length)));
        return;
      }
      const how = signal
        ? say(`在 ${timeoutMs / 1000} 秒内没有结束`, `did not end within ${timeoutMs / 1000} s`)
        : say(`退出码 ${code}`, `exit code ${code}`);
      const tail = output.trim().split("\n").slice(-12).join("\n");
      reject(
        new CheckFailure(
          `${say("检查进程失败", "the check's process failed")}（${how}）：\n${tail}`,
          SETUP_FIX(),
        ),
      );
    });
  });
}

/**
 * Ends a child check: prints its result for runChild (a CheckFailure as a failure with its fix; another error
 * with its stack, for runChild to report) and exits.
 * @param {() => Promise<Record<string, unknown>>} body
 */
export function childMain(body) {
  body().then(
    (result) => {
      process.stdout.write(`\n${RESULT_MARK}${JSON.stringify({ ok: true, ...result })}\n`);
      process.exit(0);
    },
    (/** @type {unknown} */ error) => {
      const fix = error instanceof CheckFailure ? error.fix : SETUP_FIX();
      const problem = error instanceof Error ? error.message : String(error);
      process.stdout.write(`\n${RESULT_MARK}${JSON.stringify({ ok: false, problem, fix })}\n`);
      process.exit(0);
    },
  );
}

/**
 * A child's result as the check's fact, or its failure thrown.
 * @param {{ok: boolean, problem?: string, fix?: string, fact?: string}} result
 * @returns {string}
 */
export function factOf(result) {
  if (!result.ok) throw new CheckFailure(result.problem ?? "", result.fix ?? SETUP_FIX());
  return result.fact ?? "";
}

// @ts-check
// `npm run lesson -- 01-dense`: a lesson as a plain Node program, for teachers who work in a terminal or an
// editor. The notebook's code cells become one program (lessonProgram.js: nothing is copied by hand), written to
// dist/lessons/ and run with Node. Progress prints as Keras prints it; charts open in nodeplotlib's browser tab,
// or, with no browser (CI, ssh), are written to HTML files whose paths are printed, and the program ends with
// the lesson. AE_EPOCHS and AE_TRAIN_SIZE work as in JupyterLab.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { lessonProgram } from "./lessonProgram.js";
import { NOTEBOOKS, ROOT, TENSORFLOW_ENV, forwardStderrQuietly, lessonNames, shellPath } from "./project.js";

export const PROGRAMS = join(ROOT, "dist", "lessons");

/**
 * The notebook a name means: "01-dense", "01-dense.ipynb", "notebooks/01-dense.ipynb", or a unique prefix ("01").
 * Throws with the lessons there are.
 * @param {string} name
 * @param {string} [dir]
 */
export function findLesson(name, dir = NOTEBOOKS) {
  const lessons = lessonNames(dir);
  const wanted = basename(name ?? "").replace(/\.ipynb$/, "");
  const matches = lessons.includes(wanted)
    ? [wanted]
    : lessons.filter((lesson) => wanted && lesson.startsWith(wanted));
  if (matches.length !== 1) {
    const found = name === undefined ? "no name" : JSON.stringify(name);
    const why = matches.length > 1 ? `, which could be ${matches.join(" or ")}` : "";
    throw new Error(`npm run lesson: expected one of ${lessons.join(", ")}, found ${found}${why}`);
  }
  return /** @type {string} */ (matches[0]);
}

/**
 * Writes a lesson's program (lessonProgram) to dist/lessons/`name` and runs it with Node, its digit grids and
 * charts going to the folder `outputs` (they are written to the temporary folder); resolves with its exit code.
 * @param {string} lesson
 * @param {{name: string, outputs: string, env: NodeJS.ProcessEnv, epilogue?: string, stdin?: "inherit" | "ignore"}} options
 * @returns {Promise<number>}
 */
export function runLessonProgram(lesson, { name, outputs, env, epilogue, stdin = "inherit" }) {
  mkdirSync(outputs, { recursive: true });
  const program = join(PROGRAMS, name);
  writeFileSync(program, lessonProgram(lesson, { epilogue }));
  const child = spawn(process.execPath, [program], {
    cwd: ROOT,
    env: { TF_CPP_MIN_LOG_LEVEL: "2", ...TENSORFLOW_ENV, ...env, TMPDIR: outputs },
    stdio: [stdin, "inherit", "pipe"],
  });
  const stderrDone = forwardStderrQuietly(child.stderr);
  // Ctrl+C reaches the lesson too (one process group): it stops training after the batch, as Stop does.
  const ignore = () => {};
  process.on("SIGINT", ignore);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      stderrDone();
      process.removeListener("SIGINT", ignore);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/**
 * `npm run lesson -- <name>`: writes the lesson's program and runs it; resolves with its exit code.
 * @param {string} lesson
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {Promise<number>}
 */
export function runLesson(lesson, env = process.env) {
  const outputs = join(PROGRAMS, lesson);
  process.stdout.write(
    `${lesson}: running ${shellPath(relative(ROOT, join(PROGRAMS, `${lesson}.cjs`)))}, made from ` +
      `${shellPath(`notebooks/${lesson}.ipynb`)}; its pictures go to ${shellPath(`${relative(ROOT, outputs)}/`)}, and its charts too where no browser can open\n`,
  );
  return runLessonProgram(lesson, { name: `${lesson}.cjs`, outputs, env });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  let lesson;
  try {
    lesson = findLesson(process.argv[2] ?? "");
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  process.exitCode = await runLesson(lesson);
}

// @ts-check
// Reading a lesson's code, for the two compilers of the notebooks' code cells: lessonModels.js (the functions a
// lesson declares, to build its models outside the notebook) and lessonProgram.js (the whole notebook as one Node
// program). Both read the notebook and compile TypeScript as tslab compiles a cell; their errors start
// "lessonCode:".
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT, shellPath } from "./project.js";

/** @typedef {typeof import("typescript")} TypeScript */

/** @type {TypeScript | undefined} */
let typescript;
/** The TypeScript compiler, loaded on first use: it takes a moment, and only the lesson compilers need it. */
export const loadTypeScript = () =>
  (typescript ??= /** @type {TypeScript} */ (createRequire(join(ROOT, "package.json"))("typescript")));

/**
 * Reads a notebook, or says which notebooks there are.
 * @param {string} lesson notebook name without `.ipynb`, e.g. "01-dense"
 * @param {string} dir the folder of the notebooks
 * @returns {{file: string, notebook: import("./notebook.js").Notebook}}
 */
export function readNotebook(lesson, dir) {
  const file = `${lesson}.ipynb`;
  const path = join(dir, file);
  if (!existsSync(path)) {
    const found = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(".ipynb")) : [];
    throw new Error(
      `lessonCode: expected the notebook ${shellPath(path)} for lesson "${lesson}", but it does not exist; ` +
        (existsSync(dir)
          ? `the notebooks in ${shellPath(dir)} are: ${found.join(", ") || "(none)"}`
          : `the folder ${shellPath(dir)} does not exist`),
    );
  }
  try {
    return { file, notebook: JSON.parse(readFileSync(path, "utf8")) };
  } catch (error) {
    throw new Error(`lessonCode: ${shellPath(path)} is not a notebook (JSON): ${String(error)}`, {
      cause: error,
    });
  }
}

/**
 * `source` compiled as tslab compiles a cell: ES2022, CommonJS modules, types dropped. `problems` holds what
 * the compiler reports (a syntax error), one message each; with problems, `code` is not to be run.
 * @param {string} source TypeScript
 * @param {import("typescript").CompilerOptions} [options] more compiler options
 * @returns {{code: string, problems: string[]}}
 */
export function transpileCells(source, options = {}) {
  const ts = loadTypeScript();
  const { outputText, diagnostics = [] } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, ...options },
    reportDiagnostics: true,
  });
  const problems = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  return { code: outputText, problems };
}

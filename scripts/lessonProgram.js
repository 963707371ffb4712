// @ts-check
// A lesson as one program for Node: the notebook's code cells in order, compiled from TypeScript as tslab compiles
// a cell. `npm run lesson` (lesson.js) writes it to dist/lessons/ and runs it; `npm run weights` adds an epilogue
// that saves the lesson's models.
import { loadTypeScript, readNotebook, transpileCells } from "./lessonCode.js";
import { joinText } from "./notebook.js";
import { NOTEBOOKS } from "./project.js";

/** @typedef {import("./lessonCode.js").TypeScript} TypeScript */

/**
 * Names a top-level statement declares: variables (destructured too), functions, classes.
 * @param {TypeScript} ts
 * @param {import("typescript").Statement} statement
 * @returns {string[]}
 */
function declaredNames(ts, statement) {
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
    return [statement.name.text];
  }
  if (!ts.isVariableStatement(statement)) return [];
  /** @param {import("typescript").BindingName} name @returns {string[]} */
  const namesOf = (name) =>
    ts.isIdentifier(name)
      ? [name.text]
      : name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : namesOf(element.name)));
  return statement.declarationList.declarations.flatMap((d) => namesOf(d.name));
}

/**
 * A lesson as one program for Node (CommonJS JavaScript): the notebook's code cells in order, their imports first,
 * the rest inside one async function, so that `await` works as in a cell; compiled from TypeScript as tslab
 * compiles a cell, types dropped. Nothing of the lesson is copied by hand: `npm run lesson` writes this to
 * dist/lessons/ and runs it. Throws, naming the notebook and code cells, where one program cannot mean what the
 * notebook does (a name declared by two cells), or where a cell does not compile.
 * @param {string} lesson notebook name without `.ipynb`, e.g. "01-dense"
 * @param {{dir?: string, epilogue?: string}} [options] `epilogue`: code run after the last cell, in its scope
 *   (`npm run weights` saves the lesson's models there)
 * @returns {string}
 */
export function lessonProgram(lesson, { dir = NOTEBOOKS, epilogue } = {}) {
  const ts = loadTypeScript();
  const { file, notebook } = readNotebook(lesson, dir);
  /** @type {string[]} */
  const imports = [];
  /** @type {string[]} */
  const body = [];
  /** @type {Map<string, number>} */
  const declaredIn = new Map();
  const codeCells = (notebook.cells ?? []).filter((cell) => cell.cell_type === "code");
  for (const [i, cell] of codeCells.entries()) {
    const index = i + 1; // counted as a reader counts code cells, from the top
    const source = ts.createSourceFile("cell.ts", joinText(cell.source), ts.ScriptTarget.ES2022, true);
    const rest = [];
    for (const statement of source.statements) {
      if (ts.isImportDeclaration(statement)) {
        imports.push(statement.getText(source));
        continue;
      }
      for (const name of declaredNames(ts, statement)) {
        const earlier = declaredIn.get(name);
        if (earlier !== undefined) {
          throw new Error(
            `lessonCode: ${file} declares ${name} in code cells ${earlier} and ${index}; as one program a name ` +
              "is declared once. Rename one of them in the notebook",
          );
        }
        declaredIn.set(name, index);
      }
      rest.push(statement.getFullText(source));
    }
    body.push(`// ── code cell ${index} ──\n${rest.join("").replace(/^\s*\n/, "")}`);
  }
  const program = [
    ...new Set(imports),
    "",
    "async function lesson(): Promise<void> {",
    ...body,
    ...(epilogue ? [`// ── after the lesson ──\n${epilogue}`] : []),
    "}",
    "",
    "lesson().catch((error: unknown) => {",
    "  // Message first, as in a notebook (errorReport.ts).",
    '  const { formatError } = require("ae-shared") as typeof import("ae-shared");',
    "  process.stderr.write(`${error instanceof Error ? formatError(error) : String(error)}\\n`);",
    "  process.exitCode = 1;",
    "});",
  ].join("\n");
  const { code, problems } = transpileCells(program, { esModuleInterop: false });
  if (problems.length > 0) {
    throw new Error(`lessonCode: the code cells of ${file} do not compile: ${problems.join("; ")}`);
  }
  return `// ${file} as one program, written by \`npm run lesson\` from its code cells. Edit the notebook, not this.\n${code}`;
}

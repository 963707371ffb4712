// @ts-check
// What the students' copy holds, file by file: which files of the checkout it leaves out (LEFT_OUT), its
// package.json without the commands that need them (LEFT_OUT_SCRIPTS), and its notebooks and .md files with
// their links to left-out files rewritten (links.js); notebooks are checked to carry no outputs.
import { relative, sep } from "node:path";
import { NOTEBOOKS, ROOT } from "../project.js";
import { markdownOf, studentsMarkdown } from "./links.js";

/** The lessons' folder, as a path of the checkout ("notebooks"). */
export const LESSONS = relative(ROOT, NOTEBOOKS).split(sep).join("/");
/** The teacher's answers, as a path of the checkout ("notebooks/answers"). */
export const ANSWERS = `${LESSONS}/answers`;

/** What the copy leaves out, as paths of the checkout (a folder ends in "/"), with why. */
export const LEFT_OUT = {
  [`${ANSWERS}/`]: "the answers to the exercises",
  "docs/": "the teacher's guide (answers, marking)",
  "test/": "the tests",
  ".ci/": "CI",
  "ARCHITECTURE.md": "the maintainers' map of the code",
  "eslint.config.js": "ESLint's settings (the copy has no npm run lint)",
  ".prettierignore": "Prettier's ignore list (the copy has no npm run format)",
  "scripts/tests.js": "the test runner",
  "src/engine/test/": "the engine's tests",
  "scripts/fenceTable.js": "the maintainers' generator of ARCHITECTURE.md's overrides table",
  "scripts/handout.js": "this command, which needs the git checkout",
  "scripts/handout/": "its modules",
};

/** package.json's commands that the copy leaves out: they need what it leaves out, or serve the teacher only. */
export const LEFT_OUT_SCRIPTS = [
  ...["test", "test:unit", "test:line", "test:only", "check", "typecheck", "lint", "format", "format:check"],
  // The maintainer's record of exports and its tables, the measurements, and handout (it needs git).
  ...["record", "results-table", "bench", "handout", "usage"],
  // The offline bundle is made from a git checkout (scripts/bundle.js), which the copy is not.
  "bundle",
];

/**
 * Whether the file `path` of the checkout (POSIX) is `out`, or in it if `out` is a folder ("docs/").
 * @param {string} out
 * @param {string} path
 */
export const isUnder = (out, path) => (out.endsWith("/") ? path.startsWith(out) : path === out);

/** @param {string} path a file of the checkout (POSIX) */
export const isLeftOut = (path) => Object.keys(LEFT_OUT).some((out) => isUnder(out, path));

/**
 * package.json as the copy has it: without LEFT_OUT_SCRIPTS, the rest as it was (dependencies too, so that
 * package-lock.json still fits it).
 * @param {string} text
 */
export function studentsPackage(text) {
  const pkg = JSON.parse(text);
  const scripts = Object.fromEntries(
    Object.entries(pkg.scripts ?? {}).filter(([name]) => !LEFT_OUT_SCRIPTS.includes(name)),
  );
  return `${JSON.stringify({ ...pkg, scripts }, null, 2)}\n`;
}

/**
 * What package.json's commands name that is not there: a file (`node scripts/x.js`) not `present`, or an
 * `npm run` of a command it lacks.
 * @param {string} text package.json
 * @param {(path: string) => boolean} present
 */
export function missingInScripts(text, present) {
  /** @type {Record<string, string>} */
  const scripts = JSON.parse(text).scripts ?? {};
  return Object.entries(scripts).flatMap(([name, command]) => [
    ...command
      .split(/\s+/)
      .filter((word) => /^[\w.@/-]+\.(?:[cm]?[jt]s|py)$/.test(word) && !present(word))
      .map((file) => `npm run ${name}: ${file}`),
    ...[...command.matchAll(/\bnpm run ([\w:-]+)/g)]
      .filter(([, run = ""]) => !(run in scripts))
      .map(([, run]) => `npm run ${name}: npm run ${run}`),
  ]);
}

/**
 * The content the copy has for the checkout's file `path`: package.json without its teacher's commands, a
 * notebook's markdown cells and a .md file with their links to files not `kept` rewritten, anything else as
 * committed. `changes` says what was rewritten ("README.md: “…” → “…”"), `outputs` which cells of a notebook
 * carry outputs or execution counts (none should: notebooks are committed without).
 * @param {string} path
 * @param {Buffer} content
 * @param {(path: string) => boolean} kept
 */
export function studentsFile(path, content, kept) {
  /** @type {string[]} */
  const changes = [];
  /** @type {string[]} */
  const outputs = [];
  const text = content.toString("utf8");
  if (path === "package.json") return { content: Buffer.from(studentsPackage(text)), changes, outputs };
  if (!/\.(md|ipynb)$/.test(path)) return { content, changes, outputs };
  const notebook = path.endsWith(".ipynb");
  const how = { from: path, kept, answers: ANSWERS, sentences: notebook };
  const rewritten = markdownOf(path, text).map((piece) => ({ piece, ...studentsMarkdown(piece.text, how) }));
  for (const { piece, changes: made } of rewritten) changes.push(...made.map((c) => `${piece.where}: ${c}`));
  if (!notebook) {
    return {
      content: changes.length > 0 ? Buffer.from(rewritten[0]?.text ?? text) : content,
      changes,
      outputs,
    };
  }
  /** @type {import("../notebook.js").Notebook} */
  const parsed = JSON.parse(text);
  parsed.cells.forEach((cell, index) => {
    if ((cell.outputs ?? []).length > 0 || (cell.execution_count ?? null) !== null) {
      outputs.push(`${path} cell ${index + 1}`);
    }
  });
  for (const { piece, text: markdown, changes: made } of rewritten) {
    const cell = parsed.cells[piece.cell ?? -1];
    // Jupyter's form: a string per line, each but the last with its "\n".
    if (made.length > 0 && cell) cell.source = markdown.split(/(?<=\n)/);
  }
  // Jupyter writes a notebook as JSON indented by one space, with a final newline (as committed).
  const written = changes.length > 0 ? Buffer.from(`${JSON.stringify(parsed, null, 1)}\n`) : content;
  return { content: written, changes, outputs };
}

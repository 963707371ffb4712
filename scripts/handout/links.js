// @ts-check
// The relative links of Markdown (a .md file, or a notebook's markdown cells): found, checked against the files
// of a folder, and rewritten where their target is left out of the students' copy. Inline links and images,
// reference definitions and HTML href/src count; code spans and fenced code blocks do not.
import { readFileSync, readdirSync } from "node:fs";
import { join, posix } from "node:path";
import { joinText } from "../notebook.js";

/** What a lesson says in place of a sentence that links to an answer notebook. */
export const ANSWERS_SENTENCE = "参考答案由老师提供。";

/**
 * @typedef {{start: number, end: number, text: string, target: string}} Link `start`..`end` is the whole link in
 *   the Markdown (`[text](target)`), `text` what is between its brackets; for a reference definition or an HTML
 *   attribute, `text` is "" and the range is the target's
 * @typedef {{where: string, cell?: number, text: string}} Piece a .md file, or one markdown cell of a notebook
 */

/**
 * `markdown` with its fenced code blocks and code spans blanked: the same length, so that positions still
 * hold, and nothing in code is taken for a link.
 * @param {string} markdown
 */
export function withoutCode(markdown) {
  const blank = (/** @type {string} */ code) => code.replace(/[^\n]/g, " ");
  return markdown
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\1[^\n]*$|(?![\s\S]))/gm, blank)
    .replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, blank);
}

const INLINE =
  /!?\[((?:[^[\]]|\[[^[\]]*\])*)\]\(\s*(<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?\s*\)/dg;
const DEFINITION = /^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)/dgm;
const HTML = /\b(?:href|src)\s*=\s*(?:"([^"\n]*)"|'([^'\n]*)')/dgi;

/**
 * Every link of `markdown` with a target, in order.
 * @param {string} markdown
 * @returns {Link[]}
 */
export function linksOf(markdown) {
  const prose = withoutCode(markdown);
  const unbracket = (/** @type {string} */ target) => target.replace(/^<(.*)>$/, "$1");
  /** @type {Link[]} */
  const links = [];
  for (const match of prose.matchAll(INLINE)) {
    const [textStart = 0, textEnd = 0] = match.indices?.[1] ?? [];
    const start = match.index ?? 0;
    const text = markdown.slice(textStart, textEnd);
    links.push({ start, end: start + match[0].length, text, target: unbracket(match[2] ?? "") });
  }
  for (const match of [...prose.matchAll(DEFINITION), ...prose.matchAll(HTML)]) {
    const group = match[1] !== undefined ? 1 : 2;
    const [start = 0, end = 0] = match.indices?.[group] ?? [];
    links.push({ start, end, text: "", target: unbracket(match[group] ?? "") });
  }
  return links.sort((a, b) => a.start - b.start);
}

/**
 * The file a relative link of `from` points to, as a path of the same folder (POSIX: "bench/RESULTS.md");
 * null for a link that is not relative (a URL, mailto:, an anchor in the same page). A path that leaves the
 * folder starts with "../"; an absolute one with "/".
 * @param {string} from the file holding the link, relative to the folder
 * @param {string} target
 */
export function linkedPath(from, target) {
  if (
    target === "" ||
    target.startsWith("#") ||
    /^[a-z][a-z0-9+.-]*:/i.test(target) ||
    target.startsWith("//")
  ) {
    return null;
  }
  let path = target.replace(/[?#].*$/, "");
  try {
    path = decodeURIComponent(path);
  } catch {
    // Not percent-encoded after all: the path as written.
  }
  if (path === "") return from;
  const joined = path.startsWith("/") ? path : posix.join(posix.dirname(from), path);
  return posix.normalize(joined).replace(/(.)\/$/, "$1");
}

/**
 * The Markdown of a file: a .md file whole, a notebook's markdown cells one by one; nothing for other files.
 * @param {string} path
 * @param {string} content
 * @returns {Piece[]}
 */
export function markdownOf(path, content) {
  if (path.endsWith(".md")) return [{ where: path, text: content }];
  if (!path.endsWith(".ipynb")) return [];
  /** @type {import("../notebook.js").Notebook} */
  const notebook = JSON.parse(content);
  return notebook.cells.flatMap((cell, index) =>
    cell.cell_type === "markdown"
      ? [{ where: `${path} cell ${index + 1}`, cell: index, text: joinText(cell.source) }]
      : [],
  );
}

/**
 * The files below `dir`, relative to it with POSIX separators, sorted.
 * @param {string} dir
 * @param {string} [prefix]
 * @returns {string[]}
 */
export function filesIn(dir, prefix = "") {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? filesIn(join(dir, entry.name), `${prefix}${entry.name}/`)
        : [`${prefix}${entry.name}`],
    )
    .sort();
}

/**
 * Whether `path` (relative, POSIX) is one of `files` or a folder holding some of them.
 * @param {Set<string>} files
 * @param {string} path
 */
export function holds(files, path) {
  if (path === "." || files.has(path)) return true;
  for (const file of files) if (file.startsWith(`${path}/`)) return true;
  return false;
}

/**
 * The relative links of every .md file and notebook in `dir` whose target is not in `dir` (missing, or
 * outside it), each with the file (and cell) that holds it. `ignore` names files that are not part of the
 * folder's content (a marker).
 * @param {string} dir
 * @param {string[]} [ignore]
 * @returns {{where: string, target: string}[]}
 */
export function brokenLinks(dir, ignore = []) {
  const files = new Set(filesIn(dir).filter((file) => !ignore.includes(file)));
  return [...files].flatMap((file) =>
    markdownOf(file, /\.(md|ipynb)$/.test(file) ? readFileSync(join(dir, file), "utf8") : "").flatMap(
      (piece) =>
        linksOf(piece.text).flatMap((link) => {
          const path = linkedPath(file, link.target);
          const inside = path !== null && !path.startsWith("../") && !path.startsWith("/") && path !== "..";
          return path === null || (inside && holds(files, path))
            ? []
            : [{ where: piece.where, target: link.target }];
        }),
    ),
  );
}

/**
 * The sentence of `prose` around `at`: from after the previous 。！？ (or the line's start, past a list marker,
 * quote or heading mark) to its own 。！？ (or the line's end).
 * @param {string} prose
 * @param {number} at
 */
function sentenceAround(prose, at) {
  const lineStart = prose.lastIndexOf("\n", at - 1) + 1;
  const lineEnd = prose.indexOf("\n", at) < 0 ? prose.length : prose.indexOf("\n", at);
  const marker = /^\s*(?:[-*+]\s+|\d+[.)]\s+|>\s*|#+\s+)*/.exec(prose.slice(lineStart, lineEnd))?.[0] ?? "";
  const before = prose.slice(lineStart + marker.length, at).search(/[。！？][^。！？]*$/);
  const start = before < 0 ? lineStart + marker.length : lineStart + marker.length + before + 1;
  const after = prose.slice(at, lineEnd).search(/[。！？]/);
  return { start, end: after < 0 ? lineEnd : at + after + 1, lineStart, lineEnd, marker };
}

/**
 * `markdown` of the file `from` (relative to the checkout) as the students' copy has it, where a link's target
 * is not `kept`: in a lesson (`sentences`), a sentence that links into `answers` (a folder of the checkout)
 * becomes ANSWERS_SENTENCE and any other sentence that links to a file left out is dropped, since it points the
 * reader at something they do not have; elsewhere (README) the link gives way to its text, and the sentence
 * stays. Returns the text and what changed, as "before → after".
 * @param {string} markdown
 * @param {{from: string, kept: (path: string) => boolean, answers: string, sentences: boolean}} how
 * @returns {{text: string, changes: string[]}}
 */
export function studentsMarkdown(markdown, { from, kept, answers, sentences }) {
  const prose = withoutCode(markdown);
  const missing = linksOf(markdown).filter((link) => {
    const path = linkedPath(from, link.target);
    return path !== null && link.text !== "" && !kept(path);
  });
  /** @type {{start: number, end: number, by: string}[]} */
  const edits = [];
  for (const link of missing) {
    if (edits.some((edit) => link.start >= edit.start && link.start < edit.end)) continue;
    if (!sentences) {
      edits.push({ start: link.start, end: link.end, by: link.text });
      continue;
    }
    const path = linkedPath(from, link.target) ?? "";
    const sentence = sentenceAround(prose, link.start);
    const toAnswers = path === answers || path.startsWith(`${answers}/`);
    const rest = markdown.slice(sentence.lineStart + sentence.marker.length, sentence.lineEnd);
    const whole = rest.trim() === markdown.slice(sentence.start, sentence.end).trim();
    // A dropped sentence that was its line takes the line with it.
    const dropLine = !toAnswers && whole;
    edits.push(
      dropLine
        ? { start: sentence.lineStart, end: Math.min(sentence.lineEnd + 1, markdown.length), by: "" }
        : { start: sentence.start, end: sentence.end, by: toAnswers ? ANSWERS_SENTENCE : "" },
    );
  }
  edits.sort((a, b) => b.start - a.start);
  let text = markdown;
  const changes = [];
  for (const edit of edits) {
    const before = markdown.slice(edit.start, edit.end).trim();
    changes.unshift(`“${before}” → ${edit.by === "" ? "(dropped)" : `“${edit.by}”`}`);
    text = text.slice(0, edit.start) + edit.by + text.slice(edit.end);
  }
  if (edits.length > 0 && sentences) text = text.replace(/\n{3,}/g, "\n\n").replace(/\n+$/, "");
  return { text, changes };
}

// @ts-check
// A student's own copy of the lessons on a shared server (`autoencoder-lessons [folder]`): the lessons and the
// files their links reach, written into the student's folder, and a `node_modules` link back to the one install,
// so that a lesson's `import ... from "ae-shared"` (and tslab's TypeScript, which looks for node_modules above the
// notebook) finds the installed packages. A file already there is the student's work and is never replaced.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { linkedPath, linksOf, markdownOf } from "../handout/links.js";
import { LESSONS, isLeftOut, studentsFile } from "../handout/studentsFiles.js";
import { ROOT, lessonNames, shellPath } from "../project.js";

/** The copy's folder when none is given: in the student's home. */
export const COPY_NAME = "autoencoder-lessons";

/**
 * The files of the install a student's copy holds, as paths of the checkout (POSIX): the lessons, and the
 * files their links reach that a students' copy keeps (results/export.json, bench/RESULTS.md; not the answers).
 * @param {string} [root]
 */
export function copiedFiles(root = ROOT) {
  const lessons = lessonNames(join(root, LESSONS)).map((name) => `${LESSONS}/${name}.ipynb`);
  const linked = new Set();
  for (const lesson of lessons) {
    for (const piece of markdownOf(lesson, readFileSync(join(root, lesson), "utf8"))) {
      for (const link of linksOf(piece.text)) {
        const path = linkedPath(lesson, link.target);
        if (path && !isLeftOut(path) && existsSync(join(root, path)) && !lessons.includes(path))
          linked.add(path);
      }
    }
  }
  return [...lessons, ...[...linked].sort()];
}

/**
 * Writes the student's copy into `folder`: each file of copiedFiles not yet there (as the students' copy has
 * it: links to the answers and the guide rewritten), and `node_modules` pointing at the install's. Returns what
 * it wrote and what it kept.
 * @param {string} folder
 * @param {{root?: string}} [options]
 * @returns {{written: string[], kept: string[], linked: string}}
 */
export function writeStudentCopy(folder, { root = ROOT } = {}) {
  const dest = resolve(folder);
  const inside = relative(root, dest);
  if (inside === "" || (!inside.startsWith("..") && !inside.startsWith("/"))) {
    throw new Error(
      `expected a folder outside the install (${shellPath(root)}), found ${shellPath(dest)}.\n` +
        `  How to fix: give a folder in your home, for example ~/${COPY_NAME}.`,
    );
  }
  const files = copiedFiles(root);
  const keptSet = new Set(files);
  /** @type {string[]} */
  const written = [];
  /** @type {string[]} */
  const kept = [];
  for (const path of files) {
    const target = join(dest, path);
    if (existsSync(target)) {
      kept.push(path);
      continue;
    }
    const { content } = studentsFile(path, readFileSync(join(root, path)), (p) => keptSet.has(p));
    mkdirSync(dirname(target), { recursive: true });
    // wx: a file that appeared meanwhile (a second copy started at once) is not overwritten.
    writeFileSync(target, content, { flag: "wx" });
    written.push(path);
  }
  const link = join(dest, "node_modules");
  const installed = join(root, "node_modules");
  const existing = lstatOrUndefined(link);
  if (existing && !existing.isSymbolicLink()) {
    throw new Error(
      `expected ${shellPath(link)} to be a link to the install's packages, found a ` +
        `${existing.isDirectory() ? "folder" : "file"}.\n  How to fix: move it aside and run autoencoder-lessons again.`,
    );
  }
  if (!existing || readlinkSync(link) !== installed) {
    // A link to an older install (moved, or reinstalled elsewhere) is pointed at this one.
    if (existing) unlinkSync(link);
    symlinkIfAbsent(installed, link);
  }
  return { written, kept, linked: link };
}

/** @param {string} path */
function lstatOrUndefined(path) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * @param {string} target
 * @param {string} link
 */
function symlinkIfAbsent(target, link) {
  try {
    symlinkSync(target, link);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== "EEXIST") throw error;
  }
}

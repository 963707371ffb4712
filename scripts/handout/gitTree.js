// @ts-check
// The students' copy is made of the checkout's last commit (HEAD), read from git: its files with their modes
// and contents, its date, and the working tree's changes that such a copy would leave out.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { joinText } from "../notebook.js";
import { shellPath } from "../project.js";

/**
 * git's output for `args`, run in `root`; a missing git or a failing command as an error saying so.
 * @param {string} root
 * @param {string[]} args
 * @param {string} [input]
 * @returns {Buffer}
 */
function git(root, args, input) {
  const run = spawnSync("git", ["-C", root, ...args], { input, maxBuffer: 2 ** 31 - 1 });
  if (run.error) {
    throw new Error(
      `git was not found (${run.error.message}): the students' copy is made from git's last commit`,
    );
  }
  if (run.status !== 0) throw new Error(`git ${args[0]} failed: ${run.stderr.toString().trim()}`);
  return run.stdout;
}

/**
 * The last commit of the checkout at `root`: its id and its time (seconds since 1970), or an error if `root`
 * is not a git checkout with a commit.
 * @param {string} root
 */
export function headCommit(root) {
  const run = spawnSync("git", ["-C", root, "log", "-1", "--format=%H %ct", "HEAD"], { encoding: "utf8" });
  if (run.error || run.status !== 0) {
    throw new Error(
      `${shellPath(root)} is not a git checkout with a commit (${(run.error?.message ?? run.stderr).trim()}): ` +
        "the students' copy is made from the last commit, so that what the teacher committed is what students get. " +
        "Clone the lesson pack with git (git clone …) and run it there.",
    );
  }
  const [id = "", time = "0"] = run.stdout.trim().split(" ");
  return { id, time: Number(time) };
}

/**
 * @typedef {{path: string, mode: string, object: string}} TreeFile a file of a commit: its path (POSIX,
 *   from the checkout's top), its mode ("100644", "100755", "120000" for a symbolic link) and its blob's id
 */

/**
 * The files of the last commit (submodules left out).
 * @param {string} root
 * @returns {TreeFile[]}
 */
export function headFiles(root) {
  return git(root, ["ls-tree", "-r", "-z", "--full-tree", "HEAD"])
    .toString("utf8")
    .split("\0")
    .filter(Boolean)
    .flatMap((entry) => {
      const tab = entry.indexOf("\t");
      const [mode = "", type = "", object = ""] = entry.slice(0, tab).split(" ");
      return type === "blob" ? [{ path: entry.slice(tab + 1), mode, object }] : [];
    });
}

/**
 * The contents of the blobs `objects`, read in one `git cat-file --batch`.
 * @param {string} root
 * @param {string[]} objects
 * @returns {Map<string, Buffer>}
 */
export function blobs(root, objects) {
  const out = git(root, ["cat-file", "--batch"], objects.map((object) => `${object}\n`).join(""));
  /** @type {Map<string, Buffer>} */
  const contents = new Map();
  let at = 0;
  for (const object of objects) {
    const eol = out.indexOf(10, at);
    const [, type, size = "0"] = out.subarray(at, eol).toString("utf8").split(" ");
    if (type !== "blob") throw new Error(`git cat-file: ${object} is not a blob`);
    contents.set(object, out.subarray(eol + 1, eol + 1 + Number(size)));
    at = eol + 1 + Number(size) + 1;
  }
  return contents;
}

/**
 * Whether two texts of a notebook have the same cells (kinds and sources): a notebook that JupyterLab saved
 * with its outputs after a class differs from its commit only in outputs, counts and metadata.
 * @param {string} a
 * @param {string} b
 */
export function sameCells(a, b) {
  const cells = (/** @type {string} */ text) =>
    JSON.stringify(
      /** @type {import("../notebook.js").Notebook} */ (JSON.parse(text)).cells.map((cell) => [
        cell.cell_type,
        joinText(cell.source),
      ]),
    );
  try {
    return cells(a) === cells(b);
  } catch {
    return false;
  }
}

/**
 * The files the copy would take whose working-tree state is not their last commit's, as `git status` names
 * them ("changed", "deleted", "not committed"), `kept(path)` telling which files the copy takes. Notebooks that
 * differ only in outputs (same cells) are counted apart, as `outputsOnly`: the copy leaves those outputs out.
 * @param {string} root
 * @param {(path: string) => boolean} kept
 * @param {(path: string) => Buffer | undefined} committed a file's content in the last commit
 */
export function uncommittedChanges(root, kept, committed) {
  const status = git(root, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"])
    .toString("utf8")
    .split("\0")
    .filter(Boolean)
    .map((entry) => ({ code: entry.slice(0, 2), path: entry.slice(3) }))
    .filter(({ path }) => kept(path));
  /** @type {{path: string, how: string}[]} */
  const changed = [];
  let outputsOnly = 0;
  for (const { code, path } of status) {
    const file = join(root, path);
    const before = committed(path);
    if (code === "??" || before === undefined) changed.push({ path, how: "not committed" });
    else if (!existsSync(file)) changed.push({ path, how: "deleted" });
    else if (readFileSync(file).equals(before))
      continue; // staged, or changed back: as committed
    else if (path.endsWith(".ipynb") && sameCells(before.toString("utf8"), readFileSync(file, "utf8"))) {
      outputsOnly += 1;
    } else changed.push({ path, how: "changed" });
  }
  return { changed, outputsOnly };
}

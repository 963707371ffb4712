// @ts-check
// `npm run handout [-- <folder>]`: the students' copy of the lesson pack, written to a folder
// (dist/students/<package name>/ by default) and to a .tar.gz beside it. It is made of the checkout's last commit,
// read from git, not of the working tree: the committed notebooks have no outputs and are what the tests ran, and
// JupyterLab saves a lesson's outputs into the working tree as a class runs it. So a lesson edited but not
// committed (or a new one not added) stops it, with the fix; a notebook that differs only in outputs does not.
// `--committed-only` hands out the last commit all the same.
// Left out: the answers (notebooks/answers/), the git history (no .git), the teacher's guide (docs/), the tests,
// CI, and the package.json commands that need them. A lesson's sentence that links to its answers reads
// ANSWERS_SENTENCE instead; one that links to another file left out is dropped; in README such a link gives way
// to its text. Then every relative link of the copy's Markdown (.md files, notebooks' markdown cells) must
// resolve inside it, or the command fails naming the file and the link. The folder is replaced on the next run
// only if this script wrote it (its marker file): any other folder must be absent or empty.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { checkTar, writeArchive } from "./handout/archive.js";
import { blobs, headCommit, headFiles, uncommittedChanges } from "./handout/gitTree.js";
import { brokenLinks, holds } from "./handout/links.js";
import {
  LEFT_OUT,
  LESSONS,
  isLeftOut,
  isUnder,
  missingInScripts,
  studentsFile,
  studentsPackage,
} from "./handout/studentsFiles.js";
import { ROOT, lessonNames, shellPath } from "./project.js";

/** The file that marks a folder as written by this script (left out of the archive). */
export const MARKER = ".students-copy";
const MARKER_TEXT =
  "Written by `npm run handout` (scripts/handout.js) of the autoencoder lesson pack: its next run into this " +
  "folder removes it and writes it anew. The archive beside it leaves this file out.\n";

/** @param {string} path a file of the checkout (POSIX): whether it is a lesson, a notebook right in notebooks/ */
const isLesson = (path) =>
  path.startsWith(`${LESSONS}/`) && /^[^/]+\.ipynb$/.test(path.slice(LESSONS.length + 1));

/**
 * Stops unless `out` may be (re)written: absent, empty, or a copy this script wrote (its MARKER), and not a
 * folder holding the checkout; the archive beside it is replaced only with such a copy. Then `out` is empty
 * but for the marker.
 * @param {string} out
 * @param {string} archive
 * @param {string} root
 */
function prepareFolder(out, archive, root) {
  const up = relative(out, root);
  if (up === "" || (!up.startsWith("..") && !isAbsolute(up))) {
    throw new Error(
      `${shellPath(out)} holds the lesson pack itself: name a folder outside it, or below dist/`,
    );
  }
  const ours = existsSync(join(out, MARKER));
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new Error(`${shellPath(out)} is a file: name a folder`);
    if (readdirSync(out).length > 0 && !ours) {
      throw new Error(
        `${shellPath(out)} is not empty, and npm run handout did not write it (it has no ${MARKER}): ` +
          "name a folder that is absent or empty",
      );
    }
  }
  if (existsSync(archive) && !ours) {
    throw new Error(
      `${shellPath(archive)} is there already, and npm run handout did not write the folder beside it: ` +
        "move it away, or name another folder",
    );
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, MARKER), MARKER_TEXT);
}

/**
 * Writes the students' copy of the checkout at `root` into `out`, and `<out>.tar.gz`.
 * @param {{out: string, root?: string, committedOnly?: boolean, log?: (line: string) => void}} options
 */
export function writeHandout({ out, root = ROOT, committedOnly = false, log = () => {} }) {
  const commit = headCommit(root);
  checkTar();
  const tree = headFiles(root);
  const kept = tree.filter((file) => !isLeftOut(file.path));
  const contents = blobs(
    root,
    kept.map((file) => file.object),
  );
  /** @type {Map<string, Buffer>} */
  const byPath = new Map(kept.map((file) => [file.path, contents.get(file.object) ?? Buffer.alloc(0)]));
  const { changed, outputsOnly } = uncommittedChanges(
    root,
    // Untracked files count only as new lessons (a notebook directly in notebooks/), not as the teacher's own.
    (path) => !isLeftOut(path) && (byPath.has(path) || isLesson(path)),
    (path) => byPath.get(path),
  );
  if (changed.length > 0 && !committedOnly) {
    throw new Error(
      "the students' copy is made of the last commit, and these files differ from it:\n" +
        changed.map(({ path, how }) => `  ${path} (${how})\n`).join("") +
        "Commit them (git add, git commit) to hand them out, or leave them out: " +
        "npm run handout -- --committed-only",
    );
  }
  if (outputsOnly > 0) {
    log(`${outputsOnly} notebooks differ from the last commit only in outputs: the copy has them without`);
  }
  const archive = `${out.replace(/[/\\]+$/, "")}.tar.gz`;
  prepareFolder(out, archive, root);

  const files = new Set(kept.map((file) => file.path));
  /** @type {string[]} */
  const withOutputs = [];
  for (const file of kept) {
    const target = join(out, ...file.path.split("/"));
    mkdirSync(dirname(target), { recursive: true });
    const committed = byPath.get(file.path) ?? Buffer.alloc(0);
    if (file.mode === "120000") {
      symlinkSync(committed.toString("utf8"), target);
      continue;
    }
    const { content, changes, outputs } = studentsFile(file.path, committed, (path) => holds(files, path));
    for (const change of changes) log(change);
    withOutputs.push(...outputs);
    writeFileSync(target, content);
    chmodSync(target, file.mode === "100755" ? 0o755 : 0o644);
  }
  if (withOutputs.length > 0) {
    throw new Error(
      `these notebooks are committed with outputs: ${withOutputs.join(", ")}. ` +
        "Clear them (JupyterLab: Edit → Clear Outputs of All Cells), save, commit, and run again",
    );
  }
  const broken = brokenLinks(out, [MARKER]);
  if (broken.length > 0) {
    throw new Error(
      "links of the students' copy lead nowhere (their files are left out or missing):\n" +
        broken.map(({ where, target }) => `  ${where}: ${target}\n`).join("") +
        `Fix them in the lesson pack, or teach scripts/handout.js how to rewrite them (the copy is in ${shellPath(out)})`,
    );
  }
  const missing = missingInScripts(
    studentsPackage(byPath.get("package.json")?.toString("utf8") ?? "{}"),
    (path) => files.has(path),
  );
  if (missing.length > 0)
    throw new Error(`package.json's commands name what the copy lacks: ${missing.join("; ")}`);

  const folders = [
    ...new Set(
      [...files].flatMap((path) =>
        path
          .split("/")
          .slice(0, -1)
          .map((_, i, parts) => parts.slice(0, i + 1).join("/")),
      ),
    ),
  ];
  for (const folder of folders) chmodSync(join(out, ...folder.split("/")), 0o755);
  chmodSync(out, 0o755);
  const size = writeArchive(out, [...folders, ...files], archive, commit.time);
  const leftOut = Object.keys(LEFT_OUT).flatMap((path) => {
    const count = tree.filter((file) => isUnder(path, file.path)).length;
    if (count === 0) return [];
    return path.endsWith("/") ? [`${path} (${count} ${count === 1 ? "file" : "files"})`] : [path];
  });
  return {
    commit: commit.id,
    out,
    archive,
    size,
    files: files.size,
    lessons: lessonNames(join(out, LESSONS)),
    leftOut,
  };
}

/** @param {number} bytes */
const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg.startsWith("-") && arg !== "--committed-only");
  const folders = args.filter((arg) => !arg.startsWith("-"));
  // `npm run handout -- x` runs in the checkout: x is where the teacher typed it, as npm records (INIT_CWD).
  const base =
    process.env.npm_lifecycle_event === "handout" ? (process.env.INIT_CWD ?? process.cwd()) : process.cwd();
  const log = (/** @type {string} */ line) => process.stdout.write(`handout: ${line}\n`);
  try {
    if (unknown.length > 0 || folders.length > 1) {
      throw new Error(`expected at most a folder and --committed-only, found ${args.join(" ")}`);
    }
    const name = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).name;
    const out = folders[0] ? resolve(base, folders[0]) : join(ROOT, "dist", "students", name);
    const made = writeHandout({ out, committedOnly: args.includes("--committed-only"), log });
    log(
      `made of commit ${made.commit.slice(0, 12)}, without ${made.leftOut.join(", ")}, and without git's history`,
    );
    log("every relative link of its Markdown resolves inside it");
    log(`${made.lessons.length} lessons: ${made.lessons.join(", ")}`);
    log(`folder ${shellPath(made.out)} (${made.files} files)`);
    log(`archive ${shellPath(made.archive)} (${megabytes(made.size)})`);
  } catch (error) {
    process.stderr.write(`handout failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// scripts/handout.js: `npm run handout` writes the students' copy of the last commit, under a path with spaces and
// Chinese characters, and its .tar.gz: no answers, no git history, no outputs, the lessons of notebooks/, every
// relative link resolving inside it (found here by a finder of the test's own), package.json's commands naming
// only files it has; the same bytes on a second run; a folder it did not write is never replaced; a lesson edited
// but not committed stops it, a notebook saved with outputs does not.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { writeHandout, MARKER } from "../../scripts/handout.js";
import { ANSWERS_SENTENCE, brokenLinks, studentsMarkdown } from "../../scripts/handout/links.js";
import { joinText, type Notebook } from "../../scripts/notebook.js";
import { ROOT, lessonNames } from "../../scripts/project.js";

const scratch = mkdtempSync(join(tmpdir(), "ae-handout-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const isCheckout = spawnSync("git", ["-C", ROOT, "rev-parse", "HEAD"]).status === 0;
const skip = !isCheckout && "not a git checkout: the students' copy is made from git's last commit";

/** The files below `dir`, relative to it (POSIX). */
function filesIn(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? [`${prefix}${entry.name}/`, ...filesIn(join(dir, entry.name), `${prefix}${entry.name}/`)]
      : [`${prefix}${entry.name}`],
  );
}

const readNotebook = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Notebook;

/** The Markdown a student reads in `file`: a .md file, or a notebook's markdown cells. */
function markdownOf(dir: string, file: string): string[] {
  if (file.endsWith(".md")) return [readFileSync(join(dir, file), "utf8")];
  if (!file.endsWith(".ipynb")) return [];
  return readNotebook(join(dir, file))
    .cells.filter((cell) => cell.cell_type === "markdown")
    .map((cell) => joinText(cell.source));
}

/** Relative link targets of Markdown, by a finder of this test's own: `](target)`, `]: target`, href/src. */
function relativeTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "``");
  return [
    ...prose.matchAll(/\]\(\s*<?([^)\s>]+)/g),
    ...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?([^\s>]+)/gm),
    ...prose.matchAll(/(?:href|src)\s*=\s*["']([^"']+)/g),
  ]
    .map((match) => match[1] ?? "")
    .filter((target) => !/^(?:[a-z][a-z0-9+.-]*:|#|\/\/)/i.test(target));
}

/** Runs `node scripts/handout.js` with `args`. */
function handout(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, "scripts", "handout.js"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("npm run handout: the students' copy", { skip }, () => {
  // The working tree may hold someone's uncommitted work: the copy is HEAD's either way.
  const out = join(scratch, "新 课程 ae", "学生的 副本");
  const archive = `${out}.tar.gz`;
  let run: ReturnType<typeof handout>;
  let files: string[] = [];
  before(() => {
    run = handout("--committed-only", out);
    files = existsSync(out) ? filesIn(out).filter((file) => file !== MARKER) : [];
  });

  test("it succeeds and says what it wrote: the folder, the archive with its size, the lessons", () => {
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.stdout.includes(out), `names the folder:\n${run.stdout}`);
    assert.ok(run.stdout.includes(archive), "names the archive");
    assert.match(run.stdout, /\.tar\.gz'? \(\d+\.\d MB\)/);
    assert.match(run.stdout, new RegExp(`\\b${lessonNames().length} lessons: ${lessonNames().join(", ")}`));
  });

  test("no answers, no git history, nothing of the teacher's or the maintainers'", () => {
    assert.ok(files.length > 50, `the copy has the pack's files (${files.length})`);
    for (const gone of ["notebooks/answers/", ".git", ".git/", "test/", "docs/", ".ci/", "ARCHITECTURE.md"]) {
      const found = files.filter((file) => (gone.endsWith("/") ? file.startsWith(gone) : file === gone));
      assert.deepEqual(found, [], `${gone} is left out`);
    }
    for (const needed of [
      "package.json",
      "package-lock.json",
      "requirements.txt",
      "scripts/setup.js",
      "README.md",
    ]) {
      assert.ok(files.includes(needed), `${needed} is in the copy`);
    }
    for (const file of files.filter((f) => f.endsWith(".ipynb"))) {
      assert.doesNotMatch(readFileSync(join(out, file), "utf8"), /练习答案/, `${file} holds no answers`);
    }
    // The answers of the checkout are notebooks titled so: the check above can find one.
    const answers = join(ROOT, "notebooks", "answers");
    if (existsSync(answers)) {
      const first = readdirSync(answers).find((file) => file.endsWith(".ipynb"));
      if (first) assert.match(readFileSync(join(answers, first), "utf8"), /练习答案/);
    }
  });

  test("the lessons are those of notebooks/, committed without outputs", () => {
    assert.deepEqual(lessonNames(join(out, "notebooks")), lessonNames());
    for (const file of files.filter((f) => f.endsWith(".ipynb"))) {
      readNotebook(join(out, file)).cells.forEach((cell, index) => {
        assert.deepEqual(cell.outputs ?? [], [], `${file} cell ${index + 1}: no outputs`);
        assert.equal(cell.execution_count ?? null, null, `${file} cell ${index + 1}: no execution count`);
      });
    }
  });

  test("every relative link of its .md files and markdown cells resolves inside it", () => {
    let count = 0;
    for (const file of files) {
      for (const markdown of markdownOf(out, file)) {
        for (const target of relativeTargets(markdown)) {
          count += 1;
          const path = posix.normalize(
            posix.join(posix.dirname(file), decodeURI(target.replace(/[?#].*$/, ""))),
          );
          const inside = !path.startsWith("../") && path !== ".." && !path.startsWith("/");
          assert.ok(inside && existsSync(join(out, path)), `${file}: ${target} leads nowhere`);
        }
      }
    }
    assert.ok(count > 10, `the lessons link to each other (${count} links found)`);
    // Lessons that linked to their answers say where the answers are instead.
    for (const name of lessonNames()) {
      const lesson = readNotebook(join(ROOT, "notebooks", `${name}.ipynb`));
      const linked = lesson.cells.some((cell) => /\]\(answers\//.test(joinText(cell.source)));
      const copy = readFileSync(join(out, "notebooks", `${name}.ipynb`), "utf8");
      if (linked) assert.ok(copy.includes(ANSWERS_SENTENCE), `${name} says ${ANSWERS_SENTENCE}`);
    }
  });

  test("package.json keeps its dependencies, and its commands name only what the copy has", () => {
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
    const original = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    for (const key of ["name", "dependencies", "devDependencies", "workspaces", "engines", "type"]) {
      assert.deepEqual(pkg[key], original[key], `package.json's ${key}, as package-lock.json has it`);
    }
    for (const command of ["setup", "start", "lesson", "notebook", "export"]) {
      assert.ok(command in pkg.scripts, `npm run ${command} is kept`);
    }
    assert.ok(
      !("test" in pkg.scripts) && !("handout" in pkg.scripts),
      "npm test and npm run handout are not",
    );
    const packages = [".", ...(pkg.workspaces as string[])];
    for (const dir of packages) {
      const scripts = JSON.parse(readFileSync(join(out, dir, "package.json"), "utf8")).scripts as Record<
        string,
        string
      >;
      for (const [name, command] of Object.entries(scripts)) {
        for (const [file] of command.matchAll(/[\w./-]+\.(?:[cm]?js|ts|py)\b/g)) {
          assert.ok(existsSync(join(out, dir, file)), `${dir}/package.json: npm run ${name} needs ${file}`);
        }
        for (const [, other = ""] of command.matchAll(/\bnpm run ([\w:-]+)/g)) {
          assert.ok(other in scripts, `${dir}/package.json: npm run ${name} runs npm run ${other}`);
        }
      }
    }
  });

  test("the archive holds the same files, under the folder's name", () => {
    assert.ok(existsSync(archive), archive);
    const list = spawnSync("tar", ["-tzf", archive], { encoding: "utf8" });
    assert.equal(list.status, 0, list.stderr);
    const name = posix.basename(out);
    const listed = list.stdout
      .split("\n")
      .filter(Boolean)
      .map((entry) => entry.slice(`${name}/`.length))
      .filter(Boolean);
    assert.deepEqual(listed.sort(), [...files].sort());
  });

  test("a second run replaces its own copy with the same bytes", () => {
    const first = sha256(archive);
    writeFileSync(join(out, "notes.txt"), "left from before");
    const again = handout("--committed-only", out);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(sha256(archive), first);
    assert.ok(!existsSync(join(out, "notes.txt")), "the old copy was removed first");
    assert.deepEqual(
      filesIn(out).filter((file) => file !== MARKER),
      files,
    );
  });

  test("a folder it did not write is refused and left as it was", () => {
    const foreign = join(scratch, "我的 文件");
    mkdirSync(foreign, { recursive: true });
    writeFileSync(join(foreign, "homework.txt"), "mine");
    const refused = handout("--committed-only", foreign);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /is not empty, and npm run handout did not write it/);
    assert.deepEqual(readdirSync(foreign), ["homework.txt"]);
    assert.ok(!existsSync(`${foreign}.tar.gz`), "no archive beside it");
    const itself = handout("--committed-only", ROOT);
    assert.equal(itself.status, 1);
    assert.match(itself.stderr, /holds the lesson pack itself/);
    assert.ok(existsSync(join(ROOT, "package.json")));
  });
});

describe("its own checks", () => {
  test("a link that leads nowhere or out of the folder is found, naming the file and cell", () => {
    const dir = join(scratch, "links");
    mkdirSync(join(dir, "notebooks"), { recursive: true });
    writeFileSync(join(dir, "README.md"), "[ok](notebooks/a.ipynb) [gone](docs/guide.md) `[code](x.md)`\n");
    const cells = [{ cell_type: "markdown", metadata: {}, source: ["[up](../README.md) [out](../../x.md)"] }];
    writeFileSync(join(dir, "notebooks", "a.ipynb"), JSON.stringify({ cells, metadata: {} }));
    writeFileSync(join(dir, "x.md"), "");
    assert.deepEqual(brokenLinks(dir), [
      { where: "README.md", target: "docs/guide.md" },
      { where: "notebooks/a.ipynb cell 1", target: "../../x.md" },
    ]);
  });

  test("a lesson's sentence on its answers is replaced, one pointing at another file left out dropped", () => {
    const how = { from: "notebooks/02-deep.ipynb", kept: (path: string) => !/answers|docs/.test(path) };
    const lesson =
      "做完再看。参考答案在 [`answers/02-deep.ipynb`](answers/02-deep.ipynb)。\n- 见 [指南](../docs/g.md)。\n下一课：[03](03-conv.ipynb)。";
    const { text, changes } = studentsMarkdown(lesson, {
      ...how,
      answers: "notebooks/answers",
      sentences: true,
    });
    assert.equal(text, `做完再看。${ANSWERS_SENTENCE}\n下一课：[03](03-conv.ipynb)。`);
    assert.equal(changes.length, 2);
    const readme = studentsMarkdown("见[教师指南](docs/g.md)第一部分。", {
      ...how,
      from: "README.md",
      answers: "notebooks/answers",
      sentences: false,
    });
    assert.equal(readme.text, "见教师指南第一部分。");
  });

  test(
    "a lesson edited but not committed stops it; one saved with outputs does not (a clone under 新 课程 ae)",
    {
      skip,
    },
    () => {
      const clone = join(scratch, "新 课程 ae", "课程包");
      const cloned = spawnSync("git", ["clone", "--quiet", ROOT, clone], { encoding: "utf8" });
      assert.equal(cloned.status, 0, cloned.stderr);
      const [first = "", second = ""] = lessonNames(join(clone, "notebooks"));
      const path = (name: string) => join(clone, "notebooks", `${name}.ipynb`);
      const committed = readFileSync(path(first), "utf8");
      const withOutputs = readNotebook(path(first));
      const code = withOutputs.cells.find((cell) => cell.cell_type === "code");
      assert.ok(code);
      code.outputs = [{ output_type: "stream", name: "stdout", text: ["epochs = 5\n"] }];
      code.execution_count = 1;
      writeFileSync(path(first), `${JSON.stringify(withOutputs, null, 1)}\n`);
      const edited = readNotebook(path(second));
      edited.cells[0]!.source = ["# 改过的标题"];
      writeFileSync(path(second), `${JSON.stringify(edited, null, 1)}\n`);
      writeFileSync(join(clone, "notebooks", "99-new.ipynb"), JSON.stringify({ cells: [], metadata: {} }));
      // Work handed in, kept beside the lessons: the teacher's, not a lesson.
      mkdirSync(join(clone, "notebooks", "交回的 作业"));
      writeFileSync(join(clone, "notebooks", "交回的 作业", "张三.ipynb"), committed);
      const out = join(scratch, "新 课程 ae", "从克隆");
      assert.throws(
        () => writeHandout({ root: clone, out }),
        (error: Error) => {
          assert.match(error.message, new RegExp(`notebooks/${second}\\.ipynb \\(changed\\)`));
          assert.match(error.message, /notebooks\/99-new\.ipynb \(not committed\)/);
          assert.doesNotMatch(error.message, new RegExp(`${first}\\.ipynb`), "outputs alone are no change");
          assert.match(error.message, /--committed-only/);
          assert.doesNotMatch(error.message, /张三/, "nor work handed in");
          return true;
        },
      );
      assert.ok(!existsSync(out), "nothing written");
      const made = writeHandout({ root: clone, out, committedOnly: true });
      assert.deepEqual(
        made.lessons,
        lessonNames(join(clone, "notebooks")).filter((name) => name !== "99-new"),
      );
      const copy = readNotebook(join(out, "notebooks", `${first}.ipynb`));
      assert.equal(copy.cells.length, JSON.parse(committed).cells.length);
      assert.ok(
        copy.cells.every((cell) => (cell.outputs ?? []).length === 0 && !cell.execution_count),
        "no outputs",
      );
      assert.equal(relative(dirname(made.archive), made.out), posix.basename(out));
    },
  );
});

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// scripts/server.js and scripts/server/: a student's copy of the lessons (the lessons and what their links reach,
// the answers' links rewritten, node_modules linked to the install, the student's own files kept), the
// system-wide kernel spec and copy command, and the check that every user can read the install, with the fix it
// names. The whole route, with three users and their own Jupyter servers, is test/scripts/sharedServer.test.ts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ANSWERS_SENTENCE, linksOf, markdownOf } from "../../scripts/handout/links.js";
import { ROOT, lessonNames } from "../../scripts/project.js";
import { serverCommand } from "../../scripts/server.js";
import {
  KERNEL_NAME,
  READ_BY_STUDENTS,
  closedMessage,
  installForEveryone,
  kernelSpec,
  unreadableByOthers,
} from "../../scripts/server/install.js";
import { copiedFiles, writeStudentCopy } from "../../scripts/server/studentCopy.js";

const scratch = mkdtempSync(join(tmpdir(), "ae-server 课-"));
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("a student's copy", () => {
  const lessons = lessonNames().map((name) => `notebooks/${name}.ipynb`);

  test("holds the lessons and the files their links reach, not the answers or the guide", () => {
    assert.deepEqual(copiedFiles(), [...lessons, "bench/RESULTS.md", "results/export.json"]);
  });

  test("is written with working links and node_modules pointing at the install; a second run keeps it all", () => {
    const folder = join(scratch, "home", "autoencoder-lessons");
    const first = writeStudentCopy(folder);
    assert.deepEqual(first.written, copiedFiles());
    assert.equal(readlinkSync(join(folder, "node_modules")), join(ROOT, "node_modules"));
    const text = lessons.map((path) => readFileSync(join(folder, path), "utf8")).join("\n");
    assert.ok(text.includes(ANSWERS_SENTENCE), "the answers' links become the teacher's sentence");
    for (const path of lessons) {
      for (const piece of markdownOf(path, readFileSync(join(folder, path), "utf8"))) {
        for (const link of linksOf(piece.text).filter((l) => !/^[a-z]+:|^#/.test(l.target))) {
          const target = join(folder, "notebooks", decodeURI(link.target.replace(/#.*$/, "")));
          assert.ok(existsSync(target), `${piece.where}: ${link.target} resolves in the copy`);
        }
      }
    }
    // The student's work stays: an edited lesson is not replaced, a deleted one comes back.
    writeFileSync(join(folder, lessons[0]!), "my work");
    rmSync(join(folder, lessons[1]!));
    const second = writeStudentCopy(folder);
    assert.deepEqual(second.written, [lessons[1]]);
    assert.equal(second.kept.length, copiedFiles().length - 1);
    assert.equal(readFileSync(join(folder, lessons[0]!), "utf8"), "my work");
  });

  test("re-points a link to an older install, refuses a real node_modules and a folder inside the install", () => {
    const folder = join(scratch, "older");
    mkdirSync(folder, { recursive: true });
    symlinkSync("/nowhere/node_modules", join(folder, "node_modules"));
    writeStudentCopy(folder);
    assert.equal(readlinkSync(join(folder, "node_modules")), join(ROOT, "node_modules"));

    const real = join(scratch, "real");
    mkdirSync(join(real, "node_modules"), { recursive: true });
    assert.throws(() => writeStudentCopy(real), /to be a link to the install's packages, found a folder/);
    assert.throws(() => writeStudentCopy(join(ROOT, "mine")), /expected a folder outside the install/);
  });
});

describe("the install for every user", () => {
  test("the kernel spec starts tslab by absolute paths, under the lessons' kernel name", () => {
    const spec = kernelSpec({ node: "/usr/bin/node", root: "/opt/ae" });
    assert.equal(KERNEL_NAME, "tslab");
    assert.deepEqual(spec.argv, [
      "/usr/bin/node",
      "/opt/ae/node_modules/tslab/bin/tslab",
      "kernel",
      "--config-path",
      "{connection_file}",
    ]);
    assert.equal(spec.env.TF_ENABLE_ONEDNN_OPTS, "1");
    const saved = kernelSpec({ node: "/usr/bin/node", root: "/opt/ae", env: { AE_WEIGHTS: "1" } });
    assert.deepEqual(saved.env, { ...spec.env, AE_WEIGHTS: "1" });
  });

  /** A small install: open to all, with one file and one folder to close. */
  function install(name: string) {
    const root = join(scratch, name);
    for (const dir of READ_BY_STUDENTS) mkdirSync(join(root, dir, "inner"), { recursive: true });
    writeFileSync(join(root, "node_modules", "inner", "a.js"), "");
    writeFileSync(join(root, "node"), "#!/bin/sh\n");
    chmodSync(join(root, "node"), 0o755);
    return root;
  }

  test("finds what the others cannot read: a file, a folder, a folder on the way, a link's target", () => {
    const root = install("modes");
    assert.equal(unreadableByOthers(root), undefined);
    const file = join(root, "node_modules", "inner", "a.js");
    chmodSync(file, 0o600);
    assert.equal(unreadableByOthers(root), file);
    chmodSync(file, 0o644);
    const closed = join(root, "weights", "inner");
    chmodSync(closed, 0o700);
    assert.equal(unreadableByOthers(root), closed);
    assert.equal(unreadableByOthers(join(closed, "x"), { into: false }), closed, "on the way");
    chmodSync(closed, 0o755);
    const secret = join(scratch, "secret");
    mkdirSync(secret, { mode: 0o700 });
    chmodSync(secret, 0o700);
    writeFileSync(join(secret, "python3"), "");
    symlinkSync(join(secret, "python3"), join(root, "src", "python3"));
    assert.equal(unreadableByOthers(root), secret, "a link's target, through the folders on its way");
  });

  test("says how to fix each: a folder on the way, the install's content, a venv from a closed Python", () => {
    const root = "/opt/ae";
    assert.match(
      closedMessage(`${root}/node_modules`, "/opt", root),
      /How to fix: chmod o\+x \/opt, or put \/opt\/ae\/node_modules where every user can reach it/,
    );
    assert.match(
      closedMessage(`${root}/weights`, `${root}/weights/dense`, root),
      /How to fix: chmod -R a\+rX \/opt\/ae\/weights\/dense\./,
    );
    assert.match(
      closedMessage("/root/.nvm/versions/node/v24.1.0/bin/node", "/root", root),
      /How to fix: install Node\.js where every user can run it .*, then run npm run server -- install again/,
    );
    assert.match(
      closedMessage(`${root}/.venv`, "/root", root),
      /found \/root closed to them\.\n {2}How to fix: make the venv from a Python every user can run: rm -rf \/opt\/ae\/\.venv, then PYTHON=\/usr\/bin\/python3 npm run setup\./,
    );
  });

  test("writes the kernel spec and the copy command, readable by all; refuses a closed install", () => {
    const root = install("open");
    const prefix = join(scratch, "prefix");
    const node = join(root, "node");
    const { kernelJson, command } = installForEveryone({ prefix, root, node });
    assert.equal(kernelJson, join(prefix, "share", "jupyter", "kernels", "tslab", "kernel.json"));
    assert.deepEqual(JSON.parse(readFileSync(kernelJson, "utf8")), kernelSpec({ node, root }));
    const script = readFileSync(command, "utf8");
    assert.equal(script, `#!/bin/sh\nexec '${node}' '${join(root, "scripts", "server.js")}' copy "$@"\n`);
    assert.equal(unreadableByOthers(command), undefined);
    chmodSync(join(root, "weights"), 0o700);
    assert.throws(() => installForEveryone({ prefix, root, node }), /weights'? closed to them/);
  });

  test("the command line: install wants set-up done; unknown arguments are named", () => {
    const pending = [{ name: "Python venv", done: () => false }];
    assert.throws(
      () => serverCommand(["install"], { steps: pending }),
      /found these steps pending: Python venv\.\n {2}How to fix: run npm run setup there first\./,
    );
    assert.throws(
      () => serverCommand(["install", "--prefix"]),
      /expected `install \[--prefix DIR\] \[--saved-weights\]`.*, found install --prefix$/,
    );
    assert.throws(() => serverCommand(["install", "--saved"]), /found install --saved$/);
    assert.throws(() => serverCommand(["copy", "a", "b"]), /found copy a b/);
    assert.throws(() => serverCommand([]), /found nothing/);
    const home = join(scratch, "student");
    const lines = serverCommand(["copy"], { home });
    // The lessons, and the two files their links reach (copiedFiles).
    assert.match(
      lines[0] ?? "",
      new RegExp(`^${copiedFiles().length} files written into .*student/autoencoder-lessons`),
    );
    const run = spawnSync(process.execPath, [join(ROOT, "scripts", "server.js"), "copy", "x", "y"], {
      encoding: "utf8",
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^autoencoder-lessons failed: expected/);
  });
});

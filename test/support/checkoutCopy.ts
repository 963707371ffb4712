// A copy of the checkout's files as they are (as .ci/run copies them), committed in a git repository of its own,
// with what set-up installed (node_modules, .venv) borrowed from the checkout: a test changes the copy as a
// maintainer would and runs the pack's commands or tests there; `git status` there shows what they changed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT } from "../../scripts/project.js";

/** git in `cwd`, its output; a failure fails the test with git's words. */
export function git(cwd: string, ...args: string[]): string {
  const run = spawnSync("git", args, { cwd, encoding: "utf8" });
  assert.equal(run.status, 0, `git ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

/** Whether the checkout is a git repository (a copy of the pack without .git is not). */
export const isCheckout = spawnSync("git", ["rev-parse", "--git-dir"], { cwd: ROOT }).status === 0;

/** Commits everything in `copy` as a test's maintainer. */
export function commitAll(copy: string, message: string): void {
  git(copy, "add", "--all");
  const as = ["-c", "user.name=test", "-c", "user.email=test@example.invalid"];
  git(copy, ...as, "commit", "--quiet", "-m", message);
}

/**
 * A new copy of the checkout under a temporary folder named from `prefix` (give it a space and Chinese, as a
 * teacher's folder may have): the files git tracks or would track, but those `leaveOut` names, and `files`
 * written over them (path → text), committed and clean. The caller removes it.
 */
export function copyOfCheckout(
  prefix: string,
  {
    leaveOut = () => false,
    files = {},
  }: { leaveOut?: (file: string) => boolean; files?: Record<string, string> } = {},
): string {
  const copy = mkdtempSync(join(tmpdir(), prefix));
  const tracked = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    .split("\0")
    .filter((file) => file !== "" && !leaveOut(file) && existsSync(join(ROOT, file)));
  for (const file of tracked) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(ROOT, file), join(copy, file));
  }
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    writeFileSync(join(copy, file), text);
  }
  // What set-up installed, borrowed from the checkout (git's "node_modules/" does not match a link): the
  // packages, the venv, and the browser the tests drive where the machine has none (.cache/chromium).
  const installed = ["node_modules", ".venv", ".cache"].filter((dir) => existsSync(join(ROOT, dir)));
  for (const dir of installed) symlinkSync(join(ROOT, dir), join(copy, dir));
  git(copy, "init", "--quiet");
  writeFileSync(join(copy, ".git", "info", "exclude"), installed.map((dir) => `/${dir}\n`).join(""));
  commitAll(copy, "copy");
  assert.equal(git(copy, "status", "--porcelain"), "", "the copy starts clean");
  return copy;
}

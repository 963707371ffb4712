// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// paths.ts: paths a person reads are printed so that they can be pasted into a shell as they are.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { printablePath } from "ae-shared";
import { shellPath } from "../scripts/project.js";
import { inLanguage } from "./support/language.js";
import { printedPath, readPrintedPath } from "./support/paths.js";

test("a shell-safe path is printed as it is: letters of any script, digits, / . _ - + , : = @ %", () => {
  for (const path of [
    "/work/main/dist/lessons/01-dense/ae-digits-1.png",
    "/tmp/课程/权重/weights.bin",
    "relative/a_b-c+d,e:f=g@h%20.txt",
    "/home/zoë/Übung",
  ]) {
    assert.equal(printablePath(path), path);
  }
});

test("anything else is single-quoted, a quote inside written '\\''", () => {
  assert.equal(printablePath("/tmp/My Lessons/x.png"), "'/tmp/My Lessons/x.png'");
  assert.equal(printablePath("/tmp/x 课程 ae/weights"), "'/tmp/x 课程 ae/weights'");
  assert.equal(printablePath("/tmp/teacher's/x.png"), "'/tmp/teacher'\\''s/x.png'");
  assert.equal(printablePath("/tmp/$HOME`x`/(a)*;b"), "'/tmp/$HOME`x`/(a)*;b'");
  assert.equal(printablePath("~/x"), "'~/x'", "a shell would expand ~");
  assert.equal(
    printablePath("/tmp/全角(括号)"),
    "'/tmp/全角(括号)'",
    "full-width punctuation is not a letter",
  );
  assert.equal(printablePath(""), "''");
});

test("what a POSIX shell reads from a printed path is the path", () => {
  for (const path of ["/tmp/My Lessons/x.png", "/tmp/teacher's 课程/x y'z.png", "/tmp/a\tb\nc", "/tmp/x"]) {
    const read = execFileSync("sh", ["-c", `printf %s ${printablePath(path)}`], { encoding: "utf8" });
    assert.equal(read, path);
    // And the tests' own reader finds and reads it back in a line of output.
    const line = `PNG 10x10 written to ${printablePath(path)}\n`;
    const found = new RegExp(`written to ${printedPath("")}$`, "m").exec(line)?.[1];
    if (!path.includes("\n")) assert.equal(readPrintedPath(found ?? ""), path);
  }
});

test("a path that is not a string is refused, in the lesson's language", async () => {
  assert.throws(() => printablePath(3 as unknown as string), {
    name: "TypeError",
    message: "printablePath: path must be a string, found 3",
  });
  await inLanguage("zh", () =>
    assert.throws(() => printablePath(undefined as unknown as string), {
      message: "printablePath: path 应为字符串，实际为 undefined",
    }),
  );
});

test("the scripts' shellPath (set-up needs it before the library is built) follows the same rule", () => {
  for (const path of ["/tmp/课程/x.png", "/tmp/My Lessons/x.png", "/tmp/teacher's/x", "~/x", "", "a=b@c%d"]) {
    assert.equal(shellPath(path), printablePath(path), path);
  }
});

// The checklist for a new lesson (ARCHITECTURE.md, "Where to add" → "A lesson"), followed once for a lesson that
// does not train as the course does: 99-recipe, a small dense autoencoder trained with SGD and mean squared error
// (test/fixtures/99-recipe.ipynb, and its registry entry test/fixtures/99-recipe.js). In a copy of the checkout
// (test/support/checkoutCopy.ts) it does steps 1 and 2 as written, the notebook into notebooks/ and its entry into
// scripts/lessons/, committed, then runs there tsc and the tests that would reject a new lesson, executing only
// 99-recipe: notebooks.test's structure checks, its headless run and its run at 1 image; lessons.test;
// lessonPlan.test's plans; prose.test; lesson.test's naming and `npm run lesson` of 99-recipe; doctorLessonTimes;
// handout. Step 3 (its answers, `npm run weights`, `npm run export` and `npm run record`) is stated, not run: it
// trains for minutes and writes the records that the tests left out here read (the period on the slowest CPU
// recorded, the quick setting's claims, the generated tables, the committed weights). The recipe can fail: without
// the entry, or without useLanguage("zh") in the first cell, the structure checks fail naming the missing step.
// Time on 2 cores (AMD EPYC, measured): 1 min 40 s.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { RECIPE } from "../scripts/lessons.js";
import { ROOT, lessonNames } from "../scripts/project.js";
import { commitAll, copyOfCheckout, isCheckout } from "./support/checkoutCopy.js";

const LESSON = "99-recipe";
const FIXTURES = join(ROOT, "test", "fixtures");

describe(
  `the checklist, followed for ${LESSON} (SGD, mean squared error) in a copy of the checkout`,
  { skip: !isCheckout && "not a git checkout: the copy is made from git's files" },
  () => {
    let copy = "";
    const notebook = () => join(copy, "notebooks", `${LESSON}.ipynb`);
    const entry = () => join(copy, "scripts", "lessons", `${LESSON}.js`);

    before(() => {
      assert.ok(!lessonNames().includes(LESSON), `${LESSON} is a lesson of the pack already`);
      copy = copyOfCheckout("ae 课程 recipe ");
      // Step 1: the notebook. Step 2: its entry in the lesson registry. Committed, as the handout reads commits.
      copyFileSync(join(FIXTURES, `${LESSON}.ipynb`), notebook());
      copyFileSync(join(FIXTURES, `${LESSON}.js`), entry());
      commitAll(copy, `${LESSON}, by the checklist`);
    });
    after(() => rmSync(copy, { recursive: true, force: true }));

    /** `node` in the copy with `args`; its status and what it printed. */
    function node(args: string[]) {
      const env: NodeJS.ProcessEnv = { ...process.env, AE_TEST_TIER: "all" };
      // Set by the test runner for its own children: a `node --test` that inherits it reports in the runner's
      // own format instead of printing.
      delete env.NODE_TEST_CONTEXT;
      const run = spawnSync(process.execPath, args, { cwd: copy, env, encoding: "utf8", timeout: 1_200_000 });
      return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
    }

    /** A test file run in the copy, only the tests `patterns` name (all, when none), with the spec reporter. */
    const testFile = (file: string, patterns: string[] = []) =>
      node([
        "--import",
        "tsx",
        "--test",
        "--test-reporter=spec",
        ...patterns.flatMap((pattern) => ["--test-name-pattern", pattern]),
        file,
      ]);

    /** The lines a failing run printed about its failures, for the message. */
    const failures = (output: string) =>
      output
        .split("\n")
        .filter((line) => /✖|not ok|Error|error:|step \d/.test(line))
        .slice(0, 40)
        .join("\n");

    test("tsc, and the lesson tests, pass on it", (t) => {
      const tsc = node([join(copy, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]);
      assert.equal(
        tsc.status,
        0,
        `tsc in the copy: its entry is typed as the registry's Lesson\n${tsc.output}`,
      );
      const runs: [file: string, patterns: string[], ran: string[]][] = [
        ["test/lessons.test.ts", [], ["every lesson of notebooks/ has its entry"]],
        [
          "test/notebooks.test.ts",
          ["the committed notebooks", `^${LESSON}$`, `^${LESSON} at 1 training image`],
          [
            `${LESSON}: its first code cell`,
            `${LESSON}: no outputs`,
            `${LESSON}: saves`,
            `${LESSON} (`,
            `${LESSON} at 1 training image`,
          ],
        ],
        [
          "test/scripts/lessonPlan.test.ts",
          ["the committed plans", "a lesson's parts"],
          [`${LESSON}: its entry`],
        ],
        ["test/prose.test.ts", [], [`notebooks/${LESSON}.ipynb: markdown`]],
        [
          "test/scripts/lesson.test.ts",
          ["^a lesson is named", "lessonProgram", `^${LESSON}$`],
          [`${LESSON} (`],
        ],
        ["test/scripts/doctorLessonTimes.test.ts", [], ["the lessons with Conv2D layers"]],
        ["test/scripts/handout.test.ts", [], ["the lessons are those of notebooks/"]],
      ];
      for (const [file, patterns, ran] of runs) {
        const started = Date.now();
        const { status, output } = testFile(file, patterns);
        t.diagnostic(`${file}: ${Math.round((Date.now() - started) / 1000)} s`);
        assert.equal(status, 0, `${file} failed on ${LESSON} in the copy:\n${failures(output)}`);
        assert.match(output, /ℹ fail 0/, file);
        for (const name of ran) assert.ok(output.includes(`✔ ${name}`), `${file} ran "${name}…" and passed`);
      }
    });

    test("without its entry (step 2), the lesson tests fail, naming the step", () => {
      const text = readFileSync(entry(), "utf8");
      rmSync(entry());
      try {
        const step2 = `notebooks/${LESSON}.ipynb has no entry in the lesson registry: add scripts/lessons/${LESSON}.js (step 2 of ${RECIPE})`;
        for (const [file, patterns] of [
          ["test/lessons.test.ts", []],
          ["test/notebooks.test.ts", ["the committed notebooks"]],
        ] as const) {
          const { status, output } = testFile(file, [...patterns]);
          assert.equal(status, 1, `${file} passed without the entry`);
          assert.ok(output.includes(step2), `${file} names step 2:\n${failures(output)}`);
        }
      } finally {
        writeFileSync(entry(), text);
      }
    });

    test('without useLanguage("zh") in its first code cell (step 1), the structure checks fail, naming the step', () => {
      const text = readFileSync(notebook(), "utf8");
      const without = text.replace(/ {4}"useLanguage\(\\"zh\\"\);[^\n]*\n/, "");
      assert.notEqual(without, text, "the fixture's first code cell calls useLanguage");
      writeFileSync(notebook(), without);
      try {
        const { status, output } = testFile("test/notebooks.test.ts", ["the committed notebooks"]);
        assert.equal(status, 1, "notebooks.test passed without useLanguage");
        assert.ok(
          output.includes(`${LESSON}: its first code cell calls useLanguage("zh") (step 1 of ${RECIPE})`),
          `notebooks.test names step 1:\n${failures(output)}`,
        );
      } finally {
        writeFileSync(notebook(), text);
      }
    });
  },
);

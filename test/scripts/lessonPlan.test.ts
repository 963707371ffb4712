// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// The lessons' plans for a 45-minute period (scripts/lessonPlan.js): the planned minutes (each lesson's entry,
// scripts/lessons/) cover each lesson's parts as the notebook heads them, and every lesson fits the period on the
// slowest CPU recorded (a new lesson's times come from its first recorded export: step 3 of the checklist).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Run } from "../../scripts/export.js";
import { PERIOD_MINUTES, lessonParts, lessonPlan, partTimes, subsections } from "../../scripts/lessonPlan.js";
import { RECIPE, lessonEntry } from "../../scripts/lessons.js";
import type { Notebook } from "../../scripts/notebook.js";
import { NOTEBOOKS, ROOT, lessonNames } from "../../scripts/project.js";

const read = (name: string) => JSON.parse(readFileSync(join(NOTEBOOKS, `${name}.ipynb`), "utf8")) as Notebook;
const recorded = JSON.parse(readFileSync(join(ROOT, "results", "export.json"), "utf8")) as {
  lessons: Record<string, Run[]>;
};

describe("the committed plans", () => {
  for (const name of lessonNames()) {
    test(`${name}: its entry plans minutes for each of its parts, in the notebook's order, no more`, () => {
      const titles = lessonParts(read(name)).map((part) => part.title);
      assert.deepEqual(
        Object.keys(lessonEntry(name).plan),
        titles,
        `${name}: the plan of scripts/lessons/${name}.js, against the notebook's level-2 headings`,
      );
    });

    test(`${name}: the subsections a teacher may skip are its own, as headed`, () => {
      const headings = subsections(read(name));
      for (const heading of lessonEntry(name).skippable)
        assert.ok(headings.includes(heading), `${name}: ${heading}`);
    });
  }
});

describe("the recorded times: each lesson within a period", () => {
  for (const name of lessonNames()) {
    test(`${name} fits a ${PERIOD_MINUTES}-minute period on the slowest CPU recorded`, () => {
      const runs = recorded.lessons[name];
      assert.ok(
        runs && runs.length > 0,
        `no recorded run of ${name}: run \`npm run export\`, then \`npm run record\` (step 3 of ${RECIPE})`,
      );
      const plan = lessonPlan(name, read(name), runs);
      assert.ok(
        plan.total <= PERIOD_MINUTES,
        `${name}: ${plan.talk} minutes of explaining + ${plan.machine} of running = ${plan.total}`,
      );
    });
  }
});

describe("a lesson's parts", () => {
  const at = (second: number) => `2026-12-06T10:00:${String(second).padStart(2, "0")}.000000Z`;
  const ran = (source: string, from: number, to: number) => ({
    cell_type: "code",
    source,
    metadata: { execution: { "iopub.status.busy": at(from), "iopub.status.idle": at(to) } },
  });
  const notebook: Notebook = {
    cells: [
      { cell_type: "markdown", source: "# 标题\n\n## 学习目标\n- 目标" },
      ran('import { keep } from "ae-shared";', 0, 3),
      { cell_type: "markdown", source: "## 1、训练\n说明" },
      ran('const saved = await tryLoadSavedWeights(model, "dense");', 3, 4),
      // A fit that AE_WEIGHTS=1 replaces (written in two pieces: the unit tier holds no literal call of fit).
      ran(["const history = saved ?? await model", "fit(x, x, {});"].join("."), 4, 34),
      { cell_type: "markdown", source: "### 小节\n不算新的部分" },
      ran("showDigits();", 34, 36),
      { cell_type: "markdown", source: "## 总结" },
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };

  test("a part per level-2 heading, with its cells' run time and whether AE_WEIGHTS=1 changes it", () => {
    assert.deepEqual(lessonParts(notebook), [
      { title: "学习目标", savedWeights: false, seconds: 3 },
      { title: "1、训练", savedWeights: true, seconds: 33 },
      { title: "总结", savedWeights: false, seconds: null },
    ]);
    assert.deepEqual(partTimes(notebook), [
      { title: "学习目标", seconds: 3 },
      { title: "1、训练", seconds: 33 },
      { title: "总结", seconds: 0 },
    ]);
  });

  test("the total: planned minutes plus the longest recorded run, rounded up to a minute", () => {
    const run = (cpu: string, seconds: number): Run => ({
      date: "2026-12-06",
      cpu,
      seconds,
      settings: { epochs: 5, trainSize: 60000 },
      results: [],
      parts: partTimes(notebook),
    });
    const plan = lessonPlan("01-dense", notebook, [run("AMD", 50), run("Intel", 130), run("Intel", 100)]);
    assert.equal(plan.machine, 3, "130 s on the slower CPU");
    assert.equal(plan.times.get("AMD")?.parts?.get("1、训练"), 33);
  });
});

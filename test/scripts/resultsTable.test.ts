// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Run } from "../../scripts/export.js";
import type { Notebook } from "../../scripts/notebook.js";
import { ROOT } from "../../scripts/project.js";
import { README } from "../../scripts/readmeTables.js";
import {
  END,
  BENCH_RESULTS,
  GUIDE,
  START,
  markers,
  lessonTitle,
  mergeResults,
  readSources,
  replaceSection,
  resultsTable,
  sectionOf,
  withResultsTable,
  writeGeneratedSections,
  type SavedModel,
  type Sources,
} from "../../scripts/resultsTable.js";

const guide = readFileSync(GUIDE, "utf8");

describe("the committed guide", () => {
  test("its generated sections are what scripts/resultsTable.js makes of notebooks/, results/ and weights/", async () => {
    const expected = await withResultsTable(guide, readSources());
    for (const name of [
      "results-table",
      "lesson-plan",
      "quick-setting",
      "answer-times",
      "node-lines",
      "check-times",
    ]) {
      assert.notEqual(
        sectionOf(guide, name),
        undefined,
        `the guide has no ${name} section between its markers`,
      );
      assert.equal(
        sectionOf(guide, name),
        sectionOf(expected, name),
        `docs/teacher-guide.zh.md's ${name} section is stale: run \`npm run results-table\` and commit the guide`,
      );
    }
  });

  test("it describes every lesson in notebooks/, outside the generated table", () => {
    const prose = guide.slice(0, guide.indexOf(START)) + guide.slice(guide.indexOf(END));
    for (const { name } of readSources().lessons) {
      assert.ok(prose.includes(`**\`${name}\``), `docs/teacher-guide.zh.md: no section on ${name}`);
    }
  });

  test("README's generated parts (the lessons' times, set-up's steps) are what scripts/resultsTable.js makes of the files", async () => {
    const readme = readFileSync(README, "utf8");
    const expected = await withResultsTable(readme, readSources(), README);
    for (const name of ["lesson-times", "answer-times", "setup-steps"]) {
      assert.notEqual(
        sectionOf(readme, name),
        undefined,
        `README.md has no ${name} section between its markers`,
      );
      assert.equal(
        sectionOf(readme, name),
        sectionOf(expected, name),
        `README.md's ${name} section is stale: run \`npm run results-table\` and commit README.md`,
      );
    }
  });

  test("bench/RESULTS.md's recorded runs are what scripts/resultsTable.js makes of bench/recorded/", async () => {
    const results = readFileSync(BENCH_RESULTS, "utf8");
    const names = [...results.matchAll(/<!-- (bench-run [\w.-]+\.json) start/g)].map((m) => m[1] ?? "");
    assert.ok(names.length > 0, "bench/RESULTS.md shows at least one recorded run");
    const expected = await withResultsTable(results, readSources(), BENCH_RESULTS);
    for (const name of names) {
      // A run's table: models' runs, lessons' times (--lessons) or kernels (--kernels).
      assert.match(
        sectionOf(results, name) ?? "",
        /\| (model +\| impl|lesson|spot) +\|/,
        `${name}: its table`,
      );
      assert.equal(
        sectionOf(results, name),
        sectionOf(expected, name),
        `bench/RESULTS.md's ${name} section is stale: run \`npm run results-table\` and commit it`,
      );
    }
  });

  test("README's first lines give the two commands and link it", () => {
    const opening = readFileSync(join(ROOT, "README.md"), "utf8").split("\n").slice(0, 20).join("\n");
    assert.match(opening, /\(docs\/teacher-guide\.zh\.md\)/);
    assert.match(opening, /npm start/);
    assert.match(opening, /npm test/);
    assert.match(opening, /[\u4e00-\u9fff]/, "in Chinese");
  });
});

test("result lines: a number that differs between runs becomes a range, as printed", () => {
  assert.deepEqual(
    mergeResults([
      ["最终 loss = 0.1175，val_loss = 0.1120", "编码同为 32 维时，deep 的 MSE 最小，比 PCA 低 52%"],
      ["最终 loss = 0.1180，val_loss = 0.1118", "编码同为 32 维时，deep 的 MSE 最小，比 PCA 低 50%"],
      ["最终 loss = 0.1170，val_loss = 0.1120", "编码同为 32 维时，deep 的 MSE 最小，比 PCA 低 52%"],
    ]),
    [
      "最终 loss = 0.1170–0.1180，val_loss = 0.1118–0.1120",
      "编码同为 32 维时，deep 的 MSE 最小，比 PCA 低 50–52%",
    ],
  );
  assert.deepEqual(mergeResults([["val_loss = 0.1000"], ["val_loss = 0.1000"]]), ["val_loss = 0.1000"]);
  // Lines that differ in more than their numbers: every variant, merged, with how many runs printed it.
  assert.deepEqual(mergeResults([["conv 的 MSE 最小"], ["deep 的 MSE 最小"]]), [
    "conv 的 MSE 最小（1 次）",
    "deep 的 MSE 最小（1 次）",
  ]);
  assert.deepEqual(
    mergeResults([
      ["a = 1", "稀疏比普通高 0.0017"],
      ["a = 2", "稀疏比普通低 0.0012"],
      ["a = 3", "稀疏比普通高 0.0030"],
    ]),
    ["a = 1–3", "稀疏比普通高 0.0017–0.0030（2 次）", "稀疏比普通低 0.0012（1 次）"],
  );
  assert.deepEqual(mergeResults([["a = 1"], ["a = 1", "b = 2"]]), ["a = 1", "b = 2"]);
  assert.deepEqual(mergeResults([]), []);
});

const saved = (lesson: string, loss: number, more: Partial<SavedModel> = {}): SavedModel => ({
  lesson,
  epochs: 50,
  loss,
  val_loss: loss - 0.001,
  trained: "2026-11-27",
  lessonSeconds: 70,
  cpu: "AMD EPYC, 2 cores",
  ...more,
});
const run = (cpu: string, seconds: number, results: string[], epochs = 5): Run => ({
  date: "2026-11-28",
  cpu,
  seconds,
  settings: { epochs, trainSize: 60000 },
  results,
});
const lessons = [
  { name: "01-dense", title: "5.2.2 普通自编码器" },
  { name: "06-new", title: "a | b" },
];
const weights: Sources["weights"] = {
  models: { dense: saved("01-dense", 0.0925753), other: saved("99-gone", 0.5) },
};
const rows = (table: string) => table.split("\n").filter((line) => line.startsWith("| `"));

describe("the table", () => {
  test("without results/export.json: says the times are not measured and how to measure them; the 50-epoch figures", () => {
    const table = resultsTable({ lessons, weights, notebooks: {} });
    assert.match(table.split("\n")[0] ?? "", /尚未测量.*`npm run export`/);
    assert.deepEqual(rows(table), [
      "| `01-dense` | 5.2.2 普通自编码器 | 尚未测量（`npm run export`） | — | " +
        "`dense`：50 个 epoch 后 loss 0.0926，val_loss 0.0916<br>全课 1 分 10 秒 |",
      "| `06-new` | a \\| b | 尚未测量（`npm run export`） | — | — |",
    ]);
    assert.match(table, /2026-11-27 在 `AMD EPYC, 2 cores` 上测得/);
  });

  test("with runs: times per CPU as ranges, results merged, runs at a lesson's earlier settings left out", () => {
    const exported = {
      lessons: {
        "01-dense": [
          run("AMD EPYC, 2 cores", 32, ["最终 loss = 0.1175，val_loss = 0.1120"]),
          run("AMD EPYC, 2 cores", 19, ["最终 loss = 0.1170，val_loss = 0.1118"]),
          run("AMD EPYC, 2 cores", 300, ["最终 loss = 0.0999，val_loss = 0.0999"], 10),
          run("Intel Xeon, 8 cores", 12, ["最终 loss = 0.1172，val_loss = 0.1119"]),
        ],
      },
    };
    const [dense, fresh] = rows(resultsTable({ lessons, exported, weights, notebooks: {} }));
    assert.equal(
      dense?.split(" | ")[2],
      "5 个 epoch，60000 张训练图片<br>`AMD EPYC, 2 cores`：19–32 秒（2 次）<br>`Intel Xeon, 8 cores`：12 秒（1 次）",
    );
    assert.equal(dense?.split(" | ")[3], "最终 loss = 0.1170–0.1175，val_loss = 0.1118–0.1120");
    assert.match(fresh ?? "", /尚未测量/, "a lesson the record does not have yet");
    assert.doesNotMatch(resultsTable({ lessons, exported, weights, notebooks: {} }), /还不存在/);
  });

  test("saved models trained on different days or machines: each lesson says its own", () => {
    const table = resultsTable({
      lessons,
      weights: { models: { dense: saved("01-dense", 0.09), b: saved("06-new", 0.2, { cpu: "Intel Xeon" }) } },
      notebooks: {},
    });
    assert.match(rows(table)[1] ?? "", /全课 1 分 10 秒（2026-11-27，`Intel Xeon`）/);
    assert.match(table, /日期和 CPU 见各行/);
  });
});

describe("the guide's file", () => {
  const dir = join(ROOT, "test", ".output", "results-table");

  test("lesson names and titles come from the notebooks' first headings; a lesson trains if it calls fit", () => {
    rmSync(dir, { recursive: true, force: true });
    const notebooks = join(dir, "notebooks");
    mkdirSync(notebooks, { recursive: true });
    const notebook = (heading: string, code = "// # not a heading"): Notebook => ({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: "code", source: code, metadata: {} },
        { cell_type: "markdown", source: ["说明\n", `# ${heading}\n`, "## 学习目标"], metadata: {} },
      ],
    });
    assert.equal(lessonTitle(notebook("5.2.3 深度自编码器")), "5.2.3 深度自编码器");
    writeFileSync(join(notebooks, "02-deep.ipynb"), JSON.stringify(notebook("改过的标题")));
    writeFileSync(
      join(notebooks, "01-dense.ipynb"),
      JSON.stringify(notebook("标题", `await model.${"fit"}(x, x);`)),
    );
    const sources = readSources({ notebooks, exportFile: join(dir, "none.json") });
    assert.deepEqual(sources.lessons, [
      { name: "01-dense", title: "标题", trains: true },
      { name: "02-deep", title: "改过的标题", trains: false },
    ]);
    assert.equal(sources.exported, undefined);
  });

  test("is rewritten between its markers only, formatted, and a second rewrite changes nothing", async () => {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "guide.md");
    writeFileSync(file, `# 指南\n\n前言。\n\n${START}\n\n旧的表格\n\n${END}\n\n## 后记\n`);
    const notebooks = join(dir, "notebooks");
    const where = { file, notebooks, exportFile: join(dir, "none.json") };
    assert.deepEqual(await writeGeneratedSections(where), [file]);
    const text = readFileSync(file, "utf8");
    assert.ok(text.startsWith(`# 指南\n\n前言。\n\n${START}\n\n`));
    assert.ok(text.endsWith(`${END}\n\n## 后记\n`));
    assert.doesNotMatch(text, /旧的表格/);
    assert.match(sectionOf(text) ?? "", /\| `02-deep` +\| 改过的标题 +\|/);
    assert.deepEqual(await writeGeneratedSections(where), []);
    assert.throws(() => replaceSection("# 没有标记\n", "x", file), /results table.*results-table start/s);
  });

  test("README's sections are rewritten the same way, each between its own markers", async () => {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "README.md");
    const section = (name: string) => `${markers(name).start}\n\nold\n\n${markers(name).end}`;
    writeFileSync(file, `# Pack\n\n${section("lesson-times")}\n\n## Set-up\n\n${section("setup-steps")}\n`);
    const where = { file, notebooks: join(dir, "notebooks"), exportFile: join(dir, "none.json") };
    assert.deepEqual(await writeGeneratedSections(where), [file]);
    const text = readFileSync(file, "utf8");
    assert.match(sectionOf(text, "lesson-times") ?? "", /^\| 课 lesson +\| 标题 title/m);
    assert.match(sectionOf(text, "setup-steps") ?? "", /^\| step +\| first run +\|/);
    assert.ok(text.includes(`${markers("lesson-times").end}\n\n## Set-up\n`), "what lies outside stays");
    assert.deepEqual(await writeGeneratedSections(where), []);
    await assert.rejects(withResultsTable("# 没有标记\n", readSources(), file), /no generated section/);
  });
});

import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  KEEP_RUNS,
  addRuns,
  exportLessons,
  indexPage,
  nonDefaultSettings,
  recordRuns,
  summarize,
  toHtml,
  type Run,
} from "../../scripts/export.js";
import { exportAnswers, verdictLines } from "../../scripts/exportAnswers.js";
import { executeNotebook, type Notebook } from "../../scripts/notebook.js";
import { ROOT, cpuName } from "../../scripts/project.js";

const notebook: Notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: "markdown", source: ["# 5.2.2 普通自编码器\n", "text"], metadata: {} },
    {
      cell_type: "code",
      source: "",
      metadata: {},
      outputs: [
        {
          output_type: "stream",
          name: "stdout",
          text: [
            "epochs = 5，训练图片 60000 张，后端 = tensorflow\n",
            "最终 loss = 0.1000，val_loss = 0.0950\n",
            "编码同为 32 维时，deep 的 MSE 最小，比 PCA 低 52%\n",
            "1. 重建 BCE：稀疏自编码器比普通自编码器高 0.0007\n",
            "练习 1：表中还只有一个 λ\n",
          ],
        },
        {
          output_type: "display_data",
          data: {
            "text/plain": [
              "怎样读损失：同一批测试图片上的二元交叉熵；始终输出平均训练图像为 0%，完美复制为 100%\n",
              "重建                         损失（BCE）  平均图像 → 完美\n",
              "---------------------------  -----------  ---------------\n",
              "完美复制（输出 = 输入）           0.0581           100.0%\n",
              "784-32-784，训练 1 个 epoch       0.2700            -3.5%\n",
              "始终输出平均训练图像              0.2625             0.0%",
            ],
          },
        },
      ],
    },
  ],
};

test("the index names each lesson by its heading, with the val_loss or verdict it printed and its time", () => {
  const summary = summarize(notebook);
  assert.deepEqual(summary, {
    title: "5.2.2 普通自编码器",
    results: [
      "最终 loss = 0.1000，val_loss = 0.0950",
      "编码同为 32 维时，deep 的 MSE 最小，比 PCA 低 52%",
      "1. 重建 BCE：稀疏自编码器比普通自编码器高 0.0007",
    ],
    settings: { epochs: 5, trainSize: 60000 },
    // The loss scale's rows, a share below 0% above the line of always outputting the mean image.
    scale: [
      "完美复制（输出 = 输入）: 0.0581, 100.0%",
      "784-32-784，训练 1 个 epoch: 0.2700, -3.5%",
      "始终输出平均训练图像: 0.2625, 0.0%",
    ],
  });
  const page = indexPage([{ file: "01-dense.html", ...summary, seconds: 61.4 }], { AE_EPOCHS: "1" });
  assert.match(page, /<a href="01-dense\.html">5\.2\.2 普通自编码器<\/a>/);
  assert.match(
    page,
    /val_loss = 0\.0950<br>编码同为 32 维时，deep 的 MSE 最小，比 PCA 低 52%<br>1\. 重建 BCE：稀疏自编码器比普通自编码器高 0\.0007<\/td><td>61 s<\/td>/,
  );
  assert.match(page, /AE_EPOCHS=1, AE_TRAIN_SIZE=\(默认\)/);
  const escaped = indexPage([{ file: "a.html", title: "<b>", results: [], seconds: 1 }], {});
  assert.match(escaped, /&#60;b&#62;/);
});

test("an exported page loads no script from elsewhere: no require.js, no MathJax, plotly inside", async () => {
  const dir = join(ROOT, "test", ".output", "export");
  const executed = join(dir, "smoke.ipynb");
  await executeNotebook(join(ROOT, "test", "fixtures", "smoke.ipynb"), executed);
  const html = readFileSync(toHtml(executed, dir), "utf8");
  assert.deepEqual(html.match(/<script[^>]+src=/g) ?? [], []);
  assert.match(html, /<img [^>]*src="data:image\/png;base64,/, "the PNG output is inside the page");
  assert.match(html, /backend: tensorflow/);
  // Cells numbered as in JupyterLab, not "In [ ]:" before every cell (the template puts no-break spaces in).
  assert.match(html, /jp-InputArea-prompt">In\u00a0\[1\]:</);
  assert.doesNotMatch(html, /jp-InputArea-prompt">In\u00a0\[\u00a0\]:</);
});

test("an export is at the defaults unless a setting that changes results or speed is set", () => {
  assert.deepEqual(nonDefaultSettings({}), []);
  assert.deepEqual(
    nonDefaultSettings({
      AE_EPOCHS: "",
      AE_WEIGHTS: "0",
      AE_FAST_TRAINING: "all",
      TF_ENABLE_ONEDNN_OPTS: "1",
    }),
    [],
  );
  assert.deepEqual(nonDefaultSettings({ AE_EPOCHS: "5", AE_WEIGHTS: "1", TF_ENABLE_ONEDNN_OPTS: "0" }), [
    "AE_EPOCHS=5",
    "AE_WEIGHTS=1",
    "TF_ENABLE_ONEDNN_OPTS=0",
  ]);
});

test("results/export.json keeps each lesson's newest runs per CPU, the new run first", () => {
  const run = (cpu: string, seconds: number): Run => ({
    date: "2026-11-27",
    cpu,
    seconds,
    settings: { epochs: 5, trainSize: 60000 },
    results: [],
  });
  let record = addRuns(undefined, { "02-deep": run("A", 1), "01-dense": run("A", 1) });
  assert.deepEqual(Object.keys(record.lessons), ["01-dense", "02-deep"], "lessons in name order");
  record = addRuns(record, { "01-dense": run("B", 100) });
  for (let seconds = 2; seconds <= KEEP_RUNS + 2; seconds++)
    record = addRuns(record, { "01-dense": run("A", seconds) });
  assert.deepEqual(
    record.lessons["01-dense"]?.map((r) => `${r.cpu} ${r.seconds}`),
    [...Array.from({ length: KEEP_RUNS }, (_, i) => `A ${KEEP_RUNS + 2 - i}`), "B 100"],
  );
  assert.equal(record.lessons["02-deep"]?.length, 1, "a lesson not in this export keeps its runs");
  assert.match(record.about, /npm run export/);

  // The answer notebooks' runs go under `answers`, by the same rule, and leave the lessons' alone (and back).
  const withAnswers = addRuns(record, { "01-dense": run("A", 9) }, KEEP_RUNS, "answers");
  assert.deepEqual(withAnswers.lessons, record.lessons);
  assert.deepEqual(
    withAnswers.answers?.["01-dense"]?.map((r) => r.seconds),
    [9],
  );
  const lessonsAgain = addRuns(withAnswers, { "02-deep": run("A", 3) });
  assert.deepEqual(lessonsAgain.answers, withAnswers.answers, "a lessons' export keeps the answers' runs");
  assert.deepEqual(Object.keys(lessonsAgain), ["about", "lessons", "answers"]);
});

test("an answer notebook's results are its checks' verdicts and their summary line", () => {
  const answers: Notebook = {
    ...notebook,
    cells: [
      {
        cell_type: "code",
        source: "",
        metadata: {},
        outputs: [
          {
            output_type: "stream",
            name: "stdout",
            text: [
              "epochs = 5，训练图片 60000 张，后端 = tensorflow\n",
              "编码长度 8：\n",
              "在预期范围内：32 维：训练 5 个 epoch 后的 val_loss（预期 0.105 到 0.12，实际 0.1126）\n",
              "超出预期范围：8 维比 32 维高（预期 8 维更高，实际 0.1 和 0.2）\n",
              "不检查：反色图片与原图的差距（缩小的设置训练得太短）\n",
              "1 项超出预期范围（共 2 项检查）：8 维比 32 维高\n",
            ],
          },
        ],
      },
    ],
  };
  const results = verdictLines(answers);
  assert.deepEqual(results, [
    "在预期范围内：32 维：训练 5 个 epoch 后的 val_loss（预期 0.105 到 0.12，实际 0.1126）",
    "超出预期范围：8 维比 32 维高（预期 8 维更高，实际 0.1 和 0.2）",
    "不检查：反色图片与原图的差距（缩小的设置训练得太短）",
    "1 项超出预期范围（共 2 项检查）：8 维比 32 维高",
  ]);
  assert.deepEqual(summarize(answers).settings, { epochs: 5, trainSize: 60000 });
});

test("an export at the defaults records its runs in results/export.json; one with other settings leaves it alone", async () => {
  const dir = join(ROOT, "test", ".output", "export-record");
  rmSync(dir, { recursive: true, force: true });
  const notebooks = join(dir, "notebooks");
  mkdirSync(notebooks, { recursive: true });
  // A lesson in miniature: the first line every lesson prints, and a result line, with no training.
  const lesson: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: [
      { cell_type: "markdown", source: "# 迷你课", metadata: {} },
      {
        cell_type: "code",
        source: [
          "console.log(`epochs = ${process.env.AE_EPOCHS || 5}，训练图片 60000 张，后端 = none`);\n",
          'console.log("最终 loss = 0.1000，val_loss = 0.0950");',
        ],
        metadata: {},
        outputs: [],
        execution_count: null,
      },
    ],
  };
  writeFileSync(join(notebooks, "01-mini.ipynb"), JSON.stringify(lesson, null, 1));
  const resultsFile = join(dir, "results", "export.json");
  const dist = join(dir, "dist");
  const defaults = { ...process.env };
  for (const name of ["AE_EPOCHS", "AE_TRAIN_SIZE", "AE_WEIGHTS", "AE_WEIGHTS_DIR", "AE_FAST_TRAINING"])
    delete defaults[name];

  await exportLessons({ notebooks, dist, resultsFile, env: defaults });
  const recorded = readFileSync(resultsFile, "utf8");
  const runs = (JSON.parse(recorded) as { lessons: Record<string, Run[]> }).lessons["01-mini"] ?? [];
  assert.equal(runs.length, 1);
  const [{ parts, scale, ...run }] = runs as [Run];
  // One part (the lesson has no level-2 heading), timed from the executed cells; no loss scale shown.
  assert.deepEqual(
    parts?.map((part) => part.title),
    [""],
  );
  assert.ok((parts?.[0]?.seconds ?? -1) >= 0);
  assert.deepEqual(scale, []);
  assert.deepEqual(
    { ...run, seconds: typeof run.seconds },
    {
      date: new Date().toISOString().slice(0, 10),
      cpu: cpuName(),
      seconds: "number",
      settings: { epochs: 5, trainSize: 60000 },
      results: ["最终 loss = 0.1000，val_loss = 0.0950"],
    },
  );
  assert.ok(Number.isInteger(run.seconds) && run.seconds >= 0);

  // Other settings (the runs are the point, not how they were made): this export's file only.
  const small = { "01-mini": { ...run, settings: { epochs: 5, trainSize: 2048 }, seconds: 1 } };
  const runsFile = join(dist, "html", "results.json");
  const smallEnv = { ...defaults, AE_TRAIN_SIZE: "2048" };
  assert.deepEqual(recordRuns(small, { runsFile, resultsFile, env: smallEnv }), ["AE_TRAIN_SIZE=2048"]);
  assert.equal(readFileSync(resultsFile, "utf8"), recorded, "the record at the defaults is left as it was");
  assert.deepEqual(JSON.parse(readFileSync(runsFile, "utf8")), {
    nonDefaultSettings: ["AE_TRAIN_SIZE=2048"],
    lessons: small,
  });
  // The guide's quick setting, exactly: recorded apart, the runs at the defaults kept as they were.
  const quick = { "01-mini": { ...run, settings: { epochs: 1, trainSize: 60000 }, seconds: 1 } };
  assert.deepEqual(recordRuns(quick, { runsFile, resultsFile, env: { ...defaults, AE_EPOCHS: "1" } }), []);
  const withQuick = JSON.parse(readFileSync(resultsFile, "utf8")) as { lessons: unknown; quick: unknown };
  assert.deepEqual(withQuick.lessons, (JSON.parse(recorded) as { lessons: unknown }).lessons);
  assert.deepEqual(withQuick.quick, { "01-mini": [quick["01-mini"]] });
  const withMore = { ...defaults, AE_EPOCHS: "1", AE_TRAIN_SIZE: "2048" };
  assert.deepEqual(
    recordRuns(quick, { runsFile, resultsFile, env: withMore }).length,
    2,
    "not quite the quick setting",
  );

  // `npm run export -- --answers`: the answer notebooks, their pages under dist/html/answers/, their runs under
  // `answers` with their verdict lines; the lessons' runs stay as they were.
  const answers = join(notebooks, "answers");
  mkdirSync(answers, { recursive: true });
  const answerNotebook: Notebook = {
    ...lesson,
    cells: [
      { cell_type: "markdown", source: "# 迷你课的答案", metadata: {} },
      {
        cell_type: "code",
        source: [
          "console.log(`epochs = ${process.env.AE_EPOCHS || 5}，训练图片 60000 张，后端 = none`);\n",
          'console.log("超出预期范围：某一项（预期 1，实际 2）");\n',
          'console.log("1 项超出预期范围（共 1 项检查）：某一项");',
        ],
        metadata: {},
        outputs: [],
        execution_count: null,
      },
    ],
  };
  writeFileSync(join(answers, "01-mini.ipynb"), JSON.stringify(answerNotebook, null, 1));
  await exportAnswers({ answers, dist, resultsFile, env: defaults });
  const both = JSON.parse(readFileSync(resultsFile, "utf8")) as {
    lessons: Record<string, Run[]>;
    answers: Record<string, Run[]>;
  };
  assert.deepEqual(both.lessons, JSON.parse(recorded).lessons, "the lessons' runs kept");
  assert.deepEqual(both.answers["01-mini"]?.[0]?.results, [
    "超出预期范围：某一项（预期 1，实际 2）",
    "1 项超出预期范围（共 1 项检查）：某一项",
  ]);
  assert.match(readFileSync(join(dist, "html", "answers", "01-mini.html"), "utf8"), /迷你课的答案/);
});

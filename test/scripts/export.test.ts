import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  KEEP_RUNS,
  addRuns,
  exportLessons,
  indexPage,
  nonDefaultSettings,
  runsFileOf,
  type Results,
  type Run,
} from "../../scripts/export.js";
import { summarize, toHtml } from "../../scripts/exportPages.js";
import type { RunsFile } from "../../scripts/exportRecord.js";
import { exportAnswers, verdictLines } from "../../scripts/exportAnswers.js";
import { executeNotebook, type Notebook } from "../../scripts/notebook.js";
import { ROOT, cpuName } from "../../scripts/project.js";
import { copyOfCheckout, git, isCheckout } from "../support/checkoutCopy.js";

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

test("a kernel that dies: the error gives what the kernel printed before nbconvert's traceback, and its last line", async () => {
  const dir = join(ROOT, "test", ".output", "export");
  mkdirSync(dir, { recursive: true });
  const dying = join(dir, "dying.ipynb");
  const kernelspec = { display_name: "TypeScript", language: "typescript", name: "tslab" };
  writeFileSync(
    dying,
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec, language_info: { name: "typescript" } },
      cells: [
        {
          cell_type: "code",
          metadata: {},
          outputs: [],
          execution_count: null,
          // Straight to the kernel process's stderr, as a native crash writes (a cell's process.stderr is its output).
          source: [
            'import { writeSync } from "fs";\n',
            'writeSync(2, "the kernel\'s own last words\\n");\n',
            'process.kill(process.pid, "SIGKILL");',
          ],
        },
      ],
    }),
  );
  await assert.rejects(executeNotebook(dying, join(dir, "dying.executed.ipynb")), (error: Error) => {
    assert.match(error.message, /^jupyter nbconvert --execute dying\.ipynb exited with 1:\n/);
    assert.match(error.message, /the kernel's own last words/);
    assert.match(error.message, /\nnbclient\.exceptions\.DeadKernelError: Kernel died$/);
    assert.doesNotMatch(error.message, /Traceback \(most recent call last\)/);
    return true;
  });
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

/** A lesson in miniature: the first line every lesson prints, and a result line, with no training. */
const miniLesson: Notebook = {
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
/** Its answers in miniature: a check's verdict and the summary line. */
const miniAnswers: Notebook = {
  ...miniLesson,
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
/** The environment of an export at the defaults: none of the settings that change results or speed. */
const atDefaults = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const name of ["AE_EPOCHS", "AE_TRAIN_SIZE", "AE_WEIGHTS", "AE_WEIGHTS_DIR", "AE_FAST_TRAINING"])
    delete env[name];
  return env;
};

test("an export writes each lesson's run and each answer notebook's verdicts to its runs file under dist/", async () => {
  const dir = join(ROOT, "test", ".output", "export-record");
  rmSync(dir, { recursive: true, force: true });
  const notebooks = join(dir, "notebooks");
  mkdirSync(join(notebooks, "answers"), { recursive: true });
  writeFileSync(join(notebooks, "01-mini.ipynb"), JSON.stringify(miniLesson, null, 1));
  writeFileSync(join(notebooks, "answers", "01-mini.ipynb"), JSON.stringify(miniAnswers, null, 1));
  const dist = join(dir, "dist");

  assert.deepEqual(await exportLessons({ notebooks, dist, env: atDefaults() }), []);
  const written = JSON.parse(readFileSync(runsFileOf(dist, "lessons"), "utf8")) as RunsFile;
  assert.deepEqual(written.nonDefaultSettings, []);
  const [{ parts, scale, ...run }] = [written.lessons?.["01-mini"]] as [Run];
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

  // `npm run export -- --answers`: their pages under dist/html/answers/, their runs beside them, with the verdicts;
  // with a setting that changes results, which the runs file names.
  const changed = await exportAnswers({
    answers: join(notebooks, "answers"),
    dist,
    env: { AE_WEIGHTS: "1" },
  });
  assert.deepEqual(changed, ["AE_WEIGHTS=1"]);
  const answers = JSON.parse(readFileSync(runsFileOf(dist, "answers"), "utf8")) as RunsFile;
  assert.deepEqual(answers.nonDefaultSettings, ["AE_WEIGHTS=1"]);
  assert.deepEqual(answers.answers?.["01-mini"]?.results, [
    "超出预期范围：某一项（预期 1，实际 2）",
    "1 项超出预期范围（共 1 项检查）：某一项",
  ]);
  assert.match(readFileSync(join(dist, "html", "answers", "01-mini.html"), "utf8"), /迷你课的答案/);
});

describe(
  "a teacher's npm run export writes under dist/ only; the maintainer's npm run record writes the record",
  { skip: !isCheckout && "not a git checkout: the test compares a copy's files with its commit" },
  () => {
    // A copy of the checkout (test/support/checkoutCopy.ts) with one lesson in miniature and its answers for
    // notebooks/: `git status` there shows what a command changed.
    let copy = "";
    after(() => rmSync(copy, { recursive: true, force: true }));
    const node = (...args: string[]) =>
      spawnSync(process.execPath, args, { cwd: copy, env: atDefaults(), encoding: "utf8", timeout: 600_000 });

    before(() => {
      copy = copyOfCheckout("ae 导出 export ", {
        leaveOut: (file) => file.startsWith("notebooks/"),
        files: {
          "notebooks/01-mini.ipynb": `${JSON.stringify(miniLesson, null, 1)}\n`,
          "notebooks/answers/01-mini.ipynb": `${JSON.stringify(miniAnswers, null, 1)}\n`,
        },
      });
    });

    test("npm run export and npm run export -- --answers at the defaults leave every committed file as it was", () => {
      for (const args of [[], ["--answers"]]) {
        const exported = node(join(copy, "scripts", "export.js"), ...args);
        assert.equal(exported.status, 0, `export ${args.join(" ")}: ${exported.stderr}`);
        assert.doesNotMatch(exported.stdout, /commit/i, "a teacher is not asked to commit anything");
        assert.match(exported.stdout, /runs are in dist\/html\/(answers\/)?results\.json; .*npm run record/);
        assert.equal(git(copy, "status", "--porcelain"), "", `after export ${args.join(" ")}: git status`);
      }
      assert.ok(existsSync(join(copy, "dist", "html", "01-mini.html")));
      assert.ok(existsSync(join(copy, "dist", "html", "answers", "01-mini.html")));
    });

    test("npm run record adds both exports' runs to results/export.json, rewrites the tables, and records once", () => {
      const earlier = JSON.parse(readFileSync(join(copy, "results", "export.json"), "utf8")) as Results;
      const recorded = node(join(copy, "scripts", "record.js"));
      assert.equal(recorded.status, 0, recorded.stderr);
      assert.match(recorded.stdout, /1 run of dist\/html\/results\.json added under "lessons"/);
      assert.match(recorded.stdout, /1 run of dist\/html\/answers\/results\.json added under "answers"/);
      assert.match(recorded.stdout, /: commit/);
      const changed = git(copy, "status", "--porcelain")
        .split("\n")
        .filter(Boolean)
        .map((line) => line.slice(3))
        .sort();
      assert.ok(changed.includes("results/export.json"), changed.join(", "));
      const allowed = ["README.md", "bench/RESULTS.md", "docs/teacher-guide.zh.md", "results/export.json"];
      assert.deepEqual(
        changed.filter((file) => !allowed.includes(file)),
        [],
        "only the record and the generated tables",
      );
      const recordedRuns = JSON.parse(readFileSync(join(copy, "results", "export.json"), "utf8")) as Results;
      assert.equal(recordedRuns.lessons["01-mini"]?.[0]?.results[0], "最终 loss = 0.1000，val_loss = 0.0950");
      assert.equal(recordedRuns.answers?.["01-mini"]?.[0]?.results.length, 2);
      for (const [lesson, runs] of Object.entries(earlier.lessons)) {
        assert.deepEqual(recordedRuns.lessons[lesson], runs, `${lesson}'s earlier runs kept`);
      }
      // The guide's generated table now lists the lesson in miniature with its recorded time.
      assert.match(
        readFileSync(join(copy, "docs", "teacher-guide.zh.md"), "utf8"),
        /`01-mini` \| 迷你课 \| 5 个 epoch/,
      );

      const again = node(join(copy, "scripts", "record.js"));
      assert.equal(again.status, 1);
      assert.match(
        again.stderr,
        /^record failed: nothing new to record: dist\/html\/results\.json was recorded in results\/export\.json at .*; dist\/html\/answers\/results\.json was recorded/,
      );
      assert.deepEqual(JSON.parse(readFileSync(join(copy, "results", "export.json"), "utf8")), recordedRuns);
    });
  },
);

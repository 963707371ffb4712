// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// Claims that compare runs rest on several runs. A lesson that says one model beats another at its defaults says
// so because every run `npm run export` recorded at those defaults (results/export.json, at least 3) shows it, or,
// for a claim about the runs together ("most of them"), because they do together; a recorded run that disagrees
// fails here, and the prose must change with it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { joinText, type Notebook } from "../scripts/notebook.js";
import { NOTEBOOKS, ROOT, lessonNames } from "../scripts/project.js";
import { trainedScaleRows } from "../scripts/quickSetting.js";

interface Run {
  date: string;
  cpu: string;
  seconds: number;
  settings: { epochs: number; trainSize: number } | null;
  results: string[];
  scale?: string[];
}

/** A claim: the words a lesson's markdown says, and what the recorded runs at its defaults must show. */
interface Claim {
  lesson: string;
  says: string;
  /** What each run shows; a claim about the runs together gives `together` instead. */
  holds?: (results: string[]) => boolean;
  /** What the runs show together, each run's result lines. */
  together?: (runs: string[][]) => boolean;
  defaults: { epochs: number; trainSize: number };
}

/** The number a result line prints after `label`, or NaN. */
const valueAfter = (results: string[], label: string) =>
  Number(
    results
      .find((line) => line.startsWith(label))
      ?.slice(label.length)
      .match(/\d+\.\d+/)?.[0],
  );

const CLAIMS: Claim[] = [
  {
    lesson: "02-deep",
    says: "多数是深度自编码器最后的 val_loss 更低",
    together: (runs) => runs.filter(deepAhead).length * 2 > runs.length,
    defaults: { epochs: 5, trainSize: 60000 },
  },
  {
    lesson: "02-deep",
    says: "两者之差不比重跑一次的波动大",
    // The largest gap between the two models in one run, against the largest spread of one model over the runs
    together: (runs) => {
      const pairs = runs.map(finalValLosses);
      const spread = (values: number[]) => Math.max(...values) - Math.min(...values);
      const gaps = pairs.map(([plain, deep]) => Math.abs(deep - plain));
      const widest = Math.max(spread(pairs.map(([plain]) => plain)), spread(pairs.map(([, deep]) => deep)));
      return pairs.flat().every(Number.isFinite) && Math.max(...gaps) <= widest;
    },
    defaults: { epochs: 5, trainSize: 60000 },
  },
  {
    lesson: "06-latent",
    says: "记录的每一次运行里，自编码器的 k-NN 正确率都明显高于 PCA 的",
    // "明显": at least 10 percentage points, in the line the lesson prints for its k-NN scores
    holds: (results) => {
      const [ae, pca] = knnScores(results);
      return ae > pca + 10;
    },
    defaults: { epochs: 20, trainSize: 60000 },
  },
  {
    lesson: "08-anomaly",
    says: "自编码器的 AUC 都高于 PCA 的",
    holds: (results) => {
      const [ae, pca] = anomalyAucs(results);
      return ae > pca;
    },
    defaults: { epochs: 20, trainSize: 60000 },
  },
  {
    lesson: "08-anomaly",
    says: "自编码器放过最多的都是 9，PCA 放过最多的都是 1",
    holds: (results) =>
      results.some((line) => /^判为异常最少的异常数字：自编码器 9（[^）]*）；PCA 1（/.test(line)),
    defaults: { epochs: 20, trainSize: 60000 },
  },
  {
    lesson: "09-vae",
    says: "变分自编码器的两个数都比普通自编码器的小",
    // Both measures of the empty plane, each the VAE's against 06's plain autoencoder's
    holds: (results) => {
      const [vaeCells, aeCells] = vaeMeasures(
        results,
        /^没有测试图片编码的格点.*：变分自编码器 (\d+) 个，普通自编码器 (\d+) 个$/,
      );
      const [vaeShare, aeShare] = vaeMeasures(
        results,
        /^周围 0\.1σ 内没有测试图片编码的随机点.*：变分自编码器 (\d+\.\d)%，普通自编码器 (\d+\.\d)%$/,
      );
      return vaeCells < aeCells && vaeShare < aeShare;
    },
    defaults: { epochs: 20, trainSize: 60000 },
  },
];

/** 02-deep's final val_loss lines: the plain autoencoder's and the deep one's, or NaN. */
const finalValLosses = (results: string[]): [number, number] => [
  valueAfter(results, "普通自编码器"),
  valueAfter(results, "深度自编码器"),
];
const deepAhead = (results: string[]) => {
  const [plain, deep] = finalValLosses(results);
  return deep < plain;
};

/** One of 09-vae's measure lines: the VAE's number and the plain autoencoder's, or NaN. */
function vaeMeasures(results: string[], pattern: RegExp): [number, number] {
  const m = results.map((line) => pattern.exec(line)).find(Boolean);
  return m ? [Number(m[1]), Number(m[2])] : [Number.NaN, Number.NaN];
}

/** 08-anomaly's AUC line: the autoencoder's and PCA's, or NaN. */
function anomalyAucs(results: string[]): [number, number] {
  const m = results.map((line) => /^ROC AUC：自编码器 (0\.\d+)，PCA (0\.\d+)$/.exec(line)).find(Boolean);
  return m ? [Number(m[1]), Number(m[2])] : [Number.NaN, Number.NaN];
}

/** 06-latent's k-NN line: the autoencoder's and PCA's percentages, or NaN. */
function knnScores(results: string[]): [number, number] {
  const line = results.find((text) => text.includes("自编码器的 2 维编码猜对")) ?? "";
  const m = /自编码器的 2 维编码猜对 (\d+(?:\.\d+)?)%，PCA 的 2 维编码猜对 (\d+(?:\.\d+)?)%/.exec(line);
  return m ? [Number(m[1]), Number(m[2])] : [Number.NaN, Number.NaN];
}

/** Runs recorded at least this often before a lesson may say "every time". */
const MIN_RUNS = 3;

const recorded = JSON.parse(readFileSync(join(ROOT, "results", "export.json"), "utf8")) as {
  lessons: Record<string, Run[]>;
  quick?: Record<string, Run[]>;
};

for (const claim of CLAIMS) {
  const over = claim.together ? "over the recorded runs" : "in every recorded run";
  test(`${claim.lesson}: "${claim.says}" holds ${over} at its defaults`, () => {
    const notebook = JSON.parse(readFileSync(join(NOTEBOOKS, `${claim.lesson}.ipynb`), "utf8")) as Notebook;
    const markdown = notebook.cells
      .filter((cell) => cell.cell_type === "markdown")
      .map((cell) => joinText(cell.source).replace(/\n/g, ""))
      .join("\n");
    assert.ok(markdown.includes(claim.says), `the lesson says "${claim.says}"`);
    const runs = (recorded.lessons[claim.lesson] ?? []).filter(
      (run) =>
        run.settings?.epochs === claim.defaults.epochs &&
        run.settings?.trainSize === claim.defaults.trainSize,
    );
    assert.ok(
      runs.length >= MIN_RUNS,
      `${runs.length} recorded run(s) of ${claim.lesson} at its defaults; a claim that compares runs needs at ` +
        `least ${MIN_RUNS}: run \`npm run export\` again, then \`npm run record\``,
    );
    if (claim.together) {
      const lines = runs.map((run) => `${run.cpu}: ${run.results.join("; ")}`).join("\n");
      assert.ok(
        claim.together(runs.map((run) => run.results)),
        `the recorded runs do not show it:\n${lines}`,
      );
      return;
    }
    const holds = claim.holds ?? (() => false);
    const against = runs.filter((run) => !holds(run.results));
    assert.deepEqual(
      against.map((run) => `${run.cpu}: ${run.results.join("; ")}`),
      [],
      "recorded runs that disagree",
    );
  });
}

test("a claim's check reads the result lines as the lessons print them, and can fail", () => {
  const [most, withinSpread] = CLAIMS.filter((c) => c.lesson === "02-deep");
  assert.ok(most?.together && withinSpread?.together);
  const run = (plain: string, deep: string) => [
    `普通自编码器 最终 val_loss = ${plain}`,
    `深度自编码器 最终 val_loss = ${deep}`,
  ];
  const ahead = run("0.1141", "0.1098");
  const behind = run("0.1129", "0.1154");
  assert.equal(most.together([ahead, ahead, behind]), true);
  assert.equal(most.together([ahead, behind]), false, "half is not most");
  assert.equal(
    most.together([ahead, ["深度自编码器 最终 val_loss = 0.1098"]]),
    false,
    "a missing line is no proof",
  );
  // Gaps 0.0043 and 0.0025; the deep model's val_loss spreads over 0.0056, so the gaps are within it
  assert.equal(withinSpread.together([ahead, behind]), true);
  assert.equal(withinSpread.together([run("0.1141", "0.1041"), run("0.1131", "0.1030")]), false);
  assert.equal(withinSpread.together([ahead, [ahead[0] ?? ""]]), false, "a missing line is no proof");
  const knn = CLAIMS.find((c) => c.lesson === "06-latent");
  assert.ok(knn?.holds);
  const line = (ae: string) => [`  自编码器的 2 维编码猜对 ${ae}%，PCA 的 2 维编码猜对 42.4%`];
  assert.equal(knn.holds(line("73.2")), true);
  assert.equal(knn.holds(line("50.0")), false, "ahead, but not by much");
  assert.equal(knn.holds([]), false, "a missing line is no proof");
  const [auc, slipped] = CLAIMS.filter((c) => c.lesson === "08-anomaly");
  assert.ok(auc?.holds && slipped?.holds);
  assert.equal(auc.holds(["ROC AUC：自编码器 0.959，PCA 0.922"]), true);
  assert.equal(auc.holds(["ROC AUC：自编码器 0.901，PCA 0.922"]), false);
  assert.equal(auc.holds([]), false, "a missing line is no proof");
  const slippedLine = (ae: number, pca: number) =>
    `判为异常最少的异常数字：自编码器 ${ae}（只有 33.3% 判为异常）；PCA ${pca}（只有 19.0% 判为异常）`;
  assert.equal(slipped.holds([slippedLine(9, 1)]), true);
  assert.equal(slipped.holds([slippedLine(7, 1)]), false);
  assert.equal(slipped.holds([slippedLine(9, 7)]), false);
  const vae = CLAIMS.find((c) => c.lesson === "09-vae");
  assert.ok(vae?.holds);
  const measures = (cells: [number, number], shares: [string, string]) => [
    `没有测试图片编码的格点（共 100 个）：变分自编码器 ${cells[0]} 个，普通自编码器 ${cells[1]} 个`,
    `周围 0.1σ 内没有测试图片编码的随机点（各取 1000 个）：变分自编码器 ${shares[0]}%，普通自编码器 ${shares[1]}%`,
  ];
  assert.equal(vae.holds(measures([0, 19], ["3.2", "20.0"])), true);
  assert.equal(vae.holds(measures([0, 19], ["21.0", "20.0"])), false, "one measure against it");
  assert.equal(vae.holds(measures([19, 19], ["3.2", "20.0"])), false, "a tie is no win");
  assert.equal(
    vae.holds(measures([0, 19], ["3.2", "20.0"]).slice(0, 1)),
    false,
    "a missing line is no proof",
  );
});

// The guide's quick setting (AE_EPOCHS=1) still teaches: in its newest recorded export, every model a lesson
// trained lands above the line of always outputting the mean image on that lesson's loss scale.
for (const lesson of lessonNames()) {
  test(`${lesson} at the quick setting: every model it trained beats always outputting the mean image`, () => {
    const [newest] = recorded.quick?.[lesson] ?? [];
    assert.ok(
      newest,
      `no export of ${lesson} recorded at AE_EPOCHS=1: run \`AE_EPOCHS=1 npm run export\`, then \`npm run record\``,
    );
    assert.equal(newest.settings?.epochs, 1);
    const below = trainedScaleRows(newest).filter((row) => !(row.share > 0));
    assert.deepEqual(below, [], "models at or below the mean-image line");
  });
}

test("the quick check reads a scale's rows: its own models, not the baselines or the saved models", () => {
  const run = {
    date: "2026-12-06",
    cpu: "AMD",
    seconds: 1,
    settings: { epochs: 1, trainSize: 60000 },
    results: [],
    scale: [
      "完美复制（输出 = 输入）: 0.0581, 100.0%",
      "σ=3.0，卷积模型 50 个 epoch（weights.json）: 0.2485, 6.9%",
      "σ=3.0，本次（1 个 epoch）: 0.2700, -3.5%",
      "始终输出平均训练图像: 0.2625, 0.0%",
    ],
  };
  assert.deepEqual(trainedScaleRows(run), [{ name: "σ=3.0，本次（1 个 epoch）", loss: 0.27, share: -3.5 }]);
});

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Run } from "../../scripts/export.js";
import { ROOT } from "../../scripts/project.js";
import { freshRooms, lessonTimes, setupSteps } from "../../scripts/readmeTables.js";
import type { SavedModel, Sources } from "../../scripts/resultsTable.js";
import type { Step } from "../../scripts/setup/common.js";
import { CHINESE_FONT } from "../../scripts/setup/headlessChromium.js";
import { STEPS } from "../../scripts/setup/runner.js";

const XEON = "Intel Xeon, 2 cores";
const EPYC = "AMD EPYC, 2 cores";
const run = (seconds: number, cpu = XEON, epochs = 5): Run => ({
  date: "2026-11-27",
  cpu,
  seconds,
  settings: { epochs, trainSize: 60000 },
  results: [],
});
const saved = (lesson: string, lessonSeconds: number, cpu = XEON): SavedModel => ({
  lesson,
  epochs: 50,
  loss: 0.1,
  val_loss: 0.1,
  trained: "2026-11-27",
  lessonSeconds,
  cpu,
});
const lessons = [
  { name: "01-dense", title: "普通自编码器" },
  { name: "04-denoise", title: "a | b" },
];
const rows = (table: string) =>
  table.split("\n").filter((line) => line.startsWith("| `") || line.startsWith("| 合计"));

describe("the lessons' times", () => {
  test("on one CPU: the newest settings' runs as a range, the saved models' time once per lesson, totals", () => {
    const exported = {
      lessons: {
        "01-dense": [run(44), run(52), run(300, XEON, 10), run(30, EPYC)].slice(0, 3),
        "04-denoise": [run(582)],
      },
    };
    const weights = {
      models: { dense: saved("01-dense", 70), a: saved("04-denoise", 3051), b: saved("04-denoise", 3051) },
    };
    const table = lessonTimes({ lessons, exported, weights, notebooks: {} });
    assert.deepEqual(rows(table), [
      "| `01-dense` | 普通自编码器 | 5 | 44–52 s | 1 min 10 s¹ | 1.4 s¹ |",
      "| `04-denoise` | a \\| b | 5 | 9 min 42 s | 50 min 51 s¹ | 61.0 s¹ |",
      "| 合计 total | | | 10 min 26 s–10 min 34 s |  |  |",
    ]);
    assert.match(
      table,
      /\| 50 个 epoch 用时 time for 50 epochs \(`npm run weights`\) \| 每个 epoch per epoch \|/,
    );
    assert.match(table, /测量所用的 CPU：¹ `Intel Xeon, 2 cores`。/);
    assert.match(table, /The marks name the CPUs: ¹ `Intel Xeon, 2 cores`\./);
  });

  test("on several CPUs: a column per CPU side by side, a total per CPU where every lesson has a time on it", () => {
    const exported = { lessons: { "01-dense": [run(30, EPYC), run(44)], "04-denoise": [run(582)] } };
    const weights = { models: { dense: saved("01-dense", 70, EPYC), a: saved("04-denoise", 3051) } };
    const table = lessonTimes({ lessons, exported, weights, notebooks: {} });
    assert.deepEqual(rows(table), [
      "| `01-dense` | 普通自编码器 | 5 | 30 s | 44 s | 1 min 10 s¹ | 1.4 s¹ |",
      "| `04-denoise` | a \\| b | 5 | — | 9 min 42 s | 50 min 51 s² | 61.0 s² |",
      "| 合计 total | | |  | 10 min 26 s |  |  |",
    ]);
    assert.match(table, /\| 默认设置用时 time at the defaults ¹ \| 默认设置用时 time at the defaults ² \|/);
    assert.match(table, /测量所用的 CPU：¹ `AMD EPYC, 2 cores`；² `Intel Xeon, 2 cores`。/);
  });

  test("before any export: says how to measure, and leaves those cells empty", () => {
    const weights: Sources["weights"] = { models: { dense: saved("01-dense", 70) } };
    const table = lessonTimes({ lessons, weights, notebooks: {} });
    assert.match(table.split("\n")[0] ?? "", /尚未测量.*`npm run export`.*not measured yet/);
    assert.deepEqual(rows(table), [
      "| `01-dense` | 普通自编码器 | — | 1 min 10 s¹ | 1.4 s¹ |",
      "| `04-denoise` | a \\| b | — | — | — |",
    ]);
  });
  test("a lesson that trains nothing says so where the default epochs would be", () => {
    const exported = { lessons: { "05-pca": [run(19)] } };
    const table = lessonTimes({
      lessons: [{ name: "05-pca", title: "PCA", trains: false }],
      exported,
      weights: { models: {} },
      notebooks: {},
    });
    assert.deepEqual(rows(table).slice(0, 1), ["| `05-pca` | PCA | 不训练 trains none | 19 s | — | — |"]);
  });
});

describe("set-up's steps", () => {
  const step = (name: string, time: string, rooms: { where: string; mb: number; what: string }[]): Step => ({
    name,
    time,
    needs: [],
    room: () => rooms,
    done: () => true,
    run() {},
  });

  test("each step's time and room as its fields give them, and the totals set-up checks", () => {
    const steps = [
      step("download", "about 40 s", [
        { where: join(ROOT, "node_modules"), mb: 1460, what: "node_modules" },
        { where: "/elsewhere", mb: 350, what: "a cache" },
      ]),
      step("kernel | spec", "about 2 s", []),
    ];
    const section = setupSteps(steps);
    assert.deepEqual(section.split("\n").slice(2, 4), [
      "| download | about 40 s | node_modules 1.5 GB, a cache 350 MB |",
      "| kernel \\| spec | about 2 s | — |",
    ]);
    assert.match(section, /about 1\.5 GB in the checkout, 1\.8 GB in all/);
    assert.ok(
      section.includes(
        `(${CHINESE_FONT.sizeMB} MB, from the npm package \`@expo-google-fonts/noto-sans-sc\`,`,
      ),
    );
  });

  test("by default set-up's own steps, with npm's cache and the temporary folder outside the checkout", () => {
    const { perStep, inCheckout, inAll } = freshRooms();
    assert.equal(perStep.length, STEPS.length);
    assert.ok(inCheckout > 0 && inCheckout < inAll, `${inCheckout} MB of ${inAll} MB in the checkout`);
    for (const step of STEPS) assert.ok(setupSteps().includes(`| ${step.name} | ${step.time} |`), step.name);
  });
});

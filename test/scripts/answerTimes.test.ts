// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// The answer notebooks' times as README and the guide list them (scripts/answerTimes.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { answerTimes } from "../../scripts/answerTimes.js";
import type { Run } from "../../scripts/export.js";

const run = (cpu: string, seconds: number, results: string[]): Run => ({
  date: "2026-12-06",
  cpu,
  seconds,
  settings: { epochs: 5, trainSize: 60000 },
  results,
});
const rows = (table: string) => table.split("\n").filter((line) => line.startsWith("| `answers/"));

test("a column per CPU with the range of its runs, and the newest run's summary line", () => {
  const table = answerTimes({
    lessons: [],
    weights: { models: {} },
    notebooks: {},
    exported: {
      lessons: {},
      answers: {
        "01-dense": [
          run("AMD", 70, ["在预期范围内：甲", "2 项检查：全部在预期范围内"]),
          run("AMD", 65, ["1 项超出预期范围（共 2 项检查）：乙"]),
          run("Intel", 200, ["2 项检查：全部在预期范围内"]),
        ],
        "02-deep": [run("AMD", 300, ["在预期范围内：丙"])],
      },
    },
  });
  assert.match(table, /^\| 答案 answers \| `AMD` \| `Intel` \| 最新一次的检查 newest run's checks \|/);
  assert.deepEqual(rows(table), [
    "| `answers/01-dense` | 1 min 5 s–1 min 10 s | 3 min 20 s | 2 项检查：全部在预期范围内 |",
    "| `answers/02-deep` | 5 min 0 s | — | — |",
  ]);
});

test("before any answers export: says how to measure", () => {
  const table = answerTimes({ lessons: [], weights: { models: {} }, notebooks: {} });
  assert.match(table, /尚未测量：运行一次 `npm run export -- --answers`/);
});

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// language.ts: the language of what a student reads, English unless a lesson chooses Chinese once.
// Each module's own test checks its Chinese text; this one checks the choice itself.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { LANGUAGES, currentLanguage, localize, useLanguage, type Language } from "ae-shared";
import { inLanguage } from "./support/language.js";

test("English until a language is chosen; localize picks the text in the language in use", async () => {
  assert.deepEqual(LANGUAGES, ["en", "zh"]);
  assert.equal(currentLanguage(), "en");
  const text = { en: "Training loss", zh: "训练损失" };
  assert.equal(localize(text), "Training loss");
  await inLanguage("zh", () => {
    assert.equal(currentLanguage(), "zh");
    assert.equal(localize(text), "训练损失");
  });
  assert.equal(localize(text), "Training loss", "back to English");
});

test("an unknown language is refused with the choices, and the language in use stays", () => {
  for (const bad of ["fr", "zh-CN", "", undefined]) {
    assert.throws(() => useLanguage(bad as Language), {
      name: "RangeError",
      message: `useLanguage: language must be one of "en", "zh", found ${bad === undefined ? "undefined" : JSON.stringify(bad)}`,
    });
  }
  assert.equal(currentLanguage(), "en");
});

test("the choice holds for the whole process, in every module, as a lesson's one call makes it", () => {
  // A fresh process: the lesson's import cell, then helpers of four modules.
  const script = `
    const ae = require("ae-shared");
    ae.useLanguage("zh");
    const lines = [
      ae.formatProgressLine({ step: 1, steps: 2, elapsed: 0, perStep: 1, final: false, values: [] }),
      ae.lossPlot().title,
    ];
    try { ae.lessonParams({}, { AE_EPOCHS: "x" }); } catch (error) { lines.push(error.message); }
    try { ae.keep("", {}); } catch (error) { lines.push(error.message); }
    console.log(lines.join("\\n"));
  `;
  const run = spawnSync(process.execPath, ["-e", script], {
    encoding: "utf8",
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split("\n"), [
    "1/2 [==============>...............] - 剩余 1s",
    "训练损失",
    'AE_EPOCHS 应为 1 到 1000 之间的整数，实际为 "x"。删去这个环境变量即可使用本课的默认值（5）。',
    'keep：名字不能为空，实际为 ""',
  ]);
});

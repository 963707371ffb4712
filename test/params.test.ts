// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
import assert from "node:assert/strict";
import { test } from "node:test";
import { ParamError, lessonParams } from "ae-shared";
import { inLanguage } from "./support/language.js";

test("defaults are the course's: 5 epochs on all 60,000 images", () => {
  assert.deepEqual(lessonParams({}, {}), { epochs: 5, trainSize: 60000, savedWeights: false });
  assert.deepEqual(lessonParams({ epochs: 10 }, {}), { epochs: 10, trainSize: 60000, savedWeights: false });
});

test("AE_EPOCHS and AE_TRAIN_SIZE override them", () => {
  assert.deepEqual(lessonParams({}, { AE_EPOCHS: "1", AE_TRAIN_SIZE: " 2048 " }), {
    epochs: 1,
    trainSize: 2048,
    savedWeights: false,
  });
  assert.deepEqual(
    lessonParams({}, { AE_EPOCHS: "" }),
    { epochs: 5, trainSize: 60000, savedWeights: false },
    "empty means unset",
  );
});

test("the extremes are accepted: AE_TRAIN_SIZE 1 and 60000, AE_EPOCHS 1 and 1000", () => {
  for (const [epochs, trainSize] of [
    [1, 1],
    [1000, 60000],
  ] as const) {
    const env = { AE_EPOCHS: String(epochs), AE_TRAIN_SIZE: String(trainSize) };
    assert.deepEqual(lessonParams({}, env), { epochs, trainSize, savedWeights: false });
  }
});

test("a value that is not a whole number in range stops with what was expected and found", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ AE_EPOCHS: "five" }, /AE_EPOCHS must be a whole number from 1 to 1000, found "five"/],
    [{ AE_EPOCHS: "0" }, /AE_EPOCHS must be a whole number from 1 to 1000, found "0"/],
    [{ AE_EPOCHS: "2.5" }, /found "2\.5"/],
    [{ AE_EPOCHS: "1e3" }, /found "1e3"/],
    [{ AE_TRAIN_SIZE: "60001" }, /AE_TRAIN_SIZE must be a whole number from 1 to 60000, found "60001"/],
    [{ AE_TRAIN_SIZE: "-5" }, /AE_TRAIN_SIZE must be a whole number from 1 to 60000, found "-5"/],
    [{ AE_TRAIN_SIZE: "0" }, /AE_TRAIN_SIZE must be a whole number from 1 to 60000, found "0"/],
    [{ AE_TRAIN_SIZE: "abc" }, /AE_TRAIN_SIZE must be a whole number from 1 to 60000, found "abc"/],
    [{ AE_EPOCHS: "1001" }, /AE_EPOCHS must be a whole number from 1 to 1000, found "1001"/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => lessonParams({}, env),
      (error: unknown) =>
        error instanceof ParamError && message.test(error.message) && /Unset it/.test(error.message),
      JSON.stringify(env),
    );
  }
});

test("in Chinese, the message says the same: what was expected, what was found, how to get the default", async () => {
  await inLanguage("zh", () => {
    assert.throws(() => lessonParams({ epochs: 5 }, { AE_TRAIN_SIZE: "6万" }), {
      name: "ParamError",
      message:
        'AE_TRAIN_SIZE 应为 1 到 60000 之间的整数，实际为 "6万"。删去这个环境变量即可使用本课的默认值（60000）。',
    });
  });
});

test("AE_WEIGHTS=1 asks for the saved weights; 0 or unset trains; anything else stops, saying what it may be", () => {
  assert.equal(lessonParams({}, { AE_WEIGHTS: "1" }).savedWeights, true);
  assert.equal(lessonParams({}, { AE_WEIGHTS: "0" }).savedWeights, false);
  assert.equal(lessonParams({}, { AE_WEIGHTS: " " }).savedWeights, false);
  assert.throws(() => lessonParams({}, { AE_WEIGHTS: "yes" }), {
    name: "ParamError",
    message: 'AE_WEIGHTS must be "1" (on) or "0" (off), found "yes". Unset it to train as the lesson does.',
  });
});

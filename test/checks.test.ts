// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// checks.ts: one wording for every argument error: "<who>: <name> must be <expected>, found <found>".
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkNonNegative, checkWholeNumber, describeValue, mustBe, wholeNumberRange } from "ae-shared";
import { inLanguage } from "./support/language.js";

test("describeValue shows strings quoted, numbers as written, else the kind", () => {
  assert.deepEqual(
    ["5", 5, Number.NaN, -Infinity, true, null, undefined, [1], {}, () => 1].map(describeValue),
    ['"5"', "5", "NaN", "-Infinity", "true", "null", "undefined", "an array", "object", "function"],
  );
});

test("mustBe and wholeNumberRange word the message", () => {
  assert.equal(
    mustBe("loadMnist: trainSize", wholeNumberRange(1, 60000), 0),
    "loadMnist: trainSize must be a whole number from 1 to 60000, found 0",
  );
  assert.equal(
    mustBe("AE_EPOCHS", wholeNumberRange(1), "abc"),
    'AE_EPOCHS must be a whole number >= 1, found "abc"',
  );
});

test("checkWholeNumber returns whole numbers in range and refuses the rest", () => {
  assert.equal(checkWholeNumber("f: n", 1), 1);
  assert.equal(checkWholeNumber("f: n", 0, 0), 0);
  assert.equal(checkWholeNumber("f: n", 10, 1, 10), 10);
  for (const bad of [0, 1.5, Number.NaN, Infinity, "2", undefined]) {
    assert.throws(() => checkWholeNumber("f: n", bad), {
      name: "RangeError",
      message: `f: n must be a whole number >= 1, found ${describeValue(bad)}`,
    });
  }
  assert.throws(() => checkWholeNumber("f: n", 11, 1, 10), {
    message: "f: n must be a whole number from 1 to 10, found 11",
  });
});

test("checkNonNegative returns finite numbers >= 0 and refuses the rest", () => {
  assert.equal(checkNonNegative("f: s", 0), 0);
  assert.equal(checkNonNegative("f: s", 2.5), 2.5);
  for (const bad of [-1, Number.NaN, Infinity, "1", null]) {
    assert.throws(() => checkNonNegative("f: s", bad), {
      name: "RangeError",
      message: `f: s must be a finite number >= 0, found ${describeValue(bad)}`,
    });
  }
});

test("in Chinese, the same checks read as Chinese sentences", async () => {
  await inLanguage("zh", () => {
    assert.equal(
      mustBe("loadMnist: trainSize", wholeNumberRange(1, 60000), 0),
      "loadMnist: trainSize 应为 1 到 60000 之间的整数，实际为 0",
    );
    assert.equal(
      mustBe("AE_EPOCHS", wholeNumberRange(1), "abc"),
      'AE_EPOCHS 应为不小于 1 的整数，实际为 "abc"',
    );
    assert.equal(
      mustBe("f: mode", "“a”或“b”", 1),
      "f: mode 应为“a”或“b”，实际为 1",
      "a space before Latin text",
    );
    assert.deepEqual([[1], {}, () => 1, "5"].map(describeValue), ["数组", "对象", "函数", '"5"']);
    assert.throws(() => checkNonNegative("f: s", -1), { message: "f: s 应为不小于 0 的有限数，实际为 -1" });
  });
});

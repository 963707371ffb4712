// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// scripts/durations.js: wall times as the generated tables write them, in the guide's Chinese and README's units.
import assert from "node:assert/strict";
import { test } from "node:test";
import { UNITS, duration, durationRange } from "../../scripts/durations.js";

test("the guide's times: whole seconds, then minutes and seconds; a range from the shortest to the longest", () => {
  assert.equal(duration(19.4), "19 秒");
  assert.equal(duration(171), "2 分 51 秒");
  assert.equal(duration(120), "2 分 0 秒");
  assert.equal(durationRange([32, 19, 25]), "19–32 秒");
  assert.equal(durationRange([70]), "1 分 10 秒");
  assert.equal(durationRange([52, 64]), "52 秒–1 分 4 秒");
  assert.equal(durationRange([171, 165]), "2 分 45 秒–2 分 51 秒");
});

test("README's times, for readers of either language: the same in s and min", () => {
  assert.equal(duration(44.4, UNITS.en), "44 s");
  assert.equal(duration(69, UNITS.en), "1 min 9 s");
  assert.equal(duration(1483, UNITS.en), "24 min 43 s");
  assert.equal(durationRange([52, 44, 47], UNITS.en), "44–52 s");
  assert.equal(durationRange([70], UNITS.en), "1 min 10 s");
  assert.equal(durationRange([52, 64], UNITS.en), "52 s–1 min 4 s");
});

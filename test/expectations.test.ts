// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// expectations.ts: the answer notebooks' checks print their verdict and go on; a summary line sums them up.
import assert from "node:assert/strict";
import { test } from "node:test";
import { expectations } from "ae-shared";
import { inLanguage } from "./support/language.js";

/** A set of checks that prints into an array. */
function recorded() {
  const lines: string[] = [];
  return { lines, checks: expectations((line) => lines.push(line)) };
}

test("a failing check prints its verdict and throws nothing; the checks after it still run", () => {
  const { lines, checks } = recorded();
  checks.check("a < b", true);
  checks.check("b < c", false, { expected: "b < c", actual: "0.2 > 0.1" });
  checks.inRange("val_loss", 0.1126, [0.105, 0.12]);
  checks.inRange("8 dims", 0.21134, [0.16, 0.2]);
  checks.inRange("not a number", Number.NaN, [0, 1]);
  checks.skip("the ranges", "a short run");
  checks.summary();
  assert.deepEqual(lines, [
    "Within expectations: a < b",
    "Outside expectations: b < c (expected b < c, found 0.2 > 0.1)",
    "Within expectations: val_loss (expected 0.105 to 0.12, found 0.1126)",
    "Outside expectations: 8 dims (expected 0.16 to 0.2, found 0.2113)",
    "Outside expectations: not a number (expected 0 to 1, found NaN)",
    "Not checked: the ranges (a short run)",
    "3 of 5 checks outside expectations: b < c; 8 dims; not a number",
  ]);
  assert.deepEqual(checks.counts(), { checked: 5, outside: 3, skipped: 1 });
});

test("a statement checked again (a re-run cell) replaces its verdict instead of counting twice", () => {
  const { checks } = recorded();
  checks.check("a", false);
  checks.check("b", true);
  checks.check("a", true);
  checks.skip("c", "short");
  checks.skip("c", "short");
  assert.deepEqual(checks.counts(), { checked: 2, outside: 0, skipped: 1 });
  checks.check("c", false);
  assert.deepEqual(checks.outside(), ["c"]);
  assert.deepEqual(checks.counts(), { checked: 3, outside: 1, skipped: 0 });
});

test("in Chinese: the verdicts and the summary line the answers tests look for", async () => {
  await inLanguage("zh", () => {
    const { lines, checks } = recorded();
    checks.inRange("32 维的 val_loss", 0.1126, [0.105, 0.12]);
    checks.skip("各编码长度的 val_loss", "缩小的设置训练得太短");
    checks.summary();
    checks.check("8 维比 32 维高", false, { expected: "8 维更高", actual: "0.1 和 0.2" });
    checks.summary();
    assert.deepEqual(lines, [
      "在预期范围内：32 维的 val_loss（预期 0.105 到 0.12，实际 0.1126）",
      "不检查：各编码长度的 val_loss（缩小的设置训练得太短）",
      "1 项检查：全部在预期范围内（另有 1 项不检查）",
      "超出预期范围：8 维比 32 维高（预期 8 维更高，实际 0.1 和 0.2）",
      "1 项超出预期范围（共 2 项检查）：8 维比 32 维高",
    ]);
    const none: string[] = [];
    expectations((line) => none.push(line)).summary();
    assert.deepEqual(none, ["0 项检查：全部在预期范围内"]);
  });
});

test("by default the verdicts go to console.log, a notebook's output; nothing is returned", () => {
  const printed: unknown[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => printed.push(...args);
  try {
    assert.equal(expectations().check("x", true), undefined, "tslab would print a returned value");
  } finally {
    console.log = log;
  }
  assert.deepEqual(printed, ["Within expectations: x"]);
});

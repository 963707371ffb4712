// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// text.ts: text widths, HTML escaping and the one table formatter of the lessons, the loss tables and the bench.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { escapeHtml, terminalWidth, textTable } from "ae-shared/plain";
import { inLanguage } from "./support/language.js";

describe("text", () => {
  test("a line's width in a terminal counts Chinese characters as two columns", () => {
    assert.equal(terminalWidth("loss: 0.1"), 9);
    assert.equal(terminalWidth("第 1/5 轮"), 9);
    assert.equal(terminalWidth("剩余 1s，批"), 11);
  });

  test("HTML escaping covers element content and quoted attributes", () => {
    assert.equal(
      escapeHtml(`<a href="x">'&'</a>`),
      "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;",
    );
  });

  test("a plain table: two spaces between columns, a rule, numbers on the right, Chinese counted as wide", () => {
    assert.equal(
      textTable(
        ["方法", "MSE"],
        [
          ["PCA", "0.0152"],
          ["卷积", "-91%"],
        ],
      ),
      ["方法     MSE", "----  ------", "PCA   0.0152", "卷积    -91%"].join("\n"),
    );
  });

  test("a plain table without its rule, every column on the right (the loss table's shape)", () => {
    assert.equal(
      textTable(["epoch", "loss"], [["1", "-"]], { alignRight: [true, true], rule: false }),
      "epoch  loss\n    1     -",
    );
  });

  test("a Markdown table pads its columns to at least three, and marks right-aligned ones", () => {
    assert.equal(
      textTable(["a", "bb"], [["xyz", "1"]], { style: "markdown" }),
      "| a   | bb  |\n| --- | --- |\n| xyz | 1   |",
    );
    assert.equal(
      textTable(["a", "n"], [["x", "12"]], { style: "markdown", alignRight: [false, true] }),
      "| a   |   n |\n| --- | --: |\n| x   |  12 |",
    );
  });

  test("rows of the wrong length are refused, saying which row and how many cells", async () => {
    assert.throws(() => textTable(["a", "b"], [["1", "2"], ["3"]]), {
      message: "textTable: expected 2 cells in row 1, found 1",
    });
    assert.throws(() => textTable([], [], { who: "showTable" }), {
      message: "showTable: expected at least 1 cells in the header, found 0",
    });
    await inLanguage("zh", () =>
      assert.throws(() => textTable(["a"], [[]]), {
        message: "textTable：第 0 行（从 0 数起）应有 1 个单元格，实际为 0 个",
      }),
    );
  });
});

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// codeMap.ts: 2-D codes drawn as a WebGL scatter, a trace per digit, with each digit's centre as text.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { chartHtml, codeMap } from "ae-shared";
import { inLanguage } from "./support/language.js";

describe("codeMap", () => {
  const codes = () =>
    tf.tensor2d([
      [0, 0],
      [1, 2],
      [3, 4],
      [-1, 0.5],
    ]);
  const labels = Uint8Array.from([7, 2, 7, 0]);

  test("a scattergl trace per digit present, in digit order, each point at its code", () => {
    const x = codes();
    const spec = codeMap(x, labels, { title: "codes" });
    x.dispose();
    assert.deepEqual(
      spec.traces.map((t) => [t.name, t.type, t.mode, t.x, t.y]),
      [
        ["0", "scattergl", "markers", [-1], [0.5]],
        ["2", "scattergl", "markers", [1], [2]],
        ["7", "scattergl", "markers", [0, 3], [0, 4]],
      ],
    );
    assert.deepEqual([spec.xTitle, spec.yTitle], ["code 1", "code 2"]);
    assert.equal(
      spec.summary,
      [
        "digit 0: 1 points, centre (-1.00, 0.50)",
        "digit 2: 1 points, centre (1.00, 2.00)",
        "digit 7: 2 points, centre (1.50, 2.00)",
      ].join("\n"),
    );
    const html = chartHtml(spec);
    assert.match(html, /"type":"scattergl","mode":"markers"|"mode":"markers","type":"scattergl"/);
    assert.match(html, /style="width:480px;max-width:100%;height:480px"/);
  });

  test("codes that do not pair with the labels, and labels that are not digits, are refused", async () => {
    const wide = tf.zeros([4, 3]);
    const x = codes();
    try {
      assert.throws(() => codeMap(wide as tf.Tensor2D, labels, { title: "t" }), {
        message: "codeMap: expected codes of shape [4, 2] (one 2-D code per label), found shape [4, 3]",
      });
      assert.throws(
        () => codeMap(x, labels.subarray(0, 3), { title: "t" }),
        /of shape \[3, 2\].*found shape \[4, 2\]/,
      );
      assert.throws(() => codeMap(x, Uint8Array.from([1, 2, 10, 3]), { title: "t" }), {
        message: "codeMap: expected labels 0-9, found 10 at 2",
      });
      await inLanguage("zh", () => {
        const spec = codeMap(x, labels, { title: "编码" });
        assert.deepEqual([spec.xTitle, spec.yTitle], ["编码 1", "编码 2"]);
        assert.match(spec.summary, /^数字 0：1 个点，中心 \(-1\.00, 0\.50\)$/m);
        assert.throws(() => codeMap(wide as tf.Tensor2D, labels, { title: "t" }), {
          message: "codeMap：codes 的形状应为 [4, 2]（每个标签一个 2 维编码），实际为 [4, 3]",
        });
      });
    } finally {
      tf.dispose([wide, x]);
    }
  });
});

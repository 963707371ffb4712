// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// display.ts: outputs of the running cell, in a plain Node process and (through a stand-in kernel) in a notebook.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LiveOutput, display, showTable } from "ae-shared";
import { inLanguage } from "./support/language.js";
import { captureStdout, inFakeKernel } from "./support/kernel.js";

test("outside a kernel: display prints the text/plain part, a live output shows nothing", async () => {
  const { text } = await captureStdout(() => {
    display({ "text/html": "<b>x</b>", "text/plain": "plain x" });
    new LiveOutput().update({ "text/plain": "live" });
  });
  assert.equal(text, "plain x\n");
});

test("in a kernel: a bundle is one output; a live output is shown once, then replaced under one id", async () => {
  const { sent, stdout } = await inFakeKernel(() => {
    display({ "text/html": "<b>x</b>", "text/plain": "x" }, { "text/html": { isolated: false } });
    const live = new LiveOutput();
    live.update({ "text/plain": "first" });
    live.update({ "text/plain": "second" });
  });
  assert.equal(stdout, "", "nothing printed in a notebook");
  assert.deepEqual(sent[0], {
    message: {
      data: { "text/html": "<b>x</b>", "text/plain": "x" },
      metadata: { "text/html": { isolated: false } },
      transient: {},
    },
    update: false,
  });
  const [first, second] = sent.slice(1);
  assert.deepEqual(
    [first?.update, first?.message.data["text/plain"], second?.update, second?.message.data["text/plain"]],
    [false, "first", true, "second"],
  );
  assert.match(first?.message.transient.display_id ?? "", /^[0-9a-f]{16}$/);
  assert.equal(second?.message.transient.display_id, first?.message.transient.display_id);
});

test("a bundle needs at least one MIME type", () => {
  assert.throws(() => display({}), /display: expected at least one MIME type in the bundle, found none/);
  assert.throws(() => new LiveOutput().update({}), /expected at least one MIME type/);
});

test("showTable: an HTML table in a notebook, aligned text in a script, a column of numbers on the right", async () => {
  const header = ["方法", "MSE", "note"];
  const rows = [
    ["PCA", "0.0152", "linear"],
    ["conv <7x7x32>", "0.0013", "-91%"],
  ];
  const { text } = await captureStdout(() => showTable(header, rows, { caption: "test set" }));
  assert.equal(
    text,
    [
      "test set",
      "方法              MSE  note",
      "-------------  ------  ------",
      "PCA            0.0152  linear",
      "conv <7x7x32>  0.0013  -91%",
      "",
    ].join("\n"),
  );
  const { sent } = await inFakeKernel(() => showTable(header, rows));
  const html = sent[0]?.message.data["text/html"] ?? "";
  assert.equal(sent.length, 1, "one output");
  assert.match(
    html,
    /<thead><tr><th style="text-align:left[^>]*>方法<\/th><th style="text-align:right[^>]*>MSE<\/th>/,
  );
  assert.match(html, /<td style="text-align:right[^"]*">0\.0013<\/td>/);
  assert.match(html, /<td style="text-align:left[^"]*">conv &#60;7x7x32&#62;<\/td>/, "cells are escaped");
  assert.doesNotMatch(html, /<caption/, "no caption unless given");
});

test("showTable: a row of the wrong length is refused, saying which and how long", async () => {
  assert.throws(() => showTable(["a", "b"], [["1", "2"], ["3"]]), {
    message: "showTable: expected 2 cells in row 1, found 1",
  });
  assert.throws(() => showTable([], []), {
    message: "showTable: expected at least 1 cells in the header, found 0",
  });
  await inLanguage("zh", () =>
    assert.throws(() => showTable(["a", "b"], [["1", "2"], ["3"]]), {
      message: "showTable：第 1 行（从 0 数起）应有 2 个单元格，实际为 1 个",
    }),
  );
});

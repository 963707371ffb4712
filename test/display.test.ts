// display.ts: outputs of the running cell, in a plain Node process and (through a stand-in kernel) in a notebook.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LiveOutput, display, escapeHtml } from "ae-shared";
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

test("escapeHtml covers markup and both quotes", () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { LiveOutput, display, escapeHtml, inKernel } from "ae-shared";
import { executeNotebook, joinText } from "../scripts/notebook.js";
import { ROOT } from "../scripts/project.js";

test("outside a kernel: display prints the text/plain part, a live output shows nothing", () => {
  assert.equal(inKernel(), false);
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    display({ "text/html": "<b>x</b>", "text/plain": "plain x" });
    new LiveOutput().update({ "text/plain": "live" });
  } finally {
    process.stdout.write = write;
  }
  assert.deepEqual(written, ["plain x\n"]);
});

test("a bundle needs at least one MIME type", () => {
  assert.throws(() => display({}), /display: expected at least one MIME type in the bundle, found none/);
  assert.throws(() => new LiveOutput().update({}), /expected at least one MIME type/);
});

test("escapeHtml covers markup and both quotes", () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
});

test("in a kernel, a burst of thousands of outputs neither kills the cell nor loses any", async () => {
  // Plain tslab dies silently here: after 512 quick messages zeromq's send throws "Socket is busy writing".
  // (700 updates: past that point, and under the 1000 messages a zeromq publisher queues before dropping.)
  const notebook = await executeNotebook(
    join(ROOT, "test", "fixtures", "flood.ipynb"),
    join(ROOT, "test", ".output", "flood.ipynb"),
  );
  const outputs = notebook.cells.flatMap((cell) => cell.outputs ?? []);
  const texts = outputs.map((o) => joinText((o.data?.["text/plain"] as string | undefined) ?? o.text));
  assert.equal(texts[0], "update 700", "the live output ends at its last update");
  assert.equal(texts.filter((t) => /^output \d+$/.test(t)).length, 14, "every display arrived");
  assert.deepEqual(
    texts.filter((t) => t.startsWith("line ")),
    Array.from({ length: 7 }, (_, i) => `line ${(i + 1) * 100}\n`),
    "stdout lines arrived, in order",
  );
  assert.ok(texts.includes("burst done\n"), "the cell ran to its end");
  assert.ok(texts.includes("next cell ran\n"));
});

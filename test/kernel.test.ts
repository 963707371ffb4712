// kernel.ts: finding the tslab kernel, and its output messages surviving a busy socket.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { inKernel } from "ae-shared";
import { executeNotebook, joinText } from "../scripts/notebook.js";
import { ROOT } from "../scripts/project.js";
import { inFakeKernel } from "./support/kernel.js";

test("inKernel is false in a plain Node process and true while tslab's module is loaded", async () => {
  assert.equal(inKernel(), false);
  const { result } = await inFakeKernel(() => inKernel());
  assert.equal(result, true);
  assert.equal(inKernel(), false, "false again once the stand-in is gone");
});

test("in a real kernel: inKernel() is true, and a burst of thousands of outputs neither kills the cell nor loses any", async () => {
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
  assert.ok(texts.includes("inKernel=true\n"), texts.join(""));
});

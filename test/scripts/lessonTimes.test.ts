// scripts/bench/lessonTimes.js (`npm run bench -- --lessons`): the two ways a lesson is timed, a real timed run
// of a small notebook under both (each with its own environment reaching the kernel), and the table.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseBenchArgs } from "../../scripts/bench.js";
import { lessonVariants, timeLessons } from "../../scripts/bench/lessonTimes.js";
import { lessonTimesTable } from "../../scripts/bench/tables.js";

test("the eager fast path (every lever but the graph path), then the default", () => {
  assert.deepEqual(lessonVariants(["gradients", "loss", "adam", "graph"]), [
    { name: "eager fast path", env: { AE_FAST_TRAINING: "gradients,loss,adam" } },
    { name: "default", env: {} },
  ]);
  assert.throws(
    () => parseBenchArgs(["--lessons", "--keras"]),
    /--lessons must be alone \(it times each lesson before and after the graph path\), found "--lessons --keras"/,
  );
  assert.equal(parseBenchArgs(["--lessons"]).lessons, true);
});

test("each lesson is executed under each way, in order, with that way's environment", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ae lesson times "));
  try {
    const notebooks = join(dir, "notebooks");
    const cell = 'console.log(`levers: ${process.env.AE_FAST_TRAINING ?? "unset"}`);';
    const notebook = {
      cells: [
        { id: "env", cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: [cell] },
      ],
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    mkdirSync(notebooks);
    writeFileSync(join(notebooks, "01-env.ipynb"), JSON.stringify(notebook));
    const reported: string[] = [];
    const times = await timeLessons({
      variants: [
        { name: "eager", env: { AE_FAST_TRAINING: "gradients" } },
        { name: "default", env: {} },
      ],
      scratch: join(dir, "scratch"),
      notebooks,
      report: (t) => reported.push(`${t.lesson} ${t.variant}`),
    });
    assert.deepEqual(reported, ["01-env eager", "01-env default"]);
    assert.ok(times.every((t) => t.seconds > 0));
    const printed = (i: number) =>
      JSON.stringify(JSON.parse(readFileSync(join(dir, "scratch", `v${i}`, "01-env.ipynb"), "utf8")).cells);
    assert.match(printed(0), /levers: gradients/);
    assert.doesNotMatch(printed(1), /levers: gradients/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the table: each way's seconds, the last over the first, and all lessons together", () => {
  const table = lessonTimesTable([
    { lesson: "01-dense", variant: "eager fast path", seconds: 40 },
    { lesson: "01-dense", variant: "default", seconds: 30 },
    { lesson: "03-conv", variant: "eager fast path", seconds: 200 },
    { lesson: "03-conv", variant: "default", seconds: 150.4 },
  ]);
  assert.match(table, /^\| lesson +\| eager fast path s \| default s \| default \/ eager fast path \|/);
  assert.match(table, /\| 01-dense +\| +40 \| +30 \| +0\.75x \|/);
  assert.match(table, /\| 03-conv +\| +200 \| +150 \| +0\.75x \|/);
  assert.match(table, /\| all lessons \| +240 \| +180 \| +0\.75x \|/);
});

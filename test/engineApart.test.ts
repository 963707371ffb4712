// The engine's tests pass without the lessons: src/engine alone (its sources, its build and its tests) in a fresh
// folder, with the packages it needs and none of the pack's (no ae-shared, no scripts/, no notebooks/), runs every
// file of src/engine/test/ green. dependency-cruiser keeps the imports apart (test/architecture.test.ts); this proves
// nothing else ties them, such as a path, a fixture or a module left in a cache.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ROOT, TENSORFLOW_ENV } from "../scripts/project.js";

const work = mkdtempSync(join(tmpdir(), "ae-engine-apart-"));
after(() => rmSync(work, { recursive: true, force: true }));

test("src/engine/test passes in a folder that holds the engine and no lesson", () => {
  const engine = join(work, "src", "engine");
  cpSync(join(ROOT, "src", "engine"), engine, { recursive: true });
  // The packages the engine and its tests load, each linked from the pack's node_modules; the pack's own
  // workspaces left out, and ae-engine linked to the copy.
  const modules = join(work, "node_modules");
  mkdirSync(modules);
  const own = new Set(["ae-shared", "ae-engine", "autoencoder-lessons"]);
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (!own.has(name)) symlinkSync(join(ROOT, "node_modules", name), join(modules, name));
  }
  symlinkSync(engine, join(modules, "ae-engine"));
  const tests = readdirSync(join(engine, "test"))
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => join("src", "engine", "test", name));
  assert.ok(tests.length >= 5, `the engine's test files (${tests.join(", ")})`);
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", "--test-reporter=tap", "--test-concurrency=1", ...tests],
    {
      cwd: work,
      encoding: "utf8",
      // Without NODE_TEST_CONTEXT, which this runner sets: the child then reports as a test run of its own.
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, ...TENSORFLOW_ENV, TF_CPP_MIN_LOG_LEVEL: "2" },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const summary = /^# pass (\d+)\n# fail (\d+)$/m.exec(run.stdout);
  assert.equal(run.status, 0, `${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`);
  assert.ok(summary && Number(summary[1]) > 40 && summary[2] === "0", summary?.[0] ?? run.stdout.slice(-500));
});

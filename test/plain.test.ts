// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// plain.ts: the entry for scripts that train nothing loads neither TensorFlow nor tslab, and holds what they use.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../scripts/project.js";

/** What `entry` loads of TensorFlow, tslab and zeromq, and the names it exports. */
function plainEntry(entry: string) {
  const program = [
    `const plain = require(${JSON.stringify(entry)});`,
    `const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](@tensorflow|tslab|zeromq)/.test(f));`,
    `console.log(JSON.stringify({ loaded, names: Object.keys(plain).sort() }));`,
  ].join("\n");
  const result = spawnSync(process.execPath, ["-e", program], { cwd: ROOT, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as { loaded: string[]; names: string[] };
}

test('"ae-engine/plain" loads no TensorFlow and gives the levers and the fences', () => {
  const { loaded, names } = plainEntry("ae-engine/plain");
  assert.deepEqual(loaded, [], "modules of TensorFlow, tslab or zeromq loaded by the entry");
  for (const name of ["FAST_TRAINING_LEVERS", "fastTrainingLevers", "ENGINE_FENCES", "fenceHolds"]) {
    assert.ok(names.includes(name), `"ae-engine/plain" exports ${name}; it has ${names.join(", ")}`);
  }
});

test('"ae-shared/plain" loads no TensorFlow, no tslab and no zeromq, and exports the scripts\' helpers', () => {
  const { loaded, names } = plainEntry("ae-shared/plain");
  assert.deepEqual(loaded, [], "modules of TensorFlow, tslab or zeromq loaded by the entry");
  for (const name of ["escapeHtml", "localize", "mustBe", "printablePath", "textTable", "wholeNumberRange"]) {
    assert.ok(names.includes(name), `"ae-shared/plain" exports ${name}; it has ${names.join(", ")}`);
  }
});

test("the library's entries are its package's exports: the lessons', the scripts', and the internals for tests", async () => {
  const { readFile } = await import("node:fs/promises");
  const pkg = JSON.parse(await readFile(join(ROOT, "src", "shared", "package.json"), "utf8")) as {
    exports: Record<string, unknown>;
  };
  assert.deepEqual(Object.keys(pkg.exports), [".", "./plain", "./internal/*"]);
});

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// Every override of another package's code is fenced (the engine's fences.ts, the library's overrides.ts, set-up's
// scripts/setup/fences.js): each fence names the version npm installed, the tests that hold it exist, and the
// overrides tables of ARCHITECTURE.md and the engine's README are the ones scripts/fenceTable.js makes from them.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { installedVersion } from "ae-engine/plain";
import { ALL_FENCES, writeFenceTables } from "../scripts/fenceTable.js";
import { TENSORFLOW_WHEEL } from "../scripts/setup/tensorflowWheel.js";
import { ROOT } from "../scripts/project.js";

const everyFence = () =>
  Object.entries(ALL_FENCES).flatMap(([owner, fences]) =>
    Object.entries(fences).map(([name, fence]) => ({ owner, name, fence })),
  );

test("each fence names the version installed: a package update fails here until its override is re-tested", () => {
  // The TensorFlow library's version is asked of the running backend: src/engine/test/fences.test.ts holds it.
  const npmFences = everyFence().filter(({ name }) => name !== "nativeTensorflow");
  assert.ok(npmFences.length >= 10, `every part's fences are read (${npmFences.length})`);
  for (const { owner, name, fence } of npmFences) {
    assert.equal(installedVersion(fence.pkg, fence.via), fence.version, `${owner}'s ${name}`);
  }
});

test("the native library's fence is the TensorFlow of the wheel set-up installs", () => {
  const wheelVersion = /==([\d.]+)$/.exec(TENSORFLOW_WHEEL.requirement)?.[1];
  assert.equal(ALL_FENCES["ae-engine"].nativeTensorflow?.version, wheelVersion);
});

test("each fence is held by test files that exist, and says why and when it can go", () => {
  for (const { owner, name, fence } of everyFence()) {
    assert.ok(fence.heldBy.length > 0, `${owner}'s ${name} names a test`);
    for (const file of fence.heldBy) {
      assert.ok(existsSync(join(ROOT, file)), `${owner}'s ${name}: ${file} exists`);
      assert.match(file, /\.test\.ts$/, `${owner}'s ${name}: ${file} is a test`);
    }
    assert.ok(
      fence.canGo.length > 0 && fence.why.length > 0,
      `${owner}'s ${name} says why and when it can go`,
    );
  }
});

test("the overrides tables of ARCHITECTURE.md and the engine's README are generated from the fences", async () => {
  assert.deepEqual(await writeFenceTables(false), [], "run node scripts/fenceTable.js and commit the result");
  const architecture = readFileSync(join(ROOT, "ARCHITECTURE.md"), "utf8");
  for (const { name, fence } of everyFence()) {
    const row = architecture.split("\n").find((line) => line.startsWith(`| \`${name}\``));
    assert.ok(row?.includes(`${fence.pkg} ${fence.version}`), `ARCHITECTURE.md's row for ${name}`);
  }
});

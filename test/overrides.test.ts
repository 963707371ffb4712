// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// overrides.ts: each override of another package's code installs itself only on the version it was written for;
// on another one the package's own code stays and one line says so, naming the package and both versions.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { setFastTraining } from "ae-shared";
import { installFastAdam, uninstallFastAdam } from "ae-shared/internal/fastAdam";
import { installFastGradients, uninstallFastGradients } from "ae-shared/internal/fastGradients";
import { installFastLoss, uninstallFastLoss } from "ae-shared/internal/fastLoss";
import { installGraphFit, uninstallGraphFit } from "ae-shared/internal/graphFit";
import { FENCES, fenceHolds, fenceNotice, installedVersion } from "ae-shared/internal/overrides";
import { NODEPLOTLIB_VERSION } from "../scripts/setup/offlineNodeplotlib.js";
import { TFJS_NODE_VERSION } from "../scripts/setup/tfjsNodeUtil.js";
import { ROOT } from "../scripts/project.js";

/** The warnings `body` emits, as the process reports them (emitWarning delivers them on a later tick). */
async function warningsOf(body: () => void): Promise<Error[]> {
  const seen: Error[] = [];
  const listen = (warning: Error) => seen.push(warning);
  process.on("warning", listen);
  try {
    body();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", listen);
  }
  return seen;
}

const skipped = (warnings: Error[]) =>
  warnings.filter((w) => (w as Error & { code?: string }).code === "AE_OVERRIDE_SKIPPED");

describe("the fences", () => {
  test("each fence names the version npm installed: a package update fails here until its override is re-tested", () => {
    for (const [name, fence] of Object.entries(FENCES)) {
      assert.equal(installedVersion(fence.pkg, "via" in fence ? fence.via : undefined), fence.version, name);
    }
  });

  test("the notice is one line naming the override, the package and both versions", () => {
    const notice = fenceNotice(FENCES.fastAdam, "4.23.0");
    assert.equal(
      notice,
      "ae-shared: fastAdam.ts's AdamOptimizer through TensorFlow's ResourceApplyAdam was written for " +
        "@tensorflow/tfjs-core 4.22.0, found 4.23.0; @tensorflow/tfjs-core's own code stays in place " +
        "(training runs tfjs's own Adam, slower)",
    );
    assert.doesNotMatch(notice, /\n/);
    assert.match(fenceNotice(FENCES.chartWindow, undefined), /nodeplotlib 1\.1\.2, none found;/);
  });

  test("a fence that holds says nothing; one that does not says so once", async () => {
    const fence = { what: "a test override", pkg: "left-pad", version: "1.3.0", without: "nothing" };
    assert.deepEqual(
      await warningsOf(() =>
        assert.equal(
          fenceHolds(fence, () => "1.3.0"),
          true,
        ),
      ),
      [],
    );
    const first = await warningsOf(() =>
      assert.equal(
        fenceHolds(fence, () => "2.0.0"),
        false,
      ),
    );
    assert.deepEqual(
      skipped(first).map((w) => w.message),
      [fenceNotice(fence, "2.0.0")],
    );
    assert.deepEqual(
      await warningsOf(() =>
        assert.equal(
          fenceHolds(fence, () => "2.0.0"),
          false,
        ),
      ),
      [],
    );
  });
});

describe("the training levers on a faked version leave tfjs's own code in place", () => {
  afterEach(() => setFastTraining()); // back to what importing the library installs

  test("Adam", async () => {
    uninstallFastAdam();
    const stock = tf.AdamOptimizer.prototype.applyGradients;
    const warnings = await warningsOf(() => installFastAdam(() => "4.23.0"));
    assert.equal(tf.AdamOptimizer.prototype.applyGradients, stock);
    assert.match(skipped(warnings)[0]?.message ?? "", /@tensorflow\/tfjs-core 4\.22\.0, found 4\.23\.0/);
    installFastAdam();
    assert.notEqual(tf.AdamOptimizer.prototype.applyGradients, stock, "installs on the right version");
  });

  test("the loss", async () => {
    uninstallFastLoss();
    const stock = tf.LayersModel.prototype.compile;
    const warnings = await warningsOf(() => installFastLoss(() => "4.21.0"));
    assert.equal(tf.LayersModel.prototype.compile, stock);
    assert.match(skipped(warnings)[0]?.message ?? "", /@tensorflow\/tfjs-layers 4\.22\.0, found 4\.21\.0/);
    installFastLoss();
    assert.notEqual(tf.LayersModel.prototype.compile, stock, "installs on the right version");
  });

  test("the gradients", async () => {
    uninstallFastGradients();
    const stock = tf.getGradient("Relu")?.gradFunc;
    const warnings = await warningsOf(() => installFastGradients(() => undefined));
    assert.equal(tf.getGradient("Relu")?.gradFunc, stock);
    assert.match(skipped(warnings)[0]?.message ?? "", /@tensorflow\/tfjs-core 4\.22\.0, none found/);
    installFastGradients();
    assert.notEqual(tf.getGradient("Relu")?.gradFunc, stock, "installs on the right version");
  });

  test("the graph path", async () => {
    uninstallGraphFit();
    const stock = tf.LayersModel.prototype.fit;
    const warnings = await warningsOf(() => installGraphFit(() => "4.23.0"));
    assert.equal(tf.LayersModel.prototype.fit, stock);
    assert.match(skipped(warnings)[0]?.message ?? "", /@tensorflow\/tfjs-layers 4\.22\.0, found 4\.23\.0/);
    installGraphFit();
    assert.notEqual(tf.LayersModel.prototype.fit, stock, "installs on the right version");
  });
});

test("set-up's edits of other packages are fenced to the versions FENCES names", () => {
  assert.equal(TFJS_NODE_VERSION, FENCES.tfjsNodeUtil.version);
  assert.equal(NODEPLOTLIB_VERSION, FENCES.offlineNodeplotlib.version);
});

test("ARCHITECTURE.md's Overrides table lists every fence with its package and version", () => {
  const architecture = readFileSync(join(ROOT, "ARCHITECTURE.md"), "utf8");
  const table = /## Overrides\n[\s\S]*?(?=\n## |$)/.exec(architecture)?.[0] ?? "";
  assert.ok(table, "ARCHITECTURE.md has an Overrides section");
  for (const [name, fence] of Object.entries(FENCES)) {
    const row = table.split("\n").find((line) => line.includes(`\`${name}\``));
    assert.ok(row, `a row for ${name}`);
    assert.ok(
      row.includes(`${fence.pkg} ${fence.version}`),
      `${name}'s row names ${fence.pkg} ${fence.version}`,
    );
  }
});

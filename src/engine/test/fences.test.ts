// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// fences.ts: each lever installs itself only on the versions it was written for; on another the package's own code
// stays and one line says so, naming the package and both versions. The native library is fenced too.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import {
  ENGINE_FENCES,
  fenceHolds,
  fenceNotice,
  installedVersion,
  setFastTraining,
  type Fence,
} from "ae-engine";
import { installFastAdam, uninstallFastAdam } from "ae-engine/internal/eager/fastAdam";
import { installFastGradients, uninstallFastGradients } from "ae-engine/internal/eager/fastGradients";
import { installFastLoss, uninstallFastLoss } from "ae-engine/internal/eager/fastLoss";
import { installGraphFit, uninstallGraphFit } from "ae-engine/internal/graph/graphFit";

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
    for (const [name, fence] of Object.entries(ENGINE_FENCES) as [string, Fence][]) {
      assert.equal(installedVersion(fence.pkg, fence.via), fence.version, name);
    }
  });

  test("the notice is one line naming the override, the package and both versions", () => {
    const notice = fenceNotice(ENGINE_FENCES.fastAdam, "4.23.0");
    assert.equal(
      notice,
      "ae-shared: AdamOptimizer.prototype (eager/fastAdam.ts) was written for " +
        "@tensorflow/tfjs-core 4.22.0, found 4.23.0; @tensorflow/tfjs-core's own code stays in place " +
        "(training runs tfjs's own Adam, slower)",
    );
    assert.doesNotMatch(notice, /\n/);
    assert.match(fenceNotice(ENGINE_FENCES.fastLoss, undefined), /tfjs-layers 4\.22\.0, none found;/);
  });

  test("a fence that holds says nothing; one that does not says so once", async () => {
    const fence = {
      what: "a test override",
      pkg: "left-pad",
      version: "1.3.0",
      why: "a test",
      without: "nothing",
      heldBy: [],
      canGo: "never",
    };
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

test("the native library's fence reads the TensorFlow that tfjs-node's binding loaded", () => {
  const binding = (tf.backend() as unknown as { binding: { TF_Version: string } }).binding;
  assert.equal(installedVersion(ENGINE_FENCES.nativeTensorflow.pkg), binding.TF_Version);
  assert.equal(
    binding.TF_Version,
    ENGINE_FENCES.nativeTensorflow.version,
    "set-up's TensorFlow is the fenced one",
  );
});

describe("the training levers on a faked version leave tfjs's own code in place", () => {
  afterEach(() => setFastTraining()); // back to what the lesson library installs when imported

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

// Test tier: line (on every Node.js line CI runs: .ci/run).
// scripts/setup/tfjsNodeUtil.js: tfjs-node 4.22.0 is edited so that it calls none of the util functions Node 22
// warns about and Node 23 removed; on another version, or on files that differ, it is left whole. Then a lesson
// and a notebook run as a teacher runs them, with nothing on stderr, on the Node.js that runs this file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ROOT, withoutTensorflowLoadLines } from "../../scripts/project.js";
import { SetupError } from "../../scripts/setup/common.js";
import { captureStdout } from "../support/kernel.js";
import {
  EDITED_FILES,
  TFJS_NODE_DIST,
  editTfjsNode,
  tfjsNodeEdited,
  withoutRemovedCalls,
} from "../../scripts/setup/tfjsNodeUtil.js";

const scratch = mkdtempSync(join(tmpdir(), "ae-tfjs-node-util-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("tfjs-node without util.isNullOrUndefined and util.isArray", () => {
  /** A copy of the two files as tfjs-node 4.22.0 ships them: the calls as its dist writes them. */
  function fakeDist(version: string, calls = { backend: 4, topk: 2 }): string {
    const pkg = mkdtempSync(join(scratch, "tfjs-node-"));
    const dist = join(pkg, "dist");
    mkdirSync(join(dist, "kernels"), { recursive: true });
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ version }));
    const backend = [
      "    if ((0, util_1.isNullOrUndefined)(tensorsOrDtype)) {",
      "    if ((0, util_1.isNullOrUndefined)(tensorsOrDtype)) {",
      "    if ((0, util_1.isNullOrUndefined)(tensors)) {",
      "    if ((0, util_1.isArray)(tensors)) {",
    ].slice(0, calls.backend);
    const topk = [
      "        var kCount = (0, util_1.isNullOrUndefined)(k) ? 1 : k;",
      "        var isSorted = (0, util_1.isNullOrUndefined)(sorted) ? true : sorted;",
    ].slice(0, calls.topk);
    writeFileSync(
      join(dist, "nodejs_kernel_backend.js"),
      `var util_1 = require("util");\n${backend.join("\n")}\n`,
    );
    writeFileSync(join(dist, "kernels", "TopK.js"), `var util_1 = require("util");\n${topk.join("\n")}\n`);
    return dist;
  }
  const read = (dist: string) => EDITED_FILES.map(({ file }) => readFileSync(join(dist, file), "utf8"));

  test("the edit writes upstream's checks (tensorflow/tfjs#8425): `x == null` and Array.isArray", () => {
    const dist = fakeDist("4.22.0");
    assert.equal(tfjsNodeEdited(dist), false);
    editTfjsNode(dist);
    assert.equal(tfjsNodeEdited(dist), true);
    const [backend, topk] = read(dist);
    assert.match(
      backend ?? "",
      /if \(\(tensorsOrDtype == null\)\) \{\n.*\n {4}if \(\(tensors == null\)\) \{\n/,
    );
    assert.match(backend ?? "", /if \(Array\.isArray\(tensors\)\) \{/);
    assert.match(
      topk ?? "",
      /var kCount = \(k == null\) \? 1 : k;\n.*var isSorted = \(sorted == null\) \? true/,
    );
    assert.doesNotMatch(`${backend}${topk}`, /util_1\.is/);
    // The checks behave as util's did, for the values tfjs passes.
    const isNullOrUndefined = (x: unknown) => x === null || x === undefined;
    for (const x of [null, undefined, 0, "", false, [], {}]) {
      assert.equal(x == null, isNullOrUndefined(x));
    }
  });

  test("a tfjs-node whose files differ from 4.22.0's is reported and left whole", () => {
    const dist = fakeDist("4.22.0", { backend: 3, topk: 2 });
    const before = read(dist);
    assert.throws(
      () => editTfjsNode(dist),
      (error: unknown) =>
        error instanceof SetupError &&
        /nodejs_kernel_backend\.js makes 3 calls .*; tfjs-node 4\.22\.0 makes 4/.test(error.problem),
    );
    assert.deepEqual(read(dist), before, "no file written");
  });

  test("another version is left as it is, once said", async () => {
    const dist = fakeDist("4.23.0");
    const before = read(dist);
    const { text: printed } = await captureStdout(() => editTfjsNode(dist));
    assert.match(printed, /written for @tensorflow\/tfjs-node 4\.22\.0, found 4\.23\.0; its own code stays/);
    assert.deepEqual(read(dist), before);
    assert.equal(tfjsNodeEdited(dist), true, "done: set-up does not ask again");
  });

  test("the installed tfjs-node calls none of them, in any of its files", () => {
    assert.equal(tfjsNodeEdited(), true, "set-up's edit is in place");
    const files = readdirSync(TFJS_NODE_DIST, { recursive: true, encoding: "utf8" }).filter(
      (file) => file.endsWith(".js") && !file.endsWith("_test.js"),
    );
    const calling = files.filter((file) =>
      /util_1\.is[A-Z]\w*\)/.test(readFileSync(join(TFJS_NODE_DIST, file), "utf8")),
    );
    assert.deepEqual(calling, []);
    assert.equal(withoutRemovedCalls("(0, util_1.isArray)(x)"), "Array.isArray(x)");
  });

  test("a training on tfjs-node writes nothing to stderr, with deprecations thrown", () => {
    // On Node 22 util.isNullOrUndefined warns (DEP0054), on Node 23 and newer it is gone: either fails here.
    const script = [
      'const tf = require("@tensorflow/tfjs-node");',
      "const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, activation: 'sigmoid' })] });",
      "model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });",
      "const x = tf.randomUniform([32, 4]);",
      "model.fit(x, tf.randomUniform([32, 2]), { epochs: 2, batchSize: 8, verbose: 0 })",
      "  .then((h) => { tf.topk(tf.tensor1d([3, 1, 2]), 2).indices.print(); console.log('losses', h.history.loss.length); });",
    ].join("\n");
    const run = spawnSync(process.execPath, ["--throw-deprecation", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /\[0, 2\][\s\S]*losses 2/);
    assert.equal(withoutTensorflowLoadLines(run.stderr), "");
  });
});

describe("on this Node.js line, as a teacher runs them: nothing on stderr", () => {
  /** An npm command as a teacher types it, at small settings, outside the test runner's environment. */
  function npm(args: string[]) {
    return spawnSync("npm", args, {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, AE_EPOCHS: "1", AE_TRAIN_SIZE: "2048", CI: "true", DISPLAY: "" },
      maxBuffer: 64 * 1024 * 1024,
    });
  }

  test("npm run lesson -- 01-dense", () => {
    const run = npm(["run", "lesson", "--", "01-dense"]);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /后端 = tensorflow/);
    assert.equal(run.stderr, "");
  });

  test("npm run notebook -- notebooks/03-conv.ipynb", () => {
    const run = npm(["run", "notebook", "--", "notebooks/03-conv.ipynb"]);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /notebooks\/03-conv\.ipynb: ran in \d+ s/);
    assert.equal(run.stderr, "");
  });
});

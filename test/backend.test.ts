// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BACKEND, preferOneDnn, requireNativeBackend } from "ae-shared";
import { ROOT } from "../scripts/project.js";

test("the shared library runs on native TensorFlow", () => {
  assert.equal(BACKEND, "tensorflow");
  assert.equal(requireNativeBackend(), "tensorflow");
});

/** Imports ae-shared in a fresh Node whose `require("@tensorflow/tfjs-node")` is replaced by `fake`. */
function importWithFakeTfjsNode(fake: string) {
  const preload = join(mkdtempSync(join(tmpdir(), "ae-backend-")), "fake-tfjs-node.cjs");
  writeFileSync(
    preload,
    `const Module = require("node:module");
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === "@tensorflow/tfjs-node") { ${fake} }
  return load.call(this, request, ...rest);
};`,
  );
  return spawnSync(process.execPath, ["--require", preload, "-e", 'require("ae-shared")'], {
    cwd: ROOT,
    encoding: "utf8",
  });
}

test("a missing native addon stops with the fix, instead of tfjs's own advice", () => {
  const result = importWithFakeTfjsNode(
    'throw new Error("The Node.js native addon module (tfjs_binding.node) can not be found at path: x");',
  );
  assert.notEqual(result.status, 0);
  assert.match(
    result.stderr,
    /NativeBackendError: Native TensorFlow is not available: loading @tensorflow\/tfjs-node failed \(The Node\.js native addon module \(tfjs_binding\.node\) can not be found at path: x\)\./,
  );
  assert.match(result.stderr, /Run `npm run setup` \(or `npm start`\)/);
});

test("a non-native backend is refused, never used silently", () => {
  const result = importWithFakeTfjsNode('return { getBackend: () => "cpu" };');
  assert.notEqual(result.status, 0);
  assert.match(
    result.stderr,
    /Native TensorFlow is not available: expected backend "tensorflow", found "cpu"\./,
  );
});

test("preferOneDnn asks for TensorFlow's oneDNN kernels unless the environment already says", () => {
  const unset: NodeJS.ProcessEnv = {};
  preferOneDnn(unset);
  assert.equal(unset.TF_ENABLE_ONEDNN_OPTS, "1");
  const off: NodeJS.ProcessEnv = { TF_ENABLE_ONEDNN_OPTS: "0" };
  preferOneDnn(off);
  assert.equal(off.TF_ENABLE_ONEDNN_OPTS, "0");
});

test("importing ae-shared loads TensorFlow with oneDNN on; TF_ENABLE_ONEDNN_OPTS=0 still turns it off", () => {
  // TensorFlow logs which it uses as its library loads (at log level 0).
  const load = (extra: NodeJS.ProcessEnv) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TF_CPP_MIN_LOG_LEVEL: "0", ...extra };
    if (!("TF_ENABLE_ONEDNN_OPTS" in extra)) delete env.TF_ENABLE_ONEDNN_OPTS;
    return spawnSync(process.execPath, ["-e", 'require("ae-shared")'], { cwd: ROOT, encoding: "utf8", env });
  };
  const on = load({});
  assert.equal(on.status, 0, on.stderr);
  assert.match(on.stderr, /oneDNN custom operations are on/);
  const off = load({ TF_ENABLE_ONEDNN_OPTS: "0" });
  assert.equal(off.status, 0, off.stderr);
  assert.doesNotMatch(off.stderr, /oneDNN custom operations are on/);
});

test("tfjs-node loaded before ae-shared: a warning says oneDNN is off and how to fix it; a set variable keeps it quiet", () => {
  const load = (extra: NodeJS.ProcessEnv) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
    if (!("TF_ENABLE_ONEDNN_OPTS" in extra)) delete env.TF_ENABLE_ONEDNN_OPTS;
    const code = 'require("@tensorflow/tfjs-node"); require("ae-shared")';
    return spawnSync(process.execPath, ["-e", code], { cwd: ROOT, encoding: "utf8", env });
  };
  const late = load({});
  assert.equal(late.status, 0, late.stderr);
  assert.match(
    late.stderr,
    /\[AE_ONEDNN_TOO_LATE\] Warning: @tensorflow\/tfjs-node was loaded before ae-shared, so TensorFlow already runs without its oneDNN kernels .* Import ae-shared first, or set TF_ENABLE_ONEDNN_OPTS=1/,
  );
  for (const value of ["0", "1"]) {
    const quiet = load({ TF_ENABLE_ONEDNN_OPTS: value });
    assert.doesNotMatch(quiet.stderr, /AE_ONEDNN_TOO_LATE/, `TF_ENABLE_ONEDNN_OPTS=${value}`);
  }
});

// @ts-check
// Set-up's native TensorFlow step: the C library and headers from the pinned wheel (tensorflowWheel.js) into
// @tensorflow/tfjs-node's deps/, its addon compiled against them from source, and a fresh Node process asked
// which backend it gets. Done while a stamp records the wheel and Node's ABI, and the addon is there.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, shellPath } from "../project.js";
import { NODE_MODULES, SetupError, log, readIfExists, run, sha256Text } from "./common.js";
import { nodeHeadersDir } from "./machine.js";
import { TENSORFLOW_WHEEL, WHEEL_CACHE, extractFromWheel, fetchTensorflowWheel } from "./tensorflowWheel.js";

const TFJS_NODE = join(NODE_MODULES, "@tensorflow", "tfjs-node");
const TFJS_DEPS = join(TFJS_NODE, "deps");
const NATIVE_STAMP = join(TFJS_DEPS, ".ae-native-tensorflow.json");
const nativeStampText = () =>
  JSON.stringify({ wheel: TENSORFLOW_WHEEL.sha256, node: process.versions.modules });

/** The addon file that tfjs-node loads, wherever node-pre-gyp put it. */
function bindingFiles() {
  const lib = join(TFJS_NODE, "lib");
  if (!existsSync(lib)) return [];
  return readdirSync(lib)
    .map((dir) => join(lib, dir, "tfjs_binding.node"))
    .filter((file) => existsSync(file));
}

/**
 * The backend tfjs-node picks in a fresh Node process.
 * @param {NodeJS.ProcessEnv} env
 */
export function backendInFreshProcess(env = process.env) {
  const probe = "const tf = require('@tensorflow/tfjs-node'); process.stdout.write(tf.getBackend());";
  return run(process.execPath, ["-e", probe], {
    env: { ...env, TF_CPP_MIN_LOG_LEVEL: "2" },
    what: "loading @tensorflow/tfjs-node",
    fix: "remove node_modules/@tensorflow/tfjs-node/deps and re-run set-up.",
  }).trim();
}

/**
 * Where to compile tfjs-node's addon. gyp splits paths at spaces, so under a checkout path with a space the
 * compiler never finds TensorFlow's headers. Then the addon is compiled in a copy of its sources under a
 * temporary folder whose path has none, with deps/ linked in: `finish` copies the result back, `remove` removes
 * the copy (call it in any case). The folder's name comes from the checkout's path, so a set-up killed
 * outright (which skips `remove`; Ctrl+C does not) leaves nothing that the next run does not clear.
 * @returns {{cwd: string, finish: () => void, remove: () => void}}
 */
export function addonBuildPlace(tfjsNode = TFJS_NODE, temp = tmpdir()) {
  if (!/\s/.test(tfjsNode)) return { cwd: tfjsNode, finish() {}, remove() {} };
  const base = [temp, "/tmp"].find((dir) => !/\s/.test(dir) && existsSync(dir));
  if (!base) {
    throw new SetupError(
      `the checkout's path has a space (${shellPath(tfjsNode)}), and so has the temporary folder (${shellPath(temp)}): gyp, which compiles tfjs-node's addon, cannot work under either.`,
      "set TMPDIR to a folder whose path has no space, or move the checkout to one.",
    );
  }
  const cwd = join(base, `ae-tfjs-node-${sha256Text(tfjsNode).slice(0, 12)}`);
  rmSync(cwd, { recursive: true, force: true });
  mkdirSync(cwd);
  for (const name of ["package.json", "binding.gyp", "binding"]) {
    cpSync(join(tfjsNode, name), join(cwd, name), { recursive: true });
  }
  symlinkSync(join(tfjsNode, "deps"), join(cwd, "deps"));
  return {
    cwd,
    finish: () => cpSync(join(cwd, "lib"), join(tfjsNode, "lib"), { recursive: true }),
    remove: () => rmSync(cwd, { recursive: true, force: true }),
  };
}

/**
 * Compiles tfjs-node's addon against the TensorFlow in its deps/ (into its lib/napi-v*), from source.
 * @param {NodeJS.ProcessEnv} env
 */
function compileTfjsAddon(env) {
  const nodePreGyp = createRequire(join(TFJS_NODE, "package.json")).resolve(
    "@mapbox/node-pre-gyp/bin/node-pre-gyp",
  );
  // --build-from-source: never try tfjs's prebuilt-addon host. npm_config_nodedir: use local Node headers.
  const place = addonBuildPlace(TFJS_NODE);
  try {
    run(
      process.execPath,
      [nodePreGyp, "rebuild", "--build-from-source", "--build-latest-napi-version-only"],
      {
        cwd: place.cwd,
        env: { ...env, npm_config_nodedir: nodeHeadersDir(env) },
        what: "building tfjs-node's addon",
        fix: "check the compiler output above; g++, make and Node's headers are needed.",
      },
    );
    place.finish();
  } finally {
    place.remove();
  }
}

/** @type {import("./common.js").Step} */
export const nativeTensorflow = {
  name: "native TensorFlow for tfjs-node",
  needs: ["platform", "compiler", "nodeHeaders"],
  time: "about 1 min",
  room: (env, fresh = !existsSync(join(WHEEL_CACHE, TENSORFLOW_WHEEL.file))) => [
    { where: ROOT, mb: TENSORFLOW_WHEEL.libraryMb, what: "TensorFlow's C library in node_modules" },
    // pip downloads into the temporary folder, then copies the wheel to .cache/wheels.
    ...(!fresh
      ? []
      : [
          { where: WHEEL_CACHE, mb: TENSORFLOW_WHEEL.wheelMb, what: "the TensorFlow wheel" },
          {
            where: env.TMPDIR || tmpdir(),
            mb: TENSORFLOW_WHEEL.wheelMb,
            what: "pip's download of the wheel",
          },
        ]),
  ],
  done: () => readIfExists(NATIVE_STAMP) === nativeStampText() && bindingFiles().length > 0,
  async run(env) {
    const wheel = await fetchTensorflowWheel(env);
    log("    extracting the C library and headers");
    const partial = `${TFJS_DEPS}.partial`;
    rmSync(partial, { recursive: true, force: true });
    extractFromWheel(wheel, partial, env);
    rmSync(TFJS_DEPS, { recursive: true, force: true });
    renameSync(partial, TFJS_DEPS);

    log("    compiling the tfjs-node addon");
    compileTfjsAddon(env);

    const backend = backendInFreshProcess(env);
    if (backend !== "tensorflow") {
      throw new SetupError(
        `after the build, tfjs-node runs on backend "${backend}", expected "tensorflow".`,
        "remove node_modules/@tensorflow/tfjs-node/deps and re-run set-up.",
      );
    }
    writeFileSync(NATIVE_STAMP, nativeStampText());
  },
};

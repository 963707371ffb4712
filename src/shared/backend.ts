// The lessons train on TensorFlow's native kernels only. The pure-JS backend would "work" but takes
// hours per epoch on the conv model, so a missing native library stops here with the fix, never falls back.
import type * as tfNode from "@tensorflow/tfjs-node";

const FIX =
  "Run `npm run setup` (or `npm start`) in the lesson pack's folder: it installs TensorFlow's C library " +
  "from the tensorflow-cpu wheel into node_modules/@tensorflow/tfjs-node/deps and rebuilds the addon.";

/** Thrown when @tensorflow/tfjs-node cannot run on native TensorFlow. */
export class NativeBackendError extends Error {
  constructor(found: string) {
    super(`Native TensorFlow is not available: ${found}\n${FIX}`);
    this.name = "NativeBackendError";
  }
}

/**
 * TensorFlow's oneDNN kernels, unless the environment says otherwise (TF_ENABLE_ONEDNN_OPTS=0). TensorFlow turns
 * them on by itself only on CPUs with AVX-512 and newer; here they train the conv lessons about 1.7 times as
 * fast as its default kernels (bench/RESULTS.md). TensorFlow reads the setting once, as its library loads: so
 * this must run before the first require of @tensorflow/tfjs-node, and the lessons import ae-shared first.
 */
export function preferOneDnn(env: NodeJS.ProcessEnv = process.env): void {
  if (env.TF_ENABLE_ONEDNN_OPTS !== undefined) return;
  env.TF_ENABLE_ONEDNN_OPTS = "1";
  if (require.resolve("@tensorflow/tfjs-node") in require.cache) {
    process.emitWarning(
      "@tensorflow/tfjs-node was loaded before ae-shared, so TensorFlow already runs without its oneDNN " +
        "kernels (the conv lessons train about 1.7 times slower). Import ae-shared first, or set " +
        "TF_ENABLE_ONEDNN_OPTS=1 (or 0, to keep TensorFlow's default quietly).",
      { code: "AE_ONEDNN_TOO_LATE" },
    );
  }
}

/** Loads @tensorflow/tfjs-node and checks that its backend is native TensorFlow. Returns the backend name. */
export function requireNativeBackend(): string {
  let tf: typeof tfNode;
  preferOneDnn();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a guarded load, to replace tfjs's own advice
    tf = require("@tensorflow/tfjs-node") as typeof tfNode;
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new NativeBackendError(`loading @tensorflow/tfjs-node failed (${message}).`);
  }
  const backend = tf.getBackend();
  if (backend !== "tensorflow") {
    throw new NativeBackendError(`expected backend "tensorflow", found "${backend}".`);
  }
  return backend;
}

/** The backend in use, checked once when the library is first imported. */
export const BACKEND = requireNativeBackend();

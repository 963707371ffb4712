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

/** Loads @tensorflow/tfjs-node and checks that its backend is native TensorFlow. Returns the backend name. */
export function requireNativeBackend(): string {
  let tf: typeof tfNode;
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

// Notebook cells get re-run. A cell that makes tensors or a model would leave the previous run's copies
// behind in native memory each time; `keep` frees them.
import * as tf from "@tensorflow/tfjs-node";
import { localize } from "./language";

const kept = new Map<string, object>();

/** Frees a tensor, a model, anything with dispose(), or the tensors and models inside an object or array. */
function release(value: unknown): void {
  if (value instanceof tf.Tensor) {
    value.dispose();
  } else if (value instanceof tf.LayersModel) {
    value.dispose();
  } else if (Array.isArray(value)) {
    value.forEach(release);
  } else if (value !== null && typeof value === "object" && !ArrayBuffer.isView(value)) {
    if ("dispose" in value && typeof value.dispose === "function") value.dispose();
    else Object.values(value).forEach(release);
  }
}

/**
 * Keeps `value` under `name`, first disposing whatever was kept under that name before. Write it where a
 * cell creates tensors or a model, so running the cell again leaves the tensor count where it was:
 *
 * ```ts
 * const data = keep("data", loadMnist({ trainSize }));
 * const autoencoder = keep("autoencoder", buildAutoencoder());
 * ```
 */
export function keep<T extends object>(name: string, value: T): T {
  if (typeof name !== "string" || name === "") {
    const found = JSON.stringify(name);
    throw new TypeError(
      localize({
        en: `keep: expected a non-empty name, found ${found}`,
        zh: `keep：名字不能为空，实际为 ${found}`,
      }),
    );
  }
  const previous = kept.get(name);
  if (previous !== undefined && previous !== value) release(previous);
  kept.set(name, value);
  return value;
}

// Gradients of relu and sigmoid as TensorFlow computes them, in one kernel each. tfjs builds relu's from
// Step, Cast and Multiply, and its Step kernel on tfjs-node alone runs seven ops (IsNan, Greater, Fill,
// Select...) over the whole tensor: in the conv lesson that was the largest cost of a training step.
// Elsewhere (another backend) the gradients tfjs registered run unchanged.
import * as tf from "@tensorflow/tfjs-node";
import { onTensorflowBackend, registerTensorflowKernel } from "../tensorflowOps";
import { ENGINE_FENCES, installedVersion, nativeLeverFencesHold, type VersionOf } from "../fences";

type GradConfig = NonNullable<ReturnType<typeof tf.getGradient>>;

const installed = new Map<string, GradConfig>();

/**
 * Replaces the gradient of `kernelName` with `fast` on the tensorflow backend, keeping tfjs's own for the
 * rest. `fast` receives what tfjs's gradient saved (inputs or outputs, as its config says).
 */
function overrideGradient(
  kernelName: string,
  input: string,
  fast: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor,
): void {
  if (installed.has(kernelName)) return;
  const original = tf.getGradient(kernelName);
  if (!original) throw new Error(`fastGradients: tfjs has no gradient for ${kernelName} to replace`);
  installed.set(kernelName, original);
  tf.registerGradient({
    ...original,
    gradFunc: (dy, saved, attrs) => {
      if (!onTensorflowBackend()) return original.gradFunc(dy, saved, attrs);
      return { [input]: () => fast(dy as tf.Tensor, saved) };
    },
  });
}

/** Installs ReluGrad and SigmoidGrad as the gradients of Relu and Sigmoid on the tensorflow backend. */
export function installFastGradients(versionOf: VersionOf = installedVersion): void {
  if (!nativeLeverFencesHold(ENGINE_FENCES.fastGradients, versionOf)) return;
  registerTensorflowKernel("AeReluGrad", "ReluGrad", ["dy", "x"]);
  registerTensorflowKernel("AeSigmoidGrad", "SigmoidGrad", ["y", "dy"]);
  // tfjs saves Relu's input and Sigmoid's output; ReluGrad takes either, SigmoidGrad the output.
  overrideGradient(
    "Relu",
    "x",
    (dy, [x]) => tf.engine().runKernel("AeReluGrad", { dy, x: x as tf.Tensor }) as tf.Tensor,
  );
  overrideGradient(
    "Sigmoid",
    "x",
    (dy, [y]) => tf.engine().runKernel("AeSigmoidGrad", { y: y as tf.Tensor, dy }) as tf.Tensor,
  );
}

/** Puts tfjs's own gradients back (for tests and the bench's comparison). */
export function uninstallFastGradients(): void {
  for (const config of installed.values()) tf.registerGradient(config);
  installed.clear();
}

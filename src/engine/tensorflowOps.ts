// TensorFlow's own ops, run by name on tfjs-node's native backend. tfjs builds some gradients and the Adam
// update from many generic ops, one dispatch each; TensorFlow has single kernels for them (ReluGrad,
// SigmoidGrad, ResourceApplyAdam), which tfjs-node can run through its backend's executeOp.
import * as tf from "@tensorflow/tfjs-node";
import type { TFEOpAttr, TFJSBinding } from "@tensorflow/tfjs-node/dist/tfjs_binding";

interface NativeBackend {
  binding: TFJSBinding;
  executeMultipleOutputs(
    name: string,
    attrs: TFEOpAttr[],
    inputs: tf.Tensor[],
    numOutputs: number,
  ): tf.Tensor[];
}

/** True while tfjs runs on tfjs-node's native TensorFlow backend: the only place the fast kernels exist. */
export function onTensorflowBackend(): boolean {
  return tf.getBackend() === "tensorflow";
}

function nativeBackend(): NativeBackend {
  if (!onTensorflowBackend()) {
    throw new Error(`TensorFlow ops need the "tensorflow" backend, found "${tf.getBackend()}"`);
  }
  return tf.backend() as unknown as NativeBackend;
}

/** An op attribute: a dtype ("T": "float32"), a bool, a float, a string, or a shape (number[]). */
export type OpAttrValue =
  | { dtype: tf.DataType | "resource" }
  | { bool: boolean }
  | { float: number }
  | { string: string }
  | { shape: number[] };

function toAttr(binding: TFJSBinding, name: string, value: OpAttrValue): TFEOpAttr {
  if ("dtype" in value) {
    const types: Record<string, number> = {
      float32: binding.TF_FLOAT,
      int32: binding.TF_INT32,
      bool: binding.TF_BOOL,
      resource: binding.TF_RESOURCE,
    };
    const type = types[value.dtype];
    if (type === undefined)
      throw new TypeError(`TensorFlow op attribute ${name}: unsupported dtype ${value.dtype}`);
    return { name, type: binding.TF_ATTR_TYPE, value: type };
  }
  if ("bool" in value) return { name, type: binding.TF_ATTR_BOOL, value: value.bool };
  if ("float" in value) return { name, type: binding.TF_ATTR_FLOAT, value: value.float };
  if ("string" in value) return { name, type: binding.TF_ATTR_STRING, value: value.string };
  return { name, type: binding.TF_ATTR_SHAPE, value: value.shape };
}

/**
 * Runs TensorFlow op `op` (e.g. "ReluGrad") on `inputs`; returns its `numOutputs` outputs as tfjs tensors,
 * tracked like any other (dispose them, or run inside tf.tidy).
 */
export function runTensorflowOp(
  op: string,
  inputs: tf.Tensor[],
  attrs: Record<string, OpAttrValue> = {},
  numOutputs = 1,
): tf.Tensor[] {
  const backend = nativeBackend();
  const opAttrs = Object.entries(attrs).map(([name, value]) => toAttr(backend.binding, name, value));
  return backend.executeMultipleOutputs(op, opAttrs, inputs, numOutputs);
}

/**
 * Registers a tfjs kernel `kernelName` for the tensorflow backend that runs TensorFlow op `op` on the named
 * inputs, in order, with attribute T set to the first input's dtype. Run it with tf.engine().runKernel.
 */
export function registerTensorflowKernel(kernelName: string, op: string, inputNames: string[]): void {
  if (tf.getKernel(kernelName, "tensorflow")) return;
  tf.registerKernel({
    kernelName,
    backendName: "tensorflow",
    kernelFunc: ({ inputs }) => {
      const tensors = inputNames.map((name) => inputs[name] as tf.Tensor);
      const [output] = runTensorflowOp(op, tensors, { T: { dtype: tensors[0]?.dtype ?? "float32" } });
      return output as tf.Tensor;
    },
  });
}

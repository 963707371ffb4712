// Binary cross-entropy for models compiled with loss "binaryCrossentropy", in fewer TensorFlow ops.
// tfjs-layers computes it through logits it rebuilds from the probabilities (clip, divide, log, then the
// logistic loss: thirteen ops) and differentiates each op on the tape (about thirty more).
// - Where the output layer ends in a sigmoid, the loss is taken from that sigmoid's input z while training, as
//   Keras does (it keeps the logits on the sigmoid's output): loss = mean(softplus(z) - t·z), dL/dz = (σ(z) - t) / n,
//   which is what tfjs's loss gives, through the sigmoid, wherever tfjs does not clip σ(z) to [ε, 1 - ε]. Where it
//   does (|z| above about 16), tfjs gives no gradient at all, even to a pixel that is wrong; Keras's still
//   pulls it back. Eight ops, and no sigmoid gradient.
// - Otherwise (validation, predictions, other output layers), tfjs's clipped loss with its gradient written out:
//     loss = -mean(t·log(y) + (1 - t)·log(1 - y)),  y = clip(p, ε, 1 - ε),
//     dL/dp = (y - t) / (y(1 - y)) / n where p was not clipped and 0 where it was.
// Off the tensorflow backend, and for other losses, tfjs's own runs.
import * as tf from "@tensorflow/tfjs-node";
import { onTensorflowBackend } from "../tensorflowOps";
import { ENGINE_FENCES, fenceHolds, installedVersion, type VersionOf } from "../fences";

/** The logits of sigmoid outputs computed while recording gradients, until the loss takes them. */
const logitsOf = new WeakMap<tf.Tensor, tf.Tensor>();

/** Whether tfjs is recording operations for gradients (inside a training step). */
function recordingGradients(): boolean {
  const engine = tf.engine() as unknown as { state: { gradientDepth: number } };
  return engine.state.gradientDepth > 0;
}

interface SigmoidActivation {
  getClassName(): string;
  apply(x: tf.Tensor): tf.Tensor;
}

/**
 * Makes `layer`'s sigmoid keep its input while training, for the loss to take. Only that layer's own
 * activation object changes (its `apply`); a forward pass whose loss is never taken frees its logits at the next.
 */
function keepLogitsOf(layer: tf.layers.Layer): void {
  const activation = (layer as unknown as { activation?: SigmoidActivation }).activation;
  if (activation?.getClassName() !== "sigmoid" || Object.hasOwn(activation, "apply")) return;
  const sigmoid = activation.apply.bind(activation);
  let kept: tf.Tensor | undefined;
  activation.apply = (z: tf.Tensor): tf.Tensor => {
    const y = sigmoid(z);
    if (onTensorflowBackend() && recordingGradients()) {
      kept?.dispose();
      kept = tf.keep(z); // the layer's tidy would free it before the loss is taken
      logitsOf.set(y, kept);
    }
    return y;
  };
}

/**
 * Binary cross-entropy of sigmoid(`logits`) against `yTrue`, averaged over the last axis, from the logits as
 * Keras computes it. `probabilities` is sigmoid(`logits`), already computed by the model: the gradient with
 * respect to the logits is (probabilities - yTrue) / n. Targets are data: no gradient flows into them.
 */
export function binaryCrossentropyFromLogits(
  yTrue: tf.Tensor,
  logits: tf.Tensor,
  probabilities: tf.Tensor,
): tf.Tensor {
  const n = logits.shape[logits.rank - 1] ?? 1;
  const loss = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = args[0] as tf.Tensor;
    return {
      value: tf.mean(tf.sub(tf.softplus(z), tf.mul(yTrue, z)), -1),
      gradFunc: (dy: tf.Tensor) => tf.mul(tf.sub(probabilities, yTrue), tf.div(tf.expandDims(dy, -1), n)),
    };
  });
  return loss(logits);
}

type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * Binary cross-entropy of probabilities `yPred` against targets `yTrue`, averaged over the last axis, as
 * tfjs-layers' binaryCrossentropy. Targets are data: no gradient flows into them.
 */
export function binaryCrossentropyFast(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const epsilon = tf.backend().epsilon();
  const n = yPred.shape[yPred.rank - 1] ?? 1;
  const loss = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [p, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const y = tf.clipByValue(p, epsilon, 1 - epsilon);
    const logY = tf.log(y);
    const log1mY = tf.log1p(tf.neg(y));
    const value = tf.neg(tf.mean(tf.add(log1mY, tf.mul(yTrue, tf.sub(logY, log1mY))), -1));
    save([p, y]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [pSaved, ySaved] = saved as [tf.Tensor, tf.Tensor];
        const slope = tf.div(tf.sub(ySaved, yTrue), tf.mul(ySaved, tf.sub(1, ySaved)));
        const scaled = tf.mul(slope, tf.div(tf.expandDims(dy, -1), n));
        // Where clipping held p at ε or 1 - ε, the loss does not change with p.
        return tf.where(tf.equal(pSaved, ySaved), scaled, tf.zerosLike(scaled));
      },
    };
  });
  return loss(yPred);
}

const ORIGINAL = Symbol.for("ae-shared.compile-original");
type Compile = (this: tf.LayersModel, args: tf.ModelCompileArgs) => void;

/** Whether output i of a model compiled with `loss` uses binary cross-entropy, by its name. */
function isBinaryCrossentropy(loss: tf.ModelCompileArgs["loss"], i: number): boolean {
  const name = Array.isArray(loss) ? loss[i] : loss;
  return name === "binaryCrossentropy" || name === "binary_crossentropy";
}

/** The loss of one output: from the logits the output's sigmoid kept, if it did, else from the probabilities. */
function fastBinaryCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const logits = logitsOf.get(yPred);
  if (!logits || logits.isDisposed) return binaryCrossentropyFast(yTrue, yPred);
  logitsOf.delete(yPred);
  try {
    return binaryCrossentropyFromLogits(yTrue, logits, yPred);
  } finally {
    logits.dispose(); // the gradient needs only the probabilities
  }
}

/**
 * After `compile`, models whose loss is "binaryCrossentropy" use the fast loss on the tensorflow backend, from
 * the logits where the output layer's activation is a sigmoid.
 */
export function installFastLoss(versionOf: VersionOf = installedVersion): void {
  const proto = tf.LayersModel.prototype as unknown as { compile: Compile; [ORIGINAL]?: Compile };
  if (proto[ORIGINAL] || !fenceHolds(ENGINE_FENCES.fastLoss, versionOf)) return;
  const original = proto.compile;
  proto[ORIGINAL] = original;
  proto.compile = function (this: tf.LayersModel, args: tf.ModelCompileArgs): void {
    original.call(this, args);
    const model = this as unknown as { lossFunctions: LossFn[]; outputLayers: tf.layers.Layer[] };
    model.lossFunctions = model.lossFunctions.map((tfjsLoss, i) => {
      if (!isBinaryCrossentropy(args.loss, i)) return tfjsLoss;
      const outputLayer = model.outputLayers[i];
      if (outputLayer) keepLogitsOf(outputLayer);
      return (yTrue, yPred) =>
        onTensorflowBackend() ? fastBinaryCrossentropy(yTrue, yPred) : tfjsLoss(yTrue, yPred);
    });
  };
}

/** Puts tfjs's own compile back (models compiled after this use tfjs's loss); for tests and the bench. */
export function uninstallFastLoss(): void {
  const proto = tf.LayersModel.prototype as unknown as { compile: Compile; [ORIGINAL]?: Compile };
  const original = proto[ORIGINAL];
  if (!original) return;
  proto.compile = original;
  delete proto[ORIGINAL];
}

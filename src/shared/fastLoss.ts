// Binary cross-entropy with its gradient written out, for models compiled with loss "binaryCrossentropy".
// tfjs-layers computes it through logits it rebuilds from the probabilities (clip, divide, log, then the
// logistic loss: thirteen ops) and differentiates each op on the tape (about thirty more). The same values,
//   loss = -mean(t·log(y) + (1 - t)·log(1 - y)),  y = clip(p, ε, 1 - ε)
// and the same gradient, dL/dp = (y - t) / (y(1 - y)) / n where p was not clipped and 0 where it was, take
// a third of that. Off the tensorflow backend, and for other losses, tfjs's own runs.
import * as tf from "@tensorflow/tfjs-node";
import { onTensorflowBackend } from "./tensorflowOps";

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

/** After `compile`, models whose loss is "binaryCrossentropy" use binaryCrossentropyFast on the tensorflow backend. */
export function installFastLoss(): void {
  const proto = tf.LayersModel.prototype as unknown as { compile: Compile; [ORIGINAL]?: Compile };
  if (proto[ORIGINAL]) return;
  const original = proto.compile;
  proto[ORIGINAL] = original;
  proto.compile = function (this: tf.LayersModel, args: tf.ModelCompileArgs): void {
    original.call(this, args);
    const model = this as unknown as { lossFunctions: LossFn[] };
    model.lossFunctions = model.lossFunctions.map((tfjsLoss, i) => {
      if (!isBinaryCrossentropy(args.loss, i)) return tfjsLoss;
      return (yTrue, yPred) =>
        onTensorflowBackend() ? binaryCrossentropyFast(yTrue, yPred) : tfjsLoss(yTrue, yPred);
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

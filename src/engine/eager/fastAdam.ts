// Adam as TensorFlow's own update: one ResourceApplyAdam kernel per weight instead of the fifteen or so generic
// ops tfjs's AdamOptimizer runs for it. TensorFlow's kernel computes
//   lr_t = lr · sqrt(1 - β2^t) / (1 - β1^t);  m += (g - m)(1 - β1);  v += (g² - v)(1 - β2);  w -= lr_t · m / (sqrt(v) + ε')
// which is tfjs's update, w -= lr · m̂ / (sqrt(v̂) + ε) with m̂ = m / (1 - β1^t) and v̂ = v / (1 - β2^t), when
// ε' = ε · sqrt(1 - β2^t): so that is the ε it is given, and the lessons train with tfjs's Adam, to float32
// rounding. (Keras gives its kernel ε itself: the two differ only where sqrt(v) is near ε, gradients of 1e-5.)
// TensorFlow's kernel updates variables it owns (resource variables): each weight, m and v live there while
// training, and the model's weight is read back after each step. Off the tensorflow backend, tfjs's own runs.
import * as tf from "@tensorflow/tfjs-node";
import { onTensorflowBackend, runTensorflowOp } from "../tensorflowOps";
import { ENGINE_FENCES, installedVersion, nativeLeverFencesHold, type VersionOf } from "../fences";

/** A named tensor, as optimizers take and give them. */
interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** The parts of tfjs's AdamOptimizer that its update uses (protected in its types). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}

/** TensorFlow's copies of one weight and its moments, and which tfjs value the weight copy holds. */
interface Slots {
  w: tf.Tensor;
  m: tf.Tensor;
  v: tf.Tensor;
  /** The dataId last read back into the model's variable: if the variable holds another, it was set anew. */
  written: object | null;
}

interface FastState {
  slots: Map<string, Slots>;
  scalars: Map<string, { value: number; tensor: tf.Scalar }>;
}

const states = new WeakMap<object, FastState>();
const FLOAT = { dtype: "float32" } as const;
let handles = 0;

/** A TensorFlow resource variable holding `initial`; the handle is kept until `destroy`. */
function resourceVariable(initial: tf.Tensor): tf.Tensor {
  const [handle] = runTensorflowOp("VarHandleOp", [], {
    dtype: FLOAT,
    shape: { shape: initial.shape },
    container: { string: "" },
    shared_name: { string: `ae_adam_${process.pid}_${handles++}` },
  });
  runTensorflowOp("AssignVariableOp", [handle as tf.Tensor, initial], { dtype: FLOAT }, 0);
  return tf.keep(handle as tf.Tensor);
}

function destroy(slots: Slots): void {
  for (const handle of [slots.w, slots.m, slots.v]) {
    runTensorflowOp("DestroyResourceOp", [handle], { ignore_lookup_error: { bool: true } }, 0);
    handle.dispose();
  }
}

function readVariable(handle: tf.Tensor): tf.Tensor {
  return runTensorflowOp("ReadVariableOp", [handle], { dtype: FLOAT })[0] as tf.Tensor;
}

/** A float32 scalar kept across steps while its value stays the same (lr, β1, β2, ε). */
function constant(state: FastState, name: string, value: number): tf.Scalar {
  const cached = state.scalars.get(name);
  if (cached?.value === value) return cached.tensor;
  cached?.tensor.dispose();
  const tensor = tf.keep(tf.scalar(value, "float32"));
  state.scalars.set(name, { value, tensor });
  return tensor;
}

function endFastState(optimizer: object): void {
  const state = states.get(optimizer);
  if (!state) return;
  states.delete(optimizer);
  state.slots.forEach(destroy);
  state.scalars.forEach(({ tensor }) => tensor.dispose());
}

/** Copies TensorFlow's moments into tfjs's own variables, so that getWeights and saving see them. */
function syncMoments(adam: AdamInternals, optimizer: object): void {
  const state = states.get(optimizer);
  if (!state) return;
  tf.tidy(() => {
    for (const [i, first] of adam.accumulatedFirstMoment.entries()) {
      const slots = state.slots.get(first.originalName.replace(/\/m$/, ""));
      const second = adam.accumulatedSecondMoment[i];
      if (!slots || !second) continue;
      first.variable.assign(readVariable(slots.m));
      second.variable.assign(readVariable(slots.v));
    }
  });
}

function fastApply(this: tf.AdamOptimizer, gradients: tf.NamedTensorMap | NamedTensor[]): void {
  const adam = this as unknown as AdamInternals;
  const state: FastState = states.get(this) ?? { slots: new Map(), scalars: new Map() };
  states.set(this, state);
  const named = Array.isArray(gradients)
    ? gradients.map(({ name, tensor }) => [name, tensor] as const)
    : Object.entries(gradients);
  tf.tidy(() => {
    // β1^t and β2^t as tfjs keeps them (accBeta, multiplied by β after each step), and every hyperparameter read
    // at each step: a callback may change them between steps, and tfjs's own update reads them so.
    const beta1Power = adam.accBeta1;
    const beta2Power = adam.accBeta2;
    const lr = constant(state, "lr", adam.learningRate);
    const beta1 = constant(state, "beta1", adam.beta1);
    const beta2 = constant(state, "beta2", adam.beta2);
    const epsilon = tf.mul(constant(state, "epsilon", adam.epsilon), tf.sqrt(tf.sub(1, beta2Power)));
    named.forEach(([name, gradient], i) => {
      const value = tf.engine().registeredVariables[name] as tf.Variable;
      // tfjs's own moment variables exist as tfjs makes them, so getWeights keeps its layout.
      adam.accumulatedFirstMoment[i] ??= {
        originalName: `${name}/m`,
        variable: tf.zerosLike(value).variable(false),
      };
      adam.accumulatedSecondMoment[i] ??= {
        originalName: `${name}/v`,
        variable: tf.zerosLike(value).variable(false),
      };
      const first = adam.accumulatedFirstMoment[i];
      const second = adam.accumulatedSecondMoment[i];
      if (gradient == null || !first || !second) return;
      let slots = state.slots.get(name);
      if (!slots) {
        slots = {
          w: resourceVariable(value),
          m: resourceVariable(first.variable),
          v: resourceVariable(second.variable),
          written: value.dataId,
        };
        state.slots.set(name, slots);
      } else if (value.dataId !== slots.written) {
        // The weight was set from outside (setWeights, loading): train on from the new value.
        runTensorflowOp("AssignVariableOp", [slots.w, value], { dtype: FLOAT }, 0);
      }
      runTensorflowOp(
        "ResourceApplyAdam",
        [slots.w, slots.m, slots.v, beta1Power, beta2Power, lr, beta1, beta2, epsilon, gradient],
        { T: FLOAT, use_locking: { bool: false }, use_nesterov: { bool: false } },
        0,
      );
      value.assign(readVariable(slots.w));
      slots.written = value.dataId;
    });
    // tfjs's own state moves on too, as its update would have moved it.
    adam.accBeta1.assign(tf.mul(adam.accBeta1, adam.beta1));
    adam.accBeta2.assign(tf.mul(adam.accBeta2, adam.beta2));
  });
  adam.incrementIterations();
}

const ORIGINAL = Symbol.for("ae-shared.adam-original");
type Patched = Record<
  "applyGradients" | "getWeights" | "setWeights" | "dispose",
  (...args: never[]) => unknown
>;

/** Routes tf.AdamOptimizer's update through TensorFlow's kernel on the tensorflow backend. */
export function installFastAdam(versionOf: VersionOf = installedVersion): void {
  const proto = tf.AdamOptimizer.prototype as unknown as Patched & { [ORIGINAL]?: Patched };
  if (proto[ORIGINAL] || !nativeLeverFencesHold(ENGINE_FENCES.fastAdam, versionOf)) return;
  const original: Patched = {
    applyGradients: proto.applyGradients,
    getWeights: proto.getWeights,
    setWeights: proto.setWeights,
    dispose: proto.dispose,
  };
  proto[ORIGINAL] = original;
  proto.applyGradients = function (this: tf.AdamOptimizer, gradients: tf.NamedTensorMap) {
    if (onTensorflowBackend()) return fastApply.call(this, gradients);
    // Another backend: hand the moments back to tfjs's own update first.
    syncMoments(this as unknown as AdamInternals, this);
    endFastState(this);
    return (original.applyGradients as (g: tf.NamedTensorMap) => void).call(this, gradients);
  } as Patched["applyGradients"];
  proto.getWeights = function (this: tf.AdamOptimizer) {
    syncMoments(this as unknown as AdamInternals, this);
    return (original.getWeights as () => Promise<NamedTensor[]>).call(this);
  } as Patched["getWeights"];
  proto.setWeights = async function (this: tf.AdamOptimizer, weights: NamedTensor[]) {
    endFastState(this); // the next step starts from the weights set here
    return (original.setWeights as (w: NamedTensor[]) => Promise<void>).call(this, weights);
  } as Patched["setWeights"];
  proto.dispose = function (this: tf.AdamOptimizer) {
    endFastState(this);
    return (original.dispose as () => void).call(this);
  } as Patched["dispose"];
}

/** Puts tfjs's own Adam back (for tests and the bench's comparison). */
export function uninstallFastAdam(): void {
  const proto = tf.AdamOptimizer.prototype as unknown as Patched & { [ORIGINAL]?: Patched };
  const original = proto[ORIGINAL];
  if (!original) return;
  Object.assign(proto, original);
  delete proto[ORIGINAL];
}

/** Adam's state for weights of these shapes, as tfjs keeps it: zeros for moments not made yet. */
export function adamState(
  optimizer: tf.AdamOptimizer,
  shapes: number[][],
): { iterations: number; m: Float32Array[]; v: Float32Array[]; beta1Power: number; beta2Power: number } {
  const adam = optimizer as unknown as AdamInternals;
  syncMoments(adam, optimizer);
  const moments = (list: { variable: tf.Variable }[]) =>
    shapes.map((shape, i) => {
      const variable = list[i]?.variable;
      return variable
        ? (variable.dataSync() as Float32Array).slice()
        : new Float32Array(tf.util.sizeFromShape(shape));
    });
  return {
    iterations: optimizer.iterations,
    m: moments(adam.accumulatedFirstMoment),
    v: moments(adam.accumulatedSecondMoment),
    beta1Power: adam.accBeta1.dataSync()[0] ?? adam.beta1,
    beta2Power: adam.accBeta2.dataSync()[0] ?? adam.beta2,
  };
}

/**
 * Makes `optimizer` hold a state reached elsewhere (the graph training path): `iterations` steps, these moments
 * for the weights named `names` and these β powers, as tfjs's own update would have left them. The fast path's
 * copies are dropped, to be made anew from these at the next eager step.
 */
export function adoptAdamState(
  optimizer: tf.AdamOptimizer,
  names: string[],
  state: { iterations: number; m: tf.Tensor[]; v: tf.Tensor[]; beta1Power: tf.Tensor; beta2Power: tf.Tensor },
): void {
  const adam = optimizer as unknown as AdamInternals & { iterations_: number };
  endFastState(optimizer);
  const adopt = (
    list: { originalName: string; variable: tf.Variable }[],
    values: tf.Tensor[],
    suffix: string,
  ) =>
    names.forEach((name, i) => {
      const value = values[i];
      if (!value) return;
      const slot = list[i];
      if (slot) slot.variable.assign(value);
      else list[i] = { originalName: `${name}/${suffix}`, variable: value.variable(false) };
    });
  adopt(adam.accumulatedFirstMoment, state.m, "m");
  adopt(adam.accumulatedSecondMoment, state.v, "v");
  adam.iterations_ = state.iterations;
  adam.accBeta1.assign(state.beta1Power);
  adam.accBeta2.assign(state.beta2Power);
}

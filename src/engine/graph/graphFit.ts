// The graph training path behind `model.fit`, as the lessons call it: for a model graphLayers.ts can read as a
// chain (every lesson model but 07's sparse one and 09's VAE), or vaePlan.ts as the VAE (its ε drawn here per
// step, as its Sampling layer would), fit runs each batch's whole training step (and each validation batch of a
// chain) as one call into a TensorFlow session, instead of one tfjs-node call per op. tfjs's own fit loop stays:
// callbacks, the History, Stop after the batch, shuffling and validation scheduling are tfjs's; only the functions
// it calls per batch (makeTrainFunction, makeTestFunction) are the graph's during the fit. Adam's hyperparameters
// are read from the optimizer at each step, so a callback's learning-rate change takes effect at the next step.
// The session (graphSession.ts) holds the weights and Adam's state while it trains; the model's copies are
// brought up to date when anything reads them (a weight's read(), so getWeights, predict, evaluate, save; the
// optimizer's getWeights and iterations), and a weight or optimizer state set during the fit is handed to the
// session before the next step, so that callbacks see and change the model as with tfjs's own training. When fit
// ends, however it ends, the model holds what the session trained. Anything else, or another backend, trains on
// tfjs's fit (with the eager levers), and `graphPathNotice` gives the reason, once; a fit whose graph cannot be
// written or loaded does too, with one warning (AE_GRAPH_SKIPPED). AE_FAST_TRAINING without "graph" turns it off
// (fastTraining.ts).
import * as tf from "@tensorflow/tfjs-node";
import { isReason, layerChain, reason, type GraphPathReason, type LayerChain } from "./graphLayers";
import { GraphSession, HandOver, type AdamSettings } from "./graphSession";
import { isVaePlan, vaeTrainingPlan, type VaePlan } from "./vaePlan";
import { ENGINE_FENCES, installedVersion, nativeLeverFencesHold, type VersionOf } from "../fences";
import { onTensorflowBackend } from "../tensorflowOps";

export type { GraphPathReason } from "./graphLayers";

type Fit = tf.LayersModel["fit"];
interface ModelInternals {
  loss: unknown;
  optimizer: tf.Optimizer;
  metricsNames: string[];
  collectedTrainableWeights: { name: string }[];
  makeTrainFunction?: () => (data: tf.Tensor[]) => tf.Scalar[];
  makeTestFunction?: () => void;
  testFunction?: (data: tf.Tensor[]) => tf.Scalar[];
}

const isFloatTensor = (value: unknown): value is tf.Tensor =>
  value instanceof tf.Tensor && value.dtype === "float32";

/** Why the graph path does not train `model` with these arguments (in each lesson language), or its chain. */
export function graphTrainingPlan(
  model: tf.LayersModel,
  x: unknown,
  y: unknown,
  args: tf.ModelFitArgs = {},
): LayerChain | VaePlan | GraphPathReason {
  // A tf.Sequential trains through the LayersModel it wraps (its fit calls that one's): the plan is that one's.
  const wrapped = (model as unknown as { model?: tf.LayersModel }).model;
  if (model instanceof tf.Sequential && wrapped) return graphTrainingPlan(wrapped, x, y, args);
  const internals = model as unknown as ModelInternals;
  if (!onTensorflowBackend()) {
    return reason(`the ${tf.getBackend()} backend`, `tfjs 用的是 ${tf.getBackend()} 后端`);
  }
  // By its class name: tfjs's optimizers answer instanceof by duck typing, so every optimizer is an AdamOptimizer.
  if (internals.optimizer.getClassName() !== "Adam") {
    return reason("an optimizer other than Adam", "优化器不是 Adam");
  }
  // Two outputs: the VAE's shape (vaePlan.ts), or a reason.
  if (model.outputs.length === 2) return vaeTrainingPlan(model, x, y, args);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    return reason("not one input and one output", "模型不是只有一个输入和一个输出");
  }
  const loss = Array.isArray(internals.loss) ? internals.loss : [internals.loss];
  if (loss.length !== 1 || (loss[0] !== "binaryCrossentropy" && loss[0] !== "binary_crossentropy")) {
    return reason("a loss other than binaryCrossentropy", "损失函数不是 binaryCrossentropy");
  }
  if (internals.metricsNames.length !== 1)
    return reason("metrics besides the loss", "除了损失还有其他指标（metrics）");
  if (!(x instanceof tf.Tensor) || !(y instanceof tf.Tensor)) {
    return reason("inputs or targets that are not one tensor each", "输入或目标不是单个张量");
  }
  if (args.sampleWeight || args.classWeight)
    return reason("sample or class weights", "用了样本权重或类别权重");
  const validation = args.validationData;
  if (
    validation &&
    (validation.length !== 2 ||
      !(validation[0] instanceof tf.Tensor) ||
      !(validation[1] instanceof tf.Tensor))
  ) {
    return reason("validation data that is not [x, y]", "验证数据不是 [x, y]");
  }
  // The graph's inputs are float32: tfjs casts other dtypes in its ops, a session would refuse them.
  if (![x, y, ...(validation ?? [])].every(isFloatTensor)) {
    return reason("data that is not float32", "数据不是 float32");
  }
  return layerChain(model);
}

let warned = false;

/** Says once in a process that the graph path could not start, and that fit trains on the eager path. */
function warnGraphSkipped(error: unknown): void {
  if (warned) return;
  warned = true;
  const message = error instanceof Error ? error.message : String(error);
  process.emitWarning(
    `the graph training path could not start (${message}); fit trains on the eager fast path instead, with the ` +
      "same results, more slowly. Set AE_FAST_TRAINING=gradients,loss,adam to skip the graph path quietly.",
    { code: "AE_GRAPH_SKIPPED" },
  );
}

const ORIGINAL = Symbol.for("ae-shared.graph-fit-original");
type Proto = { fit: Fit; [ORIGINAL]?: Fit };

// Process-wide, so that two copies of the engine (a lesson's and a test's) share them: the reason each running fit
// trains off the graph path, by model, and the reasons already given.
const OFF_PATH_KEY = Symbol.for("ae-engine.graph-path-off");
const NOTICED_KEY = Symbol.for("ae-engine.graph-path-noticed");
const store = globalThis as unknown as {
  [OFF_PATH_KEY]?: WeakMap<object, GraphPathReason>;
  [NOTICED_KEY]?: Set<string>;
};
const offPath = (store[OFF_PATH_KEY] ??= new WeakMap());

/**
 * While the graph lever is on, called during a fit (from a callback's onTrainBegin, with the callback's
 * `this.model`): the reason this fit trains on tfjs's own path rather than the graph path, the first time that
 * reason occurs in the process. Undefined otherwise: on the graph path, outside a fit, with the lever off, or
 * when the reason was already given.
 */
export function graphPathNotice(model: unknown): GraphPathReason | undefined {
  const proto = tf.LayersModel.prototype as unknown as Proto;
  if (!proto[ORIGINAL] || typeof model !== "object" || model === null) return undefined;
  const wrapped = (model as { model?: unknown }).model;
  const found =
    offPath.get(model) ?? (typeof wrapped === "object" && wrapped ? offPath.get(wrapped) : undefined);
  if (!found) return undefined;
  const noticed = (store[NOTICED_KEY] ??= new Set());
  if (noticed.has(found.en)) return undefined;
  noticed.add(found.en);
  return found;
}

/** Routes `fit` through the graph for the models it can train (see graphTrainingPlan). */
export function installGraphFit(versionOf: VersionOf = installedVersion): void {
  const proto = tf.LayersModel.prototype as unknown as Proto;
  if (proto[ORIGINAL] || !nativeLeverFencesHold(ENGINE_FENCES.graphFit, versionOf)) return;
  const original = proto.fit;
  proto[ORIGINAL] = original;
  proto.fit = async function (this: tf.LayersModel, x, y, args = {}) {
    const plan = graphTrainingPlan(this, x, y, args);
    if (isReason(plan)) {
      offPath.set(this, plan);
      try {
        return await original.call(this, x, y, args);
      } finally {
        offPath.delete(this);
      }
    }
    const internals = this as unknown as ModelInternals;
    let session: GraphSession | undefined;
    try {
      session = await GraphSession.open(plan);
      session.loadFrom(this);
    } catch (error) {
      // A SavedModel that cannot be written (a full disk, no temporary folder) or loaded: the eager path trains.
      session?.dispose();
      warnGraphSkipped(error);
      return original.call(this, x, y, args);
    }
    const running = session;
    const handOver = new HandOver(this, running);
    const vae = isVaePlan(plan) ? plan : undefined;
    internals.makeTrainFunction = () => (data) => {
      handOver.beforeStep();
      const adam = internals.optimizer as unknown as AdamSettings;
      const [x, y] = data as [tf.Tensor, tf.Tensor];
      let losses: tf.Scalar[];
      if (vae) {
        // ε drawn as the notebook's Sampling layer draws it on tfjs's path, from Math.random's seed.
        const noise = tf.randomNormal([x.shape[0] ?? 0, vae.latent]);
        try {
          losses = running.trainVaeStep(x, y, noise, adam);
        } finally {
          noise.dispose();
        }
      } else losses = [running.trainStep(x, y, adam)];
      handOver.afterStep();
      return losses;
    };
    if (!vae) {
      internals.makeTestFunction = () => {
        internals.testFunction = (data) => [
          running.evaluateBatch(data[0] as tf.Tensor, data[1] as tf.Tensor),
        ];
      };
    }
    try {
      return await original.call(this, x, y, args);
    } finally {
      delete internals.makeTrainFunction;
      delete internals.makeTestFunction;
      delete internals.testFunction;
      try {
        handOver.end();
      } finally {
        running.dispose();
      }
    }
  } as Fit;
}

/** Puts tfjs's own fit back. */
export function uninstallGraphFit(): void {
  const proto = tf.LayersModel.prototype as unknown as Proto;
  const original = proto[ORIGINAL];
  if (!original) return;
  proto.fit = original;
  delete proto[ORIGINAL];
}

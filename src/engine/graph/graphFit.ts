// The graph training path behind `model.fit`, as the lessons call it: for a model graphLayers.ts can read as a
// chain (every lesson model but 06's sparse one), fit runs each batch's whole training step (and each validation
// batch) as one call into a TensorFlow session, instead of one tfjs-node call per op. tfjs's own fit loop stays: callbacks, the History,
// Stop after the batch, shuffling and validation scheduling are tfjs's; only the functions it calls per batch
// (makeTrainFunction, makeTestFunction) are the graph's during the fit. The session starts from the model's
// weights and its Adam state; the weights are copied back after each epoch's last batch (so validation-time
// and epoch-end callbacks see them), and both when fit ends, however it ends, so that predict, evaluate,
// getWeights, save and a second fit see the model as if tfjs had trained it. Anything else, or
// another backend, trains on the eager path; so does a fit whose graph cannot be written or loaded, with one
// warning (AE_GRAPH_SKIPPED). AE_FAST_TRAINING without "graph" turns it off (fastTraining.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-node";
import { adamState, adoptAdamState } from "../eager/fastAdam";
import { layerChain, weightShapes, type LayerChain } from "./graphLayers";
import { SIGNATURES, writeTrainingGraph } from "./graphModel";
import { ENGINE_FENCES, installedVersion, nativeLeverFencesHold, type VersionOf } from "../fences";
import { onTensorflowBackend } from "../tensorflowOps";

type Fit = tf.LayersModel["fit"];
/** A signature loaded by tf.node.loadSavedModel (tfjs-node's TFSavedModel). */
type SavedSignature = Awaited<ReturnType<typeof tf.node.loadSavedModel>>;
interface Trainable {
  name: string;
  read(): tf.Tensor;
  write(value: tf.Tensor): unknown;
}
interface ModelInternals {
  loss: unknown;
  optimizer: tf.Optimizer;
  metricsNames: string[];
  collectedTrainableWeights: Trainable[];
  makeTrainFunction?: () => (data: tf.Tensor[]) => tf.Scalar[];
  makeTestFunction?: () => void;
  testFunction?: (data: tf.Tensor[]) => tf.Scalar[];
}

/** Why the graph path does not train `model` with these arguments, or the chain it trains. */
export function graphTrainingPlan(
  model: tf.LayersModel,
  x: unknown,
  y: unknown,
  args: tf.ModelFitArgs = {},
): LayerChain | string {
  const internals = model as unknown as ModelInternals;
  if (!onTensorflowBackend()) return `the ${tf.getBackend()} backend`;
  // By its class name: tfjs's optimizers answer instanceof by duck typing, so every optimizer is an AdamOptimizer.
  if (internals.optimizer.getClassName() !== "Adam") return "an optimizer other than Adam";
  const loss = Array.isArray(internals.loss) ? internals.loss : [internals.loss];
  if (loss.length !== 1 || loss[0] !== "binaryCrossentropy") return "a loss other than binaryCrossentropy";
  if (internals.metricsNames.length !== 1) return "metrics besides the loss";
  if (!(x instanceof tf.Tensor) || !(y instanceof tf.Tensor))
    return "inputs or targets that are not one tensor each";
  if (args.sampleWeight || args.classWeight) return "sample or class weights";
  const validation = args.validationData;
  if (
    validation &&
    (validation.length !== 2 ||
      !(validation[0] instanceof tf.Tensor) ||
      !(validation[1] instanceof tf.Tensor))
  ) {
    return "validation data that is not [x, y]";
  }
  return layerChain(model);
}

/** A model's training graph, loaded: its signatures in one TensorFlow session. */
class GraphSession {
  private constructor(
    private readonly train: SavedSignature,
    private readonly evaluate: SavedSignature,
    private readonly weights: SavedSignature,
    private readonly state: SavedSignature,
  ) {}

  static async open(chain: LayerChain, model: tf.LayersModel): Promise<GraphSession> {
    const internals = model as unknown as ModelInternals;
    const shapes = weightShapes(chain);
    const weights = internals.collectedTrainableWeights.map((w) => w.read().dataSync() as Float32Array);
    const adam = adamState(internals.optimizer as tf.AdamOptimizer, shapes);
    const dir = mkdtempSync(join(tmpdir(), "ae-graph-"));
    try {
      writeTrainingGraph(dir, chain, { ...adam, weights });
      const load = (signature: string) => tf.node.loadSavedModel(dir, ["serve"], signature);
      // Loaded from one path with one tag, the signatures share one session, and so the variables.
      const train = await load(SIGNATURES.train);
      const evaluate = await load(SIGNATURES.evaluate);
      return new GraphSession(train, evaluate, await load(SIGNATURES.weights), await load(SIGNATURES.state));
    } finally {
      rmSync(dir, { recursive: true, force: true }); // the session has read it
    }
  }

  private run(model: SavedSignature, inputs: tf.NamedTensorMap): tf.NamedTensorMap {
    return model.predict(inputs) as unknown as tf.NamedTensorMap;
  }

  trainStep(x: tf.Tensor, y: tf.Tensor): tf.Scalar {
    return this.run(this.train, { x, y }).loss as tf.Scalar;
  }

  evaluateBatch(x: tf.Tensor, y: tf.Tensor): tf.Scalar {
    return this.run(this.evaluate, { x, y }).loss as tf.Scalar;
  }

  /** Copies the session's weights into the model, and with `optimizer` Adam's state into its optimizer. */
  copyBack(model: tf.LayersModel, count: number, optimizer = true): void {
    const internals = model as unknown as ModelInternals;
    const dummy = tf.scalar(0);
    const out = this.run(optimizer ? this.state : this.weights, { dummy });
    dummy.dispose();
    const pick = (prefix: string) =>
      Array.from({ length: count }, (_, i) => out[`${prefix}${i}`] as tf.Tensor);
    try {
      internals.collectedTrainableWeights.forEach((weight, i) => {
        const value = out[`w${i}`];
        if (value) weight.write(value);
      });
      if (!optimizer) return;
      adoptAdamState(
        internals.optimizer as tf.AdamOptimizer,
        internals.collectedTrainableWeights.map((w) => w.name),
        {
          iterations: Math.round((out.step as tf.Tensor).dataSync()[0] ?? 0),
          m: pick("m"),
          v: pick("v"),
        },
      );
    } finally {
      tf.dispose(Object.values(out));
    }
  }

  dispose(): void {
    for (const model of [this.train, this.evaluate, this.weights, this.state]) model.dispose();
  }
}

let warned = false;

/** Says once in a process that the graph path could not start, and that fit trains on the eager path. */
function warnGraphSkipped(error: unknown): void {
  if (warned) return;
  warned = true;
  const reason = error instanceof Error ? error.message : String(error);
  process.emitWarning(
    `the graph training path could not start (${reason}); fit trains on the eager fast path instead, with the ` +
      "same results, more slowly. Set AE_FAST_TRAINING=gradients,loss,adam to skip the graph path quietly.",
    { code: "AE_GRAPH_SKIPPED" },
  );
}

const ORIGINAL = Symbol.for("ae-shared.graph-fit-original");
type Proto = { fit: Fit; [ORIGINAL]?: Fit };

/** Routes `fit` through the graph for the models it can train (see graphTrainingPlan). */
export function installGraphFit(versionOf: VersionOf = installedVersion): void {
  const proto = tf.LayersModel.prototype as unknown as Proto;
  if (proto[ORIGINAL] || !nativeLeverFencesHold(ENGINE_FENCES.graphFit, versionOf)) return;
  const original = proto.fit;
  proto[ORIGINAL] = original;
  proto.fit = async function (this: tf.LayersModel, x, y, args = {}) {
    const plan = graphTrainingPlan(this, x, y, args);
    if (typeof plan === "string") return original.call(this, x, y, args);
    const internals = this as unknown as ModelInternals;
    let session: GraphSession;
    try {
      session = await GraphSession.open(plan, this);
    } catch (error) {
      // A SavedModel that cannot be written (a full disk, no temporary folder) or loaded: the eager path trains.
      warnGraphSkipped(error);
      return original.call(this, x, y, args);
    }
    const count = weightShapes(plan).length;
    // tfjs's fit loop: ceil(training samples / batch size) batches an epoch, the training samples being those
    // before a validationSplit's share.
    const samples = (x as tf.Tensor).shape[0] ?? 0;
    const training = args.validationSplit ? Math.floor(samples * (1 - args.validationSplit)) : samples;
    const perEpoch = Math.max(1, Math.ceil(training / (args.batchSize ?? 32)));
    let steps = 0;
    internals.makeTrainFunction = () => (data) => {
      const loss = session.trainStep(data[0] as tf.Tensor, data[1] as tf.Tensor);
      // After each epoch's last batch the model holds the epoch's weights, before validation and the epoch's
      // callbacks, as it would with tfjs's own training (callbacks of other batches see the epoch's start).
      if (++steps % perEpoch === 0) session.copyBack(this, count, false);
      return [loss];
    };
    internals.makeTestFunction = () => {
      internals.testFunction = (data) => [session.evaluateBatch(data[0] as tf.Tensor, data[1] as tf.Tensor)];
    };
    try {
      return await original.call(this, x, y, args);
    } finally {
      delete internals.makeTrainFunction;
      delete internals.makeTestFunction;
      delete internals.testFunction;
      session.copyBack(this, count);
      session.dispose();
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

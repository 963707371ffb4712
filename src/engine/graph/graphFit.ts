// The graph training path behind `model.fit`, as the lessons call it: for a model graphLayers.ts can read as a
// chain (every lesson model but 06's sparse one), fit runs each batch's whole training step (and each validation
// batch) as one call into a TensorFlow session, instead of one tfjs-node call per op. tfjs's own fit loop stays:
// callbacks, the History, Stop after the batch, shuffling and validation scheduling are tfjs's; only the functions
// it calls per batch (makeTrainFunction, makeTestFunction) are the graph's during the fit. Adam's hyperparameters
// are read from the optimizer at each step, so a callback's learning-rate change takes effect at the next step.
// The session holds the weights and Adam's state while it trains; the model's copies are brought up to date when
// anything reads them (a weight's read(), so getWeights, predict, evaluate, save; the optimizer's getWeights and
// iterations), and a weight or optimizer state set during the fit is handed to the session before the next step,
// so that callbacks see and change the model as with tfjs's own training. When fit ends, however it ends, the
// model holds what the session trained. Anything else, or another backend, trains on tfjs's fit (with the eager
// levers), and `graphPathNotice` gives the reason, once; a fit whose graph cannot be written or loaded does too,
// with one warning (AE_GRAPH_SKIPPED). AE_FAST_TRAINING without "graph" turns it off (fastTraining.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-node";
import { adamState, adoptAdamState } from "../eager/fastAdam";
import {
  isReason,
  layerChain,
  reason,
  weightShapes,
  type GraphPathReason,
  type LayerChain,
} from "./graphLayers";
import { HYPERPARAMETERS, SIGNATURES, STATE, writeTrainingGraph } from "./graphModel";
import { ENGINE_FENCES, installedVersion, nativeLeverFencesHold, type VersionOf } from "../fences";
import { onTensorflowBackend } from "../tensorflowOps";

export type { GraphPathReason } from "./graphLayers";

type Fit = tf.LayersModel["fit"];
/** A signature loaded by tf.node.loadSavedModel (tfjs-node's TFSavedModel). */
type SavedSignature = Awaited<ReturnType<typeof tf.node.loadSavedModel>>;
/** A model's weight as tfjs-layers keeps it (a LayerVariable): its value `val`, read and written by these. */
interface Trainable {
  name: string;
  val: tf.Variable;
  read(): tf.Tensor;
  write(value: tf.Tensor): unknown;
}
/** The parts of tfjs's AdamOptimizer the graph reads at each step. */
interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
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

const isFloatTensor = (value: unknown): value is tf.Tensor =>
  value instanceof tf.Tensor && value.dtype === "float32";

/** Why the graph path does not train `model` with these arguments (in each lesson language), or its chain. */
export function graphTrainingPlan(
  model: tf.LayersModel,
  x: unknown,
  y: unknown,
  args: tf.ModelFitArgs = {},
): LayerChain | GraphPathReason {
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
  const loss = Array.isArray(internals.loss) ? internals.loss : [internals.loss];
  if (loss.length !== 1 || (loss[0] !== "binaryCrossentropy" && loss[0] !== "binary_crossentropy")) {
    return reason("a loss other than binaryCrossentropy", "损失函数不是 binaryCrossentropy");
  }
  if (internals.metricsNames.length !== 1)
    return reason("metrics besides the loss", "除了损失还有其他指标（metrics）");
  if (!(x instanceof tf.Tensor) || !(y instanceof tf.Tensor)) {
    return reason("inputs or targets that are not one tensor each", "输入或目标不是各一个张量");
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

/** A scalar fed at each step, kept while its value stays the same. */
class FedScalar {
  private value = Number.NaN;
  private tensor: tf.Scalar | undefined;

  of(value: number): tf.Scalar {
    if (this.tensor && Object.is(value, this.value)) return this.tensor;
    this.tensor?.dispose();
    this.value = value;
    this.tensor = tf.keep(tf.scalar(value, "float32"));
    return this.tensor;
  }

  dispose(): void {
    this.tensor?.dispose();
  }
}

/** A model's training graph, loaded: its signatures in one TensorFlow session. */
class GraphSession {
  private readonly fed = HYPERPARAMETERS.map(() => new FedScalar());

  private constructor(
    private readonly train: SavedSignature,
    private readonly evaluate: SavedSignature,
    private readonly load: SavedSignature,
    private readonly state: SavedSignature,
    private readonly shapes: number[][],
  ) {}

  static async open(chain: LayerChain): Promise<GraphSession> {
    const dir = mkdtempSync(join(tmpdir(), "ae-graph-"));
    try {
      writeTrainingGraph(dir, chain);
      const load = (signature: string) => tf.node.loadSavedModel(dir, ["serve"], signature);
      // Loaded from one path with one tag, the signatures share one session, and so the variables.
      const train = await load(SIGNATURES.train);
      const evaluate = await load(SIGNATURES.evaluate);
      return new GraphSession(
        train,
        evaluate,
        await load(SIGNATURES.load),
        await load(SIGNATURES.state),
        weightShapes(chain),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true }); // the session has read it
    }
  }

  private run(model: SavedSignature, inputs: tf.NamedTensorMap): tf.NamedTensorMap {
    return model.predict(inputs) as unknown as tf.NamedTensorMap;
  }

  /** One Adam step on a batch, with Adam's hyperparameters as the optimizer holds them now. */
  trainStep(x: tf.Tensor, y: tf.Tensor, adam: AdamSettings): tf.Scalar {
    const values = [adam.learningRate, adam.beta1, adam.beta2, adam.epsilon];
    const inputs: tf.NamedTensorMap = { x, y };
    HYPERPARAMETERS.forEach((name, i) => (inputs[name] = this.fed[i]?.of(values[i] ?? NaN) as tf.Scalar));
    return this.run(this.train, inputs).loss as tf.Scalar;
  }

  evaluateBatch(x: tf.Tensor, y: tf.Tensor): tf.Scalar {
    return this.run(this.evaluate, { x, y }).loss as tf.Scalar;
  }

  /** Sets the session's weights and Adam state to the model's and its optimizer's. */
  loadFrom(model: tf.LayersModel): void {
    const internals = model as unknown as ModelInternals;
    const adam = adamState(internals.optimizer as tf.AdamOptimizer, this.shapes);
    const made: tf.Tensor[] = [];
    const tensor = (values: Float32Array | number, shape: number[]) => {
      const t =
        typeof values === "number" ? tf.scalar(values, "float32") : tf.tensor(values, shape, "float32");
      made.push(t);
      return t;
    };
    const inputs: tf.NamedTensorMap = {
      [STATE.step]: tensor(adam.iterations, []),
      [STATE.beta1Power]: tensor(adam.beta1Power, []),
      [STATE.beta2Power]: tensor(adam.beta2Power, []),
    };
    this.shapes.forEach((shape, i) => {
      const weight = internals.collectedTrainableWeights[i];
      // The weight's own value, not read(): read() is the fit's hand-over, which this is part of.
      if (weight) inputs[STATE.weight(i)] = weight.val;
      inputs[STATE.m(i)] = tensor(adam.m[i] ?? new Float32Array(), shape);
      inputs[STATE.v(i)] = tensor(adam.v[i] ?? new Float32Array(), shape);
    });
    try {
      tf.dispose(Object.values(this.run(this.load, inputs)));
    } finally {
      tf.dispose(made);
    }
  }

  /** Copies the session's weights and Adam state into the model and its optimizer, through `write`. */
  storeInto(model: tf.LayersModel, write: (weight: Trainable, value: tf.Tensor) => void): void {
    const internals = model as unknown as ModelInternals;
    const dummy = tf.scalar(0);
    const out = this.run(this.state, { dummy });
    dummy.dispose();
    const pick = (name: (i: number) => string) => this.shapes.map((_, i) => out[name(i)] as tf.Tensor);
    try {
      internals.collectedTrainableWeights.forEach((weight, i) => {
        const value = out[STATE.weight(i)];
        if (value) write(weight, value);
      });
      adoptAdamState(
        internals.optimizer as tf.AdamOptimizer,
        internals.collectedTrainableWeights.map((w) => w.name),
        {
          iterations: Math.round((out[STATE.step] as tf.Tensor).dataSync()[0] ?? 0),
          m: pick(STATE.m),
          v: pick(STATE.v),
          beta1Power: out[STATE.beta1Power] as tf.Tensor,
          beta2Power: out[STATE.beta2Power] as tf.Tensor,
        },
      );
    } finally {
      tf.dispose(Object.values(out));
    }
  }

  dispose(): void {
    for (const model of [this.train, this.evaluate, this.load, this.state]) model.dispose();
    this.fed.forEach((scalar) => scalar.dispose());
  }
}

/**
 * The hand-over between a model and the session that trains it, for one fit. After a step the session is ahead
 * of the model: the first read of a weight (or of the optimizer's state) copies the session's state into the
 * model. A weight or optimizer state set during the fit (after that copy, so the rest is current) is loaded into
 * the session before the next step. Reads and writes are caught on the model's own weight objects and optimizer,
 * for the fit's length only. Nothing is copied while nothing reads: the lessons' callbacks read only the logs.
 */
class HandOver {
  /** The session has trained past what the model holds. */
  private ahead = false;
  /** The model was set during the fit: the session must load it before the next step. */
  private changed = false;
  /** While the hand-over itself reads and writes the model. */
  private busy = false;
  private readonly undo: (() => void)[] = [];

  constructor(
    private readonly model: tf.LayersModel,
    private readonly session: GraphSession,
  ) {
    const internals = model as unknown as ModelInternals;
    for (const weight of internals.collectedTrainableWeights) {
      const { read, write } = weight; // LayerVariable's own, from its prototype
      const own = weight as unknown as Record<string, unknown>;
      own.read = () => {
        this.catchUp();
        return read.call(weight);
      };
      own.write = (value: tf.Tensor) => {
        this.catchUp();
        const result = write.call(weight, value);
        if (!this.busy) this.changed = true;
        return result;
      };
      this.undo.push(() => {
        delete own.read;
        delete own.write;
      });
    }
    type NamedWeights = Awaited<ReturnType<tf.Optimizer["getWeights"]>>;
    const optimizer = internals.optimizer;
    const own = optimizer as unknown as Record<string, unknown>;
    const { getWeights, setWeights } = optimizer;
    own.getWeights = async () => {
      this.catchUp();
      return getWeights.call(optimizer);
    };
    own.setWeights = async (weights: NamedWeights) => {
      this.catchUp();
      await setWeights.call(optimizer, weights);
      this.changed = true;
    };
    const iterations = Object.getOwnPropertyDescriptor(tf.Optimizer.prototype, "iterations");
    Object.defineProperty(optimizer, "iterations", {
      configurable: true,
      get: () => {
        this.catchUp();
        return iterations?.get?.call(optimizer);
      },
    });
    this.undo.push(() => {
      delete own.getWeights;
      delete own.setWeights;
      delete own.iterations;
    });
  }

  /** Before a step: the session takes what was set in the model since it last trained. */
  beforeStep(): void {
    if (!this.changed) return;
    this.changed = false;
    this.session.loadFrom(this.model);
  }

  afterStep(): void {
    this.ahead = true;
  }

  /** Brings the model and its optimizer up to the session's state, if the session is ahead. */
  catchUp(): void {
    if (!this.ahead || this.busy) return;
    this.busy = true;
    try {
      this.session.storeInto(this.model, (weight, value) => weight.write(value));
      this.ahead = false;
    } finally {
      this.busy = false;
    }
  }

  /** At the fit's end: the model holds what the session trained, and its own methods again. */
  end(): void {
    try {
      this.catchUp();
    } finally {
      this.undo.forEach((undo) => undo());
    }
  }
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
    internals.makeTrainFunction = () => (data) => {
      handOver.beforeStep();
      const adam = internals.optimizer as unknown as AdamSettings;
      const loss = running.trainStep(data[0] as tf.Tensor, data[1] as tf.Tensor, adam);
      handOver.afterStep();
      return [loss];
    };
    internals.makeTestFunction = () => {
      internals.testFunction = (data) => [running.evaluateBatch(data[0] as tf.Tensor, data[1] as tf.Tensor)];
    };
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

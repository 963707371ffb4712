// The graph training path's session: a model's training graph (graphModel.ts, or vaeGraph.ts for the VAE) loaded
// into one TensorFlow session,
// and the hand-over of the weights and Adam's state between that session and the model during a fit.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-node";
import { adamState, adoptAdamState } from "../eager/fastAdam";
import { weightShapes, type LayerChain } from "./graphLayers";
import { HYPERPARAMETERS, SIGNATURES, STATE, writeTrainingGraph } from "./graphModel";
import { VAE_NOISE, VAE_OUTPUTS, writeVaeGraph } from "./vaeGraph";
import { isVaePlan, type VaePlan } from "./vaePlan";

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
export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}
/** The parts of a compiled model the session reads and writes. */
interface ModelInternals {
  optimizer: tf.Optimizer;
  collectedTrainableWeights: Trainable[];
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
export class GraphSession {
  private readonly fed = HYPERPARAMETERS.map(() => new FedScalar());

  private constructor(
    private readonly train: SavedSignature,
    /** None for the VAE, which the graph path trains without validation. */
    private readonly evaluate: SavedSignature | undefined,
    private readonly load: SavedSignature,
    private readonly state: SavedSignature,
    private readonly shapes: number[][],
  ) {}

  static async open(plan: LayerChain | VaePlan): Promise<GraphSession> {
    const dir = mkdtempSync(join(tmpdir(), "ae-graph-"));
    try {
      const vae = isVaePlan(plan);
      if (vae) writeVaeGraph(dir, plan);
      else writeTrainingGraph(dir, plan);
      const load = (signature: string) => tf.node.loadSavedModel(dir, ["serve"], signature);
      // Loaded from one path with one tag, the signatures share one session, and so the variables.
      const train = await load(SIGNATURES.train);
      const evaluate = vae ? undefined : await load(SIGNATURES.evaluate);
      return new GraphSession(
        train,
        evaluate,
        await load(SIGNATURES.load),
        await load(SIGNATURES.state),
        vae ? plan.shapes : weightShapes(plan),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true }); // the session has read it
    }
  }

  private run(model: SavedSignature, inputs: tf.NamedTensorMap): tf.NamedTensorMap {
    return model.predict(inputs) as unknown as tf.NamedTensorMap;
  }

  /** One Adam step on `inputs`, with Adam's hyperparameters as the optimizer holds them now. */
  private step(inputs: tf.NamedTensorMap, adam: AdamSettings): tf.NamedTensorMap {
    const values = [adam.learningRate, adam.beta1, adam.beta2, adam.epsilon];
    HYPERPARAMETERS.forEach((name, i) => (inputs[name] = this.fed[i]?.of(values[i] ?? NaN) as tf.Scalar));
    return this.run(this.train, inputs);
  }

  /** One Adam step on a batch of a chain. */
  trainStep(x: tf.Tensor, y: tf.Tensor, adam: AdamSettings): tf.Scalar {
    return this.step({ x, y }, adam).loss as tf.Scalar;
  }

  /** One Adam step of the VAE on a batch, with its ε: [loss, reconstruction loss, KL loss]. */
  trainVaeStep(x: tf.Tensor, y: tf.Tensor, noise: tf.Tensor, adam: AdamSettings): tf.Scalar[] {
    const out = this.step({ x, y, [VAE_NOISE]: noise }, adam);
    return VAE_OUTPUTS.map((name) => out[name] as tf.Scalar);
  }

  evaluateBatch(x: tf.Tensor, y: tf.Tensor): tf.Scalar {
    if (!this.evaluate) throw new Error("this graph has no evaluate signature");
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
    for (const model of [this.train, this.evaluate, this.load, this.state]) model?.dispose();
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
export class HandOver {
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

// The engine against tfjs's own fit. Each row trains the same seeded model on the same data twice: through the
// engine (every lever on) and through tfjs with the engine off (setFastTraining([])), with the same shuffles
// (Math.random seeded during each fit), and compares per epoch the losses, metrics and validation values, the
// weights and the predictions, then what evaluate, predict and trainOnBatch give after the fits. Each row also
// names the path the engine trains each fit on: the graph path, or tfjs's own fit (with the eager levers) and
// the reason graphTrainingPlan gives, which the model's graph session count confirms.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { FAST_TRAINING_LEVERS, graphTrainingPlan, setFastTraining } from "ae-engine";

// Tolerances: |engine - tfjs| <= absolute + relative · |tfjs|, by what is compared (`boundOf`).
// - Losses, metrics, validation values and predictions: relative 1e-4 (absolute 1e-6 near zero). The two paths
//   round in float32 in a different order (TensorFlow's fused kernels, the loss from the logits, one graph):
//   about 1e-7 relative per op, grown to some 1e-6 after a few dozen steps through the weights. Measured: at most
//   0.4 of it, in BatchNormalization's row (normalizing by a small batch's spread amplifies rounding), 0.03
//   elsewhere.
// - Weights after SGD and Momentum: the same 1e-4 relative (absolute 1e-5, for weights passing through zero).
// - Weights after Adam and the optimizers that divide by a gradient's running size (Adamax, RMSProp, Adagrad,
//   Adadelta): a weight whose gradient is near zero moves by up to the learning rate a step whatever the
//   gradient's size, so rounding in such a gradient can move it by a part of that: absolute lr / 2. Measured: at
//   most a quarter of it (BatchNormalization's row), 0.02 elsewhere. The losses and predictions, whose tolerance
//   is far tighter, catch a wrong step.
// - Adam's moments read during a fit: 1e-4 of the largest in the tensor (the second moments are squares of
//   gradients, tiny where the gradients are, so a bound relative to each value would ask more than float32 has).
// - Accuracy metrics count outputs on either side of a threshold: an output within rounding of it can fall on the
//   other side, so they may differ by one sample's share (1 / samples averaged), and no more. Measured: never.
// - Counts (epochs run, steps, how often a callback ran): exactly.
// The data keep |z| at the output sigmoid below 16, where tfjs clips; past it the engine differs by design (the
// last test).
const CLOSE = { relative: 1e-4, absolute: 1e-6 };
const SGD_WEIGHTS = { relative: 1e-4, absolute: 1e-5 };

/** A seeded generator of numbers in [0, 1) (mulberry32), for tfjs's shuffles. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mostly dark pixels, as MNIST's: exact zeros where the value is below 0.5. */
const pixels = (shape: number[], seed: number) =>
  tf.tidy(() => {
    const x = tf.randomUniform(shape, 0, 1, "float32", seed);
    return tf.keep(tf.mul(x, tf.cast(tf.greater(x, 0.5), "float32")));
  });

// 37 samples: no batch size below divides them. Validation data of another size.
const vectors = pixels([37, 12], 1);
const vectorsValidation = pixels([11, 12], 2);
const images = pixels([21, 8, 8, 1], 3);
const imagesValidation = pixels([7, 8, 8, 1], 4);
/** One of 4 classes per vector: where its first 4 values peak. */
const classes = tf.tidy(() =>
  tf.keep(tf.oneHot(tf.argMax(tf.slice(vectors, [0, 0], [-1, 4]), 1), 4).toFloat()),
);
const classesValidation = tf.tidy(() =>
  tf.keep(tf.oneHot(tf.argMax(tf.slice(vectorsValidation, [0, 0], [-1, 4]), 1), 4).toFloat()),
);
/** The VAE's second target: zeros, one per mean and log variance. */
const klZeros = tf.zeros([37, 4]);
after(() =>
  tf.dispose([vectors, vectorsValidation, images, imagesValidation, classes, classesValidation, klZeros]),
);

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

type LayerArgs = Parameters<typeof tf.layers.dense>[0];
type Activation = NonNullable<LayerArgs["activation"]>;

/** A functional model of `layers` on an input of `shape`. */
function chain(shape: number[], layers: tf.layers.Layer[]): tf.LayersModel {
  const input = tf.input({ shape });
  const output = layers.reduce((x, layer) => layer.apply(x) as tf.SymbolicTensor, input);
  return tf.model({ inputs: input, outputs: output });
}

/** A Dense layer with a seeded kernel. */
const dense = (units: number, activation: Activation, seed: number, args: Partial<LayerArgs> = {}) =>
  tf.layers.dense({ units, activation, kernelInitializer: seeded(seed), ...args });

/** A Conv2D layer (3×3, same) with a seeded kernel. */
const conv = (
  filters: number,
  activation: Activation,
  seed: number,
  args: Partial<Parameters<typeof tf.layers.conv2d>[0]> = {},
) =>
  tf.layers.conv2d({
    filters,
    kernelSize: 3,
    padding: "same",
    activation,
    kernelInitializer: seeded(seed),
    ...args,
  });

/** 12 -> 5 relu -> 12 sigmoid: the lessons' dense autoencoder, small. */
const lessonDense = (args: Partial<LayerArgs> = {}) =>
  chain([12], [dense(5, "relu", 11, args), dense(12, "sigmoid", 12, args)]);

/** 8×8 -> Conv2D relu -> MaxPooling2D -> Conv2D relu -> UpSampling2D -> Conv2D sigmoid: the conv lessons'. */
const lessonConv = () =>
  chain(
    [8, 8, 1],
    [
      conv(4, "relu", 21),
      tf.layers.maxPooling2d({ poolSize: 2, padding: "same" }),
      conv(3, "relu", 22),
      tf.layers.upSampling2d({ size: [2, 2] }),
      conv(1, "sigmoid", 23),
    ],
  );

/** The VAE lesson's Sampling layer (docs/vae-design.md) computing z from mean, logVar and ε as `z` says. */
function samplingLayer(z: (mean: tf.Tensor, logVar: tf.Tensor, epsilon: tf.Tensor) => tf.Tensor) {
  return class Sampling extends tf.layers.Layer {
    static className = "Sampling";
    override computeOutputShape(shapes: tf.Shape | tf.Shape[]): tf.Shape {
      return (shapes as tf.Shape[])[0] as tf.Shape;
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.tidy(() => {
        const [zMean, zLogVar] = inputs as [tf.Tensor, tf.Tensor];
        return z(zMean, zLogVar, tf.randomNormal(zMean.shape));
      });
    }
  };
}
/** The lesson's: z = μ + exp(logVar / 2) · ε. */
const Sampling = samplingLayer((mean, logVar, epsilon) => mean.add(logVar.mul(0.5).exp().mul(epsilon)));

/**
 * The VAE lesson's model, small: 12 -> 6 relu -> 5 relu (h) -> two Dense(2) heads -> Sampling -> a decoder model
 * named "reconstruction", 2 -> 5 relu -> 12 sigmoid; outputs [reconstruction, Concatenate "kl" of the heads].
 */
function lessonVae({ sampling = Sampling, swapHeads = false, nested = true } = {}): tf.LayersModel {
  const input = tf.input({ shape: [12] });
  const apply = (x: tf.SymbolicTensor, layer: tf.layers.Layer) => layer.apply(x) as tf.SymbolicTensor;
  const h = [dense(6, "relu", 111), dense(5, "relu", 112)].reduce(apply, input);
  const zMean = apply(h, dense(2, "linear", 113));
  const zLogVar = apply(h, dense(2, "linear", 114));
  const z = new sampling({}).apply([zMean, zLogVar]) as tf.SymbolicTensor;
  const code = tf.input({ shape: [2] });
  const decoderLayers = [
    dense(5, "relu", 115),
    dense(12, "sigmoid", 116, nested ? {} : { name: "reconstruction" }),
  ];
  const decoded = decoderLayers.reduce(apply, code);
  const heads = swapHeads ? [zLogVar, zMean] : [zMean, zLogVar];
  const kl = tf.layers.concatenate({ name: "kl" }).apply(heads) as tf.SymbolicTensor;
  // The decoder as a model of its own applied to z, or (the notebook's way) its layers applied to z and to `code`.
  const reconstruction = nested
    ? (tf.model({ inputs: code, outputs: decoded, name: "reconstruction" }).apply(z) as tf.SymbolicTensor)
    : decoderLayers.reduce(apply, z);
  return tf.model({ inputs: input, outputs: [reconstruction, kl] });
}
type Loss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
/** Per image: BCE summed over the 12 values (the lesson's, whose images have 784). */
const reconstructionLoss: Loss = (x, xHat) => tf.metrics.binaryCrossentropy(x, xHat).mul(12);
/** Per image: KL(N(μ, σ²) ‖ N(0, 1)) summed over the code, times `scale`; `square` false leaves out μ². */
const klLoss =
  (scale = 1, square = true): Loss =>
  (_zeros, meanLogVar) => {
    const [zMean, zLogVar] = tf.split(meanLogVar, 2, -1) as [tf.Tensor, tf.Tensor];
    const meanTerm = square ? zMean.square() : zMean;
    return tf.sum(tf.add(1, zLogVar).sub(meanTerm).sub(zLogVar.exp()), -1).mul(-0.5 * scale);
  };
/** The VAE compiled with Adam and `losses` (the lesson's by default). */
const compiledVae = (model: tf.LayersModel, losses: (Loss | string)[] = [reconstructionLoss, klLoss()]) =>
  compiled(model, { optimizer: "adam", loss: losses as tf.ModelCompileArgs["loss"] });

/** A model compiled with `args`. */
function compiled(model: tf.LayersModel, args: tf.ModelCompileArgs): tf.LayersModel {
  model.compile(args);
  return model;
}

/** What a run records: named series of numbers, each of a kind the tolerances name. */
type Kind = "loss" | "accuracy" | "weights" | "moments" | "predictions" | "count";
interface Series {
  kind: Kind;
  values: number[];
  /**
   * For weights, the learning rate of an optimizer that divides by the gradient's running size (undefined for
   * SGD); for accuracy metrics, how many samples the value averages.
   */
  scale?: number;
}

/** The learning rate of `model`'s optimizer if it divides by the gradient's running size; undefined for SGD. */
function adaptiveRate(model: tf.LayersModel): number | undefined {
  const optimizer = model.optimizer as unknown as { getClassName(): string; learningRate?: number };
  const name = optimizer.getClassName();
  if (name === "SGD" || name === "Momentum") return undefined;
  return optimizer.learningRate ?? 1; // Adadelta's default rate is 1
}

const ACCURACY = /accuracy|acc$|precision|recall/i;
const kindOf = (metric: string): Kind => (ACCURACY.test(metric) ? "accuracy" : "loss");

/** The largest difference from `expected`'s value `v` that the tolerances allow (see the top of the file). */
function boundOf(expected: Series): (v: number) => number {
  switch (expected.kind) {
    case "count":
      return () => 0;
    case "accuracy": {
      const share = 1 / (expected.scale ?? 1);
      return () => share + 1e-6;
    }
    case "moments": {
      const largest = Math.max(...expected.values.map(Math.abs));
      return () => 1e-4 * largest + 1e-12;
    }
    case "weights": {
      const rate = expected.scale;
      return rate === undefined
        ? (v) => SGD_WEIGHTS.absolute + SGD_WEIGHTS.relative * Math.abs(v)
        : (v) => rate / 2 + CLOSE.relative * Math.abs(v);
    }
    default:
      return (v) => CLOSE.absolute + CLOSE.relative * Math.abs(v);
  }
}

/** Which path a fit trains on, by graphTrainingPlan: "graph", or the reason it gives. */
function pathOf(model: tf.LayersModel, x: tf.Tensor, y: Targets, args: tf.ModelFitArgs): string {
  const plan = graphTrainingPlan(model, x, y, args);
  return "en" in plan ? plan.en : "graph";
}

/** A model's targets: one tensor, or one per output (the VAE's). */
type Targets = tf.Tensor | tf.Tensor[];
const firstOf = (y: Targets, n: number): Targets =>
  Array.isArray(y) ? y.map((t) => t.slice(0, n)) : y.slice(0, n);
/** Every output's values, one after the other. */
const valuesOf = (out: tf.Tensor | tf.Tensor[]) =>
  (Array.isArray(out) ? out : [out]).flatMap((t) => Array.from(t.dataSync()));

/** One training through the engine or through tfjs: what it recorded, and the path each fit took. */
class Run {
  readonly series = new Map<string, Series>();
  readonly paths: string[] = [];
  private fits = 0;

  constructor(readonly engine: boolean) {}

  add(key: string, kind: Kind, values: ArrayLike<number>, scale?: number): void {
    assert.ok(!this.series.has(key), `recorded twice: ${key}`);
    this.series.set(key, { kind, values: Array.from(values), scale });
  }

  /** Records `model`'s weights and its predictions of `probe` under `label`. */
  snapshot(model: tf.LayersModel, probe: tf.Tensor, label: string): void {
    const rate = adaptiveRate(model);
    model.getWeights().forEach((w, i) => this.add(`${label} weight ${i}`, "weights", w.dataSync(), rate));
    tf.tidy(() => this.add(`${label} predict`, "predictions", valuesOf(model.predict(probe))));
  }

  /**
   * `model.fit` with Math.random seeded (tfjs shuffles with it, the VAE's Sampling draws ε from it) and
   * restored after; records the History, and with `watch` (the default) the weights and predictions at each
   * epoch's end, then after the fit predict and evaluate on `x`'s first samples (Math.random still seeded).
   */
  async fit(
    model: tf.LayersModel,
    x: tf.Tensor,
    y: Targets,
    args: tf.ModelFitArgs,
    { watch = true } = {},
  ): Promise<tf.History> {
    const label = `fit ${++this.fits}`;
    const probe = x.slice(0, 3);
    const path = pathOf(model, x, y, args);
    const sessions: number[] = [];
    const recorder = new tf.CustomCallback({
      onTrainBegin: async () => void sessions.push(tf.node.getNumOfSavedModels()),
      onEpochEnd: async (epoch) => {
        if (watch) this.snapshot(model, probe, `${label} epoch ${epoch}`);
      },
    });
    const given = args.callbacks;
    const callbacks = (Array.isArray(given) ? given : given ? [given] : []).map((c) =>
      c instanceof tf.Callback || c instanceof tf.CustomCallback ? c : new tf.CustomCallback(c),
    );
    const random = Math.random;
    Math.random = seededRandom(this.fits);
    try {
      const history = await model.fit(x, y, { verbose: 0, ...args, callbacks: [...callbacks, recorder] });
      this.record(model, { x, y, args, history, path, sessions, probe, label });
      return history;
    } finally {
      Math.random = random;
      probe.dispose();
    }
  }

  /** After a fit: the path it took, its History, the weights and predictions, and evaluate on `x`'s first. */
  private record(
    model: tf.LayersModel,
    fit: {
      x: tf.Tensor;
      y: Targets;
      args: tf.ModelFitArgs;
      history: tf.History;
      path: string;
      sessions: number[];
      probe: tf.Tensor;
      label: string;
    },
  ): void {
    const { x, y, args, history, path, sessions, probe, label } = fit;
    if (this.engine) {
      // The graph path holds one TensorFlow session while it trains; tfjs's path none.
      assert.equal(sessions[0] ?? 0, path === "graph" ? 1 : 0, `${label}: graph sessions while training`);
      this.paths.push(path);
    }
    this.add(`${label} epochs`, "count", history.epoch);
    // How many samples each epoch's values average: tfjs trains on those before a validationSplit's share.
    const samples = x.shape[0] ?? 0;
    const trained = args.validationSplit ? Math.floor(samples * (1 - args.validationSplit)) : samples;
    const validationX = args.validationData?.[0];
    const validated = validationX instanceof tf.Tensor ? (validationX.shape[0] ?? 0) : samples - trained;
    for (const [name, values] of Object.entries(history.history)) {
      const averaged = name.startsWith("val_") ? validated : trained;
      this.add(`${label} ${name}`, kindOf(name), values as number[], averaged);
    }
    this.snapshot(model, probe, `${label} end`);
    const [xs, ys] = [x.slice(0, 9), firstOf(y, 9)];
    const evaluated = model.evaluate(xs, ys) as tf.Scalar | tf.Scalar[];
    const scalars = Array.isArray(evaluated) ? evaluated : [evaluated];
    scalars.forEach((s, i) => {
      const name = model.metricsNames[i] ?? "";
      this.add(`${label} evaluate ${name}`, kindOf(name), s.dataSync(), 9);
    });
    tf.dispose([xs, ...[ys].flat(), ...scalars]);
  }

  /** One trainOnBatch on `x`'s first samples: its loss and metrics, then the weights. */
  async trainOnBatch(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<void> {
    const label = `trainOnBatch ${this.fits}`;
    const [xs, ys] = [x.slice(0, 8), y.slice(0, 8)];
    const out = await model.trainOnBatch(xs, ys);
    (Array.isArray(out) ? out : [out]).forEach((value, i) => {
      const name = model.metricsNames[i] ?? "";
      this.add(`${label} ${name}`, kindOf(name), [value], 8);
    });
    this.snapshot(model, xs, label);
    tf.dispose([xs, ys]);
  }
}

/** One row of the matrix. */
interface Row {
  name: string;
  /** The path the engine trains each fit on: "graph", or the reason graphTrainingPlan gives for tfjs's path. */
  paths: string[];
  /** Builds and compiles the model: called with the run's levers on, as compile is one of them. */
  build: () => tf.LayersModel;
  /** Trains it through `run`. */
  train: (model: tf.LayersModel, run: Run) => Promise<void>;
}

/** Trains `row` through the engine or through tfjs alone. */
async function runRow(row: Row, engine: boolean): Promise<Run> {
  setFastTraining(engine ? [...FAST_TRAINING_LEVERS] : []);
  const run = new Run(engine);
  try {
    const model = row.build();
    try {
      await row.train(model, run);
    } finally {
      model.dispose();
    }
  } finally {
    setFastTraining([...FAST_TRAINING_LEVERS]);
  }
  return run;
}

/** The largest difference of each kind, relative to the tolerance (above 1: a mismatch). */
function compareRuns(engine: Run, tfjs: Run): { failures: string[]; worst: Map<Kind, number> } {
  const failures: string[] = [];
  const worst = new Map<Kind, number>();
  assert.deepEqual([...engine.series.keys()], [...tfjs.series.keys()], "the same things recorded, in order");
  for (const [key, expected] of tfjs.series) {
    const found = engine.series.get(key);
    if (!found) continue;
    assert.equal(found.values.length, expected.values.length, `${key}: length`);
    const bound = boundOf(expected);
    assert.ok(
      !expected.values.some(Number.isNaN),
      `${key}: tfjs's own run gave NaN, the row compares nothing`,
    );
    let ratio = 0;
    let at = -1;
    expected.values.forEach((v, i) => {
      const f = found.values[i] ?? NaN;
      const r =
        Number.isNaN(f) !== Number.isNaN(v) ? Infinity : v === f ? 0 : Math.abs(f - v) / (bound(v) || 1e-30);
      if (r > ratio) [ratio, at] = [r, i];
    });
    worst.set(expected.kind, Math.max(worst.get(expected.kind) ?? 0, ratio));
    if (ratio > 1) {
      failures.push(
        `${key}[${at}]: engine ${found.values[at]} vs tfjs ${expected.values[at]} (${ratio.toFixed(1)}× the tolerance)`,
      );
    }
  }
  return { failures, worst };
}

// ---------------------------------------------------------------------------------------------------------------
// The rows.

const BCE_ADAM: tf.ModelCompileArgs = { optimizer: "adam", loss: "binaryCrossentropy" };
const withValidation = { validationData: [vectorsValidation, vectorsValidation] as [tf.Tensor, tf.Tensor] };

/** A callback like the library's own (progressBar, lossPlot): reads the logs each batch, never the model. */
const readsLogs = () =>
  new tf.CustomCallback({
    onBatchEnd: async (_batch, logs) => void (logs?.loss ?? 0),
    onEpochEnd: async (_epoch, logs) => void (logs?.loss ?? 0),
  });

const ROWS: Row[] = [
  {
    name: "lesson dense (Dense relu, sigmoid; Adam; binaryCrossentropy): shuffle, validationData, batch 8 of 37, a callback reading only the logs, no weight read",
    paths: ["graph"],
    build: () => compiled(lessonDense(), BCE_ADAM),
    train: async (model, run) => {
      await run.fit(
        model,
        vectors,
        vectors,
        { epochs: 3, batchSize: 8, shuffle: true, ...withValidation, callbacks: [readsLogs()] },
        { watch: false },
      );
    },
  },
  {
    name: "lesson conv (Conv2D, MaxPooling2D, UpSampling2D): shuffle, validationData, batch 8 of 21",
    paths: ["graph"],
    build: () => compiled(lessonConv(), BCE_ADAM),
    train: async (model, run) => {
      await run.fit(model, images, images, {
        epochs: 2,
        batchSize: 8,
        validationData: [imagesValidation, imagesValidation],
      });
    },
  },
  {
    name: "a deeper Dense chain with a linear bottleneck and no bias (useBias: false), a tf.Sequential",
    paths: ["graph"],
    build: () =>
      compiled(
        tf.sequential({
          layers: [
            tf.layers.dense({
              inputShape: [12],
              units: 6,
              activation: "relu",
              kernelInitializer: seeded(31),
            }),
            dense(3, "linear", 32, { useBias: false }),
            dense(6, "sigmoid", 33),
            dense(12, "sigmoid", 34, { useBias: false }),
          ],
        }),
        BCE_ADAM,
      ),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 10, shuffle: true, ...withValidation });
    },
  },
  {
    name: "Adam with lr, beta1, beta2 and epsilon of its own; validationSplit, initialEpoch, shuffle false",
    paths: ["graph"],
    build: () =>
      compiled(lessonDense(), {
        optimizer: tf.train.adam(0.01, 0.8, 0.99, 1e-5),
        loss: "binaryCrossentropy",
      }),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, {
        epochs: 4,
        initialEpoch: 1,
        batchSize: 6,
        shuffle: false,
        validationSplit: 0.25,
      });
    },
  },
  {
    name: "fit after fit, then evaluate, predict and trainOnBatch after fit",
    paths: ["graph", "graph"],
    build: () => compiled(lessonDense(), BCE_ADAM),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, ...withValidation });
      await run.fit(model, vectors, vectors, { epochs: 1, batchSize: 16, ...withValidation });
      await run.trainOnBatch(model, vectors, vectors);
    },
  },
  {
    name: "fit after a re-compile: another Adam, then SGD with mse and a metric",
    paths: ["graph", "graph", "an optimizer other than Adam"],
    build: () => compiled(lessonDense(), BCE_ADAM),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 1, batchSize: 8 });
      model.compile({ optimizer: tf.train.adam(0.003), loss: "binaryCrossentropy" });
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8 });
      model.compile({ optimizer: "sgd", loss: "meanSquaredError", metrics: ["mse"] });
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8 });
      await run.trainOnBatch(model, vectors, vectors);
    },
  },
  {
    name: "tf.callbacks.earlyStopping on val_loss stops both at the same epoch (validationSplit, shuffle)",
    paths: ["graph"],
    build: () => compiled(lessonDense(), { optimizer: tf.train.adam(0.05), loss: "binaryCrossentropy" }),
    train: async (model, run) => {
      const stop = tf.callbacks.earlyStopping({ monitor: "val_loss", minDelta: 0.02, patience: 1 });
      const history = await run.fit(model, vectors, vectors, {
        epochs: 12,
        batchSize: 8,
        shuffle: true,
        validationSplit: 0.3,
        callbacks: [stop],
      });
      assert.ok(history.epoch.length < 12, `stopped early: ${history.epoch.length} epochs`);
    },
  },
  {
    name: "a learning-rate change in onEpochBegin and onEpochEnd (Adam)",
    paths: ["graph"],
    build: () => compiled(lessonDense(), BCE_ADAM),
    train: async (model, run) => {
      const optimizer = () => model.optimizer as unknown as { learningRate: number };
      const schedule = new tf.CustomCallback({
        onEpochBegin: async (epoch) =>
          void (optimizer().learningRate = epoch === 1 ? 0.02 : optimizer().learningRate),
        onEpochEnd: async (epoch) =>
          void (optimizer().learningRate = epoch === 1 ? 0.0001 : optimizer().learningRate),
      });
      await run.fit(model, vectors, vectors, {
        epochs: 3,
        batchSize: 8,
        ...withValidation,
        callbacks: [schedule],
      });
    },
  },
  {
    name: "Adam's beta1, beta2 and epsilon changed in onEpochEnd",
    paths: ["graph"],
    build: () => compiled(lessonDense(), BCE_ADAM),
    train: async (model, run) => {
      const adam = () => model.optimizer as unknown as { beta1: number; beta2: number; epsilon: number };
      const change = new tf.CustomCallback({
        onEpochEnd: async (epoch) => {
          if (epoch !== 0) return;
          Object.assign(adam(), { beta1: 0.7, beta2: 0.95, epsilon: 1e-3 });
        },
      });
      await run.fit(model, vectors, vectors, { epochs: 3, batchSize: 8, callbacks: [change] });
    },
  },
  {
    name: "the optimizer's state read (getWeights, iterations) in onBatchEnd and set (setWeights) in onEpochEnd",
    paths: ["graph"],
    build: () => compiled(lessonDense(), BCE_ADAM),
    train: async (model, run) => {
      let epoch = 0;
      const optimizer = new tf.CustomCallback({
        onEpochBegin: async (e) => void (epoch = e),
        onBatchEnd: async (batch) => {
          if (batch !== 2) return;
          run.add(`epoch ${epoch} iterations`, "count", [model.optimizer.iterations]);
          const [iterations, ...moments] = await model.optimizer.getWeights();
          run.add(`epoch ${epoch} saved iterations`, "count", iterations?.tensor.dataSync() ?? []);
          moments.forEach((m, i) => run.add(`epoch ${epoch} moment ${i}`, "moments", m.tensor.dataSync()));
          iterations?.tensor.dispose();
        },
        onEpochEnd: async (e) => {
          if (e !== 0) return;
          // Adam starts over: no steps, no moments.
          const [iterations, ...moments] = await model.optimizer.getWeights();
          await model.optimizer.setWeights([
            { name: iterations?.name ?? "iter", tensor: tf.scalar(0) },
            ...moments.map(({ name, tensor }) => ({ name, tensor: tf.zerosLike(tensor) })),
          ]);
          iterations?.tensor.dispose();
        },
      });
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, callbacks: [optimizer] });
    },
  },
  {
    name: "a learning-rate change on tfjs's path (Adam, meanSquaredError)",
    paths: ["a loss other than binaryCrossentropy"],
    build: () => compiled(lessonDense(), { optimizer: "adam", loss: "meanSquaredError" }),
    train: async (model, run) => {
      const schedule = new tf.CustomCallback({
        onBatchEnd: async (batch) => {
          if (batch === 1) (model.optimizer as unknown as { learningRate: number }).learningRate = 0.02;
        },
      });
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, callbacks: [schedule] });
    },
  },
  {
    name: "reading weights and predicting in onBatchEnd",
    paths: ["graph"],
    build: () => compiled(lessonDense(), BCE_ADAM),
    train: async (model, run) => {
      let epoch = 0;
      const reader = new tf.CustomCallback({
        onEpochBegin: async (e) => void (epoch = e),
        onBatchEnd: async (batch) => {
          run.add(
            `epoch ${epoch} batch ${batch} kernel`,
            "weights",
            model.getWeights()[0]?.dataSync() ?? [],
            adaptiveRate(model),
          );
          tf.tidy(() =>
            run.add(
              `epoch ${epoch} batch ${batch} predict`,
              "predictions",
              (model.predict(vectors.slice(0, 2)) as tf.Tensor).dataSync(),
            ),
          );
        },
      });
      await run.fit(model, vectors, vectors, {
        epochs: 2,
        batchSize: 8,
        ...withValidation,
        callbacks: [reader],
      });
    },
  },
  {
    name: "setting weights in onBatchEnd and in onEpochEnd",
    paths: ["graph"],
    build: () => compiled(lessonDense(), BCE_ADAM),
    train: async (model, run) => {
      const setter = new tf.CustomCallback({
        onBatchEnd: async (batch) => {
          // Halves the output layer's kernel after the third batch of each epoch.
          if (batch !== 2) return;
          const layer = model.layers.at(-1) as tf.layers.Layer;
          const [kernel, bias] = layer.getWeights();
          layer.setWeights([tf.mul(kernel as tf.Tensor, 0.5), bias as tf.Tensor]);
        },
        onEpochEnd: async () => {
          // Sets the first layer's bias to 0.1 everywhere.
          const layer = model.layers[1] as tf.layers.Layer;
          const [kernel, bias] = layer.getWeights();
          layer.setWeights([kernel as tf.Tensor, tf.fill((bias as tf.Tensor).shape, 0.1)]);
        },
      });
      await run.fit(model, vectors, vectors, {
        epochs: 3,
        batchSize: 8,
        ...withValidation,
        callbacks: [setter],
      });
    },
  },
  {
    name: "setting the model's weights in onEpochEnd with nothing read in the epoch",
    paths: ["graph"],
    build: () => compiled(lessonDense(), BCE_ADAM),
    train: async (model, run) => {
      const start = model.getWeights().map((w) => w.clone());
      const reset = new tf.CustomCallback({
        onEpochEnd: async (epoch) => void (epoch === 0 && model.setWeights(start)),
      });
      await run.fit(
        model,
        vectors,
        vectors,
        { epochs: 2, batchSize: 8, callbacks: [reset] },
        { watch: false },
      );
      tf.dispose(start);
    },
  },
  {
    name: "the VAE lesson's model (Sampling, two heads, a decoder model, losses c0·BCE and KL): shuffle, batch 8 of 37, the logs read",
    paths: ["graph"],
    build: () => compiledVae(lessonVae()),
    train: async (model, run) => {
      await run.fit(model, vectors, [vectors, klZeros], {
        epochs: 3,
        batchSize: 8,
        shuffle: true,
        callbacks: [readsLogs()],
      });
    },
  },
  {
    name: "the VAE with its reconstruction as binaryCrossentropy and the KL / 12 (fit-mean), fit after fit",
    paths: ["graph", "graph"],
    build: () => compiledVae(lessonVae(), ["binaryCrossentropy", klLoss(1 / 12)]),
    train: async (model, run) => {
      await run.fit(model, vectors, [vectors, klZeros], { epochs: 2, batchSize: 10, shuffle: true });
      await run.fit(model, vectors, [vectors, klZeros], { epochs: 1, batchSize: 16 });
    },
  },
  {
    name: "the VAE: weights read in onBatchEnd, a layer's weights set in onEpochEnd, a learning-rate change",
    paths: ["graph"],
    build: () => compiledVae(lessonVae()),
    train: async (model, run) => {
      let epoch = 0;
      const callback = new tf.CustomCallback({
        onEpochBegin: async (e) => void (epoch = e),
        onBatchEnd: async (batch) => {
          if (batch !== 1) return;
          model
            .getWeights()
            .forEach((w, i) =>
              run.add(`epoch ${epoch} batch ${batch} weight ${i}`, "weights", w.dataSync(), 0.001),
            );
        },
        onEpochEnd: async (e) => {
          const head = model.layers.find((l) => l.getClassName() === "Dense" && l.outputShape.at(-1) === 2);
          const [kernel, bias] = head?.getWeights() ?? [];
          head?.setWeights([tf.mul(kernel as tf.Tensor, 0.5), bias as tf.Tensor]);
          if (e === 0) (model.optimizer as unknown as { learningRate: number }).learningRate = 0.003;
        },
      });
      await run.fit(model, vectors, [vectors, klZeros], {
        epochs: 2,
        batchSize: 8,
        shuffle: true,
        callbacks: [callback],
      });
    },
  },
  {
    name: "the VAE as the notebook builds it (decoder layers on z, shared with a decoder of their own), the KL weighed 0.5",
    paths: ["graph"],
    build: () => compiledVae(lessonVae({ nested: false }), [reconstructionLoss, klLoss(0.5)]),
    train: async (model, run) => {
      await run.fit(model, vectors, [vectors, klZeros], { epochs: 2, batchSize: 8, shuffle: true });
    },
  },
  {
    name: "a VAE whose Sampling computes something else (exp(logVar) · ε)",
    paths: [
      "a Sampling layer that does not compute mean + exp(logVar / 2) · ε, with ε = tf.randomNormal(mean.shape)",
    ],
    build: () =>
      compiledVae(
        lessonVae({
          sampling: samplingLayer((mean, logVar, epsilon) => mean.add(logVar.exp().mul(epsilon))),
        }),
      ),
    train: async (model, run) => {
      await run.fit(model, vectors, [vectors, klZeros], { epochs: 2, batchSize: 8, shuffle: true });
    },
  },
  {
    name: "a VAE whose KL loss is not the KL (μ for μ²)",
    paths: ["a KL loss that is not KL(N(mean, exp(logVar)) ‖ N(0, 1)) per image (times a constant)"],
    build: () => compiledVae(lessonVae(), [reconstructionLoss, klLoss(1, false)]),
    train: async (model, run) => {
      await run.fit(model, vectors, [vectors, klZeros], { epochs: 2, batchSize: 8 });
    },
  },
  {
    name: "a VAE whose Concatenate takes the heads swapped ([logVar, mean])",
    paths: ["a Concatenate whose inputs are not Sampling's [mean, logVar], in that order"],
    build: () => compiledVae(lessonVae({ swapHeads: true })),
    train: async (model, run) => {
      await run.fit(model, vectors, [vectors, klZeros], { epochs: 2, batchSize: 8 });
    },
  },
  {
    name: "Dropout with a seed",
    paths: ["a Dropout layer"],
    build: () =>
      compiled(
        chain(
          [12],
          [dense(8, "relu", 41), tf.layers.dropout({ rate: 0.3, seed: 5 }), dense(12, "sigmoid", 42)],
        ),
        BCE_ADAM,
      ),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, ...withValidation });
    },
  },
  {
    name: "BatchNormalization",
    paths: ["a BatchNormalization layer"],
    build: () =>
      compiled(
        chain(
          [12],
          [
            dense(8, "linear", 43),
            tf.layers.batchNormalization(),
            tf.layers.activation({ activation: "relu" }),
            dense(12, "sigmoid", 44),
          ],
        ),
        BCE_ADAM,
      ),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, ...withValidation });
    },
  },
  {
    name: "strided Conv2D and Conv2DTranspose",
    paths: ["a Conv2D layer with strides or dilation"],
    build: () =>
      compiled(
        chain(
          [8, 8, 1],
          [
            conv(4, "relu", 51, { strides: 2 }),
            tf.layers.conv2dTranspose({
              filters: 1,
              kernelSize: 3,
              strides: 2,
              padding: "same",
              activation: "sigmoid",
              kernelInitializer: seeded(52),
            }),
          ],
        ),
        BCE_ADAM,
      ),
    train: async (model, run) => {
      await run.fit(model, images, images, {
        epochs: 2,
        batchSize: 8,
        validationData: [imagesValidation, imagesValidation],
      });
    },
  },
  {
    name: "Conv2DTranspose (stride 1)",
    paths: ["a Conv2DTranspose layer"],
    build: () =>
      compiled(
        chain(
          [8, 8, 1],
          [
            conv(3, "relu", 53),
            tf.layers.conv2dTranspose({
              filters: 1,
              kernelSize: 3,
              padding: "same",
              activation: "sigmoid",
              kernelInitializer: seeded(54),
            }),
          ],
        ),
        BCE_ADAM,
      ),
    train: async (model, run) => {
      await run.fit(model, images, images, { epochs: 2, batchSize: 8 });
    },
  },
  {
    // The layer kinds added last by ARCHITECTURE.md's recipe "A layer kind in the engine": Flatten and Reshape.
    name: "Flatten, Dense, Reshape (a dense autoencoder on images)",
    paths: ["graph"],
    build: () =>
      compiled(
        chain(
          [8, 8, 1],
          [
            tf.layers.flatten(),
            dense(6, "relu", 55),
            dense(64, "sigmoid", 56),
            tf.layers.reshape({ targetShape: [8, 8, 1] }),
          ],
        ),
        BCE_ADAM,
      ),
    train: async (model, run) => {
      await run.fit(model, images, images, {
        epochs: 2,
        batchSize: 8,
        validationData: [imagesValidation, imagesValidation],
      });
    },
  },
  {
    // Flatten and Reshape inside the chain, so that the gradient passes through both.
    name: "Conv2D, Flatten, Dense, Reshape, UpSampling2D, Conv2D (a convolutional decoder from a dense code)",
    paths: ["graph"],
    build: () =>
      compiled(
        chain(
          [8, 8, 1],
          [
            conv(2, "relu", 57),
            tf.layers.flatten(),
            dense(6, "relu", 58),
            dense(32, "relu", 59),
            tf.layers.reshape({ targetShape: [4, 4, 2] }),
            tf.layers.upSampling2d({ size: [2, 2] }),
            conv(1, "sigmoid", 60),
          ],
        ),
        BCE_ADAM,
      ),
    train: async (model, run) => {
      await run.fit(model, images, images, {
        epochs: 2,
        batchSize: 8,
        validationData: [imagesValidation, imagesValidation],
      });
    },
  },
  {
    name: "activations tanh, elu, selu, softplus, softsign, relu6, hardSigmoid, swish, mish, gelu",
    paths: ["a Dense layer with activation tanh"],
    build: () =>
      compiled(
        chain(
          [12],
          (
            [
              "tanh",
              "elu",
              "selu",
              "softplus",
              "softsign",
              "relu6",
              "hardSigmoid",
              "swish",
              "mish",
              "gelu",
            ] as Activation[]
          )
            .map((activation, i) => dense(6, activation, 60 + i))
            .concat([dense(12, "sigmoid", 70)]),
        ),
        BCE_ADAM,
      ),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, ...withValidation });
    },
  },
  {
    name: "softmax, categoricalCrossentropy, metrics accuracy and categoricalCrossentropy",
    paths: ["a loss other than binaryCrossentropy"],
    build: () =>
      compiled(chain([12], [dense(8, "relu", 71), dense(4, "softmax", 72)]), {
        optimizer: "adam",
        loss: "categoricalCrossentropy",
        metrics: ["accuracy", "categoricalCrossentropy"],
      }),
    train: async (model, run) => {
      await run.fit(model, vectors, classes, {
        epochs: 3,
        batchSize: 8,
        validationData: [vectorsValidation, classesValidation],
      });
    },
  },
  {
    name: "metrics mse, mae, mape, accuracy, binaryAccuracy, precision, a metric function (recall)",
    paths: ["metrics besides the loss"],
    build: () =>
      compiled(lessonDense(), {
        optimizer: "adam",
        loss: "binaryCrossentropy",
        metrics: ["mse", "mae", "mape", "accuracy", "binaryAccuracy", "precision", tf.metrics.recall],
      }),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, ...withValidation });
    },
  },
  {
    name: "losses meanSquaredError and meanAbsoluteError, and a custom loss function",
    paths: [
      "a loss other than binaryCrossentropy",
      "a loss other than binaryCrossentropy",
      "a loss other than binaryCrossentropy",
    ],
    build: () => compiled(lessonDense(), { optimizer: "adam", loss: "meanSquaredError" }),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, ...withValidation });
      model.compile({ optimizer: "adam", loss: "meanAbsoluteError" });
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, ...withValidation });
      // A weighted squared error, dark pixels counted twice.
      const custom = (yTrue: tf.Tensor, yPred: tf.Tensor) =>
        tf.mean(
          tf.mul(tf.square(tf.sub(yTrue, yPred)), tf.sub(2, tf.cast(tf.greater(yTrue, 0), "float32"))),
          -1,
        );
      model.compile({ optimizer: "adam", loss: custom });
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, ...withValidation });
    },
  },
  {
    name: "binaryCrossentropy on a linear output (the loss from probabilities)",
    paths: ["an output layer that is not a sigmoid"],
    build: () =>
      compiled(
        chain(
          [12],
          [
            dense(5, "relu", 81),
            dense(12, "linear", 82, { biasInitializer: tf.initializers.constant({ value: 0.5 }) }),
          ],
        ),
        BCE_ADAM,
      ),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, ...withValidation });
    },
  },
  ...(
    [
      ["sgd", () => tf.train.sgd(0.5)],
      ["momentum", () => tf.train.momentum(0.2, 0.9, true)],
      // Not centered: tfjs's centered RMSProp gives NaN losses on its own (4.22.0).
      ["rmsprop", () => tf.train.rmsprop(0.01, 0.8, 0.3, 1e-6)],
      ["adagrad", () => tf.train.adagrad(0.05, 0.2)],
      ["adamax", () => tf.train.adamax(0.01, 0.85, 0.98, 1e-6)],
      ["adadelta", () => tf.train.adadelta(1, 0.9, 1e-6)],
    ] as const
  ).map(([name, optimizer]): Row => ({
    name: `optimizer ${name} with its own hyperparameters, binaryCrossentropy`,
    paths: ["an optimizer other than Adam"],
    build: () => compiled(lessonDense(), { optimizer: optimizer(), loss: "binaryCrossentropy" }),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, ...withValidation });
    },
  })),
  // tfjs 4.22.0 cannot build a model with an activity regularizer ("Layer invocation in the presence of activity
  // regularizer(s) is not supported yet"): no row has one; graphLayers.ts refuses it all the same.
  {
    name: "regularizers: l1 on a kernel, l2 on a bias, l1l2 on a kernel",
    paths: ["a Dense layer with kernelRegularizer"],
    build: () =>
      compiled(
        chain(
          [12],
          [
            dense(5, "relu", 91, {
              kernelRegularizer: tf.regularizers.l1({ l1: 0.01 }),
              biasRegularizer: tf.regularizers.l2({ l2: 0.05 }),
            }),
            dense(12, "sigmoid", 92, { kernelRegularizer: tf.regularizers.l1l2({ l1: 0.001, l2: 0.01 }) }),
          ],
        ),
        BCE_ADAM,
      ),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, ...withValidation });
    },
  },
  {
    name: "a bias regularizer alone",
    paths: ["a Dense layer with biasRegularizer"],
    build: () =>
      compiled(
        chain(
          [12],
          [dense(5, "relu", 93), dense(12, "sigmoid", 94, { biasRegularizer: tf.regularizers.l2() })],
        ),
        BCE_ADAM,
      ),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8 });
    },
  },
  {
    name: "constraints: maxNorm, nonNeg, unitNorm, minMaxNorm",
    paths: ["a Dense layer with kernelConstraint"],
    build: () =>
      compiled(
        chain(
          [12],
          [
            dense(6, "relu", 95, {
              kernelConstraint: tf.constraints.maxNorm({ maxValue: 0.5 }),
              biasConstraint: tf.constraints.nonNeg(),
            }),
            dense(4, "relu", 96, { kernelConstraint: tf.constraints.unitNorm({}) }),
            dense(12, "sigmoid", 97, {
              kernelConstraint: tf.constraints.minMaxNorm({ minValue: 0.1, maxValue: 0.4 }),
            }),
          ],
        ),
        BCE_ADAM,
      ),
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, ...withValidation });
    },
  },
  {
    name: "a frozen layer (trainable = false)",
    paths: ["a frozen layer (trainable = false)"],
    build: () => {
      const model = lessonDense();
      (model.layers[1] as tf.layers.Layer).trainable = false;
      return compiled(model, BCE_ADAM);
    },
    train: async (model, run) => {
      await run.fit(model, vectors, vectors, { epochs: 2, batchSize: 8, ...withValidation });
    },
  },
  {
    name: "a callback as a plain object (onEpochEnd), the doctor's way",
    paths: ["graph"],
    build: () => compiled(lessonDense(), BCE_ADAM),
    train: async (model, run) => {
      let ends = 0;
      await run.fit(model, vectors, vectors, {
        epochs: 2,
        batchSize: 8,
        callbacks: { onEpochEnd: async () => void ends++ },
      });
      run.add("epoch ends", "count", [ends]);
    },
  },
];

describe("the engine against tfjs's own fit", () => {
  for (const row of ROWS) {
    test(row.name, async (t) => {
      const tfjs = await runRow(row, false);
      const engine = await runRow(row, true);
      assert.deepEqual(engine.paths, row.paths, "the path of each fit");
      const { failures, worst } = compareRuns(engine, tfjs);
      t.diagnostic(
        `worst / tolerance: ${[...worst].map(([kind, r]) => `${kind} ${r.toExponential(1)}`).join(", ")}`,
      );
      assert.deepEqual(failures, [], "the engine's results within the tolerances of tfjs's");
    });
  }
});

describe("the engine's one deliberate difference", () => {
  test("saturated sigmoid outputs: no gradient with tfjs, Keras's with the engine (the loss from the logits)", async () => {
    // An output bias of 20 puts σ(z) past tfjs's clipping at 1 - 1e-7 (|z| above about 16): tfjs's clipped loss
    // has no gradient there, so Adam leaves the bias where it is; Keras's loss from the logits, which both the
    // graph path and the loss lever compute, pulls it back towards the mostly dark targets.
    const bias = async (engine: boolean) => {
      const run = await runRow(
        {
          name: "saturated",
          paths: ["graph"],
          build: () =>
            compiled(
              chain(
                [12],
                [
                  dense(5, "relu", 101),
                  dense(12, "sigmoid", 102, { biasInitializer: tf.initializers.constant({ value: 20 }) }),
                ],
              ),
              BCE_ADAM,
            ),
          train: async (model, run) => {
            await run.fit(model, vectors, vectors, { epochs: 1, batchSize: 8 });
          },
        },
        engine,
      );
      return run.series.get("fit 1 end weight 3")?.values ?? [];
    };
    assert.ok(
      (await bias(false)).every((b) => b === 20),
      "tfjs: the saturated biases stay at 20",
    );
    // 5 Adam steps of lr 1e-3, each moving a bias by nearly lr.
    assert.ok(
      (await bias(true)).every((b) => b < 20 - 0.004),
      "the engine: each bias pulled back by about 5 lr",
    );
  });
});

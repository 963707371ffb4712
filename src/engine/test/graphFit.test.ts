// graph/: graphFit.ts, graphModel.ts, graphLayers.ts and graphLayerOps.ts: fit through one TensorFlow graph per training
// step gives what the eager path gives (losses, validation losses, weights, Adam's state) within float32
// rounding, for each layer kind, hands the model back as tfjs would have left it (a second fit, Stop, no tensor
// left), and leaves other models to tfjs's fit with the reason, given once by graphPathNotice. (The comparison
// with tfjs's own fit over every layer kind, loss, optimizer and callback is differential.test.ts.)
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import {
  FAST_TRAINING_LEVERS,
  graphPathNotice,
  graphTrainingPlan,
  setFastTraining,
  type FastTrainingLever,
  type GraphPathReason,
} from "ae-engine";

const EAGER: FastTrainingLever[] = FAST_TRAINING_LEVERS.filter((lever) => lever !== "graph");

/** 784 -> 64 relu -> 16 linear -> 32 sigmoid -> 784 sigmoid: every activation the graph writes, seeded. */
function denseModel(): tf.LayersModel {
  const input = tf.input({ shape: [784] });
  let x = input as tf.SymbolicTensor;
  const layers: [number, string][] = [
    [64, "relu"],
    [16, "linear"],
    [32, "sigmoid"],
    [784, "sigmoid"],
  ];
  layers.forEach(([units, activation], i) => {
    x = tf.layers
      .dense({
        units,
        activation: activation as "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 10 + i }),
      })
      .apply(x) as tf.SymbolicTensor;
  });
  const model = tf.model({ inputs: input, outputs: x });
  model.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
  return model;
}

/**
 * 18×18 -> Conv2D 4 relu (valid, 16×16) -> MaxPooling2D (same, 8×8) -> Conv2D 3 linear (same) -> UpSampling2D
 * (16×16) -> Conv2D 1 sigmoid (same): every layer kind, padding and activation the graph writes for the conv
 * lessons, seeded. It learns the images' middle 16×16.
 */
function convModel(): tf.LayersModel {
  const input = tf.input({ shape: [18, 18, 1] });
  const seed = (i: number) => tf.initializers.glorotUniform({ seed: 20 + i });
  const layers = [
    tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: seed(0) }),
    tf.layers.maxPooling2d({ poolSize: 2, padding: "same" }),
    tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same", kernelInitializer: seed(1) }),
    tf.layers.upSampling2d({ size: [2, 2] }),
    tf.layers.conv2d({
      filters: 1,
      kernelSize: 3,
      padding: "same",
      activation: "sigmoid",
      kernelInitializer: seed(2),
    }),
  ];
  const output = layers.reduce((x, layer) => layer.apply(x) as tf.SymbolicTensor, input);
  const model = tf.model({ inputs: input, outputs: output });
  model.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
  return model;
}

/** Mostly dark pixels, as MNIST's: exact zeros where the value is below 0.6. */
const pixels = (shape: number[]) =>
  tf.tidy(() => {
    const x = tf.randomUniform(shape, 0, 1, "float32", 3);
    return tf.keep(tf.mul(x, tf.cast(tf.greater(x, 0.6), "float32")));
  });
const data = pixels([768, 784]);
const validation = tf.tidy(() => tf.keep(data.slice([0, 0], [256, 784])));
const images = pixels([192, 18, 18, 1]);
const middles = tf.tidy(() => tf.keep(images.slice([0, 1, 1, 0], [-1, 16, 16, -1])));
const convValidation = tf.tidy(() => [tf.keep(images.slice(0, 128)), tf.keep(middles.slice(0, 128))]);
after(() => tf.dispose([data, validation, images, middles, ...convValidation]));

/** A model to train and its data. */
interface Case {
  build: () => tf.LayersModel;
  x: tf.Tensor;
  y: tf.Tensor;
  validation: tf.Tensor[];
  batchSize: number;
}
const DENSE: Case = {
  build: denseModel,
  x: data,
  y: data,
  validation: [validation, validation],
  batchSize: 128,
};
const CONV: Case = { build: convModel, x: images, y: middles, validation: convValidation, batchSize: 64 };

const fitArgs = (epochs: number, kase: Case = DENSE): tf.ModelFitArgs => ({
  epochs,
  batchSize: kase.batchSize,
  shuffle: false,
  validationData: kase.validation as [tf.Tensor, tf.Tensor],
  verbose: 0,
});

/** Trains a fresh model with `levers`: two epochs, then one more in a second fit. */
async function train(levers: FastTrainingLever[], kase: Case = DENSE) {
  setFastTraining(levers);
  try {
    const model = kase.build();
    const first = await model.fit(kase.x, kase.y, fitArgs(2, kase));
    const second = await model.fit(kase.x, kase.y, fitArgs(1, kase));
    const optimizer = await model.optimizer.getWeights();
    const result = {
      loss: [first, second].flatMap((h) => h.history.loss as number[]),
      valLoss: [first, second].flatMap((h) => h.history.val_loss as number[]),
      weights: model.getWeights().map((w) => w.dataSync() as Float32Array),
      iterations: optimizer[0]?.tensor.dataSync()[0],
      moments: optimizer.slice(1).map((w) => w.tensor.dataSync() as Float32Array),
      predicted: tf.tidy(() => (model.predict(kase.x) as tf.Tensor).mean().dataSync()[0]),
      evaluated: tf.tidy(() => (model.evaluate(kase.x, kase.y) as tf.Scalar).dataSync()[0]),
    };
    optimizer[0]?.tensor.dispose(); // the step count, made by getWeights; the moments are the optimizer's own
    model.dispose();
    model.optimizer.dispose();
    return result;
  } finally {
    setFastTraining();
  }
}

const maxDifference = (a: Float32Array[], b: Float32Array[]) =>
  Math.max(...a.map((values, i) => Math.max(...values.map((v, j) => Math.abs(v - (b[i]?.[j] ?? NaN))))));

/** The graph path trains `kase` as the eager path does, over `batches` batches in all. */
async function assertSameTraining(kase: Case, batches: number) {
  const before = tf.memory().numTensors;
  const graph = await train([...FAST_TRAINING_LEVERS], kase);
  assert.equal(tf.memory().numTensors, before, "no tensor left by the graph path");
  const eager = await train(EAGER, kase);
  assert.equal(graph.loss.length, 3);
  graph.loss.forEach((loss, i) =>
    assert.ok(Math.abs(loss - (eager.loss[i] ?? NaN)) < 1e-5, `loss ${i}: ${loss} vs ${eager.loss[i]}`),
  );
  graph.valLoss.forEach((loss, i) =>
    assert.ok(
      Math.abs(loss - (eager.valLoss[i] ?? NaN)) < 1e-5,
      `val_loss ${i}: ${loss} vs ${eager.valLoss[i]}`,
    ),
  );
  assert.equal(graph.iterations, batches);
  assert.equal(graph.iterations, eager.iterations);
  // Adam moves a weight by up to its learning rate a step, whatever the gradient's size: where a gradient is
  // nearly zero, float32 rounding can move it by a part of that. 1e-3 is the learning rate.
  assert.ok(
    maxDifference(graph.weights, eager.weights) < 1e-3,
    `weights ${maxDifference(graph.weights, eager.weights)}`,
  );
  assert.ok(
    maxDifference(graph.moments, eager.moments) < 1e-5,
    `moments ${maxDifference(graph.moments, eager.moments)}`,
  );
  assert.ok(Math.abs((graph.predicted ?? 0) - (eager.predicted ?? 0)) < 1e-4, "predict after fit");
  assert.ok(Math.abs((graph.evaluated ?? 0) - (eager.evaluated ?? 0)) < 1e-4, "evaluate after fit");
}

describe("the graph training path", () => {
  test("Dense relu / linear / sigmoid: the losses, weights and Adam's state of the eager path", async () => {
    await assertSameTraining(DENSE, 18); // 3 epochs of 6 batches
  });

  test("Conv2D (valid, same) / MaxPooling2D / UpSampling2D: the losses, weights and Adam's state of the eager path", async () => {
    await assertSameTraining(CONV, 9); // 3 epochs of 3 batches
  });

  test("a callback at each epoch's end sees that epoch's weights, as with the eager path", async () => {
    const seen = async (levers: FastTrainingLever[]) => {
      setFastTraining(levers);
      const model = denseModel();
      const kernels: Float32Array[] = [];
      await model.fit(data, data, {
        ...fitArgs(2),
        callbacks: [
          new tf.CustomCallback({
            onEpochEnd: async () => {
              kernels.push(model.getWeights()[0]?.dataSync().slice() as Float32Array);
            },
          }),
        ],
      });
      model.dispose();
      model.optimizer.dispose();
      setFastTraining();
      return kernels;
    };
    const graph = await seen([...FAST_TRAINING_LEVERS]);
    const eager = await seen(EAGER);
    assert.equal(graph.length, 2);
    assert.ok(maxDifference(graph, eager) < 1e-3, `epoch-end weights ${maxDifference(graph, eager)}`);
    assert.ok(
      maxDifference(graph.slice(0, 1), graph.slice(1)) > 1e-4,
      "the second epoch's weights, not the first's",
    );
  });

  test("Stop after a batch: fit ends there, and the model holds what it learned up to it", async () => {
    setFastTraining([...FAST_TRAINING_LEVERS]);
    const model = denseModel();
    const history = await model.fit(data, data, {
      ...fitArgs(3),
      callbacks: [
        new tf.CustomCallback({
          onBatchEnd: async (batch) => {
            if (batch === 2) model.stopTraining = true;
          },
        }),
      ],
    });
    const [iterations] = await model.optimizer.getWeights();
    const steps = iterations?.tensor.dataSync()[0];
    iterations?.tensor.dispose();
    model.dispose();
    model.optimizer.dispose();
    assert.equal(history.history.loss?.length, 1, "one epoch, cut short");
    assert.equal(steps, 3, "three batches trained, and the optimizer knows it");
  });

  test("a graph that cannot be written (no temporary folder): one warning, and the eager path trains", async () => {
    const warnings: string[] = [];
    const listen = (warning: Error & { code?: string }) =>
      warnings.push(`${warning.code}: ${warning.message}`);
    process.on("warning", listen);
    const tmp = process.env.TMPDIR;
    process.env.TMPDIR = "/nonexistent/ae-graph-test"; // os.tmpdir() reads it at each call
    try {
      const fallen = await train([...FAST_TRAINING_LEVERS]);
      const eager = await train(EAGER);
      assert.deepEqual(fallen.loss, eager.loss, "the eager path's losses, exactly");
      assert.deepEqual(fallen.valLoss, eager.valLoss);
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      process.off("warning", listen);
    }
    assert.equal(warnings.length, 1, "one warning for two fits");
    assert.match(warnings[0] ?? "", /^AE_GRAPH_SKIPPED: the graph training path could not start \(.*ENOENT/);
  });

  test("models it cannot write train on the eager path, with the reason", () => {
    const conv = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [28, 28, 1],
          filters: 2,
          kernelSize: 3,
          strides: 2,
          activation: "sigmoid",
        }),
      ],
    });
    const batchNorm = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 8 }),
        tf.layers.batchNormalization(),
        tf.layers.dense({ units: 784, activation: "sigmoid" }),
      ],
    });
    batchNorm.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
    const tanh = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [784], units: 784, activation: "tanh" })],
    });
    tanh.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
    conv.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
    const plain = denseModel();
    const sgd = denseModel();
    sgd.compile({ optimizer: "sgd", loss: "binaryCrossentropy" });
    const mse = denseModel();
    mse.compile({ optimizer: "adam", loss: "meanSquaredError" });
    try {
      const reasonOf = (plan: ReturnType<typeof graphTrainingPlan>) => ("en" in plan ? plan : undefined);
      assert.deepEqual(reasonOf(graphTrainingPlan(conv, data, data)), {
        en: "a Conv2D layer with strides or dilation",
        zh: "模型里有步长（strides）或空洞率（dilationRate）不是 1 的 Conv2D 层",
      });
      assert.deepEqual(reasonOf(graphTrainingPlan(batchNorm, data, data)), {
        en: "a BatchNormalization layer",
        zh: "模型里有 BatchNormalization 层",
      });
      assert.equal(reasonOf(graphTrainingPlan(tanh, data, data))?.en, "a Dense layer with activation tanh");
      assert.equal(reasonOf(graphTrainingPlan(sgd, data, data))?.en, "an optimizer other than Adam");
      assert.equal(reasonOf(graphTrainingPlan(mse, data, data))?.en, "a loss other than binaryCrossentropy");
      assert.equal(
        reasonOf(graphTrainingPlan(plain, [data], data))?.en,
        "inputs or targets that are not one tensor each",
      );
      const ints = tf.cast(data, "int32");
      assert.equal(reasonOf(graphTrainingPlan(plain, ints, data))?.en, "data that is not float32");
      ints.dispose();
      const frozen = denseModel();
      (frozen.layers[2] as tf.layers.Layer).trainable = false;
      frozen.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
      assert.deepEqual(reasonOf(graphTrainingPlan(frozen, data, data)), {
        en: "a frozen layer (trainable = false)",
        zh: "模型里有冻结的层（trainable = false）",
      });
      frozen.dispose();
      const plan = graphTrainingPlan(plain, data, data);
      assert.deepEqual(
        "steps" in plan ? plan.steps.map((step) => step.kind) : plan,
        ["dense", "dense", "dense", "dense"],
        "the dense model: a chain of four Dense layers",
      );
      const sequential = tf.sequential({
        layers: [tf.layers.dense({ inputShape: [784], units: 784, activation: "sigmoid" })],
      });
      sequential.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
      const sequentialPlan = graphTrainingPlan(sequential, data, data);
      assert.ok("steps" in sequentialPlan, "a tf.Sequential: the chain of the model it wraps");
      sequential.dispose();
    } finally {
      for (const model of [conv, batchNorm, tanh, plain, sgd, mse]) model.dispose();
    }
  });

  test("graphPathNotice: a fit off the graph path gives its reason once, in both languages; none otherwise", async () => {
    /** What graphPathNotice says at the start of each fit, as the library's progress bar asks it. */
    class Listener extends tf.Callback {
      readonly notices: (GraphPathReason | undefined)[] = [];
      override async onTrainBegin(): Promise<void> {
        this.notices.push(graphPathNotice(this.model));
      }
    }
    const x = tf.tidy(() => tf.keep(data.slice(0, 32)));
    const withLayer = (layer: () => tf.layers.Layer) => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [784], units: 8, activation: "relu" }),
          layer(),
          tf.layers.dense({ units: 784, activation: "sigmoid" }),
        ],
      });
      model.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
      return model;
    };
    const dropout = () => withLayer(() => tf.layers.dropout({ rate: 0.2 }));
    const batchNorm = () => withLayer(() => tf.layers.batchNormalization());
    const fit = async (
      build: () => tf.LayersModel,
      levers: FastTrainingLever[] = [...FAST_TRAINING_LEVERS],
    ) => {
      setFastTraining(levers);
      const model = build();
      const listener = new Listener();
      try {
        await model.fit(x, x, { epochs: 1, batchSize: 16, verbose: 0, callbacks: [listener] });
        return listener.notices[0];
      } finally {
        model.dispose();
        setFastTraining();
      }
    };
    try {
      assert.deepEqual(await fit(dropout), { en: "a Dropout layer", zh: "模型里有 Dropout 层" });
      assert.equal(await fit(dropout), undefined, "the same reason again: said already");
      assert.equal(await fit(denseModel), undefined, "the graph path: nothing to say");
      assert.equal(await fit(batchNorm, EAGER), undefined, "the graph lever off: nothing to say");
      assert.equal((await fit(batchNorm))?.en, "a BatchNormalization layer", "with the lever on, once");
      const model = dropout();
      assert.equal(graphPathNotice(model), undefined, "outside a fit");
      model.dispose();
    } finally {
      x.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The VAE (graph/vaePlan.ts, vaeProbes.ts, vaeGraph.ts).

type Loss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
type SamplingCall = (mean: tf.Tensor, logVar: tf.Tensor) => tf.Tensor;

/** A layer of class name Sampling computing `z` (the lesson's by default: μ + exp(logVar / 2) · ε). */
function samplingLayer(
  z: SamplingCall = (mean, logVar) => mean.add(logVar.mul(0.5).exp().mul(tf.randomNormal(mean.shape))),
) {
  return class Sampling extends tf.layers.Layer {
    static className = "Sampling";
    override computeOutputShape(shapes: tf.Shape | tf.Shape[]): tf.Shape {
      return (shapes as tf.Shape[])[0] as tf.Shape;
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.tidy(() => z(...(inputs as [tf.Tensor, tf.Tensor])));
    }
  };
}

const reconstructionLoss: Loss = (x, xHat) => tf.metrics.binaryCrossentropy(x, xHat).mul(784);
const klLoss: Loss = (_zeros, meanLogVar) => {
  const [zMean, zLogVar] = tf.split(meanLogVar, 2, -1) as [tf.Tensor, tf.Tensor];
  return tf.sum(tf.add(1, zLogVar).sub(zMean.square()).sub(zLogVar.exp()), -1).mul(-0.5);
};

/** The lesson's VAE, narrower: 784 -> 32 -> 16 -> (2, 2) -> Sampling -> a decoder model 16 -> 32 -> 784 sigmoid. */
function vaeModel({
  sampling = samplingLayer(),
  losses = [reconstructionLoss, klLoss] as (Loss | string)[],
} = {}): tf.LayersModel {
  const seed = (i: number) => tf.initializers.glorotUniform({ seed: 40 + i });
  const dense = (units: number, activation: "relu" | "linear" | "sigmoid", i: number) =>
    tf.layers.dense({ units, activation, kernelInitializer: seed(i) });
  const apply = (x: tf.SymbolicTensor, layer: tf.layers.Layer) => layer.apply(x) as tf.SymbolicTensor;
  const input = tf.input({ shape: [784] });
  const h = [dense(32, "relu", 0), dense(16, "relu", 1)].reduce(apply, input);
  const [zMean, zLogVar] = [apply(h, dense(2, "linear", 2)), apply(h, dense(2, "linear", 3))];
  const z = new sampling({}).apply([zMean, zLogVar]) as tf.SymbolicTensor;
  const code = tf.input({ shape: [2] });
  const decoded = [dense(16, "relu", 4), dense(32, "relu", 5), dense(784, "sigmoid", 6)].reduce(apply, code);
  const decoder = tf.model({ inputs: code, outputs: decoded, name: "reconstruction" });
  const kl = tf.layers.concatenate({ name: "kl" }).apply([zMean, zLogVar]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [decoder.apply(z) as tf.SymbolicTensor, kl] });
  model.compile({ optimizer: "adam", loss: losses as tf.ModelCompileArgs["loss"] });
  return model;
}

describe("the graph training path: the VAE", () => {
  const zeros = tf.zeros([768, 4]);
  after(() => zeros.dispose());
  const planOf = (model: tf.LayersModel, args: tf.ModelFitArgs = {}, y: unknown = [data, zeros]) => {
    try {
      return graphTrainingPlan(model, data, y, args);
    } finally {
      model.dispose();
    }
  };
  const reasonOf = (plan: ReturnType<typeof graphTrainingPlan>) => ("en" in plan ? plan.en : "graph");

  test("the lesson's VAE: its parts read off the model, and the losses' constants from the probes", () => {
    const random = Math.random;
    let draws = 0;
    Math.random = () => (draws++, random());
    const before = tf.memory().numTensors;
    let plan: ReturnType<typeof graphTrainingPlan>;
    try {
      plan = planOf(vaeModel());
    } finally {
      Math.random = random;
    }
    assert.equal(draws, 0, "the probes take nothing from Math.random (tfjs's shuffles and ε do)");
    assert.equal(tf.memory().numTensors, before, "no tensor left by the probes");
    assert.ok("kind" in plan && plan.kind === "vae", reasonOf(plan));
    assert.deepEqual(
      {
        encoder: plan.encoder.map((s) => s.kind),
        decoder: plan.decoder.map((s) => ("activation" in s ? s.activation : s.kind)),
        latent: plan.latent,
        reconstruction: plan.reconstruction,
        kl: plan.kl,
        weights: plan.weights,
      },
      {
        encoder: ["dense", "dense"],
        decoder: ["relu", "relu", "sigmoid"],
        latent: 2,
        reconstruction: 784,
        kl: 1,
        weights: { encoder: [0, 1, 2, 3], mean: [4, 5], logVar: [6, 7], decoder: [8, 9, 10, 11, 12, 13] },
      },
    );
    const mean = planOf(vaeModel({ losses: ["binaryCrossentropy", (z, t) => klLoss(z, t).div(784)] }));
    assert.ok("kind" in mean, reasonOf(mean));
    assert.deepEqual(
      [mean.reconstruction, mean.kl],
      [1, 1 / 784],
      "fit-mean: binaryCrossentropy and KL / 784",
    );
  });

  test("the probes refuse each piece that computes something else, with its reason", () => {
    const sampling =
      "a Sampling layer that does not compute mean + exp(logVar / 2) · ε, with ε = tf.randomNormal(mean.shape)";
    const bce = "a reconstruction loss that is not binary cross-entropy per image (times a constant)";
    const kl = "a KL loss that is not KL(N(mean, exp(logVar)) ‖ N(0, 1)) per image (times a constant)";
    const cases: [string, () => tf.LayersModel, string][] = [
      [
        "σ = exp(logVar)",
        () => vaeModel({ sampling: samplingLayer((m, v) => m.add(v.exp().mul(tf.randomNormal(m.shape)))) }),
        sampling,
      ],
      [
        "ε drawn with a seed of its own",
        () =>
          vaeModel({
            sampling: samplingLayer((m, v) =>
              m.add(
                v
                  .mul(0.5)
                  .exp()
                  .mul(tf.randomNormal(m.shape, 0, 1, "float32", 3)),
              ),
            ),
          }),
        sampling,
      ],
      [
        "ε drawn twice",
        () =>
          vaeModel({
            sampling: samplingLayer((m, v) =>
              m.add(
                v
                  .mul(0.5)
                  .exp()
                  .mul(tf.randomNormal(m.shape).add(tf.randomNormal(m.shape)).div(Math.SQRT2)),
              ),
            ),
          }),
        sampling,
      ],
      ["z = μ, no noise", () => vaeModel({ sampling: samplingLayer((m) => m.clone()) }), sampling],
      [
        "a reconstruction by mean squared error",
        () => vaeModel({ losses: ["meanSquaredError", klLoss] }),
        bce,
      ],
      [
        "a reconstruction summed, not averaged, over the batch's images",
        () => vaeModel({ losses: [(x, p) => reconstructionLoss(x, p).sum(), klLoss] }),
        bce,
      ],
      [
        "a KL loss reading its targets",
        () => vaeModel({ losses: [reconstructionLoss, (t, p) => klLoss(t, p).add(t.sum(-1))] }),
        kl,
      ],
      [
        "a KL loss with σ for σ²",
        () =>
          vaeModel({
            losses: [
              reconstructionLoss,
              (_t, p) => {
                const [m, v] = tf.split(p, 2, -1) as [tf.Tensor, tf.Tensor];
                return tf.sum(tf.add(1, v).sub(m.square()).sub(v.mul(0.5).exp()), -1).mul(-0.5);
              },
            ],
          }),
        kl,
      ],
      ["the KL loss for both outputs", () => vaeModel({ losses: [klLoss, klLoss] }), bce],
    ];
    for (const [what, build, expected] of cases) assert.equal(reasonOf(planOf(build())), expected, what);
  });

  test("fit arguments the VAE's graph does not take, and two outputs of another shape", () => {
    assert.equal(
      reasonOf(planOf(vaeModel(), { validationData: [data, [data, zeros]] as never })),
      "validation data for a model with two outputs",
    );
    assert.equal(
      reasonOf(planOf(vaeModel(), { validationSplit: 0.2 })),
      "validation data for a model with two outputs",
    );
    assert.equal(
      reasonOf(planOf(vaeModel(), {}, data)),
      "inputs that are not one float32 tensor, or targets that are not two",
    );
    // 07-sparse's shape: [reconstruction, code]; the reason of every model with two outputs before the VAE.
    const input = tf.input({ shape: [784] });
    const code = tf.layers.dense({ units: 16, activation: "relu" }).apply(input) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 784, activation: "sigmoid" }).apply(code) as tf.SymbolicTensor;
    const sparse = tf.model({ inputs: input, outputs: [out, code] });
    sparse.compile({ optimizer: "adam", loss: ["binaryCrossentropy", "meanAbsoluteError"] });
    assert.equal(reasonOf(planOf(sparse, {}, [data, data])), "not one input and one output");
  });

  test("Stop after a batch: fit ends there, the model holds what it learned, no tensor left", async () => {
    const fit = async (levers: FastTrainingLever[]) => {
      setFastTraining(levers);
      const random = Math.random;
      let state = 7;
      Math.random = () => (state = (state * 16807) % 2147483647) / 2147483647;
      const before = tf.memory().numTensors;
      try {
        const model = vaeModel();
        const history = await model.fit(data, [data, zeros], {
          epochs: 3,
          batchSize: 128,
          shuffle: true,
          verbose: 0,
          callbacks: [
            new tf.CustomCallback({
              onBatchEnd: async (batch) => void (batch === 2 && (model.stopTraining = true)),
            }),
          ],
        });
        const [iterations] = await model.optimizer.getWeights();
        const result = {
          left: 0,
          history: history.history,
          steps: iterations?.tensor.dataSync()[0],
          weights: model.getWeights().map((w) => w.dataSync() as Float32Array),
        };
        iterations?.tensor.dispose();
        model.dispose();
        model.optimizer.dispose();
        result.left = tf.memory().numTensors - before;
        return result;
      } finally {
        Math.random = random;
        setFastTraining();
      }
    };
    const graph = await fit([...FAST_TRAINING_LEVERS]);
    const eager = await fit(EAGER);
    assert.deepEqual(Object.keys(graph.history), ["loss", "reconstruction_loss", "kl_loss"], "tfjs's logs");
    assert.equal(graph.history.loss?.length, 1, "one epoch, cut short");
    assert.equal(graph.steps, 3, "three batches trained, and the optimizer knows it");
    for (const name of ["loss", "reconstruction_loss", "kl_loss"]) {
      const [a, b] = [graph.history[name]?.[0] as number, eager.history[name]?.[0] as number];
      assert.ok(Math.abs(a - b) <= 1e-4 * Math.abs(b), `${name}: ${a} vs ${b}`);
    }
    assert.ok(
      maxDifference(graph.weights, eager.weights) < 1e-3,
      `weights ${maxDifference(graph.weights, eager.weights)}`,
    );
    assert.equal(graph.left, 0, "no tensor left by the graph path");
  });
});

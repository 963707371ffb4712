// graphFit.ts and graphModel.ts: fit through one TensorFlow graph per training step gives what the eager path
// gives (losses, validation losses, weights, Adam's state) within float32 rounding, hands the model back as tfjs
// would have left it (a second fit, Stop, no tensor left), and leaves other models to the eager path.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { FAST_TRAINING_LEVERS, setFastTraining, type FastTrainingLever } from "ae-shared";
import { graphTrainingPlan } from "ae-shared/internal/graphFit";
import { lessonFunctions, lessonModel } from "../scripts/lessonModels.js";

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

const data = tf.tidy(() => {
  const x = tf.randomUniform([768, 784], 0, 1, "float32", 3);
  // Mostly dark pixels, as MNIST's: exact zeros where the value is below 0.6.
  return tf.keep(tf.mul(x, tf.cast(tf.greater(x, 0.6), "float32")));
});
const validation = tf.tidy(() => tf.keep(data.slice([0, 0], [256, 784])));
after(() => tf.dispose([data, validation]));

const fitArgs = (epochs: number): tf.ModelFitArgs => ({
  epochs,
  batchSize: 128,
  shuffle: false,
  validationData: [validation, validation],
  verbose: 0,
});

/** Trains a fresh model with `levers`: two epochs, then one more in a second fit. */
async function train(levers: FastTrainingLever[], callbacks?: tf.CustomCallbackArgs) {
  setFastTraining(levers);
  try {
    const model = denseModel();
    const first = await model.fit(data, data, {
      ...fitArgs(2),
      callbacks: callbacks ? [new tf.CustomCallback(callbacks)] : [],
    });
    const second = await model.fit(data, data, fitArgs(1));
    const optimizer = await model.optimizer.getWeights();
    const result = {
      loss: [first, second].flatMap((h) => h.history.loss as number[]),
      valLoss: [first, second].flatMap((h) => h.history.val_loss as number[]),
      weights: model.getWeights().map((w) => w.dataSync() as Float32Array),
      iterations: optimizer[0]?.tensor.dataSync()[0],
      moments: optimizer.slice(1).map((w) => w.tensor.dataSync() as Float32Array),
      predicted: tf.tidy(() => (model.predict(validation) as tf.Tensor).mean().dataSync()[0]),
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

describe("the graph training path", () => {
  test("Dense relu / linear / sigmoid: the losses, weights and Adam's state of the eager path", async () => {
    const before = tf.memory().numTensors;
    const graph = await train([...FAST_TRAINING_LEVERS]);
    assert.equal(tf.memory().numTensors, before, "no tensor left by the graph path");
    const eager = await train(EAGER);
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
    assert.equal(graph.iterations, 18, "3 epochs of 6 batches");
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

  test("models it cannot write train on the eager path, with the reason", () => {
    const conv = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [28, 28, 1],
          filters: 2,
          kernelSize: 3,
          padding: "same",
          activation: "sigmoid",
        }),
      ],
    });
    conv.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
    const plain = denseModel();
    const sgd = denseModel();
    sgd.compile({ optimizer: "sgd", loss: "binaryCrossentropy" });
    const mse = denseModel();
    mse.compile({ optimizer: "adam", loss: "meanSquaredError" });
    try {
      assert.equal(graphTrainingPlan(conv, data, data), "an input of rank 4, not 2");
      assert.equal(graphTrainingPlan(sgd, data, data), "an optimizer other than Adam");
      assert.equal(graphTrainingPlan(mse, data, data), "a loss other than binaryCrossentropy");
      assert.equal(graphTrainingPlan(plain, [data], data), "inputs or targets that are not one tensor each");
      assert.equal(
        (graphTrainingPlan(plain, data, data) as unknown[]).length,
        4,
        "the dense model: a chain of four Dense layers",
      );
    } finally {
      for (const model of [conv, plain, sgd, mse]) model.dispose();
    }
  });
  test("the lessons' dense chains, built by the notebooks' own functions, train on it", () => {
    const quiet = { tf, console: { log: () => {} } };
    // 05's map shares its layers with an encoder and a decoder model: its own chain is followed, not theirs.
    const { mapModels } = lessonFunctions("05-pca", ["mapModels"], quiet);
    const map = (
      mapModels as () => { autoEncoder: tf.LayersModel; encoder: tf.LayersModel; decoder: tf.LayersModel }
    )();
    const { plainModel } = lessonFunctions("06-sparse", ["plainModel"], quiet);
    const plain = (plainModel as () => tf.LayersModel)();
    for (const [name, model] of [
      ["05's map", map.autoEncoder],
      ["06's plain model", plain],
    ] as const) {
      assert.ok(
        Array.isArray(graphTrainingPlan(model, data, data)),
        `${name}: ${String(graphTrainingPlan(model, data, data))}`,
      );
    }
    for (const model of [map.autoEncoder, plain]) model.dispose(); // the encoder and decoder share its layers
    for (const key of ["dense", "deep"] as const) {
      const model = lessonModel(key, { tf });
      try {
        const plan = graphTrainingPlan(model, data, data, fitArgs(1));
        assert.ok(Array.isArray(plan), `${key}: ${String(plan)}`);
      } finally {
        model.dispose();
      }
    }
    const conv = lessonModel("conv", { tf, console: { log: () => {} } });
    try {
      assert.equal(graphTrainingPlan(conv, data, data), "an input of rank 4, not 2", "conv: eager, for now");
    } finally {
      conv.dispose();
    }
  });
});

// The eager levers (fastTraining.ts and eager/): TensorFlow's own kernels compute what tfjs's own code
// computes, within float32 rounding, and stay off where they do not apply.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { FAST_TRAINING_LEVERS, fastTrainingLevers, setFastTraining, type FastTrainingLever } from "ae-engine";
import { binaryCrossentropyFast, binaryCrossentropyFromLogits } from "ae-engine/internal/eager/fastLoss";

/** Runs `f` with exactly these levers on; all of them on again afterwards, as importing the library leaves them. */
function withLevers<T>(levers: FastTrainingLever[], f: () => T): T {
  setFastTraining(levers);
  try {
    return f();
  } finally {
    setFastTraining([...FAST_TRAINING_LEVERS]);
  }
}

/** The kernels `f` runs, by name. */
async function kernelsOf(f: () => unknown): Promise<string[]> {
  const profile = await tf.profile(() => {
    const result = f();
    tf.dispose(result as tf.TensorContainer);
  });
  return profile.kernelNames;
}

/** The TensorFlow ops `f` runs, by name, as tfjs-node's binding executes them (kernels run by name included). */
async function tensorflowOpsOf(f: () => unknown): Promise<string[]> {
  type Binding = { executeOp: (name: string, ...rest: unknown[]) => unknown };
  const backend = tf.backend() as unknown as { binding: Binding };
  const binding = backend.binding;
  const ops: string[] = [];
  // The native binding's properties are read-only: watch it through a stand-in that inherits the rest.
  backend.binding = Object.create(binding, {
    executeOp: {
      value: (name: string, ...rest: unknown[]) => (ops.push(name), binding.executeOp(name, ...rest)),
    },
  }) as Binding;
  try {
    tf.dispose((await f()) as tf.TensorContainer);
  } finally {
    backend.binding = binding;
  }
  return ops;
}

/** Largest |a - b| relative to max(|b|, floor), over all elements. */
function maxRelativeDifference(a: tf.Tensor, b: tf.Tensor, floor = 1e-3): number {
  return tf.tidy(
    () => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.maximum(tf.abs(b), floor))).dataSync()[0] ?? NaN,
  );
}

afterEach(() => {
  if (tf.getBackend() !== "tensorflow") tf.setBackend("tensorflow");
});

describe("AE_FAST_TRAINING", () => {
  test("unset, 1 or all: every lever; 0 or none: none; or a list, in the bench's order", () => {
    assert.deepEqual(fastTrainingLevers({}), ["gradients", "loss", "adam", "graph"]);
    assert.deepEqual(fastTrainingLevers({ AE_FAST_TRAINING: "all" }), ["gradients", "loss", "adam", "graph"]);
    assert.deepEqual(fastTrainingLevers({ AE_FAST_TRAINING: "0" }), []);
    assert.deepEqual(fastTrainingLevers({ AE_FAST_TRAINING: " adam, gradients " }), ["gradients", "adam"]);
  });

  test("anything else is refused with what was expected and found", () => {
    assert.throws(() => fastTrainingLevers({ AE_FAST_TRAINING: "gradients,fast" }), {
      name: "RangeError",
      message:
        'AE_FAST_TRAINING must be "1", "0" or a comma-separated list of gradients, loss, adam, graph, found "gradients,fast"',
    });
  });
});

describe("gradients: ReluGrad and SigmoidGrad", () => {
  const x = () => tf.tensor1d([-2, -0.5, 0, 0.25, 3, Number.NaN]);
  const dy = () => tf.tensor1d([0.5, -1, 2, 3, -4, 1]);

  for (const [name, op] of [
    ["relu", tf.relu],
    ["sigmoid", tf.sigmoid],
  ] as const) {
    test(`${name}: the same gradient as tfjs's, in one kernel`, async () => {
      const grad = (input: tf.Tensor, upstream: tf.Tensor) =>
        tf.grad((v: tf.Tensor) => op(v))(input, upstream);
      const [input, upstream] = [x(), dy()];
      const tfjs = withLevers([], () => grad(input, upstream));
      const fast = grad(input, upstream);
      // NaN in, no gradient out for relu (TensorFlow's rule, where tfjs passes NaN on); compare the rest.
      const finite = tfjs.slice(0, 5);
      assert.ok(maxRelativeDifference(fast.slice(0, 5), finite, 1e-6) < 1e-6, `${fast} vs ${tfjs}`);
      const kernels = await kernelsOf(() => grad(input, upstream));
      assert.ok(kernels.includes(name === "relu" ? "AeReluGrad" : "AeSigmoidGrad"), kernels.join(" "));
      assert.ok(!kernels.includes("Step"), kernels.join(" "));
      tf.dispose([input, upstream, tfjs, fast, finite]);
    });
  }

  test("another activation (tanh) keeps tfjs's gradient; so does another backend", async () => {
    const input = x();
    const tanhKernels = await kernelsOf(() => tf.grad((v: tf.Tensor) => tf.tanh(v))(input));
    assert.ok(!tanhKernels.some((k) => k.startsWith("Ae")), tanhKernels.join(" "));
    tf.setBackend("cpu");
    const onCpu = tf.tensor1d([-1, 2]);
    const kernels = await kernelsOf(() => tf.grad((v: tf.Tensor) => tf.relu(v))(onCpu));
    assert.ok(kernels.includes("Step") && !kernels.includes("AeReluGrad"), kernels.join(" "));
    assert.deepEqual(
      Array.from(
        tf
          .grad((v: tf.Tensor) => tf.relu(v))(onCpu)
          .dataSync(),
      ),
      [0, 1],
    );
    tf.setBackend("tensorflow");
    input.dispose();
  });
});

describe("loss: binary cross-entropy with its gradient written out", () => {
  const probabilities = () =>
    tf.tensor2d([
      [0, 1e-9, 0.3, 0.5],
      [0.999999999, 1, 0.02, 0.75],
    ]);
  const targets = () =>
    tf.tensor2d([
      [0, 1, 0.4, 1],
      [1, 0.2, 0, 0.5],
    ]);
  const tfjsLoss = (t: tf.Tensor, p: tf.Tensor) => tf.metrics.binaryCrossentropy(t, p);

  test("the same values and gradient as tfjs-layers', clipped ends included", () => {
    const [p, t] = [probabilities(), targets()];
    const meanLoss = (loss: typeof tfjsLoss) => (v: tf.Tensor) => tf.mean(loss(t, v));
    const expected = tfjsLoss(t, p);
    const expectedGrad = tf.grad(meanLoss(tfjsLoss))(p);
    const found = binaryCrossentropyFast(t, p);
    const foundGrad = tf.grad(meanLoss(binaryCrossentropyFast))(p);
    assert.deepEqual(found.shape, [2]);
    assert.ok(maxRelativeDifference(found, expected) < 1e-5, `${found} vs ${expected}`);
    assert.ok(maxRelativeDifference(foundGrad, expectedGrad) < 1e-4, `${foundGrad} vs ${expectedGrad}`);
    assert.equal(foundGrad.dataSync()[0], 0, "no gradient where p was clipped");
    tf.dispose([p, t, expected, expectedGrad, found, foundGrad]);
  });

  test("from a sigmoid's logits: tfjs's value and gradient where tfjs does not clip, Keras's where it does", () => {
    // Row 1 stays inside tfjs's clipping; row 2 has outputs far past it, right (z = -30, t = 0) and wrong.
    const z = tf.tensor2d([
      [-3, -0.5, 0.2, 4],
      [-30, 30, -30, 30],
    ]);
    const t = tf.tensor2d([
      [0, 1, 0.4, 0.9],
      [0, 1, 1, 0],
    ]);
    const p = tf.sigmoid(z);
    const viaTfjs = (v: tf.Tensor) => tf.mean(tf.metrics.binaryCrossentropy(t, tf.sigmoid(v)));
    const fromLogits = (v: tf.Tensor) => tf.mean(binaryCrossentropyFromLogits(t, v, p));
    const [expected, found] = [tf.metrics.binaryCrossentropy(t, p), binaryCrossentropyFromLogits(t, z, p)];
    const [expectedGrad, foundGrad] = [tf.grad(viaTfjs)(z), tf.grad(fromLogits)(z)];
    const row = (x: tf.Tensor, i: number) => x.slice(i, 1);
    assert.ok(maxRelativeDifference(row(found, 0), row(expected, 0)) < 1e-5, `${found} vs ${expected}`);
    assert.ok(
      maxRelativeDifference(row(foundGrad, 0), row(expectedGrad, 0)) < 1e-4,
      `${foundGrad} vs ${expectedGrad}`,
    );
    // Keras: the loss of a wrong output grows with |z| (about 30) and its gradient is (σ(z) - t) / n / batch.
    assert.ok(Math.abs(found.dataSync()[1]! - 60 / 4) < 1e-3, `loss of row 2: ${found.dataSync()[1]}`);
    const keras = [0, 0, -1, 1].map((g) => g / 4 / 2);
    const grad = Array.from(foundGrad.dataSync().slice(4));
    grad.forEach((g, i) => assert.ok(Math.abs(g - keras[i]!) < 1e-6, `gradient ${grad} vs ${keras}`));
    // tfjs's clipped loss gives the two wrong outputs no gradient at all.
    assert.deepEqual(Array.from(expectedGrad.dataSync().slice(4)), [0, 0, 0, 0]);
    tf.dispose([z, t, p, expected, found, expectedGrad, foundGrad]);
  });

  test("training a sigmoid output takes the loss from its logits, with nothing left over; other outputs do not", async () => {
    const model = (activation: "sigmoid" | "linear") => {
      const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 4, activation })] });
      m.compile({ optimizer: "sgd", loss: "binaryCrossentropy" });
      return m;
    };
    const [sigmoid, linear] = [model("sigmoid"), model("linear")];
    const x = tf.randomUniform([8, 4], 0.1, 0.9);
    const step = (m: tf.LayersModel) => tensorflowOpsOf(() => m.trainOnBatch(x, x));
    await step(sigmoid);
    const before = tf.memory().numTensors;
    const ops = await step(sigmoid);
    assert.ok(ops.includes("Softplus") && !ops.includes("SigmoidGrad"), ops.join(" "));
    assert.equal(tf.memory().numTensors, before, "tensors after a training step");
    // Predictions and evaluation record no gradients: nothing is kept for a loss.
    tf.dispose([sigmoid.predict(x) as tf.Tensor, sigmoid.evaluate(x, x) as tf.Scalar]);
    assert.equal(tf.memory().numTensors, before, "tensors after predict and evaluate");
    assert.ok(!(await step(linear)).includes("Softplus"), "a linear output: the loss from probabilities");
    tf.dispose([x]);
    [sigmoid, linear].forEach((m) => m.dispose());
  });

  test("models compiled with binaryCrossentropy use it on this backend; other losses and backends do not", async () => {
    const model = () => {
      const m = tf.sequential({
        layers: [tf.layers.dense({ inputShape: [4], units: 4, activation: "sigmoid" })],
      });
      return m;
    };
    const bce = model();
    bce.compile({ optimizer: "sgd", loss: "binaryCrossentropy" });
    const mse = model();
    mse.compile({ optimizer: "sgd", loss: "meanSquaredError" });
    const x = tf.randomUniform([8, 4]);
    const fit = (m: tf.LayersModel) => kernelsOf(() => m.trainOnBatch(x, x));
    const tfjsBce = withLevers([], () => {
      const m = model();
      m.compile({ optimizer: "sgd", loss: "binaryCrossentropy" });
      return m;
    });
    // tfjs-layers rebuilds logits and takes exp(-|logits|); the written-out loss has no Exp.
    assert.ok((await fit(tfjsBce)).includes("Exp"), "tfjs's loss, compiled with the lever off");
    assert.ok(!(await fit(bce)).includes("Exp"), "the fast loss");
    assert.ok(!(await fit(mse)).includes("Log1p"), "mean squared error is left alone");
    tf.setBackend("cpu");
    const onCpu = model();
    onCpu.compile({ optimizer: "sgd", loss: "binaryCrossentropy" });
    const xCpu = tf.randomUniform([8, 4]);
    const loss = onCpu.evaluate(xCpu, xCpu) as tf.Scalar;
    const manual = tf.mean(tf.metrics.binaryCrossentropy(xCpu, onCpu.predict(xCpu) as tf.Tensor));
    assert.ok(Math.abs(loss.dataSync()[0]! - manual.dataSync()[0]!) < 1e-6, "tfjs's own loss on cpu");
    tf.setBackend("tensorflow");
    tf.dispose([x]);
    [bce, mse, tfjsBce].forEach((m) => m.dispose());
  });
});

describe("adam: TensorFlow's ResourceApplyAdam", () => {
  /** A small dense autoencoder with fixed initial weights, so two copies start the same. */
  function twin(seed: number) {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [16],
          units: 4,
          activation: "relu",
          kernelInitializer: tf.initializers.glorotUniform({ seed }),
        }),
        tf.layers.dense({
          units: 16,
          activation: "sigmoid",
          kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
        }),
      ],
    });
    model.compile({ optimizer: "adam", loss: "meanSquaredError" });
    return model;
  }
  const x = () => tf.randomUniform([32, 16], 0, 1, "float32", 7);

  /** Trains `model` for `steps` batches with the given levers on. */
  async function train(model: tf.LayersModel, data: tf.Tensor, levers: FastTrainingLever[], steps: number) {
    setFastTraining(levers);
    try {
      for (let i = 0; i < steps; i++) await model.trainOnBatch(data, data);
    } finally {
      setFastTraining([...FAST_TRAINING_LEVERS]);
    }
  }

  test("the same weights and moments as tfjs's Adam after 30 steps, in one kernel per weight", async () => {
    const data = x();
    const [tfjs, fast] = [twin(1), twin(1)];
    await train(tfjs, data, [], 30);
    await train(fast, data, ["adam"], 30);
    for (const [i, w] of fast.getWeights().entries()) {
      const difference = maxRelativeDifference(w, tfjs.getWeights()[i] as tf.Tensor);
      assert.ok(difference < 1e-3, `weight ${i}: relative difference ${difference}`);
    }
    const [fastState, tfjsState] = [await fast.optimizer.getWeights(), await tfjs.optimizer.getWeights()];
    // Layer names differ between the twins (dense_Dense1, dense_Dense3...); the rest of each name must not.
    const names = (state: typeof fastState) => state.map((s) => s.name.replace(/^dense_Dense\d+/, "dense"));
    assert.deepEqual(
      names(fastState),
      names(tfjsState),
      "the optimizer's weights keep tfjs's names and order",
    );
    for (const [i, s] of fastState.entries()) {
      const expected = tfjsState[i]!.tensor;
      // Moments are tiny where gradients are: measure their difference against the largest of them.
      const scale = tf.tidy(() => tf.max(tf.abs(expected)).dataSync()[0] ?? 0);
      const difference = maxRelativeDifference(s.tensor, expected, Math.max(scale, 1e-12));
      assert.ok(difference < 1e-4, `${s.name}: difference ${difference} of the largest value`);
    }
    const ops = await tensorflowOpsOf(() => fast.trainOnBatch(data, data));
    assert.equal(ops.filter((op) => op === "ResourceApplyAdam").length, 4, ops.join(" "));
    setFastTraining([]);
    const tfjsOps = await tensorflowOpsOf(() => tfjs.trainOnBatch(data, data)).finally(() =>
      setFastTraining([...FAST_TRAINING_LEVERS]),
    );
    assert.ok(
      ops.length < tfjsOps.length - 30,
      `TensorFlow ops a step: ${ops.length} vs tfjs's ${tfjsOps.length}`,
    );
    [tfjs, fast].forEach((m) => m.dispose());
    data.dispose();
  });

  test("weights set from outside (setWeights) are trained on from their new value", async () => {
    const data = x();
    const [tfjs, fast, other] = [twin(1), twin(1), twin(5)];
    await train(tfjs, data, [], 5);
    await train(fast, data, ["adam"], 5);
    tfjs.setWeights(other.getWeights());
    fast.setWeights(other.getWeights());
    await train(tfjs, data, [], 5);
    await train(fast, data, ["adam"], 5);
    for (const [i, w] of fast.getWeights().entries()) {
      assert.ok(maxRelativeDifference(w, tfjs.getWeights()[i] as tf.Tensor) < 1e-3, `weight ${i}`);
    }
    [tfjs, fast, other].forEach((m) => m.dispose());
    data.dispose();
  });

  test("disposing the model frees every tensor the fast update made", async () => {
    const data = x();
    const before = tf.memory().numTensors;
    const model = twin(3);
    await train(model, data, ["adam"], 3);
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
    data.dispose();
  });

  test("on another backend tfjs's own Adam runs", async () => {
    tf.setBackend("cpu");
    const data = x();
    const model = twin(2);
    const kernels = await kernelsOf(() => model.trainOnBatch(data, data));
    assert.ok(kernels.includes("Sqrt"), `tfjs's Adam takes a square root: ${kernels.join(" ")}`);
    model.dispose();
    data.dispose();
  });
});

describe("all levers together, training a lesson-sized model", () => {
  test("one epoch gives the same losses as tfjs's own code, in fewer kernels a batch", async () => {
    const data = tf.randomUniform([512, 784], 0, 1, "float32", 11);
    const targets = tf.tidy(() => tf.cast(tf.greater(data, 0.7), "float32"));
    const build = () => {
      const input = tf.input({ shape: [784] });
      const code = tf.layers
        .dense({
          units: 32,
          activation: "relu",
          kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        })
        .apply(input) as tf.SymbolicTensor;
      const output = tf.layers
        .dense({
          units: 784,
          activation: "sigmoid",
          kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
        })
        .apply(code) as tf.SymbolicTensor;
      const model = tf.model({ inputs: input, outputs: output });
      model.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
      return model;
    };
    const run = async (levers: FastTrainingLever[]) => {
      setFastTraining(levers);
      try {
        const model = build();
        const history = await model.fit(data, targets, {
          epochs: 2,
          batchSize: 64,
          shuffle: false, // the same batches in both runs
          validationData: [data, targets],
          verbose: 0,
        });
        const [x, y] = [data.slice(0, 64), targets.slice(0, 64)];
        const kernels = (await tensorflowOpsOf(() => model.trainOnBatch(x, y))).length;
        tf.dispose([x, y]);
        model.dispose();
        return {
          loss: history.history.loss as number[],
          valLoss: history.history.val_loss as number[],
          kernels,
        };
      } finally {
        setFastTraining([...FAST_TRAINING_LEVERS]);
      }
    };
    const tfjs = await run([]);
    const fast = await run([...FAST_TRAINING_LEVERS]);
    for (const [i, value] of fast.valLoss.entries()) {
      const expected = tfjs.valLoss[i]!;
      assert.ok(
        Math.abs(value - expected) / expected < 1e-5,
        `epoch ${i + 1}: val_loss ${value} vs ${expected}`,
      );
    }
    assert.ok(
      fast.kernels < tfjs.kernels / 2,
      `TensorFlow ops a batch: ${fast.kernels} vs tfjs's ${tfjs.kernels}`,
    );
    tf.dispose([data, targets]);
  });
});

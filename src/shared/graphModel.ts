// A lesson model's whole training step as one TensorFlow graph (graphDef.ts): the forward pass, binary
// cross-entropy from the output sigmoid's logits as Keras computes it, the backward pass written out with
// TensorFlow's gradient kernels, and Adam as ResourceApplyAdam on the weights, with the step counted inside. So far
// for chains of Dense layers (relu, sigmoid or linear) ending in a sigmoid; `denseChain` says why another model is
// not one, and graphFit.ts then leaves it to the eager path.
import * as tf from "@tensorflow/tfjs-node";
import { DT, GraphBuilder, type Port } from "./graphDef";

/** One Dense layer of a chain, as the graph builds it. */
export interface DenseStep {
  activation: "relu" | "sigmoid" | "linear";
  inputs: number;
  units: number;
  useBias: boolean;
}

/** Adam's settings and state, with the weights' values, as the graph starts from them. */
export interface TrainingState {
  /** The trainable weights' values in the model's order (kernel, then bias, layer by layer). */
  weights: Float32Array[];
  /** Adam's first and second moments, in the same order (zeros before the first step). */
  m: Float32Array[];
  v: Float32Array[];
  /** Adam's steps so far. */
  iterations: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** What the graph's signatures take and give. */
export const SIGNATURES = { train: "train", evaluate: "evaluate", state: "state" } as const;

interface DenseLike {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  activation?: { getClassName(): string };
  trainableWeights: { name: string }[];
  inboundNodes: { inputTensors: tf.SymbolicTensor[] }[];
}

/**
 * The layers from the model's input to its output, in order, if each takes the one before it alone; followed back
 * from the output through the model's own nodes, so that layers shared with another model (05's encoder and
 * decoder) still make a chain.
 */
function chainOf(model: tf.LayersModel): DenseLike[] | string {
  const chain: DenseLike[] = [];
  let tensor = model.outputs[0];
  while (tensor && tensor !== model.inputs[0]) {
    const layer = tensor.sourceLayer as unknown as DenseLike;
    const inputs = layer.inboundNodes[tensor.nodeIndex]?.inputTensors ?? [];
    if (layer.getClassName() === "InputLayer" || inputs.length !== 1) {
      return `a ${layer.getClassName()} layer that does not take the layer before it alone`;
    }
    chain.unshift(layer);
    tensor = inputs[0];
  }
  return chain;
}

/**
 * The model as a chain of Dense layers the graph can train, or why it is not one: one input of shape [n, k], each
 * layer fed by the one before, every layer Dense with relu, sigmoid or linear and without regularizers or
 * constraints, the last one a sigmoid, and the trainable weights in layer order.
 */
export function denseChain(model: tf.LayersModel): DenseStep[] | string {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return "not one input and one output";
  const [input] = model.inputs;
  if (input?.shape.length !== 2) return `an input of rank ${input?.shape.length}, not 2`;
  const layers = chainOf(model);
  if (typeof layers === "string") return layers;
  const steps: DenseStep[] = [];
  let inputs = input.shape[1] ?? 0;
  const weightNames: string[] = [];
  for (const layer of layers) {
    const kind = layer.getClassName();
    if (kind !== "Dense") return `a ${kind} layer`;
    const config = layer.getConfig();
    for (const key of [
      "kernelRegularizer",
      "biasRegularizer",
      "activityRegularizer",
      "kernelConstraint",
      "biasConstraint",
    ]) {
      if (config[key] != null) return `a Dense layer with ${key}`;
    }
    const activation = layer.activation?.getClassName();
    if (activation !== "relu" && activation !== "sigmoid" && activation !== "linear") {
      return `a Dense layer with activation ${activation}`;
    }
    const units = config.units as number;
    steps.push({ activation, inputs, units, useBias: config.useBias !== false });
    weightNames.push(...layer.trainableWeights.map((w) => w.name));
    inputs = units;
  }
  if (steps.at(-1)?.activation !== "sigmoid") return "an output layer that is not a sigmoid";
  const trainable = (model as unknown as { collectedTrainableWeights: { name: string }[] })
    .collectedTrainableWeights;
  if (trainable.map((w) => w.name).join() !== weightNames.join())
    return "trainable weights out of layer order";
  return steps;
}

/** The shapes of a chain's weights, in the model's order. */
export function weightShapes(steps: DenseStep[]): number[][] {
  return steps.flatMap((s) => [[s.inputs, s.units], ...(s.useBias ? [[s.units]] : [])]);
}

/**
 * Writes the training graph of `steps`, starting from `state`, as a SavedModel in `dir`. Signatures:
 * train (x, y -> loss, one Adam step), evaluate (x, y -> loss as tfjs computes it on the probabilities, clipped
 * to [ε, 1 - ε]; no update), state (dummy -> every weight, moment and the step count).
 */
export function writeTrainingGraph(dir: string, steps: DenseStep[], state: TrainingState): void {
  const g = new GraphBuilder();
  const F = { type: DT.float };
  const T = { T: F };
  const shapes = weightShapes(steps);
  const assigns: string[] = [];
  const variable = (name: string, shape: number[], initial: Float32Array) => {
    const handle = g.node("VarHandleOp", name, [], {
      dtype: F,
      shape: { shape },
      shared_name: { string: name },
      container: { string: "" },
    });
    assigns.push(
      g.node("AssignVariableOp", `${name}/assign`, [handle, g.constant(`${name}/initial`, initial, shape)], {
        dtype: F,
      }),
    );
    return handle;
  };
  const read = (handle: string, after: string[] = []) =>
    g.node("ReadVariableOp", `${handle}/read`, [handle, ...after.map((a) => `^${a}`)], { dtype: F });
  const weights = shapes.map((shape, i) => variable(`w${i}`, shape, state.weights[i] ?? new Float32Array()));
  const m = shapes.map((shape, i) => variable(`w${i}/m`, shape, state.m[i] ?? new Float32Array()));
  const v = shapes.map((shape, i) => variable(`w${i}/v`, shape, state.v[i] ?? new Float32Array()));
  const step = variable("step", [], Float32Array.of(state.iterations));
  const init = g.node(
    "NoOp",
    "init",
    assigns.map((a) => `^${a}`),
  );

  const first = steps[0]?.inputs ?? 0;
  const last = steps.at(-1)?.units ?? 0;
  const x = g.node("Placeholder", "x", [], { dtype: F, shape: { shape: [-1, first] } });
  const y = g.node("Placeholder", "y", [], { dtype: F, shape: { shape: [-1, last] } });
  const matMul = (a: string, b: string, transposeA = false, transposeB = false) =>
    g.node("MatMul", "matmul", [a, b], {
      T: F,
      transpose_a: { bool: transposeA },
      transpose_b: { bool: transposeB },
    });

  // Forward: each layer's input a and pre-activation z; weights read once, before any update.
  const reads = weights.map((w) => read(w));
  const layers: { a: string; z: string; kernel: string; bias?: string }[] = [];
  let a = x;
  let next = 0;
  for (const s of steps) {
    const kernel = reads[next++] ?? "";
    const bias = s.useBias ? reads[next++] : undefined;
    let z = matMul(a, kernel);
    if (bias) z = g.node("BiasAdd", "bias_add", [z, bias], { T: F, data_format: { string: "NHWC" } });
    layers.push({ a, z, kernel, bias });
    a =
      s.activation === "linear"
        ? z
        : g.node(s.activation === "relu" ? "Relu" : "Sigmoid", s.activation, [z], T);
  }
  const logits = layers.at(-1)?.z ?? "";
  const axes = g.intConstant("axes", [0, 1]);
  const mean = (value: string, name: string) =>
    g.node("Mean", name, [value, axes], { T: F, Tidx: { type: DT.int32 }, keep_dims: { bool: false } });
  // Training loss, as Keras takes it from the logits: mean(softplus(z) - y·z).
  const trainLoss = mean(
    g.node(
      "Sub",
      "bce",
      [g.node("Softplus", "softplus", [logits], T), g.node("Mul", "yz", [y, logits], T)],
      T,
    ),
    "train_loss",
  );
  // Validation loss, as tfjs computes it: -mean(y·log(p) + (1 - y)·log(1 - p)), p clipped to [ε, 1 - ε].
  const p = g.node(
    "ClipByValue",
    "clip",
    [a, g.constant("epsilon", 1e-7), g.constant("one_minus_epsilon", 1 - 1e-7)],
    T,
  );
  const one = g.constant("one", 1);
  const logLikelihood = g.node(
    "AddV2",
    "log_likelihood",
    [
      g.node("Mul", "y_log_p", [y, g.node("Log", "log_p", [p], T)], T),
      g.node(
        "Mul",
        "rest",
        [
          g.node("Sub", "one_minus_y", [one, y], T),
          g.node("Log", "log_q", [g.node("Sub", "q", [one, p], T)], T),
        ],
        T,
      ),
    ],
    T,
  );
  const evalLoss = g.node("Neg", "eval_loss", [mean(logLikelihood, "mean_log_likelihood")], T);

  // Backward: dL/dz at the output is (σ(z) - y) / n, then layer by layer down.
  const n = g.node("Cast", "n", [g.node("Size", "size", [logits], { T: F, out_type: { type: DT.int32 } })], {
    SrcT: { type: DT.int32 },
    DstT: F,
    Truncate: { bool: false },
  });
  let dz = g.node("RealDiv", "d_logits", [g.node("Sub", "error", [a, y], T), n], T);
  const gradients: string[] = [];
  for (let l = layers.length - 1; l >= 0; l--) {
    const layer = layers[l];
    const s = steps[l];
    if (!layer || !s) break;
    const layerGradients = [matMul(layer.a, dz, true, false)];
    if (layer.bias)
      layerGradients.push(g.node("BiasAddGrad", "d_bias", [dz], { T: F, data_format: { string: "NHWC" } }));
    gradients.unshift(...layerGradients);
    const below = steps[l - 1];
    if (!below) break;
    const da = matMul(dz, layer.kernel, false, true);
    dz =
      below.activation === "relu"
        ? g.node("ReluGrad", "d_relu", [da, layer.a], T)
        : below.activation === "sigmoid"
          ? g.node("SigmoidGrad", "d_sigmoid", [layer.a, da], T)
          : da;
  }

  // Adam, as fastAdam.ts runs it: ResourceApplyAdam with ε·sqrt(1 - β2^t), which is tfjs's update.
  const counted = g.node("AssignAddVariableOp", "step/add", [step, one], { dtype: F });
  const t = read(step, [counted]);
  const beta1 = g.constant("beta1", state.beta1);
  const beta2 = g.constant("beta2", state.beta2);
  const beta1Power = g.node("Pow", "beta1_power", [beta1, t], T);
  const beta2Power = g.node("Pow", "beta2_power", [beta2, t], T);
  const epsilon = g.node(
    "Mul",
    "epsilon_t",
    [
      g.constant("adam_epsilon", state.epsilon),
      g.node("Sqrt", "sqrt", [g.node("Sub", "one_minus_beta2_power", [one, beta2Power], T)], T),
    ],
    T,
  );
  const lr = g.constant("learning_rate", state.learningRate);
  const updates = gradients.map((gradient, i) =>
    g.node(
      "ResourceApplyAdam",
      `w${i}/adam`,
      [weights[i] ?? "", m[i] ?? "", v[i] ?? "", beta1Power, beta2Power, lr, beta1, beta2, epsilon, gradient],
      {
        T: F,
        use_locking: { bool: false },
        use_nesterov: { bool: false },
      },
    ),
  );
  const trained = g.node("Identity", "loss", [trainLoss, ...updates.map((u) => `^${u}`)], T);

  const dummy = g.node("Placeholder", "dummy", [], { dtype: F, shape: { shape: [] } });
  const port = (node: string, shape: number[]): Port => ({ node, dtype: DT.float, shape });
  const data = { x: port(x, [-1, first]), y: port(y, [-1, last]) };
  const stateOutputs: Record<string, Port> = {
    step: port(g.node("Identity", "step_out", [read(step)], T), []),
  };
  shapes.forEach((shape, i) => {
    for (const [key, handle] of [
      [`w${i}`, weights[i]],
      [`m${i}`, m[i]],
      [`v${i}`, v[i]],
    ] as const) {
      stateOutputs[key] = port(g.node("Identity", `${key}_out`, [read(handle ?? "")], T), shape);
    }
  });
  g.save(
    dir,
    {
      [SIGNATURES.train]: { inputs: data, outputs: { loss: port(trained, []) } },
      [SIGNATURES.evaluate]: { inputs: data, outputs: { loss: port(evalLoss, []) } },
      [SIGNATURES.state]: { inputs: { dummy: port(dummy, []) }, outputs: stateOutputs },
    },
    init,
  );
}

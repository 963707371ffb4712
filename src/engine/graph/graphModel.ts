// A lesson model's whole training step as one TensorFlow graph (graphDef.ts): the forward pass, binary
// cross-entropy from the output sigmoid's logits as Keras computes it, the backward pass layer by layer
// (graphLayerOps.ts), and Adam as ResourceApplyAdam on the weights, with the step counted inside. For the chains
// graphLayers.ts reads off a model.
import { DT, GraphBuilder, type Port } from "./graphDef";
import { activationGradient, backward, forward, type BuiltLayer } from "./graphLayerOps";
import { weightShapes, type LayerChain } from "./graphLayers";

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
export const SIGNATURES = {
  train: "train",
  evaluate: "evaluate",
  weights: "weights",
  state: "state",
} as const;

/**
 * Writes the training graph of `chain`, starting from `state`, as a SavedModel in `dir`. Signatures:
 * train (x, y -> loss, one Adam step), evaluate (x, y -> loss as tfjs computes it on the probabilities, clipped
 * to [ε, 1 - ε]; no update), weights (dummy -> every weight), state (dummy -> every weight, moment and the step
 * count).
 */
export function writeTrainingGraph(dir: string, chain: LayerChain, state: TrainingState): void {
  const g = new GraphBuilder();
  const F = { type: DT.float };
  const T = { T: F };
  const shapes = weightShapes(chain);
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

  const xShape = [-1, ...chain.input];
  const yShape = [-1, ...chain.output];
  const x = g.node("Placeholder", "x", [], { dtype: F, shape: { shape: xShape } });
  const y = g.node("Placeholder", "y", [], { dtype: F, shape: { shape: yShape } });

  // Forward, layer by layer; weights read once, before any update.
  const reads = weights.map((w) => read(w));
  const layers: BuiltLayer[] = [];
  let a = x;
  let next = 0;
  for (const step of chain.steps) {
    const count = "weights" in step ? step.weights.length : 0;
    const layer = forward(g, step, a, reads.slice(next, (next += count)));
    layers.push(layer);
    a = layer.output;
  }
  const logits = layers.at(-1)?.z ?? "";
  const axes = g.intConstant(
    "axes",
    yShape.map((_, i) => i),
  );
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

  // Backward. n: how many values the loss averages over.
  const n = g.node("Cast", "n", [g.node("Size", "size", [logits], { T: F, out_type: { type: DT.int32 } })], {
    SrcT: { type: DT.int32 },
    DstT: F,
    Truncate: { bool: false },
  });
  // dL/dz at the output is (σ(z) - y) / n; from there down, layer by layer, to the first layer's weights.
  let gradient = g.node("RealDiv", "d_logits", [g.node("Sub", "error", [a, y], T), n], T);
  const gradients: string[] = [];
  for (let l = layers.length - 1; l >= 0; l--) {
    const layer = layers[l];
    if (!layer) break;
    if (l < layers.length - 1) gradient = activationGradient(g, layer, gradient);
    const { gradients: own, dInput } = backward(g, layer, gradient, l > 0);
    gradients.unshift(...own);
    if (!dInput) break;
    gradient = dInput;
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
  const data = { x: port(x, xShape), y: port(y, yShape) };
  const weightOutputs: Record<string, Port> = {};
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
    weightOutputs[`w${i}`] = stateOutputs[`w${i}`] as Port;
  });
  g.save(
    dir,
    {
      [SIGNATURES.train]: { inputs: data, outputs: { loss: port(trained, []) } },
      [SIGNATURES.evaluate]: { inputs: data, outputs: { loss: port(evalLoss, []) } },
      [SIGNATURES.weights]: { inputs: { dummy: port(dummy, []) }, outputs: weightOutputs },
      [SIGNATURES.state]: { inputs: { dummy: port(dummy, []) }, outputs: stateOutputs },
    },
    init,
  );
}

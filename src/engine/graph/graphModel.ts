// A lesson model's whole training step as one TensorFlow graph (graphDef.ts): the forward pass, binary
// cross-entropy from the output sigmoid's logits as Keras computes it, the backward pass layer by layer
// (graphLayerOps.ts), and Adam as ResourceApplyAdam on the weights, with the step counted inside. Adam's learning
// rate, β1, β2 and ε are fed at each step (a callback may change them between steps), and its β powers are kept as
// tfjs keeps them (multiplied by β at each step). The state (weights, moments, step, β powers) is set and read
// through signatures of its own, so that the model and the graph can hand it to each other during a fit. For the
// chains graphLayers.ts reads off a model.
import { DT, GraphBuilder, type Port } from "./graphDef";
import { activationGradient, backward, forward, type BuiltLayer } from "./graphLayerOps";
import { weightShapes, type LayerChain } from "./graphLayers";

/** What the graph's signatures take and give. */
export const SIGNATURES = {
  /** x, y, learning_rate, beta1, beta2, epsilon -> loss: one training step. */
  train: "train",
  /** x, y -> loss as tfjs computes it on the probabilities (validation); no update. */
  evaluate: "evaluate",
  /** STATE_INPUTS -> done: sets every variable. */
  load: "load",
  /** dummy -> every variable, by the names of STATE_INPUTS. */
  state: "state",
} as const;

/**
 * The names of the state's parts, in the load signature's inputs and the state signature's outputs: weight i,
 * its first and second moments, the step count and Adam's β powers.
 */
export const STATE = {
  weight: (i: number) => `w${i}`,
  m: (i: number) => `m${i}`,
  v: (i: number) => `v${i}`,
  step: "step",
  beta1Power: "beta1_power",
  beta2Power: "beta2_power",
} as const;

/** The names of Adam's hyperparameters in the train signature's inputs. */
export const HYPERPARAMETERS = ["learning_rate", "beta1", "beta2", "epsilon"] as const;

/**
 * Writes the training graph of `chain` as a SavedModel in `dir`. Its variables start unset: the load signature
 * sets them before the first step.
 */
export function writeTrainingGraph(dir: string, chain: LayerChain): void {
  const g = new GraphBuilder();
  const F = { type: DT.float };
  const T = { T: F };
  const shapes = weightShapes(chain);
  const port = (node: string, shape: number[]): Port => ({ node, dtype: DT.float, shape });
  const placeholder = (name: string, shape: number[]) =>
    g.node("Placeholder", name, [], { dtype: F, shape: { shape } });
  // Each variable, with the load signature's input that sets it and the state signature's output that reads it.
  const loads: string[] = [];
  const loadInputs: Record<string, Port> = {};
  const stateOutputs: Record<string, Port> = {};
  const read = (handle: string, after: string[] = []) =>
    g.node("ReadVariableOp", `${handle}/read`, [handle, ...after.map((a) => `^${a}`)], { dtype: F });
  const variable = (name: string, shape: number[]) => {
    const handle = g.node("VarHandleOp", name, [], {
      dtype: F,
      shape: { shape },
      shared_name: { string: name },
      container: { string: "" },
    });
    const value = placeholder(`${name}/value`, shape);
    loads.push(g.node("AssignVariableOp", `${name}/load`, [handle, value], { dtype: F }));
    loadInputs[name] = port(value, shape);
    stateOutputs[name] = port(g.node("Identity", `${name}/out`, [read(handle)], T), shape);
    return handle;
  };
  const weights = shapes.map((shape, i) => variable(STATE.weight(i), shape));
  const m = shapes.map((shape, i) => variable(STATE.m(i), shape));
  const v = shapes.map((shape, i) => variable(STATE.v(i), shape));
  const step = variable(STATE.step, []);
  const beta1Power = variable(STATE.beta1Power, []);
  const beta2Power = variable(STATE.beta2Power, []);

  const xShape = [-1, ...chain.input];
  const yShape = [-1, ...chain.output];
  const x = placeholder("x", xShape);
  const y = placeholder("y", yShape);

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
  // The loss is taken at the output layer, the last with an activation: reshapes after it only move its values,
  // so the targets take its shape there (a mean over all values does not care about their order).
  const lossAt = layers.findIndex(
    (layer, i) => layer.z !== undefined && layers.slice(i + 1).every((l) => !l.z),
  );
  const outputLayer = layers[lossAt];
  const logits = outputLayer?.z ?? "";
  const yAtLoss =
    lossAt === layers.length - 1
      ? y
      : g.node(
          "Reshape",
          "y_at_loss",
          [y, g.node("Shape", "logits_shape", [logits], { T: F, out_type: { type: DT.int32 } })],
          {
            T: F,
            Tshape: { type: DT.int32 },
          },
        );
  const mean = (value: string, name: string) =>
    g.node(
      "Mean",
      name,
      [
        g.node("Reshape", `${name}/flat`, [value, g.intConstant(`${name}/all`, [-1])], {
          T: F,
          Tshape: { type: DT.int32 },
        }),
        g.intConstant(`${name}/axis`, [0]),
      ],
      {
        T: F,
        Tidx: { type: DT.int32 },
        keep_dims: { bool: false },
      },
    );
  // Training loss, as Keras takes it from the logits: mean(softplus(z) - y·z).
  const trainLoss = mean(
    g.node(
      "Sub",
      "bce",
      [g.node("Softplus", "softplus", [logits], T), g.node("Mul", "yz", [yAtLoss, logits], T)],
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
  const outputValue = outputLayer?.output ?? a;
  let gradient = g.node("RealDiv", "d_logits", [g.node("Sub", "error", [outputValue, yAtLoss], T), n], T);
  const gradients: string[] = [];
  for (let l = lossAt; l >= 0; l--) {
    const layer = layers[l];
    if (!layer) break;
    if (l < lossAt) gradient = activationGradient(g, layer, gradient);
    const { gradients: own, dInput } = backward(g, layer, gradient, l > 0);
    gradients.unshift(...own);
    if (!dInput) break;
    gradient = dInput;
  }

  // Adam, as fastAdam.ts runs it: ResourceApplyAdam with ε·sqrt(1 - β2^t), which is tfjs's update. The
  // hyperparameters are fed; β^t is tfjs's accBeta, multiplied by β after each step.
  const [lr, beta1, beta2, adamEpsilon] = HYPERPARAMETERS.map((name) => placeholder(name, []));
  const beta1PowerNow = read(beta1Power);
  const beta2PowerNow = read(beta2Power);
  const epsilon = g.node(
    "Mul",
    "epsilon_t",
    [
      adamEpsilon ?? "",
      g.node("Sqrt", "sqrt", [g.node("Sub", "one_minus_beta2_power", [one, beta2PowerNow], T)], T),
    ],
    T,
  );
  const updates = gradients.map((gradient, i) =>
    g.node(
      "ResourceApplyAdam",
      `w${i}/adam`,
      [
        weights[i] ?? "",
        m[i] ?? "",
        v[i] ?? "",
        beta1PowerNow,
        beta2PowerNow,
        lr ?? "",
        beta1 ?? "",
        beta2 ?? "",
        epsilon,
        gradient,
      ],
      {
        T: F,
        use_locking: { bool: false },
        use_nesterov: { bool: false },
      },
    ),
  );
  const advance = [
    g.node("AssignAddVariableOp", "step/add", [step, one], { dtype: F }),
    g.node(
      "AssignVariableOp",
      "beta1_power/next",
      [beta1Power, g.node("Mul", "beta1_next", [beta1PowerNow, beta1 ?? ""], T)],
      {
        dtype: F,
      },
    ),
    g.node(
      "AssignVariableOp",
      "beta2_power/next",
      [beta2Power, g.node("Mul", "beta2_next", [beta2PowerNow, beta2 ?? ""], T)],
      {
        dtype: F,
      },
    ),
  ];
  const trained = g.node("Identity", "loss", [trainLoss, ...[...updates, ...advance].map((u) => `^${u}`)], T);
  const loaded = g.node("Identity", "loaded", [one, ...loads.map((l) => `^${l}`)], T);

  const data = { x: port(x, xShape), y: port(y, yShape) };
  const fed = [lr, beta1, beta2, adamEpsilon];
  const hyperparameters = Object.fromEntries(
    HYPERPARAMETERS.map((name, i) => [name, port(fed[i] ?? "", [])]),
  );
  const dummy = placeholder("dummy", []);
  g.save(
    dir,
    {
      [SIGNATURES.train]: { inputs: { ...data, ...hyperparameters }, outputs: { loss: port(trained, []) } },
      [SIGNATURES.evaluate]: { inputs: data, outputs: { loss: port(evalLoss, []) } },
      [SIGNATURES.load]: { inputs: loadInputs, outputs: { done: port(loaded, []) } },
      [SIGNATURES.state]: { inputs: { dummy: port(dummy, []) }, outputs: stateOutputs },
    },
    g.node("NoOp", "init"),
  );
}

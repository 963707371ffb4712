// A lesson model's whole training step as one TensorFlow graph (graphDef.ts): the forward pass, binary
// cross-entropy from the output sigmoid's logits as Keras computes it, the backward pass layer by layer
// (graphLayerOps.ts), and Adam as ResourceApplyAdam on the weights, with the step counted inside. Adam's learning
// rate, β1, β2 and ε are fed at each step (a callback may change them between steps), and its β powers are kept as
// tfjs keeps them (multiplied by β at each step). The state (weights, moments, step, β powers) is set and read
// through signatures of its own (graphTraining.ts), so that the model and the graph can hand it to each other
// during a fit. For the chains graphLayers.ts reads off a model; the chain's pieces here serve vaeGraph.ts too.
import { DT, type GraphBuilder } from "./graphDef";
import { activationGradient, backward, forward, type BuiltLayer } from "./graphLayerOps";
import { weightShapes, type LayerChain, type LayerStep } from "./graphLayers";
import { TrainingGraph } from "./graphTraining";

export { HYPERPARAMETERS, SIGNATURES, STATE } from "./graphTraining";

const F = { type: DT.float };
const T = { T: F };

/** A chain's forward pass on `input`, with its weights' values `reads` in the chain's order. */
export function forwardChain(
  g: GraphBuilder,
  steps: LayerStep[],
  input: string,
  reads: string[],
): BuiltLayer[] {
  const layers: BuiltLayer[] = [];
  let a = input;
  let next = 0;
  for (const step of steps) {
    const count = "weights" in step ? step.weights.length : 0;
    const layer = forward(g, step, a, reads.slice(next, (next += count)));
    layers.push(layer);
    a = layer.output;
  }
  return layers;
}

/**
 * Binary cross-entropy from the logits of a chain's output layer, the last with an activation, value by value:
 * softplus(z) - y·z. Reshapes after that layer only move its values, so the targets `y` take its shape there.
 */
export function crossEntropyFromLogits(g: GraphBuilder, layers: BuiltLayer[], y: string) {
  const lossAt = layers.findIndex(
    (layer, i) => layer.z !== undefined && layers.slice(i + 1).every((l) => !l.z),
  );
  const outputLayer = layers[lossAt];
  const logits = outputLayer?.z ?? "";
  const shape = g.node("Shape", "logits_shape", [logits], { T: F, out_type: { type: DT.int32 } });
  const yAtLoss =
    lossAt === layers.length - 1
      ? y
      : g.node("Reshape", "y_at_loss", [y, shape], { T: F, Tshape: { type: DT.int32 } });
  const softplus = g.node("Softplus", "softplus", [logits], T);
  const bce = g.node("Sub", "bce", [softplus, g.node("Mul", "yz", [yAtLoss, logits], T)], T);
  /** σ(z) - y, the gradient of bce at the logits. */
  const error = g.node("Sub", "error", [outputLayer?.output ?? "", yAtLoss], T);
  return { lossAt, logits, bce, error };
}

/**
 * The backward pass of `layers[0..from]`, from `gradient` at layer `from`'s pre-activation (`atOutput`: at its
 * output, before its activation's gradient). Gives the weights' gradients in the chain's order and, with
 * `needInput`, the gradient at the chain's input.
 */
export function backwardChain(
  g: GraphBuilder,
  layers: BuiltLayer[],
  from: number,
  gradient: string,
  { atOutput = false, needInput = false } = {},
): { gradients: string[]; dInput?: string } {
  const gradients: string[] = [];
  let d = gradient;
  for (let l = from; l >= 0; l--) {
    const layer = layers[l];
    if (!layer) break;
    if (l < from || atOutput) d = activationGradient(g, layer, d);
    const { gradients: own, dInput } = backward(g, layer, d, l > 0 || needInput);
    gradients.unshift(...own);
    if (!dInput) return { gradients };
    d = dInput;
  }
  return { gradients, dInput: d };
}

/**
 * Writes the training graph of `chain` as a SavedModel in `dir`. Its variables start unset: the load signature
 * sets them before the first step.
 */
export function writeTrainingGraph(dir: string, chain: LayerChain): void {
  const t = new TrainingGraph(weightShapes(chain));
  const g = t.g;
  const xShape = [-1, ...chain.input];
  const yShape = [-1, ...chain.output];
  const x = t.placeholder("x", xShape);
  const y = t.placeholder("y", yShape);

  // Forward, layer by layer; weights read once, before any update.
  const layers = forwardChain(g, chain.steps, x, t.reads);
  const a = layers.at(-1)?.output ?? x;
  // Training loss, as Keras takes it from the logits: mean(softplus(z) - y·z).
  const { lossAt, logits, bce, error } = crossEntropyFromLogits(g, layers, y);
  const trainLoss = t.mean(bce, "train_loss");
  // Validation loss, as tfjs computes it: -mean(y·log(p) + (1 - y)·log(1 - p)), p clipped to [ε, 1 - ε].
  const p = g.node(
    "ClipByValue",
    "clip",
    [a, g.constant("epsilon", 1e-7), g.constant("one_minus_epsilon", 1 - 1e-7)],
    T,
  );
  const logLikelihood = g.node(
    "AddV2",
    "log_likelihood",
    [
      g.node("Mul", "y_log_p", [y, g.node("Log", "log_p", [p], T)], T),
      g.node(
        "Mul",
        "rest",
        [
          g.node("Sub", "one_minus_y", [t.one, y], T),
          g.node("Log", "log_q", [g.node("Sub", "q", [t.one, p], T)], T),
        ],
        T,
      ),
    ],
    T,
  );
  const evalLoss = g.node("Neg", "eval_loss", [t.mean(logLikelihood, "mean_log_likelihood")], T);

  // Backward: dL/dz at the output is (σ(z) - y) / n, n the values the loss averages over; from there down,
  // layer by layer, to the first layer's weights.
  const dLogits = g.node("RealDiv", "d_logits", [error, t.size(logits, "n")], T);
  const { gradients } = backwardChain(g, layers, lossAt, dLogits);

  const trained = t.after("loss", trainLoss, t.adam(gradients));
  const data = { x: t.port(x, xShape), y: t.port(y, yShape) };
  t.save(
    dir,
    { inputs: data, outputs: { loss: t.port(trained, []) } },
    { inputs: data, outputs: { loss: t.port(evalLoss, []) } },
  );
}

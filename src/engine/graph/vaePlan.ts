// The one model shape besides chains that the graph path trains: the variational autoencoder of the VAE lesson
// (docs/vae-design.md), read off the model's own nodes. Its two outputs are [reconstruction, Concatenate of the two
// heads]: an encoder chain from the input to a tensor h; two linear Dense heads on h, the mean and the log variance;
// a layer of class name Sampling on [mean, logVar]; a decoder chain from there to the reconstruction (nested
// models, such as a decoder model applied to z, are read through); and the Concatenate of [mean, logVar], in
// Sampling's order. Every chain layer follows the chain path's rules (graphLayers.ts), the decoder ends in a
// sigmoid on vectors. The notebook's own pieces (Sampling's call, the two loss functions) are proved by running
// them on probes (vaeProbes.ts). Anything else is a reason, in English and in Chinese.
import * as tf from "@tensorflow/tfjs-node";
import {
  aLayer,
  isReason,
  reason,
  stepOf,
  type GraphPathReason,
  type LayerLike,
  type LayerStep,
} from "./graphLayers";
import { probeLosses, probeSampling } from "./vaeProbes";

type DenseStep = Extract<LayerStep, { kind: "dense" }>;

/** The VAE as the graph builds it (vaeGraph.ts). Shapes leave out the batch. */
export interface VaePlan {
  kind: "vae";
  encoder: LayerStep[];
  mean: DenseStep;
  logVar: DenseStep;
  decoder: LayerStep[];
  input: number[];
  output: number[];
  latent: number;
  /** Each part's weights, as indices into the model's trainable weights (the graph's variables, in that order). */
  weights: { encoder: number[]; mean: number[]; logVar: number[]; decoder: number[] };
  /** The shapes of the model's trainable weights, in its order. */
  shapes: number[][];
  /** The constants of the losses: reconstruction = c0 · BCE per image, KL loss = c1 · KL per image. */
  reconstruction: number;
  kl: number;
}

/** True for a VAE plan. */
export const isVaePlan = (plan: object): plan is VaePlan => (plan as { kind?: string }).kind === "vae";

// Two outputs that are not the VAE's: the reason every model with two outputs had before the VAE (07-sparse's).
const NOT_THE_SHAPE = reason("not one input and one output", "模型不是只有一个输入和一个输出");

interface LayerNode extends LayerLike {
  id: number;
  name: string;
}
type Symbolic = tf.SymbolicTensor;
/** A model used as a layer (a decoder model applied to z): its own inputs, outputs and layers. */
type Nested = LayerNode & { inputs: Symbolic[]; outputs: Symbolic[]; layers: unknown[] };
const isNested = (layer: LayerNode): layer is Nested => Array.isArray((layer as Partial<Nested>).layers);

const inputsOf = (tensor: Symbolic): Symbolic[] => {
  const layer = tensor.sourceLayer as unknown as LayerNode;
  return layer.inboundNodes[tensor.nodeIndex]?.inputTensors ?? [];
};

/**
 * The layers from `from` to `to`, in order, each with the shape it takes, if each takes the one before it alone;
 * a model used as a layer stands for its own layers.
 */
function chainBetween(
  from: Symbolic,
  to: Symbolic,
): { layer: LayerNode; input: number[] }[] | GraphPathReason {
  const chain: { layer: LayerNode; input: number[] }[] = [];
  let tensor = to;
  while (tensor.id !== from.id) {
    const layer = tensor.sourceLayer as unknown as LayerNode;
    const inputs = inputsOf(tensor);
    const kind = layer.getClassName();
    if (kind === "InputLayer" || inputs.length !== 1 || !inputs[0]) {
      return reason(
        `${aLayer(kind)} that does not take the layer before it alone`,
        `模型里有一个 ${kind} 层，它的输入不只是前一层的输出`,
      );
    }
    if (isNested(layer)) {
      const [inner, innerOut] = [layer.inputs[0], layer.outputs[0]];
      if (layer.inputs.length !== 1 || layer.outputs.length !== 1 || !inner || !innerOut)
        return NOT_THE_SHAPE;
      const nested = chainBetween(inner, innerOut);
      if (!Array.isArray(nested)) return nested;
      chain.unshift(...nested);
    } else chain.unshift({ layer, input: inputs[0].shape.slice(1) as number[] });
    tensor = inputs[0];
  }
  return chain;
}

/** The chain's steps, or the first reason. */
function stepsOf(chain: { layer: LayerNode; input: number[] }[]): LayerStep[] | GraphPathReason {
  const steps: LayerStep[] = [];
  for (const { layer, input } of chain) {
    const step = stepOf(layer, input);
    if (isReason(step)) return step;
    steps.push(step);
  }
  return steps;
}

/** A head: a linear Dense layer on h. */
function headOf(tensor: Symbolic): { layer: LayerNode; step: DenseStep; h: Symbolic } | undefined {
  const layer = tensor.sourceLayer as unknown as LayerNode;
  const [h, ...rest] = inputsOf(tensor);
  if (!h || rest.length > 0 || layer.getClassName() !== "Dense") return undefined;
  const step = stepOf(layer, h.shape.slice(1) as number[]);
  if (isReason(step) || step.kind !== "dense" || step.activation !== "linear") return undefined;
  return { layer, step, h };
}

/** The model read as the VAE, or why it is not one (its losses not yet proved). */
function vaeShape(
  model: tf.LayersModel,
): { plan: Omit<VaePlan, "reconstruction" | "kl">; sampling: LayerNode } | GraphPathReason {
  const [input] = model.inputs;
  const [reconstruction, kl] = model.outputs;
  if (!input || !reconstruction || !kl || kl.sourceLayer.getClassName() !== "Concatenate")
    return NOT_THE_SHAPE;
  const concatenated = inputsOf(kl);
  const axis = (kl.sourceLayer.getConfig() as { axis?: number }).axis;
  if (concatenated.length !== 2 || (axis !== -1 && axis !== 1)) return NOT_THE_SHAPE;
  const [mean, logVar] = concatenated.map((t) => t && headOf(t));
  if (!mean || !logVar || mean.h.id !== logVar.h.id || mean.layer === logVar.layer) return NOT_THE_SHAPE;
  // The decoder chain, back to the layer of class Sampling on [mean, logVar] in the Concatenate's order.
  let z: Symbolic = reconstruction;
  while (z.sourceLayer.getClassName() !== "Sampling") {
    const [previous] = inputsOf(z);
    if (!previous || z.sourceLayer.getClassName() === "InputLayer") return NOT_THE_SHAPE;
    z = previous;
  }
  const sampled = inputsOf(z).map((t) => t.id);
  if (sampled.join() !== concatenated.map((t) => t.id).join()) {
    return reason(
      "a Concatenate whose inputs are not Sampling's [mean, logVar], in that order",
      "Concatenate 的输入不是 Sampling 层的 [均值, 对数方差]（顺序也要一样）",
    );
  }
  const sampling = z.sourceLayer as unknown as LayerNode;
  if (sampling.weights.length > 0) return reason("a Sampling layer with weights", "Sampling 层有权重");
  const decoderLayers = chainBetween(z, reconstruction);
  if (!Array.isArray(decoderLayers)) return decoderLayers;
  const encoderLayers = chainBetween(input, mean.h);
  if (!Array.isArray(encoderLayers)) return encoderLayers;
  const [encoder, decoder] = [stepsOf(encoderLayers), stepsOf(decoderLayers)];
  if (!Array.isArray(encoder)) return encoder;
  if (!Array.isArray(decoder)) return decoder;
  const last = [...decoder].reverse().find((s) => s.kind !== "reshape");
  if (!last || !("activation" in last) || last.activation !== "sigmoid") {
    return reason("an output layer that is not a sigmoid", "输出层的激活函数不是 sigmoid");
  }
  const output = reconstruction.shape.slice(1) as number[];
  if (output.length !== 1) {
    return reason("a reconstruction that is not a vector per image", "重建输出不是每张图一个向量");
  }
  // The graph's variables are the model's trainable weights, each used by exactly one of these layers.
  const trainable = (model as unknown as { collectedTrainableWeights: { shape: number[] }[] })
    .collectedTrainableWeights;
  const used: number[] = [];
  const indicesOf = (layers: LayerNode[]) =>
    layers.flatMap((layer) =>
      layer.trainableWeights.map((w) => {
        const i = trainable.indexOf(w as unknown as { shape: number[] });
        used.push(i);
        return i;
      }),
    );
  const weights = {
    encoder: indicesOf(encoderLayers.map((l) => l.layer)),
    mean: indicesOf([mean.layer]),
    logVar: indicesOf([logVar.layer]),
    decoder: indicesOf(decoderLayers.map((l) => l.layer)),
  };
  if (used.includes(-1) || new Set(used).size !== used.length || used.length !== trainable.length) {
    return reason(
      "trainable weights outside the VAE's layers, or shared between them",
      "有不属于 VAE 各层、或被几层共用的可训练权重",
    );
  }
  const plan = {
    kind: "vae" as const,
    encoder,
    mean: mean.step,
    logVar: logVar.step,
    decoder,
    input: input.shape.slice(1) as number[],
    output,
    latent: Number(mean.step.weights[0]?.[1] ?? 0),
    weights,
    shapes: trainable.map((w) => [...w.shape]),
  };
  return { plan, sampling };
}

const isFloatTensor = (value: unknown): value is tf.Tensor =>
  value instanceof tf.Tensor && value.dtype === "float32";

/**
 * The VAE plan of a model with two outputs compiled with Adam (graphFit.ts checked the backend and the
 * optimizer), or why the graph path does not train it with these arguments.
 */
export function vaeTrainingPlan(
  model: tf.LayersModel,
  x: unknown,
  y: unknown,
  args: tf.ModelFitArgs,
): VaePlan | GraphPathReason {
  if (model.inputs.length !== 1 || model.outputs.length !== 2) return NOT_THE_SHAPE;
  const read = vaeShape(model);
  if (isReason(read)) return read;
  const { plan, sampling } = read;
  const internals = model as unknown as {
    metricsNames: string[];
    lossFunctions: ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor)[];
  };
  if (internals.metricsNames.length !== 3)
    return reason("metrics besides the loss", "除了损失还有其他指标（metrics）");
  if (!isFloatTensor(x) || !Array.isArray(y) || y.length !== 2 || !y.every(isFloatTensor)) {
    return reason(
      "inputs that are not one float32 tensor, or targets that are not two",
      "输入不是单个 float32 张量，或目标不是两个 float32 张量",
    );
  }
  if (args.sampleWeight || args.classWeight)
    return reason("sample or class weights", "用了样本权重或类别权重");
  if (args.validationData || args.validationSplit) {
    return reason("validation data for a model with two outputs", "两个输出的模型用了验证数据");
  }
  const samplingReason = probeSampling(sampling as unknown as tf.layers.Layer, plan.latent);
  if (samplingReason) return samplingReason;
  const losses = probeLosses(internals.lossFunctions, plan.output[0] ?? 0, plan.latent);
  if (isReason(losses)) return losses;
  return { ...plan, ...losses };
}

// Which models the graph training path can write (graphModel.ts), read off the model's own layers: a chain from
// the one input to the one output of the layer kinds the lessons use (Dense; Conv2D, MaxPooling2D and
// UpSampling2D, channels last), ending in a sigmoid. `layerChain` gives the chain as plain steps, or says why a
// model is not one; graphFit.ts then leaves it to the eager path.
import type * as tf from "@tensorflow/tfjs-node";

export type Activation = "relu" | "sigmoid" | "linear";

/** One layer of a chain, as the graph builds it. Shapes leave out the batch. */
export type LayerStep =
  | { kind: "dense"; activation: Activation; useBias: boolean; weights: number[][] }
  | {
      kind: "conv2d";
      activation: Activation;
      useBias: boolean;
      weights: number[][];
      padding: "SAME" | "VALID";
    }
  | { kind: "maxPooling2d"; pool: [number, number]; strides: [number, number]; padding: "SAME" | "VALID" }
  | { kind: "upSampling2d"; input: number[] };

/** A chain's steps, and the shapes of its input and output (without the batch). */
export interface LayerChain {
  steps: LayerStep[];
  input: number[];
  output: number[];
}

interface LayerLike {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  activation?: { getClassName(): string };
  trainableWeights: { name: string; shape: number[] }[];
  inboundNodes: { inputTensors: tf.SymbolicTensor[] }[];
}

/**
 * The layers from the model's input to its output, in order, each with the shape it takes, if each takes the one
 * before it alone; followed back from the output through the model's own nodes, so that layers shared with
 * another model (05's encoder and decoder) still make a chain.
 */
function chainOf(model: tf.LayersModel): { layer: LayerLike; input: number[] }[] | string {
  const chain: { layer: LayerLike; input: number[] }[] = [];
  let tensor = model.outputs[0];
  while (tensor && tensor !== model.inputs[0]) {
    const layer = tensor.sourceLayer as unknown as LayerLike;
    const inputs = layer.inboundNodes[tensor.nodeIndex]?.inputTensors ?? [];
    if (layer.getClassName() === "InputLayer" || inputs.length !== 1 || !inputs[0]) {
      return `a ${layer.getClassName()} layer that does not take the layer before it alone`;
    }
    chain.unshift({ layer, input: inputs[0].shape.slice(1) as number[] });
    tensor = inputs[0];
  }
  return chain;
}

const pair = (value: unknown): [number, number] =>
  Array.isArray(value) ? [Number(value[0]), Number(value[1])] : [Number(value), Number(value)];
const same = (value: unknown, expected: number) => pair(value).every((v) => v === expected);

/** The step of one layer, or why the graph cannot train it. */
function stepOf(layer: LayerLike, input: number[]): LayerStep | string {
  const kind = layer.getClassName();
  const config = layer.getConfig();
  const channelsLast = config.dataFormat == null || config.dataFormat === "channelsLast";
  if (kind === "MaxPooling2D" || kind === "UpSampling2D") {
    if (!channelsLast || input.length !== 3) return `a ${kind} layer not on [height, width, channels]`;
    if (kind === "UpSampling2D") {
      return config.interpolation === "nearest" && same(config.size, 2)
        ? { kind: "upSampling2d", input }
        : "an UpSampling2D layer other than 2×2 nearest";
    }
    const pool = pair(config.poolSize);
    return {
      kind: "maxPooling2d",
      pool,
      strides: config.strides == null ? pool : pair(config.strides),
      padding: config.padding === "same" ? "SAME" : "VALID",
    };
  }
  if (kind !== "Dense" && kind !== "Conv2D") return `a ${kind} layer`;
  for (const key of [
    "kernelRegularizer",
    "biasRegularizer",
    "activityRegularizer",
    "kernelConstraint",
    "biasConstraint",
  ]) {
    if (config[key] != null) return `a ${kind} layer with ${key}`;
  }
  const activation = layer.activation?.getClassName();
  if (activation !== "relu" && activation !== "sigmoid" && activation !== "linear") {
    return `a ${kind} layer with activation ${activation}`;
  }
  const useBias = config.useBias !== false;
  const weights = layer.trainableWeights.map((w) => [...w.shape]);
  if (kind === "Dense") {
    return input.length === 1 ? { kind: "dense", activation, useBias, weights } : "a Dense layer on rank > 2";
  }
  if (!channelsLast || input.length !== 3) return "a Conv2D layer not on [height, width, channels]";
  if (!same(config.strides, 1) || !same(config.dilationRate, 1))
    return "a Conv2D layer with strides or dilation";
  return {
    kind: "conv2d",
    activation,
    useBias,
    weights,
    padding: config.padding === "same" ? "SAME" : "VALID",
  };
}

/**
 * The model as a chain the graph can train, or why it is not one: one input and one output, each layer fed by
 * the one before, every layer of a kind above without regularizers or constraints, the last one a sigmoid, and
 * the trainable weights in layer order.
 */
export function layerChain(model: tf.LayersModel): LayerChain | string {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return "not one input and one output";
  const layers = chainOf(model);
  if (typeof layers === "string") return layers;
  const steps: LayerStep[] = [];
  const weightNames: string[] = [];
  for (const { layer, input } of layers) {
    const step = stepOf(layer, input);
    if (typeof step === "string") return step;
    steps.push(step);
    weightNames.push(...layer.trainableWeights.map((w) => w.name));
  }
  const last = steps.at(-1);
  if (!last || !("activation" in last) || last.activation !== "sigmoid") {
    return "an output layer that is not a sigmoid";
  }
  const trainable = (model as unknown as { collectedTrainableWeights: { name: string }[] })
    .collectedTrainableWeights;
  if (trainable.map((w) => w.name).join() !== weightNames.join())
    return "trainable weights out of layer order";
  const shape = (t: tf.SymbolicTensor | undefined) => (t?.shape.slice(1) ?? []) as number[];
  return { steps, input: shape(model.inputs[0]), output: shape(model.outputs[0]) };
}

/** The shapes of a chain's weights, in the model's order. */
export function weightShapes(chain: LayerChain): number[][] {
  return chain.steps.flatMap((s) => ("weights" in s ? s.weights : []));
}

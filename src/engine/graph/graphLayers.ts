// Which models the graph training path can write (graphModel.ts), read off the model's own layers: a chain from
// the one input to the one output of the layer kinds the lessons use (Dense; Conv2D, MaxPooling2D and
// UpSampling2D, channels last; Flatten and Reshape), ending in a sigmoid (a reshape of it may follow). `layerChain` gives the chain as plain steps, or says why a
// model is not one, in English and in Chinese (the lessons' languages); graphFit.ts then leaves it to tfjs's fit.
import type * as tf from "@tensorflow/tfjs-node";

/** Why the graph path does not train a model, as a fragment of a sentence in each lesson language. */
export interface GraphPathReason {
  readonly en: string;
  readonly zh: string;
}

/** A reason, in English and in Simplified Chinese. */
export const reason = (en: string, zh: string): GraphPathReason => ({ en, zh });

/** "a Dense layer", "an Activation layer". */
export const aLayer = (kind: string) => `${/^[AEIOU]/.test(kind) ? "an" : "a"} ${kind} layer`;

/** True for a reason, false for a chain. */
export const isReason = (plan: object): plan is GraphPathReason => "en" in plan;

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
  | { kind: "upSampling2d"; input: number[] }
  | { kind: "reshape"; input: number[]; output: number[] };

/** A chain's steps, and the shapes of its input and output (without the batch). */
export interface LayerChain {
  steps: LayerStep[];
  input: number[];
  output: number[];
}

export interface LayerLike {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  activation?: { getClassName(): string };
  trainable: boolean;
  weights: unknown[];
  trainableWeights: { name: string; shape: number[] }[];
  inboundNodes: { inputTensors: tf.SymbolicTensor[] }[];
}

/**
 * The layers from the model's input to its output, in order, each with the shape it takes, if each takes the one
 * before it alone; followed back from the output through the model's own nodes, so that layers shared with
 * another model (05's encoder and decoder) still make a chain.
 */
function chainOf(model: tf.LayersModel): { layer: LayerLike; input: number[] }[] | GraphPathReason {
  const chain: { layer: LayerLike; input: number[] }[] = [];
  let tensor = model.outputs[0];
  while (tensor && tensor !== model.inputs[0]) {
    const layer = tensor.sourceLayer as unknown as LayerLike;
    const inputs = layer.inboundNodes[tensor.nodeIndex]?.inputTensors ?? [];
    if (layer.getClassName() === "InputLayer" || inputs.length !== 1 || !inputs[0]) {
      const kind = layer.getClassName();
      return reason(
        `${aLayer(kind)} that does not take the layer before it alone`,
        `模型里有一个 ${kind} 层，它的输入不只是前一层的输出`,
      );
    }
    chain.unshift({ layer, input: inputs[0].shape.slice(1) as number[] });
    tensor = inputs[0];
  }
  return chain;
}

const pair = (value: unknown): [number, number] =>
  Array.isArray(value) ? [Number(value[0]), Number(value[1])] : [Number(value), Number(value)];
const same = (value: unknown, expected: number) => pair(value).every((v) => v === expected);

/** A Flatten or a Reshape: the same values in another shape, the batch kept. */
function reshapeStep(
  kind: string,
  config: Record<string, unknown>,
  input: number[],
  channelsLast: boolean,
): LayerStep | GraphPathReason {
  const size = input.reduce((a, b) => a * b, 1);
  // A channels-first Flatten reorders the values first; tfjs's Reshape takes at most one -1.
  if (kind === "Flatten") {
    return channelsLast
      ? { kind: "reshape", input, output: [size] }
      : reason("a channels-first Flatten layer", "模型里有通道在前（channelsFirst）的 Flatten 层");
  }
  const target = (config.targetShape as number[] | undefined) ?? [];
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const output = target.map((d) => (d === -1 ? size / known : d));
  return { kind: "reshape", input, output };
}

/** The step of one layer, or why the graph cannot train it. */
export function stepOf(layer: LayerLike, input: number[]): LayerStep | GraphPathReason {
  const kind = layer.getClassName();
  const config = layer.getConfig();
  const channelsLast = config.dataFormat == null || config.dataFormat === "channelsLast";
  const notOnImages = reason(
    `${aLayer(kind)} not on [height, width, channels]`,
    `模型里有一个 ${kind} 层，它的输入不是 [高, 宽, 通道]`,
  );
  if (kind === "Flatten" || kind === "Reshape") return reshapeStep(kind, config, input, channelsLast);
  if (kind === "MaxPooling2D" || kind === "UpSampling2D") {
    if (!channelsLast || input.length !== 3) return notOnImages;
    if (kind === "UpSampling2D") {
      return config.interpolation === "nearest" && same(config.size, 2)
        ? { kind: "upSampling2d", input }
        : reason(
            "an UpSampling2D layer other than 2×2 nearest",
            "模型里有一个不是 2×2、最近邻插值的 UpSampling2D 层",
          );
    }
    const pool = pair(config.poolSize);
    return {
      kind: "maxPooling2d",
      pool,
      strides: config.strides == null ? pool : pair(config.strides),
      padding: config.padding === "same" ? "SAME" : "VALID",
    };
  }
  if (kind !== "Dense" && kind !== "Conv2D") return reason(aLayer(kind), `模型里有 ${kind} 层`);
  // A frozen layer's weights are not in the model's trainable weights, and not trained: the graph would train them.
  if (!layer.trainable || layer.trainableWeights.length !== layer.weights.length) {
    return reason("a frozen layer (trainable = false)", "模型里有冻结的层（trainable = false）");
  }
  // tfjs adds regularizers to the loss and applies constraints when weights are set: the graph does neither.
  for (const key of [
    "kernelRegularizer",
    "biasRegularizer",
    "activityRegularizer",
    "kernelConstraint",
    "biasConstraint",
  ]) {
    if (config[key] != null) return reason(`${aLayer(kind)} with ${key}`, `模型里有带 ${key} 的 ${kind} 层`);
  }
  const activation = layer.activation?.getClassName();
  if (activation !== "relu" && activation !== "sigmoid" && activation !== "linear") {
    return reason(
      `${aLayer(kind)} with activation ${activation}`,
      `模型里有激活函数为 ${activation} 的 ${kind} 层`,
    );
  }
  const useBias = config.useBias !== false;
  const weights = layer.trainableWeights.map((w) => [...w.shape]);
  if (kind === "Dense") {
    return input.length === 1
      ? { kind: "dense", activation, useBias, weights }
      : reason("a Dense layer on rank > 2", "模型里有一个 Dense 层，它的输入不是一维的（不算批这一维）");
  }
  if (!channelsLast || input.length !== 3) return notOnImages;
  if (!same(config.strides, 1) || !same(config.dilationRate, 1))
    return reason(
      "a Conv2D layer with strides or dilation",
      "模型里有步长（strides）或空洞率（dilationRate）不是 1 的 Conv2D 层",
    );
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
export function layerChain(model: tf.LayersModel): LayerChain | GraphPathReason {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    return reason("not one input and one output", "模型不是只有一个输入和一个输出");
  }
  const layers = chainOf(model);
  if (!Array.isArray(layers)) return layers;
  const steps: LayerStep[] = [];
  const weightNames: string[] = [];
  for (const { layer, input } of layers) {
    const step = stepOf(layer, input);
    if (isReason(step)) return step;
    steps.push(step);
    weightNames.push(...layer.trainableWeights.map((w) => w.name));
  }
  // The output layer is the last with an activation; only reshapes of it may follow.
  const last = [...steps].reverse().find((s) => s.kind !== "reshape");
  if (!last || !("activation" in last) || last.activation !== "sigmoid") {
    return reason("an output layer that is not a sigmoid", "输出层的激活函数不是 sigmoid");
  }
  const trainable = (model as unknown as { collectedTrainableWeights: { name: string }[] })
    .collectedTrainableWeights;
  if (trainable.map((w) => w.name).join() !== weightNames.join())
    return reason("trainable weights out of layer order", "可训练的权重不是按层的顺序排列的");
  const shape = (t: tf.SymbolicTensor | undefined) => (t?.shape.slice(1) ?? []) as number[];
  return { steps, input: shape(model.inputs[0]), output: shape(model.outputs[0]) };
}

/** The shapes of a chain's weights, in the model's order. */
export function weightShapes(chain: LayerChain): number[][] {
  return chain.steps.flatMap((s) => ("weights" in s ? s.weights : []));
}

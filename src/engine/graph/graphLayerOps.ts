// Each layer kind's forward and backward pass as TensorFlow graph nodes (graphDef.ts), with TensorFlow's own
// gradient kernels, mostly the ones its Python gradients use (MatMul's transposes, Conv2DBackpropInput and
// Conv2DBackpropFilter, MaxPoolGrad, BiasAddGrad, ReluGrad and SigmoidGrad), and two faster ways where those are
// slow on the CPU: Conv2D to one channel, and UpSampling2D's gradient.
// graphModel.ts strings them into the training step.
import { DT, type Attr, type GraphBuilder } from "./graphDef";
import type { Activation, LayerStep } from "./graphLayers";

const F = { type: DT.float };
const T = { T: F };
const NHWC: Record<string, Attr> = { data_format: { string: "NHWC" } };
const ONES = { ints: [1, 1, 1, 1] };

/** One layer in the graph: what it took, its pre-activation (layers with weights) and what it gave. */
export interface BuiltLayer {
  step: LayerStep;
  input: string;
  z?: string;
  output: string;
  weights: string[];
}

const convAttrs = (padding: string): Record<string, Attr> => ({
  T: F,
  strides: ONES,
  padding: { string: padding },
  dilations: ONES,
  ...NHWC,
});

// Where TensorFlow's usual kernel is slow on the CPU, the graph path writes the same sums another way. Each pair
// (usual, ours) is timed alone in a graph on the conv lessons' shapes by graphKernels.ts (`npm run bench --
// --kernels`, bench/RESULTS.md).

/** A Conv2D: TensorFlow's usual kernel. */
export function conv2d(g: GraphBuilder, input: string, kernel: string, padding: string): string {
  return g.node("Conv2D", "conv2d", [input, kernel], convAttrs(padding));
}

/**
 * A Conv2D to one channel as a depthwise convolution (the kernel [kh, kw, channels, 1] is its filter) and a sum
 * over the channels: oneDNN runs Conv2D to one channel far below its speed on wider outputs. 03's and 04's output
 * layer is one.
 */
export function oneChannelConv(g: GraphBuilder, input: string, kernel: string, padding: string): string {
  return g.node(
    "Sum",
    "sum_channels",
    [
      g.node("DepthwiseConv2dNative", "depthwise", [input, kernel], convAttrs(padding)),
      g.intConstant("channels", [3]),
    ],
    { T: F, Tidx: { type: DT.int32 }, keep_dims: { bool: true } },
  );
}

/** A Conv2D's kernel gradient: TensorFlow's usual kernel. */
export function convKernelGradient(
  g: GraphBuilder,
  input: string,
  shape: number[],
  dz: string,
  padding: string,
): string {
  const sizes = g.intConstant("kernel_shape", shape);
  return g.node("Conv2DBackpropFilter", "d_kernel", [input, sizes, dz], convAttrs(padding));
}

/** The kernel gradient of oneChannelConv: the depthwise convolution's, with dz the same for every channel. */
export function oneChannelKernelGradient(
  g: GraphBuilder,
  input: string,
  shape: number[],
  dz: string,
  padding: string,
): string {
  const everyChannel = g.node("BroadcastTo", "d_depthwise", [dz, shapeOf(g, input)], {
    T: F,
    Tidx: { type: DT.int32 },
  });
  const sizes = g.intConstant("kernel_shape", shape);
  return g.node(
    "DepthwiseConv2dNativeBackpropFilter",
    "d_kernel",
    [input, sizes, everyChannel],
    convAttrs(padding),
  );
}

/** UpSampling2D's (2×2 nearest) gradient, TensorFlow's usual kernel: it runs on one core. */
export function resizeGradient(g: GraphBuilder, dz: string, size: number[]): string {
  return g.node("ResizeNearestNeighborGrad", "d_up_sampling", [dz, g.intConstant("down_size", size)], {
    T: F,
    align_corners: { bool: false },
    half_pixel_centers: { bool: false },
  });
}

/**
 * UpSampling2D's gradient: each input pixel was copied to a 2×2 block, so its gradient is the block's sum, 2×2
 * average pooling times 4 (exact in float32), which oneDNN runs on every core.
 */
export function upSamplingGradient(g: GraphBuilder, dz: string): string {
  const mean = g.node("AvgPool", "block_mean", [dz], {
    T: F,
    ksize: { ints: [1, 2, 2, 1] },
    strides: { ints: [1, 2, 2, 1] },
    padding: { string: "VALID" },
    ...NHWC,
  });
  return g.node("Mul", "d_up_sampling", [mean, g.constant("block_size", 4)], T);
}

const toOneChannel = (step: LayerStep) =>
  step.kind === "conv2d" && step.weights[0]?.[3] === 1 && (step.weights[0]?.[2] ?? 1) > 1;

function activate(g: GraphBuilder, activation: Activation, z: string): string {
  if (activation === "linear") return z;
  return g.node(activation === "relu" ? "Relu" : "Sigmoid", activation, [z], T);
}

/** Adds `step`'s forward pass on `input`, with its weights' values `weights` (kernel, then bias). */
export function forward(g: GraphBuilder, step: LayerStep, input: string, weights: string[]): BuiltLayer {
  const [kernel = "", bias] = weights;
  switch (step.kind) {
    case "dense":
    case "conv2d": {
      let z =
        step.kind === "dense"
          ? g.node("MatMul", "matmul", [input, kernel], T)
          : (toOneChannel(step) ? oneChannelConv : conv2d)(g, input, kernel, step.padding);
      if (step.useBias && bias) z = g.node("BiasAdd", "bias_add", [z, bias], { T: F, ...NHWC });
      return { step, input, z, output: activate(g, step.activation, z), weights };
    }
    case "maxPooling2d": {
      const output = g.node("MaxPool", "max_pool", [input], poolAttrs(step));
      return { step, input, output, weights };
    }
    case "upSampling2d": {
      const [height = 0, width = 0] = step.input;
      const size = g.intConstant("up_size", [height * 2, width * 2]);
      const output = g.node("ResizeNearestNeighbor", "up_sampling", [input, size], {
        T: F,
        align_corners: { bool: false },
        half_pixel_centers: { bool: false },
      });
      return { step, input, output, weights };
    }
    case "reshape": {
      const shape = g.intConstant("reshape_to", [-1, ...step.output]);
      const output = g.node("Reshape", "reshape", [input, shape], { T: F, Tshape: { type: DT.int32 } });
      return { step, input, output, weights };
    }
  }
}

function poolAttrs(step: Extract<LayerStep, { kind: "maxPooling2d" }>): Record<string, Attr> {
  return {
    T: F,
    ksize: { ints: [1, ...step.pool, 1] },
    strides: { ints: [1, ...step.strides, 1] },
    padding: { string: step.padding },
    ...NHWC,
  };
}

/** The gradient at a layer's pre-activation from the gradient at its output. */
export function activationGradient(g: GraphBuilder, layer: BuiltLayer, dOutput: string): string {
  const activation = "activation" in layer.step ? layer.step.activation : "linear";
  if (activation === "relu") return g.node("ReluGrad", "d_relu", [dOutput, layer.output], T);
  if (activation === "sigmoid") return g.node("SigmoidGrad", "d_sigmoid", [layer.output, dOutput], T);
  return dOutput;
}

/**
 * Adds `layer`'s backward pass: from `dz`, the gradient at its pre-activation (or at its output, for layers
 * without weights), its weights' gradients, and with `needInput` the gradient at its input.
 */
export function backward(
  g: GraphBuilder,
  layer: BuiltLayer,
  dz: string,
  needInput: boolean,
): { gradients: string[]; dInput?: string } {
  const { step, input } = layer;
  const [kernel = "", bias] = layer.weights;
  switch (step.kind) {
    case "dense":
    case "conv2d": {
      const dense = step.kind === "dense";
      const attrs = dense ? {} : convAttrs(step.padding);
      const kernelGradient = toOneChannel(step) ? oneChannelKernelGradient : convKernelGradient;
      const gradients = [
        dense
          ? g.node("MatMul", "d_kernel", [input, dz], { T: F, transpose_a: { bool: true } })
          : kernelGradient(g, input, step.weights[0] ?? [], dz, step.padding),
      ];
      if (bias) gradients.push(g.node("BiasAddGrad", "d_bias", [dz], { T: F, ...NHWC }));
      if (!needInput) return { gradients };
      const dInput = dense
        ? g.node("MatMul", "d_input", [dz, kernel], { T: F, transpose_b: { bool: true } })
        : g.node("Conv2DBackpropInput", "d_input", [shapeOf(g, input), kernel, dz], attrs);
      return { gradients, dInput };
    }
    case "maxPooling2d":
      return {
        gradients: [],
        dInput: g.node("MaxPoolGrad", "d_max_pool", [input, layer.output, dz], poolAttrs(step)),
      };
    case "upSampling2d":
      return { gradients: [], dInput: upSamplingGradient(g, dz) };
    case "reshape":
      return {
        gradients: [],
        dInput: g.node("Reshape", "d_reshape", [dz, shapeOf(g, input)], { T: F, Tshape: { type: DT.int32 } }),
      };
  }
}

function shapeOf(g: GraphBuilder, tensor: string): string {
  return g.node("Shape", "shape", [tensor], { T: F, out_type: { type: DT.int32 } });
}

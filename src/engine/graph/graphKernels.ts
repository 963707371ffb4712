// The numbers behind graphLayerOps.ts's own forms: each slow spot of the conv lessons' training step, TensorFlow's
// usual kernel beside the graph path's form, timed alone in a TensorFlow session on the lessons' shapes, with the
// largest difference between their results. `npm run bench -- --kernels` prints the table.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-node";
import { DT, GraphBuilder, type Port } from "./graphDef";
import {
  conv2d,
  convKernelGradient,
  oneChannelConv,
  oneChannelKernelGradient,
  resizeGradient,
  upSamplingGradient,
} from "./graphLayerOps";

/** One spot: what it is, on which shapes, and the milliseconds a call of each form takes. */
export interface KernelTiming {
  spot: string;
  shapes: string;
  usual: string;
  usualMs: number;
  ours: string;
  oursMs: number;
  /** The largest difference between the two forms' results, relative to the largest result. */
  difference: number;
}

type Build = (g: GraphBuilder, a: string, b: string) => string;
interface Spot {
  spot: string;
  a: number[];
  b: number[];
  usual: [string, Build];
  ours: [string, Build];
}

function spots(n: number): Spot[] {
  const up = (h: number): Spot => ({
    spot: "UpSampling2D's gradient",
    a: [n, 2 * h, 2 * h, 32],
    b: [1],
    usual: ["ResizeNearestNeighborGrad", (g, dz) => resizeGradient(g, dz, [h, h])],
    ours: ["AvgPool × 4", (g, dz) => upSamplingGradient(g, dz)],
  });
  return [
    {
      spot: "Conv2D to one channel",
      a: [n, 28, 28, 32],
      b: [3, 3, 32, 1],
      usual: ["Conv2D", (g, x, w) => conv2d(g, x, w, "SAME")],
      ours: ["depthwise + channel sum", (g, x, w) => oneChannelConv(g, x, w, "SAME")],
    },
    {
      spot: "its kernel's gradient",
      a: [n, 28, 28, 32],
      b: [n, 28, 28, 1],
      usual: ["Conv2DBackpropFilter", (g, x, dz) => convKernelGradient(g, x, [3, 3, 32, 1], dz, "SAME")],
      ours: ["depthwise's", (g, x, dz) => oneChannelKernelGradient(g, x, [3, 3, 32, 1], dz, "SAME")],
    },
    up(14),
    up(7),
  ];
}

/** Runs `build` on inputs of shapes a and b in a session of its own: ms per call (median), and its result. */
async function timeForm(build: Build, a: tf.Tensor, b: tf.Tensor, repeats: number) {
  const g = new GraphBuilder();
  const F = { type: DT.float };
  const port = (node: string, shape: number[]): Port => ({ node, dtype: DT.float, shape });
  const inputs = {
    a: port(g.node("Placeholder", "a", [], { dtype: F, shape: { shape: a.shape } }), a.shape),
    b: port(g.node("Placeholder", "b", [], { dtype: F, shape: { shape: b.shape } }), b.shape),
  };
  const out = build(g, inputs.a.node, inputs.b.node);
  // The timed signature returns one number, so that copying the result out is not timed.
  const flat = g.node("Reshape", "flat", [out, g.intConstant("all", [-1])], {
    T: F,
    Tshape: { type: DT.int32 },
  });
  const sum = g.node("Sum", "sum", [flat, g.intConstant("axis", [0])], { T: F, Tidx: { type: DT.int32 } });
  const dir = mkdtempSync(join(tmpdir(), "ae-kernels-"));
  try {
    g.save(
      dir,
      {
        timed: { inputs, outputs: { sum: port(sum, []) } },
        value: { inputs, outputs: { value: port(out, []) } },
      },
      g.node("NoOp", "init"),
    );
    const timed = await tf.node.loadSavedModel(dir, ["serve"], "timed");
    const value = await tf.node.loadSavedModel(dir, ["serve"], "value");
    const feed = { a, b };
    const ms: number[] = [];
    for (let i = 0; i < repeats + 2; i++) {
      const started = performance.now();
      tf.dispose(Object.values(timed.predict(feed) as unknown as tf.NamedTensorMap));
      if (i >= 2) ms.push(performance.now() - started); // two calls to warm up
    }
    const { value: result } = value.predict(feed) as unknown as { value: tf.Tensor };
    timed.dispose();
    value.dispose();
    return { ms: ms.sort((x, y) => x - y)[Math.floor(ms.length / 2)] ?? NaN, result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Times each spot, usual form then ours, on a batch of `batch` random inputs, `repeats` calls each. */
export async function kernelTimings({ batch = 256, repeats = 10 } = {}): Promise<KernelTiming[]> {
  const timings: KernelTiming[] = [];
  for (const spot of spots(batch)) {
    const [a, b] = [
      tf.randomUniform(spot.a, 0, 1, "float32", 1),
      tf.randomUniform(spot.b, 0, 1, "float32", 2),
    ];
    try {
      const usual = await timeForm(spot.usual[1], a, b, repeats);
      const ours = await timeForm(spot.ours[1], a, b, repeats);
      const difference = tf.tidy(
        () =>
          (tf.sub(usual.result, ours.result).abs().max().dataSync()[0] ?? NaN) /
          (usual.result.abs().max().dataSync()[0] ?? NaN),
      );
      tf.dispose([usual.result, ours.result]);
      timings.push({
        spot: spot.spot,
        shapes: spot.a.slice(1).join("×"),
        usual: spot.usual[0],
        usualMs: usual.ms,
        ours: spot.ours[0],
        oursMs: ours.ms,
        difference,
      });
    } finally {
      tf.dispose([a, b]);
    }
  }
  return timings;
}

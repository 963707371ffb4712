// @ts-check
// PROTOTYPE (a VAE lesson, docs/vae-design.md): pictures of the maps vaeQuality.js saved, to look at what its
// numbers mean: the test codes coloured by digit with the ±2 σ box, the decoded 30×30 grid over that box, and 100
// digits decoded from codes drawn from the prior (the plain autoencoder: from its codes' own normal distribution).
//   node scripts/bench/vaePrototype/vaeInspect.js --models ae,vae-06-e20 [--out /tmp/vae-inspect]
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "../../project.js";
import { samplingLayer } from "./vaeModels.js";
import { PRIOR, drawCodes, gridCodes, ownFrame } from "./spaceMetrics.js";
import { SAVED } from "./workers.js";

const require = createRequire(join(ROOT, "package.json"));
/** @type {typeof import("ae-shared")} */
const shared = require("ae-shared");
/** @type {typeof import("@tensorflow/tfjs-node")} */
const tf = require("@tensorflow/tfjs-node");
samplingLayer(tf); // registered, so that the saved encoders load

const { values } = parseArgs({
  options: {
    models: { type: "string", default: "ae,vae-06-e20" },
    out: { type: "string", default: "/tmp/vae-inspect" },
  },
});
const out = values.out ?? "/tmp/vae-inspect";
mkdirSync(out, { recursive: true });
const { xTest, yTest } = shared.loadMnist({ layout: "flat", trainSize: 1 });
const COLOURS = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

/**
 * @param {string} file
 * @param {Uint8Array} pixels
 * @param {number} height
 * @param {number} width
 * @param {number} channels
 */
async function png(file, pixels, height, width, channels) {
  const image = tf.tensor3d(pixels, [height, width, channels], "int32");
  writeFileSync(join(out, file), await tf.node.encodePng(/** @type {any} */ (image)));
  image.dispose();
}

/**
 * Images [n, 784] in [0, 1] as one picture of `columns` per row.
 * @param {number[][]} images
 * @param {number} columns
 */
function tile(images, columns) {
  const rows = Math.ceil(images.length / columns);
  const pixels = new Uint8Array(rows * 28 * columns * 28);
  images.forEach((image, n) => {
    const [r, c] = [Math.floor(n / columns), n % columns];
    image.forEach((v, p) => {
      pixels[(r * 28 + Math.floor(p / 28)) * columns * 28 + c * 28 + (p % 28)] = Math.round(v * 255);
    });
  });
  return { pixels, height: rows * 28, width: columns * 28 };
}

for (const name of (values.models ?? "").split(",")) {
  const load = async (/** @type {string} */ part) =>
    tf.loadLayersModel(`file://${join(SAVED, `${name}-${part}`, "model.json")}`);
  const [encoder, decoder] = [await load("encoder"), await load("decoder")];
  const predicted = encoder.predict(xTest, { batchSize: 1000 });
  const codesTensor = /** @type {import("@tensorflow/tfjs-node").Tensor2D} */ (
    Array.isArray(predicted) ? predicted[0] : predicted
  );
  const codes = /** @type {number[][]} */ (codesTensor.arraySync());
  const frame = name === "ae" ? ownFrame(codes) : PRIOR;
  // Scatter: ±3 σ of the frame on 480×480, the ±2 σ box in grey.
  const size = 480;
  const scatter = new Uint8Array(size * size * 3).fill(255);
  const at = (/** @type {number[]} */ c) => [
    Math.round((((c[0] ?? 0) - frame.mean[0]) / frame.std[0] / 6 + 0.5) * (size - 1)),
    Math.round((0.5 - ((c[1] ?? 0) - frame.mean[1]) / frame.std[1] / 6) * (size - 1)),
  ];
  for (let i = 0; i < size; i++) {
    for (const [x, y] of [
      [i, size / 6],
      [i, (5 * size) / 6],
      [size / 6, i],
      [(5 * size) / 6, i],
    ]) {
      const p = (Math.round(y ?? 0) * size + Math.round(x ?? 0)) * 3;
      if (Math.abs((i / size) * 6 - 3) <= 2) scatter.set([170, 170, 170], p);
    }
  }
  codes.forEach((c, n) => {
    const [x = 0, y = 0] = at(c);
    if (x >= 0 && x < size && y >= 0 && y < size)
      scatter.set(COLOURS[yTest[n] ?? 0] ?? [0, 0, 0], (y * size + x) * 3);
  });
  await png(`${name}-scatter.png`, scatter, size, size, 3);
  const decode = (/** @type {number[][]} */ z) =>
    tf.tidy(
      () =>
        /** @type {number[][]} */ (
          /** @type {import("@tensorflow/tfjs-node").Tensor2D} */ (
            decoder.predict(tf.tensor2d(z))
          ).arraySync()
        ),
    );
  const grid = tile(decode(gridCodes(frame, 30)), 30);
  await png(`${name}-grid30.png`, grid.pixels, grid.height, grid.width, 1);
  const drawn = tile(decode(drawCodes(frame, 100)), 10);
  await png(`${name}-drawn.png`, drawn.pixels, drawn.height, drawn.width, 1);
  process.stdout.write(`${name}: frame ${JSON.stringify(frame)}; pictures in ${out}\n`);
  tf.dispose([codesTensor]);
}

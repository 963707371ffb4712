// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// digitGrid.ts: labelled rows of digits rendered as one grayscale PNG (digitGridPng), their rows and options
// checked first.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { DEFAULT_DIGIT_SCALE, DIGIT_GAP, digitGridPng, loadMnist, type DigitRow } from "ae-shared";
import { digits, leakFree, side } from "./support/digits.js";
import { pngSize } from "./support/png.js";

/** A decoded grayscale PNG, read pixel by pixel. */
function decode(png: Uint8Array): { width: number; height: number; at: (x: number, y: number) => number } {
  const image = tf.node.decodePng(png, 1);
  const [height = 0, width = 0] = image.shape;
  const data = image.dataSync();
  image.dispose();
  return { width, height, at: (x, y) => data[y * width + x] ?? -1 };
}

/** The distinct pixel values of a PNG with their counts. */
function histogram(png: Uint8Array): Map<number, number> {
  const { width, height, at } = decode(png);
  const counts = new Map<number, number>();
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) counts.set(at(x, y), (counts.get(at(x, y)) ?? 0) + 1);
  return counts;
}

describe("digitGridPng: size", () => {
  const cases: {
    name: string;
    rows: number[];
    shape: (n: number) => number[];
    options: object;
    columns: number;
  }[] = [
    { name: "1 row of 1, scale 1", rows: [1], shape: (n) => [n, 784], options: { scale: 1 }, columns: 1 },
    { name: "2 rows of 5, defaults", rows: [5, 5], shape: (n) => [n, 784], options: {}, columns: 5 },
    {
      name: "3 rows of 12 as [n, 28, 28, 1]: at most 10 columns by default",
      rows: [12, 12, 12],
      shape: (n) => [n, 28, 28, 1],
      options: {},
      columns: 10,
    },
    {
      name: "rows of 7 and 4 as [n, 28, 28], scale 2: the smallest row sets the columns",
      rows: [7, 4],
      shape: (n) => [n, 28, 28],
      options: { scale: 2 },
      columns: 4,
    },
    {
      name: "4 rows, columns 3 of 6, scale 5",
      rows: [6, 6, 6, 6],
      shape: (n) => [n, 784],
      options: { columns: 3, scale: 5 },
      columns: 3,
    },
  ];
  for (const { name, rows, shape, options, columns } of cases) {
    test(name, async () => {
      await leakFree(async (keep) => {
        const input: DigitRow[] = rows.map((n, i) => ({
          label: `row ${i}`,
          images: keep(keep(digits(n)).reshape(shape(n))),
        }));
        const png = await digitGridPng(input, options);
        const scale = (options as { scale?: number }).scale ?? DEFAULT_DIGIT_SCALE;
        assert.deepEqual(pngSize(Buffer.from(png)), {
          width: side(columns, scale),
          height: side(rows.length, scale),
        });
      });
    });
  }

  test("the default scale makes a digit 84 px", () => {
    assert.equal(DEFAULT_DIGIT_SCALE * 28, 84);
  });
});

describe("digitGridPng: pixels", () => {
  test("each source pixel becomes a sharp scale x scale block (nearest neighbour, no blur)", async () => {
    await leakFree(async (keep) => {
      const one = keep(digits(1, (_, y, x) => (y === 5 && x === 7 ? 1 : y === 20 && x === 3 ? 0.5 : 0)));
      const png = await digitGridPng([{ label: "", images: one }], { scale: 3 });
      const { at } = decode(png);
      for (let dy = 0; dy < 3; dy++) {
        for (let dx = 0; dx < 3; dx++) {
          assert.equal(at(21 + dx, 15 + dy), 255, "white pixel (5, 7) fills rows 15-17, columns 21-23");
          assert.equal(at(9 + dx, 60 + dy), 128, "gray 0.5 pixel (20, 3) is 128 in rows 60-62, columns 9-11");
        }
      }
      for (const [x, y] of [
        [20, 15],
        [24, 17],
        [21, 14],
        [23, 18],
      ] as const) {
        assert.equal(at(x, y), 0, `(${x}, ${y}) next to the block stays black`);
      }
      // Blurring would add in-between values; nearest neighbour keeps exactly the three.
      assert.deepEqual(
        [...histogram(png)].sort(([a], [b]) => a - b),
        [
          [0, 84 * 84 - 18],
          [128, 9],
          [255, 9],
        ],
      );
    });
  });

  test("white gaps between digits and rows, none around the grid", async () => {
    await leakFree(async (keep) => {
      const black = keep(digits(3));
      const png = await digitGridPng(
        [
          { label: "a", images: black },
          { label: "b", images: black },
        ],
        { scale: 2 },
      );
      const { width, height, at } = decode(png);
      assert.deepEqual([width, height], [3 * 56 + 2 * DIGIT_GAP, 2 * 56 + DIGIT_GAP]);
      const inGap = (p: number) => p >= 56 && (p - 56) % (56 + DIGIT_GAP) < DIGIT_GAP;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          assert.equal(at(x, y), inGap(x) || inGap(y) ? 255 : 0, `pixel (${x}, ${y})`);
        }
      }
    });
  });

  test("rows top to bottom, the first `columns` images left to right", async () => {
    await leakFree(async (keep) => {
      // Image k of row r is a flat gray (r * 5 + k + 1) / 20; each row has 5 images, 3 are shown.
      const rows = [0, 1].map((r) => ({
        label: `r${r}`,
        images: keep(digits(5, (k) => (r * 5 + k + 1) / 20)),
      }));
      const { width, at } = decode(await digitGridPng(rows, { columns: 3, scale: 1 }));
      assert.equal(width, side(3, 1));
      for (let r = 0; r < 2; r++) {
        for (let k = 0; k < 3; k++) {
          const expected = Math.round(((r * 5 + k + 1) / 20) * 255);
          assert.equal(
            at(k * (28 + DIGIT_GAP) + 14, r * (28 + DIGIT_GAP) + 14),
            expected,
            `row ${r} image ${k}`,
          );
        }
      }
    });
  });

  test("values outside [0, 1] are clipped to black and white", async () => {
    await leakFree(async (keep) => {
      const images = keep(digits(3, (k) => [-0.5, 2, 0.25][k] ?? 0));
      const { at } = decode(await digitGridPng([{ label: "noisy", images }], { scale: 1 }));
      assert.deepEqual(
        [0, 1, 2].map((k) => at(k * (28 + DIGIT_GAP) + 3, 3)),
        [0, 255, 64],
      );
    });
  });

  test("real MNIST digits give the same PNG from [n, 784], [n, 28, 28, 1] and [n, 28, 28]", async () => {
    await leakFree(async (keep) => {
      const flat = loadMnist({ trainSize: 1, testSize: 4, verifyChecksums: false });
      const image = loadMnist({ layout: "image", trainSize: 1, testSize: 4, verifyChecksums: false });
      [flat.xTrain, flat.xTest, image.xTrain, image.xTest].forEach(keep);
      const squeezed = keep(image.xTest.reshape([4, 28, 28]));
      const [a, b, c] = await Promise.all(
        [flat.xTest, image.xTest, squeezed].map((images) => digitGridPng([{ label: "原图", images }])),
      );
      assert.deepEqual(Buffer.from(b!), Buffer.from(a!));
      assert.deepEqual(Buffer.from(c!), Buffer.from(a!));
      // Test image 0 is a 7: its top bar is white ink on black.
      const { at } = decode(a!);
      assert.equal(at(0, 0), 0, "background is black");
      assert.ok(histogram(a!).get(255)! > 0, "some ink is pure white");
    });
  });
});

describe("bad input is refused with what was expected and found, leaking nothing", () => {
  const ok = () => digits(2);
  const cases: {
    name: string;
    rows: () => unknown;
    options?: unknown;
    message: RegExp;
  }[] = [
    {
      name: "no rows",
      rows: () => [],
      message:
        /digitGridPng: expected an array of rows like \{ label: "originals", images \}, found an empty array/,
    },
    {
      name: "a tensor instead of rows",
      rows: () => ok(),
      message: /expected an array of rows like .*, found object/,
    },
    {
      name: "label not a string",
      rows: () => [
        { label: "a", images: ok() },
        { label: 3, images: ok() },
      ],
      message: /row 1: label must be a string, found 3/,
    },
    {
      name: "images not a tensor",
      rows: () => [{ label: "a", images: [[0, 1]] }],
      message: /row 0 \("a"\): images must be a tf\.Tensor, found an array/,
    },
    {
      name: "wrong shape",
      rows: () => [{ label: "原图", images: tf.zeros([2, 32, 32]) }],
      message:
        /row 0 \("原图"\): expected images of shape \[n, 784\], \[n, 28, 28, 1\] or \[n, 28, 28\], found \[2, 32, 32\]$/,
    },
    {
      name: "three channels",
      rows: () => [{ label: "x", images: tf.zeros([2, 28, 28, 3]) }],
      message: /found \[2, 28, 28, 3\]$/,
    },
    {
      name: "a single image",
      rows: () => [{ label: "x", images: tf.zeros([784]) }],
      message: /found \[784\] \(one image\? add a first axis: images\.expandDims\(0\)\)/,
    },
    {
      name: "an empty row",
      rows: () => [{ label: "x", images: tf.zeros([0, 784]) }],
      message: /row 0 \("x"\): expected at least one image, found shape \[0, 784\]/,
    },
    {
      name: "a row with fewer images than columns",
      rows: () => [
        { label: "原图", images: digits(8) },
        { label: "重建", images: digits(3) },
      ],
      options: { columns: 5 },
      message: /row 1 \("重建"\): expected at least columns = 5 images, found 3/,
    },
    {
      name: "NaN and Infinity among the shown images",
      rows: () => [
        { label: "a", images: digits(3, (k, y) => (k === 1 && y === 4 ? NaN : k === 2 ? Infinity : 0)) },
      ],
      options: { columns: 3 },
      message:
        /row 0 \("a"\): expected finite values, found 812 NaN or Infinity among the 3 images shown \(first: NaN in image 1\)/,
    },
    {
      name: "string dtype",
      rows: () => [{ label: "a", images: tf.tensor(new Array<string>(784).fill("x"), [1, 784]) }],
      message: /row 0 \("a"\): expected numeric images, found dtype string/,
    },
    {
      name: "columns 0",
      rows: () => [{ label: "a", images: ok() }],
      options: { columns: 0 },
      message: /columns must be a whole number >= 1, found 0/,
    },
    {
      name: "columns 1.5",
      rows: () => [{ label: "a", images: ok() }],
      options: { columns: 1.5 },
      message: /columns must be a whole number >= 1, found 1\.5/,
    },
    {
      name: "columns as text",
      rows: () => [{ label: "a", images: ok() }],
      options: { columns: "2" },
      message: /columns must be a whole number >= 1, found "2"/,
    },
    {
      name: "scale 0",
      rows: () => [{ label: "a", images: ok() }],
      options: { scale: 0 },
      message: /scale must be a whole number >= 1, found 0/,
    },
    {
      name: "scale NaN",
      rows: () => [{ label: "a", images: ok() }],
      options: { scale: NaN },
      message: /scale must be a whole number >= 1, found NaN/,
    },
  ];
  for (const { name, rows, options, message } of cases) {
    test(name, async () => {
      await leakFree(async (keep) => {
        const input = rows();
        const made = (Array.isArray(input) ? input : [{ images: input }]) as { images?: unknown }[];
        for (const row of made) if (row.images instanceof tf.Tensor) keep(row.images);
        await assert.rejects(digitGridPng(input as DigitRow[], options as object), message);
      });
    });
  }

  test("only the shown images are checked: NaN beyond `columns` is not an error", async () => {
    await leakFree(async (keep) => {
      const images = keep(digits(3, (k) => (k === 2 ? NaN : 0)));
      const png = await digitGridPng([{ label: "a", images }], { columns: 2 });
      assert.equal(pngSize(Buffer.from(png)).width, side(2, DEFAULT_DIGIT_SCALE));
    });
  });

  test("a disposed tensor", async () => {
    await leakFree(async () => {
      const gone = digits(2);
      gone.dispose();
      await assert.rejects(
        digitGridPng([{ label: "a", images: gone }]),
        /row 0 \("a"\): the images tensor was already disposed/,
      );
    });
  });
});

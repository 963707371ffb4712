import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import {
  DEFAULT_DIGIT_SCALE,
  DIGIT_GAP,
  LiveOutput,
  digitGridPng,
  loadMnist,
  printablePath,
  showDigits,
  type DigitRow,
  type ShowDigitsOptions,
} from "ae-shared";
import { executeNotebook, joinText, type Notebook, type Output } from "../scripts/notebook.js";
import { ROOT, jupyterEnv, venvProgram } from "../scripts/project.js";
import { launchChromium, openOffline } from "./support/browser.js";
import { inFakeKernel } from "./support/kernel.js";
import { inLanguage } from "./support/language.js";
import { printedPath, readPrintedPath } from "./support/paths.js";
import { pngSize } from "./support/png.js";

const scratch = mkdtempSync(join(tmpdir(), "ae-images-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** `n` flat images; pixel (y, x) of image k is `value(k, y, x)`. */
function digits(n: number, value: (k: number, y: number, x: number) => number = () => 0): tf.Tensor2D {
  const values = new Float32Array(n * 784);
  for (let k = 0; k < n; k++)
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) values[k * 784 + y * 28 + x] = value(k, y, x);
  return tf.tensor2d(values, [n, 784]);
}

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

/** Runs `body` with tensors it makes and disposes them after, checking nothing else is left behind. */
async function leakFree(body: (keep: <T extends tf.Tensor>(t: T) => T) => Promise<void>): Promise<void> {
  const before = tf.memory().numTensors;
  const made: tf.Tensor[] = [];
  try {
    await body((t) => {
      made.push(t);
      return t;
    });
  } finally {
    tf.dispose(made);
  }
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
}

/** The rows of test/fixtures/digits.ipynb, top to bottom. */
const LABELS = ["原图", "加噪 (裁剪)", "加噪 (未裁剪, loc 3, scale 10)"];

const side = (count: number, scale: number) => count * 28 * scale + (count - 1) * DIGIT_GAP;

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

  const showCases: { name: string; options: unknown; message: RegExp }[] = [
    {
      name: "caption not a string",
      options: { caption: 42 },
      message: /showDigits: caption must be a string, found 42/,
    },
    {
      name: "outFile empty",
      options: { outFile: "" },
      message: /showDigits: outFile must be a file path, found ""/,
    },
    {
      name: "output not a LiveOutput",
      options: { output: {} },
      message: /showDigits: output must be a LiveOutput, found object/,
    },
    {
      name: "showDigits names itself in row errors",
      options: { columns: 9 },
      message: /^showDigits: row 0 \("a"\): expected at least columns = 9 images, found 2/,
    },
  ];
  for (const { name, options, message } of showCases) {
    test(name, async () => {
      await leakFree(async (keep) => {
        const images = keep(ok());
        await assert.rejects(
          showDigits([{ label: "a", images }], options as ShowDigitsOptions),
          (error: Error) => {
            assert.match(error.message, message);
            return true;
          },
        );
      });
    });
  }
});

describe("showDigits in a kernel: one output with image/png, text/html and text/plain", () => {
  test("the bundle's parts", async () => {
    await leakFree(async (keep) => {
      const original = keep(digits(4, (k, _y, x) => (x === k ? 1 : 0)));
      const noisy = keep(digits(4, (k, y, x) => (x === k ? 3.5 : y === 0 ? -2.25 : 0.5)));
      const rows = [
        { label: "加噪", images: noisy },
        { label: "<b>原图</b> & co", images: original },
      ];
      const outFile = join(scratch, "kernel.png");
      const { sent } = await inFakeKernel(() => showDigits(rows, { caption: "第 1 轮", outFile }));
      assert.equal(sent.length, 1, "one output");
      const [{ message, update }] = sent as [(typeof sent)[0]];
      assert.equal(update, false);
      assert.deepEqual(message.transient, {});
      assert.deepEqual(Object.keys(message.data).sort(), ["image/png", "text/html", "text/plain"]);
      const png = Buffer.from(message.data["image/png"]!, "base64");
      assert.deepEqual(png, Buffer.from(await digitGridPng(rows)), "image/png is the grid");
      assert.deepEqual(readFileSync(outFile), png, "outFile is written in a kernel too");
      const size = { width: side(4, 3), height: side(2, 3) };
      assert.deepEqual(pngSize(png), size);
      assert.deepEqual(message.metadata, { "image/png": size });

      const html = message.data["text/html"]!;
      assert.ok(
        html.includes(`src="data:image/png;base64,${png.toString("base64")}"`),
        "the same PNG, embedded",
      );
      assert.match(html, /image-rendering:pixelated/);
      assert.match(html, new RegExp(`width="${size.width}" height="${size.height}"`));
      assert.match(html, />加噪<\/div>/);
      assert.match(html, />&#60;b&#62;原图&#60;\/b&#62; &#38; co<\/div>/, "labels are escaped HTML text");
      assert.doesNotMatch(html, /<b>/);
      // Label boxes are one digit row tall and DIGIT_GAP apart: aligned with the PNG's rows.
      assert.equal(html.match(/height:84px/g)?.length, 2);
      assert.match(html, new RegExp(`flex-direction:column;gap:${DIGIT_GAP}px`));
      const note = 'Values outside [0, 1] were clipped for display (rows "加噪"): found min -2.25, max 3.5.';
      assert.match(html, /<figcaption[^>]*>第 1 轮<br>Values outside \[0, 1\] were clipped/);
      assert.ok(html.includes(note.replace(/"/g, "&#34;")), html);

      assert.equal(
        message.data["text/plain"],
        `第 1 轮\n${note}\nRows, top to bottom: 加噪 | <b>原图</b> & co`,
      );
    });
  });

  test("the default caption states the grid and its colormap; no note when nothing is clipped", async () => {
    await leakFree(async (keep) => {
      const images = keep(digits(2, () => 1));
      const { sent } = await inFakeKernel(() => showDigits([{ label: "原图", images }], { scale: 1 }));
      assert.equal(
        sent[0]?.message.data["text/plain"],
        "MNIST digits: 1 rows × 2, 28×28 shown at 1× (gray: 0 black, 1 white)\nRows, top to bottom: 原图",
      );
      assert.doesNotMatch(sent[0]?.message.data["text/html"] ?? "", /clipped/);
    });
  });

  test("with a LiveOutput the same output is redrawn in place", async () => {
    await leakFree(async (keep) => {
      const images = keep(digits(2));
      const output = new LiveOutput();
      const { sent } = await inFakeKernel(async () => {
        await showDigits([{ label: "重建", images }], { output, caption: "epoch 1" });
        await showDigits([{ label: "重建", images }], { output, caption: "epoch 2" });
      });
      assert.deepEqual(
        sent.map(({ update }) => update),
        [false, true],
      );
      const ids = sent.map(({ message }) => message.transient.display_id);
      assert.ok(ids[0] && ids[0] === ids[1], `one display id: ${ids}`);
      assert.match(sent[1]?.message.data["text/plain"] ?? "", /^epoch 2/);
    });
  });

  test("in Chinese: the default caption, the clipping note and the rows line", async () => {
    await leakFree(async (keep) => {
      const images = keep(digits(2, () => 1.5));
      const { sent } = await inFakeKernel(() =>
        inLanguage("zh", () => showDigits([{ label: "重建", images }], { scale: 1 })),
      );
      assert.equal(
        sent[0]?.message.data["text/plain"],
        [
          "MNIST 手写数字：1 行 × 2 张，28×28 放大 1 倍显示（灰度：0 为黑，1 为白）",
          '超出 [0, 1] 的值在显示时被截断到 [0, 1]（行 "重建"）：最小值 1.5，最大值 1.5。',
          "从上到下各行：重建",
        ].join("\n"),
      );
      assert.match(sent[0]?.message.data["text/html"] ?? "", /<figcaption[^>]*>MNIST 手写数字：1 行/);
    });
  });

  test("in Chinese: errors name the row as a reader counts it", async () => {
    await leakFree(async (keep) => {
      const single = keep(tf.zeros([784]));
      await inLanguage("zh", () =>
        assert.rejects(showDigits([{ label: "原图", images: single }]), {
          name: "RangeError",
          message:
            'showDigits：第 1 行（"原图"）：images 的形状应为 [n, 784]、[n, 28, 28, 1] 或 [n, 28, 28]，实际为 [784]' +
            "（只有一张图片？用 images.expandDims(0) 加上第一个维度）",
        }),
      );
    });
  });
});

describe("showDigits in a plain node script", () => {
  /** Runs `code` with `node` (CommonJS, ae-shared from the checkout) and returns its stdout. */
  function runScript(code: string): string {
    const result = spawnSync(process.execPath, ["-e", code], {
      cwd: ROOT,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" },
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(result.status, 0, `script failed:\n${result.stderr}`);
    return result.stdout;
  }
  const script = (options: string) => `
const tf = require("@tensorflow/tfjs-node");
const { showDigits } = require("ae-shared");
(async () => {
  const images = tf.fill([3, 784], 0.5);
  const tripled = images.mul(3);
  await showDigits([{ label: "原图", images }, { label: "重建", images: tripled }], ${options});
  tf.dispose([images, tripled]);
  console.log("tensors left: " + tf.memory().numTensors);
})();`;

  test("writes the PNG to a new file in os.tmpdir() and prints the caption, labels and path", () => {
    const out = runScript(script('{ caption: "第 2 轮" }'));
    const printed = new RegExp(`PNG 260x172 written to ${printedPath(String.raw`\.png`)}$`, "m").exec(
      out,
    )?.[1];
    assert.ok(printed, `printed path in:\n${out}`);
    const path = readPrintedPath(printed);
    try {
      assert.ok(path.startsWith(tmpdir()), path);
      assert.deepEqual(pngSize(readFileSync(path)), { width: 260, height: 172 });
      assert.equal(
        out,
        [
          "第 2 轮",
          'Values outside [0, 1] were clipped for display (rows "重建"): found min 1.5, max 1.5.',
          "Rows, top to bottom: 原图 | 重建",
          `PNG 260x172 written to ${printed}`,
          "tensors left: 0",
          "",
        ].join("\n"),
      );
    } finally {
      rmSync(path, { force: true });
    }
  });

  test("or to outFile", () => {
    const file = join(scratch, "script.png");
    const out = runScript(script(`{ outFile: ${JSON.stringify(file)}, columns: 2, scale: 1 }`));
    assert.ok(out.includes(`PNG 60x60 written to ${printablePath(file)}\n`), out);
    assert.ok(existsSync(file));
    assert.deepEqual(pngSize(readFileSync(file)), { width: 60, height: 60 });
  });
});

describe("digits.ipynb, executed headless in a tslab kernel", () => {
  const executed = join(ROOT, "test", ".output", "digits.ipynb");
  let notebook: Notebook;
  before(async () => {
    notebook = await executeNotebook(join(ROOT, "test", "fixtures", "digits.ipynb"), executed);
  });

  test("one display_data with the grid PNG, the labels as HTML text and the clipping note", () => {
    const outputs: Output[] = notebook.cells.flatMap((cell) => cell.outputs ?? []);
    const shown = outputs.filter((output) => output.output_type === "display_data");
    assert.equal(shown.length, 1, "one output for the whole grid");
    const data = shown[0]?.data ?? {};
    assert.deepEqual(Object.keys(data).sort(), ["image/png", "text/html", "text/plain"]);
    const png = Buffer.from(String(data["image/png"]), "base64");
    // 8 test images in 3 rows at the default scale.
    assert.deepEqual(pngSize(png), { width: 8 * 84 + 7 * DIGIT_GAP, height: 3 * 84 + 2 * DIGIT_GAP });
    const html = String(data["text/html"]);
    for (const label of LABELS) assert.ok(html.includes(`>${label}</div>`), `label ${label} in the HTML`);
    assert.ok(html.includes(`src="data:image/png;base64,${png.toString("base64")}"`));
    assert.match(
      html,
      /Values outside \[0, 1\] were clipped for display \(rows &#34;加噪 \(未裁剪, loc 3, scale 10\)&#34;\): found min -\d+(\.\d+)?, max \d+(\.\d+)?\./,
    );
    assert.match(String(data["text/plain"]), /Rows, top to bottom: 原图 \| 加噪 \(裁剪\) \| 加噪 \(未裁剪/);
    const stdout = outputs
      .filter((output) => output.output_type === "stream" && output.name === "stdout")
      .map((output) => joinText(output.text))
      .join("");
    assert.match(stdout, /tensors left: 0/);
  });

  test("in the HTML export (JupyterLab's CSS), each label sits beside its row of the PNG", async () => {
    const result = spawnSync(
      venvProgram("jupyter"),
      ["nbconvert", "--to", "html", executed, "--output-dir", join(ROOT, "test", ".output")],
      { cwd: ROOT, env: jupyterEnv(), encoding: "utf8" },
    );
    assert.equal(result.status, 0, result.stderr);
    const browser = await launchChromium();
    try {
      const { page } = await openOffline(
        browser,
        pathToFileURL(join(ROOT, "test", ".output", "digits.html")).href,
      );
      const img = page.locator("figure img");
      const box = await img.boundingBox();
      assert.ok(box, "the figure's image is visible");
      // The page's DOM has no types here (lib ES2022), hence the narrow casts.
      type Img = {
        naturalWidth: number;
        ownerDocument: { defaultView: { getComputedStyle: (e: unknown) => { imageRendering: string } } };
      };
      const shown = await img.evaluate((element) => {
        const image = element as unknown as Img;
        return {
          natural: image.naturalWidth,
          rendering: image.ownerDocument.defaultView.getComputedStyle(image).imageRendering,
        };
      });
      assert.equal(box.width, shown.natural, "the PNG is shown at its own size");
      assert.equal(shown.rendering, "pixelated");
      const labels = page.locator("figure > div > div > div");
      const found = [];
      for (const label of await labels.all()) {
        const r = await label.boundingBox();
        assert.ok(r);
        found.push({
          text: await label.textContent(),
          top: r.y - box.y,
          height: r.height,
          left: r.x + r.width <= box.x,
        });
      }
      assert.deepEqual(
        found,
        LABELS.map((text, row) => ({ text, top: row * (84 + DIGIT_GAP), height: 84, left: true })),
      );
    } finally {
      await browser.close();
    }
  });
});

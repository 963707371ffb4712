// Digit grids for the autoencoder lessons, like d2l.ai's `show_images`: labelled rows of 28x28 digits rendered as
// ONE grayscale PNG, the rows and options checked first. The labels are not drawn: tf.node.encodePng has no font
// for CJK text, so showDigits.ts shows them as HTML beside the PNG.
import * as tf from "@tensorflow/tfjs-node";
import { checkWholeNumber, describeValue } from "../checks";
import { IMAGE_SIZE, PIXELS } from "../data/data";
import { localize } from "../language";

/** One labelled row of the grid. */
export interface DigitRow {
  /** Shown beside the row as HTML text, so any script works (e.g. "原图"). */
  label: string;
  /** Images of shape `[n, 784]`, `[n, 28, 28, 1]` or `[n, 28, 28]`, values in [0, 1]. The first `columns` are shown. */
  images: tf.Tensor;
}

export interface DigitGridOptions {
  /** Digits per row; each row shows its first `columns` images. Default: the smallest row's count, at most 10. */
  columns?: number;
  /** Whole-number upscaling factor, nearest-neighbour. Default 3: a digit is 84 px. */
  scale?: number;
}

/** Upscaling factor when none is given: 28 px x 3 = 84 px per digit. */
export const DEFAULT_DIGIT_SCALE = 3;
/** Pixels of white between neighbouring digits and rows (no border around the grid). */
export const DIGIT_GAP = 4;
const MAX_DEFAULT_COLUMNS = 10;
const GAP_VALUE = 255;

/** The rendered grid and what was found while rendering it. */
export interface Grid {
  png: Uint8Array;
  width: number;
  height: number;
  rows: number;
  columns: number;
  scale: number;
  /** Smallest and largest value among the shown images of the clipped rows (±Infinity if none). */
  min: number;
  max: number;
  /** Labels of the rows that had values outside [0, 1]. */
  clippedRows: string[];
}

const shapeText = (shape: readonly number[]) => `[${shape.join(", ")}]`;

/** How errors name a row: `showDigits: row 0 ("原图")`, in Chinese counted from 1 as a reader counts rows. */
const rowName = (who: string, index: number, label: string) =>
  localize({
    en: `${who}: row ${index} (${JSON.stringify(label)})`,
    zh: `${who}：第 ${index + 1} 行（${JSON.stringify(label)}）`,
  });

function isDigitShape(shape: readonly number[]): boolean {
  const [, a, b, c] = shape;
  if (shape.length === 2) return a === PIXELS;
  if (shape.length === 3) return a === IMAGE_SIZE && b === IMAGE_SIZE;
  return shape.length === 4 && a === IMAGE_SIZE && b === IMAGE_SIZE && c === 1;
}

export function optionsError(who: string, options: unknown): TypeError {
  const found = describeValue(options);
  return new TypeError(
    localize({
      en: `${who}: expected options like { columns: 8 }, found ${found}`,
      zh: `${who}：选项应形如 { columns: 8 }，实际为 ${found}`,
    }),
  );
}

/** Checks the rows and options and returns the number of columns to show. */
function checkRows(who: string, rows: readonly DigitRow[], options: DigitGridOptions): number {
  if (!Array.isArray(rows) || rows.length === 0) {
    const found = Array.isArray(rows)
      ? localize({ en: "an empty array", zh: "空数组" })
      : describeValue(rows);
    throw new TypeError(
      localize({
        en: `${who}: expected an array of rows like { label: "originals", images }, found ${found}`,
        zh: `${who}：应为由若干行组成的数组，每行形如 \`{ label: "原图", images }\`，实际为 ${found}`,
      }),
    );
  }
  if (options === null || typeof options !== "object") throw optionsError(who, options);
  if (options.columns !== undefined) checkWholeNumber(`${who}: columns`, options.columns);
  if (options.scale !== undefined) checkWholeNumber(`${who}: scale`, options.scale);
  rows.forEach((row, i) => {
    if (row === null || typeof row !== "object") {
      const found = describeValue(row);
      throw new TypeError(
        localize({
          en: `${who}: row ${i}: expected { label, images }, found ${found}`,
          zh: `${who}：第 ${i + 1} 行应形如 { label, images }，实际为 ${found}`,
        }),
      );
    }
    if (typeof row.label !== "string") {
      const found = describeValue(row.label);
      throw new TypeError(
        localize({
          en: `${who}: row ${i}: label must be a string, found ${found}`,
          zh: `${who}：第 ${i + 1} 行的 label 应为字符串，实际为 ${found}`,
        }),
      );
    }
    const name = rowName(who, i, row.label);
    const images: unknown = row.images;
    if (!(images instanceof tf.Tensor)) {
      const found = describeValue(images);
      throw new TypeError(
        localize({
          en: `${name}: images must be a tf.Tensor, found ${found}`,
          zh: `${name}：images 应为 tf.Tensor，实际为 ${found}`,
        }),
      );
    }
    if (images.isDisposed) {
      throw new Error(
        localize({
          en: `${name}: the images tensor was already disposed`,
          zh: `${name}：images 张量已经被释放（dispose）`,
        }),
      );
    }
    if (!isDigitShape(images.shape)) {
      const shape = shapeText(images.shape);
      // A single digit is a common slip: say how to make it a batch of one.
      const single = images.size === PIXELS;
      throw new RangeError(
        localize({
          en:
            `${name}: expected images of shape [n, 784], [n, 28, 28, 1] or [n, 28, 28], found ${shape}` +
            (single ? " (one image? add a first axis: images.expandDims(0))" : ""),
          zh:
            `${name}：images 的形状应为 [n, 784]、[n, 28, 28, 1] 或 [n, 28, 28]，实际为 ${shape}` +
            (single ? "（只有一张图片？用 images.expandDims(0) 加上第一个维度）" : ""),
        }),
      );
    }
    if (images.dtype === "string" || images.dtype === "complex64") {
      throw new TypeError(
        localize({
          en: `${name}: expected numeric images, found dtype ${images.dtype}`,
          zh: `${name}：images 应为数值类型，实际的 dtype 为 ${images.dtype}`,
        }),
      );
    }
    const n = images.shape[0] ?? 0;
    if (n === 0) {
      const shape = shapeText(images.shape);
      throw new RangeError(
        localize({
          en: `${name}: expected at least one image, found shape ${shape}`,
          zh: `${name}：至少需要一张图片，实际形状为 ${shape}`,
        }),
      );
    }
    if (options.columns !== undefined && n < options.columns) {
      const columns = options.columns;
      throw new RangeError(
        localize({
          en: `${name}: expected at least columns = ${columns} images, found ${n}`,
          zh: `${name}：至少需要 columns = ${columns} 张图片，实际只有 ${n} 张`,
        }),
      );
    }
  });
  const fewest = Math.min(...rows.map((row) => row.images.shape[0] ?? 0));
  return options.columns ?? Math.min(fewest, MAX_DEFAULT_COLUMNS);
}

/** Checks `rows` and `options`, then renders the grid; `who` names the caller in errors. */
export async function renderGrid(
  who: string,
  rows: readonly DigitRow[],
  options: DigitGridOptions,
): Promise<Grid> {
  const columns = checkRows(who, rows, options);
  const scale = options.scale ?? DEFAULT_DIGIT_SCALE;
  const tile = IMAGE_SIZE * scale;
  const width = columns * tile + (columns - 1) * DIGIT_GAP;
  const height = rows.length * tile + (rows.length - 1) * DIGIT_GAP;
  const pixels = new Uint8Array(width * height).fill(GAP_VALUE);
  let min = Infinity;
  let max = -Infinity;
  const clippedRows: string[] = [];
  for (const [r, row] of rows.entries()) {
    const shown = row.images.slice(0, columns);
    let values: ArrayLike<number>;
    try {
      values = (await shown.data()) as ArrayLike<number>;
    } finally {
      shown.dispose();
    }
    let rowMin = Infinity;
    let rowMax = -Infinity;
    let nonFinite = 0;
    let firstBad = -1;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] ?? 0;
      if (!Number.isFinite(v)) {
        if (nonFinite++ === 0) firstBad = i;
        continue;
      }
      if (v < rowMin) rowMin = v;
      if (v > rowMax) rowMax = v;
    }
    if (nonFinite > 0) {
      const name = rowName(who, r, row.label);
      const first = values[firstBad];
      const image = Math.floor(firstBad / PIXELS);
      throw new RangeError(
        localize({
          en:
            `${name}: expected finite values, found ${nonFinite} NaN or Infinity ` +
            `among the ${columns} images shown (first: ${first} in image ${image})`,
          zh:
            `${name}：值应为有限数，显示的 ${columns} 张图片中实际有 ${nonFinite} 个 NaN 或 Infinity` +
            `（第一个是第 ${image + 1} 张图片中的 ${first}）`,
        }),
      );
    }
    if (rowMin < 0 || rowMax > 1) {
      clippedRows.push(row.label);
      min = Math.min(min, rowMin);
      max = Math.max(max, rowMax);
    }
    // Nearest-neighbour upscaling: every source pixel becomes a scale x scale block, so edges stay sharp.
    for (let c = 0; c < columns; c++) {
      const left = c * (tile + DIGIT_GAP);
      const top = r * (tile + DIGIT_GAP);
      for (let y = 0; y < IMAGE_SIZE; y++) {
        for (let x = 0; x < IMAGE_SIZE; x++) {
          const v = values[c * PIXELS + y * IMAGE_SIZE + x] ?? 0;
          const byte = Math.round(Math.min(1, Math.max(0, v)) * 255);
          for (let dy = 0; dy < scale; dy++) {
            const start = (top + y * scale + dy) * width + left + x * scale;
            pixels.fill(byte, start, start + scale);
          }
        }
      }
    }
  }
  const image = tf.tensor3d(pixels, [height, width, 1], "int32");
  let png: Uint8Array;
  try {
    // Compression 6 (zlib's default) instead of tfjs's 1: the PNG is sent twice (image/png and the HTML).
    png = await tf.node.encodePng(image, 6);
  } finally {
    image.dispose();
  }
  return { png, width, height, rows: rows.length, columns, scale, min, max, clippedRows };
}

/**
 * Renders labelled rows of digits as one grayscale PNG: value 0 is black and 1 white (MNIST's own look,
 * matplotlib's "gray" with vmin 0, vmax 1), values outside [0, 1] are clipped, digits are upscaled
 * `scale` times without smoothing and separated by white gaps of DIGIT_GAP px. The labels are not drawn.
 */
export async function digitGridPng(rows: DigitRow[], options: DigitGridOptions = {}): Promise<Uint8Array> {
  return (await renderGrid("digitGridPng", rows, options)).png;
}

// Digit grids for the autoencoder lessons, like d2l.ai's `show_images`: labelled rows of 28x28 digits
// ("原图" / "重建", "加噪" / "去噪" / "原图") rendered as ONE PNG, shown in the notebook with the labels as HTML
// text beside it. The labels stay out of the PNG because tf.node.encodePng has no font to draw CJK text with.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs-node";
import { checkWholeNumber, describeValue, mustBe } from "./checks";
import { IMAGE_SIZE, PIXELS } from "./data";
import { LiveOutput, display, escapeHtml } from "./display";
import { inKernel } from "./kernel";
import { localize, type Localized } from "./language";
import { printablePath } from "./paths";

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

export interface ShowDigitsOptions extends DigitGridOptions {
  /** Text under the grid. Default: what the grid shows and its colormap. */
  caption?: string;
  /** Also write the PNG here. Outside a kernel it is always written: here, or to a new file in os.tmpdir(). */
  outFile?: string;
  /** Redraw this output in place instead of adding a new one (e.g. reconstructions after each epoch). */
  output?: LiveOutput;
}

/** Upscaling factor when none is given: 28 px x 3 = 84 px per digit. */
export const DEFAULT_DIGIT_SCALE = 3;
/** Pixels of white between neighbouring digits and rows (no border around the grid). */
export const DIGIT_GAP = 4;
const MAX_DEFAULT_COLUMNS = 10;
const GAP_VALUE = 255;

/** The rendered grid and what was found while rendering it. */
interface Grid {
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

function optionsError(who: string, options: unknown): TypeError {
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

async function renderGrid(who: string, rows: readonly DigitRow[], options: DigitGridOptions): Promise<Grid> {
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

/** Short, readable numbers for the caption: 3 significant digits. */
const round = (n: number) => String(Number(n.toPrecision(3)));

function captionOf(grid: Grid, caption: string | undefined): string {
  const { rows, columns, scale } = grid;
  const text =
    caption ??
    localize({
      en: `MNIST digits: ${rows} rows × ${columns}, 28×28 shown at ${scale}× (gray: 0 black, 1 white)`,
      zh: `MNIST 手写数字：${rows} 行 × ${columns} 张，28×28 放大 ${scale} 倍显示（灰度：0 为黑，1 为白）`,
    });
  if (grid.clippedRows.length === 0) return text;
  const which = grid.clippedRows.map((label) => JSON.stringify(label)).join(", ");
  const [min, max] = [round(grid.min), round(grid.max)];
  return localize({
    en: `${text}\nValues outside [0, 1] were clipped for display (rows ${which}): found min ${min}, max ${max}.`,
    zh: `${text}\n超出 [0, 1] 的值在显示时被截断到 [0, 1]（行 ${which}）：最小值 ${min}，最大值 ${max}。`,
  });
}

function htmlOf(grid: Grid, rows: readonly DigitRow[], caption: string, base64: string): string {
  const tile = IMAGE_SIZE * grid.scale;
  // Each label box is exactly one row of the PNG tall and the boxes are DIGIT_GAP apart, so while the
  // image is shown at its own size (max-width: none, no shrinking) every label sits beside its row.
  const labels = rows
    .map(
      (row) =>
        `<div style="height:${tile}px;display:flex;align-items:center;justify-content:flex-end;` +
        `white-space:nowrap">${escapeHtml(row.label)}</div>`,
    )
    .join("");
  const alt = `${rows.map((row) => row.label).join(" / ")}: ${caption}`;
  const captionHtml = escapeHtml(caption).replace(/\n/g, "<br>");
  return (
    `<figure style="margin:0;display:inline-block">` +
    `<div style="display:flex;align-items:flex-start;gap:8px">` +
    `<div style="display:flex;flex-direction:column;gap:${DIGIT_GAP}px;flex:none">${labels}</div>` +
    `<img src="data:image/png;base64,${base64}" width="${grid.width}" height="${grid.height}" ` +
    `alt="${escapeHtml(alt)}" style="image-rendering:pixelated;max-width:none;flex:none">` +
    `</div><figcaption style="margin-top:4px">${captionHtml}</figcaption></figure>`
  );
}

function checkShowOptions(options: ShowDigitsOptions): void {
  if (options === null || typeof options !== "object") throw optionsError("showDigits", options);
  const expect = (name: string, expected: Localized, found: unknown) =>
    new TypeError(mustBe(`showDigits: ${name}`, localize(expected), found));
  if (options.caption !== undefined && typeof options.caption !== "string") {
    throw expect("caption", { en: "a string", zh: "字符串" }, options.caption);
  }
  if (options.outFile !== undefined && (typeof options.outFile !== "string" || options.outFile === "")) {
    throw expect("outFile", { en: "a file path", zh: "文件路径" }, options.outFile);
  }
  if (options.output !== undefined && !(options.output instanceof LiveOutput)) {
    throw expect("output", { en: "a LiveOutput", zh: "LiveOutput" }, options.output);
  }
}

/**
 * Shows labelled rows of digits as one output: the grid as a PNG (see digitGridPng) with the labels as HTML
 * text beside its rows and a caption under it, plus a text/plain summary. Outside a kernel (a plain `node`
 * script) it writes the PNG to `outFile` or a new file in os.tmpdir() and prints the caption and path.
 *
 * ```ts
 * await showDigits([
 *   { label: "原图", images: xTest },
 *   { label: "重建", images: reconstructed },
 * ], { columns: 8 });
 * ```
 */
export async function showDigits(rows: DigitRow[], options: ShowDigitsOptions = {}): Promise<void> {
  checkShowOptions(options);
  const grid = await renderGrid("showDigits", rows, options);
  const caption = captionOf(grid, options.caption);
  const base64 = Buffer.from(grid.png).toString("base64");
  const labels = rows.map((row) => row.label).join(" | ");
  const plain = `${caption}\n${localize({ en: `Rows, top to bottom: ${labels}`, zh: `从上到下各行：${labels}` })}`;
  const kernel = inKernel();
  let file: string | undefined;
  if (options.outFile !== undefined || !kernel) {
    const name = `ae-digits-${Date.now()}-${randomBytes(3).toString("hex")}.png`;
    file = resolve(options.outFile ?? join(tmpdir(), name));
    try {
      writeFileSync(file, grid.png);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new Error(
        localize({
          en: `showDigits: cannot write the PNG to ${printablePath(file)} (${code})`,
          zh: `showDigits：无法把 PNG 写入 ${printablePath(file)}（${code}）`,
        }),
      );
    }
  }
  if (!kernel) {
    const [png, path] = [`PNG ${grid.width}x${grid.height}`, printablePath(file ?? "")];
    display({
      "text/plain": `${plain}\n${localize({ en: `${png} written to ${path}`, zh: `${png} 已写入 ${path}` })}`,
    });
    return;
  }
  const bundle = {
    "image/png": base64,
    "text/html": htmlOf(grid, rows, caption, base64),
    "text/plain": plain,
  };
  const metadata = { "image/png": { width: grid.width, height: grid.height } };
  if (options.output) options.output.update(bundle, metadata);
  else display(bundle, metadata);
}

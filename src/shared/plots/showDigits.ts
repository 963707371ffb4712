// showDigits: a digit grid (digitGrid.ts) shown in the notebook as one output, the row labels ("原图" / "重建",
// "加噪" / "去噪" / "原图") as HTML text beside the PNG and a caption under it; outside a kernel, a PNG file.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { mustBe } from "../checks";
import { IMAGE_SIZE } from "../data/data";
import {
  DIGIT_GAP,
  optionsError,
  renderGrid,
  type DigitGridOptions,
  type DigitRow,
  type Grid,
} from "./digitGrid";
import { LiveOutput, display } from "../display/display";
import { escapeHtml } from "../display/text";
import { inKernel } from "../display/kernel";
import { localize, type Localized } from "../language";
import { printablePath } from "../paths";

export interface ShowDigitsOptions extends DigitGridOptions {
  /** Text under the grid. Default: what the grid shows and its colormap. */
  caption?: string;
  /** Also write the PNG here. Outside a kernel it is always written: here, or to a new file in os.tmpdir(). */
  outFile?: string;
  /** Redraw this output in place instead of adding a new one (e.g. reconstructions after each epoch). */
  output?: LiveOutput;
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

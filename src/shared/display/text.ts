// Text for people to read: its width in a terminal, HTML escaping, and the one table formatter that the
// lessons' tables (display.ts), the loss tables (lossPlot.ts) and the scripts' Markdown tables (bench) share.
// Free of TensorFlow and of the kernel, so that scripts import it through "ae-shared/plain".
import { localize } from "../language";

/** Columns `text` takes in a terminal or a monospace font: Chinese (and other wide) characters take two. */
export function terminalWidth(text: string): number {
  let width = 0;
  for (const char of text)
    width +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(
        char,
      )
        ? 2
        : 1;
  return width;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Cells that read as numbers: "0.0152", "-31%", "1,568". */
const isNumeric = (cell: string) => /^[-+−]?[\d.,]+%?$/.test(cell.trim());

/**
 * Which columns line up on the right: those that hold numbers and nothing else (empty cells allowed).
 * HTML tables (display.ts) align the same columns as their text.
 */
export function numericColumns(header: string[], rows: string[][]): boolean[] {
  return header.map(
    (_, c) =>
      rows.some((row) => isNumeric(row[c] ?? "")) &&
      rows.every((row) => (row[c] ?? "") === "" || isNumeric(row[c] ?? "")),
  );
}

export interface TextTableOptions {
  /**
   * "plain" (the default): columns two spaces apart, a dashed rule under the header, as Keras's summaries;
   * "markdown": `| a | b |` rows with a `| --- |` rule, for Markdown files.
   */
  style?: "plain" | "markdown";
  /** Which columns line up on the right. Default: plain tables, the columns of numbers; Markdown, none. */
  alignRight?: boolean[];
  /** Whether a plain table has the dashed rule under its header (default true). */
  rule?: boolean;
  /** The function named in errors (default "textTable"). */
  who?: string;
}

/**
 * A table of text cells as aligned lines, wide characters counted as two columns. Cells are shown as given, so
 * the caller chooses how many digits a number keeps.
 *
 * ```ts
 * textTable(["model", "MSE"], [["PCA", "0.0152"], ["dense", "0.0096"]]);
 * // model     MSE
 * // -----  ------
 * // PCA    0.0152
 * // dense  0.0096
 * ```
 */
export function textTable(header: string[], rows: string[][], options: TextTableOptions = {}): string {
  const bad = rows.findIndex((row) => row.length !== header.length);
  if (header.length === 0 || bad >= 0) {
    const found = header.length === 0 ? 0 : (rows[bad]?.length ?? 0);
    const who = options.who ?? "textTable";
    throw new RangeError(
      localize({
        en: `${who}: expected ${header.length || "at least 1"} cells in ${header.length === 0 ? "the header" : `row ${bad}`}, found ${found}`,
        zh: `${who}：${header.length === 0 ? "表头" : `第 ${bad} 行（从 0 数起）`}应有 ${header.length || "至少 1"} 个单元格，实际为 ${found} 个`,
      }),
    );
  }
  const markdown = options.style === "markdown";
  const right = options.alignRight ?? (markdown ? header.map(() => false) : numericColumns(header, rows));
  const widths = header.map((_, c) =>
    Math.max(markdown ? 3 : 0, ...[header, ...rows].map((row) => terminalWidth(row[c] ?? ""))),
  );
  const pad = (cell: string, c: number) => {
    const fill = " ".repeat(Math.max(0, (widths[c] ?? 0) - terminalWidth(cell)));
    return right[c] ? fill + cell : cell + fill;
  };
  const rule = widths.map((width, c) =>
    markdown && right[c] ? `${"-".repeat(width - 1)}:` : "-".repeat(width),
  );
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
    return [line(header.map(pad)), line(rule), ...rows.map((row) => line(row.map(pad)))].join("\n");
  }
  const line = (cells: string[]) => cells.join("  ").trimEnd();
  return [
    line(header.map(pad)),
    ...(options.rule === false ? [] : [line(rule)]),
    ...rows.map((row) => line(row.map(pad))),
  ].join("\n");
}

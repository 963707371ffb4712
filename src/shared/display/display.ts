// Outputs of the running cell: rich MIME bundles (several types in one output), and outputs updated in place.
// tslab's public `display` sends one MIME type per output; a chart needs text/html for JupyterLab and the
// HTML export plus text/plain for viewers that do not run scripts, so we send bundles through the same
// sender tslab's `display` uses (kernel.ts). Outside a kernel (a plain `node` script) the text/plain part is printed.
import { randomBytes } from "node:crypto";
import { kernelSender } from "./kernel";
import { localize } from "../language";
import { escapeHtml, numericColumns, textTable } from "./text";

/** MIME type -> content (binary content base64-encoded), as in a Jupyter `display_data` message. */
export type MimeBundle = Record<string, string>;
/** Per-MIME-type metadata, e.g. `{ "image/png": { width: 280 } }`. */
export type MimeMetadata = Record<string, Record<string, unknown>>;

function checkBundle(bundle: MimeBundle): void {
  if (Object.keys(bundle).length === 0) {
    throw new TypeError(
      localize({
        en: "display: expected at least one MIME type in the bundle, found none",
        zh: "display：bundle 至少需要一种 MIME 类型，实际一种也没有",
      }),
    );
  }
}

function printPlain(bundle: MimeBundle): void {
  const text = bundle["text/plain"];
  if (text !== undefined) process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Shows a bundle as a new output of the running cell; outside a kernel, prints its text/plain part. */
export function display(bundle: MimeBundle, metadata: MimeMetadata = {}): void {
  checkBundle(bundle);
  const send = kernelSender();
  if (send) send({ data: bundle, metadata, transient: {} }, false);
  else printPlain(bundle);
}

/**
 * One output that is replaced in place each time `update` is called: the first call creates it, later
 * calls redraw it. A saved notebook keeps only the last content. Outside a kernel it shows nothing:
 * callers that also run as scripts print their own way (see `inKernel`).
 */
export class LiveOutput {
  private readonly id = randomBytes(8).toString("hex");
  private shown = false;

  update(bundle: MimeBundle, metadata: MimeMetadata = {}): void {
    checkBundle(bundle);
    const send = kernelSender();
    if (!send) return;
    send({ data: bundle, metadata, transient: { display_id: this.id } }, this.shown);
    this.shown = true;
  }
}

/**
 * Shows a table of text cells as one output: an HTML table (with `caption` above it) and, for viewers that
 * run no scripts and for plain `node` scripts, the same table as aligned text. Cells are shown as given, so
 * the caller chooses how many digits a number keeps.
 *
 * ```ts
 * showTable(["model", "MSE"], [["PCA", "0.0152"], ["dense", "0.0096"]], { caption: "test-set error" });
 * ```
 */
export function showTable(header: string[], rows: string[][], options: { caption?: string } = {}): void {
  // The text first: it checks the rows, and the HTML aligns the same columns.
  const aligned = textTable(header, rows, { who: "showTable" });
  const plain = options.caption ? `${options.caption}\n${aligned}` : aligned;
  const right = numericColumns(header, rows);
  const cell = (tag: "th" | "td", text: string, c: number) =>
    `<${tag} style="text-align:${right[c] ? "right" : "left"};padding:2px 10px">${escapeHtml(text)}</${tag}>`;
  const html = [
    `<table class="ae-table" style="border-collapse:collapse;font-size:13px">`,
    ...(options.caption
      ? [`<caption style="text-align:left;white-space:pre-line">${escapeHtml(options.caption)}</caption>`]
      : []),
    `<thead><tr>${header.map((text, c) => cell("th", text, c)).join("")}</tr></thead>`,
    `<tbody>${rows.map((row) => `<tr>${row.map((text, c) => cell("td", text, c)).join("")}</tr>`).join("")}</tbody>`,
    `</table>`,
  ].join("\n");
  display({ "text/html": html, "text/plain": plain });
}

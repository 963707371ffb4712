// Outputs of the running cell: rich MIME bundles (several types in one output), and outputs updated in place.
// tslab's public `display` sends one MIME type per output; a chart needs text/html for JupyterLab and the
// HTML export plus text/plain for viewers that do not run scripts, so we send bundles through the same
// sender tslab's `display` uses (kernel.ts). Outside a kernel (a plain `node` script) the text/plain part is printed.
import { randomBytes } from "node:crypto";
import { kernelSender } from "./kernel";
import { localize } from "./language";

/** MIME type -> content (binary content base64-encoded), as in a Jupyter `display_data` message. */
export type MimeBundle = Record<string, string>;
/** Per-MIME-type metadata, e.g. `{ "image/png": { width: 280 } }`. */
export type MimeMetadata = Record<string, Record<string, unknown>>;

function checkBundle(bundle: MimeBundle): void {
  if (Object.keys(bundle).length === 0) {
    throw new TypeError(
      localize({
        en: "display: expected at least one MIME type in the bundle, found none",
        zh: "display: bundle 至少需要一种 MIME 类型,实际一种也没有",
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

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

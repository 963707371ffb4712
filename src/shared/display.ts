// Output to the notebook: rich MIME bundles (several types in one output), and outputs updated in place.
// tslab's public `display` sends one MIME type per output; a chart needs text/html for JupyterLab and the
// HTML export plus text/plain for viewers that do not run scripts, so we send bundles through the same
// sender tslab's `display` uses. Outside a kernel (a plain `node` script) the text/plain part is printed.
import { randomBytes } from "node:crypto";
import { dirname } from "node:path";

/** MIME type -> content (binary content base64-encoded), as in a Jupyter `display_data` message. */
export type MimeBundle = Record<string, string>;
/** Per-MIME-type metadata, e.g. `{ "image/png": { width: 280 } }`. */
export type MimeMetadata = Record<string, Record<string, unknown>>;

interface DisplayMessage {
  data: MimeBundle;
  metadata: MimeMetadata;
  transient: { display_id?: string };
}
type DisplayWriter = (message: DisplayMessage, update: boolean) => void;

/**
 * tslab's sender for the running cell, or null outside a kernel. tslab sets it at the start of every
 * cell; we read it from the module instance the kernel loaded, never loading tslab ourselves.
 */
function kernelWriter(): DisplayWriter | null {
  let path: string;
  try {
    path = require.resolve("tslab/dist/jupyter");
  } catch {
    return null;
  }
  const loaded = require.cache[path]?.exports as { lastWriteDisplayData?: DisplayWriter | null } | undefined;
  return loaded?.lastWriteDisplayData ?? null;
}

const SERIALIZED = Symbol.for("ae-shared.serialized-sends");

/**
 * tslab publishes every output with zeromq's `send()` and never waits for it. zeromq.js 6 sends up to 512
 * messages synchronously, then one asynchronously, and a `send()` while that one is pending throws "Socket is
 * busy writing". In a long training with live outputs this happens sooner or later: the throw lands in a fit
 * callback or in tslab's own status message, the cell dies without a word, and nbconvert moves on. So, in a
 * kernel, messages the socket cannot take yet wait in a queue that is retried on the next turn of the event
 * loop. Order is kept; nothing is dropped.
 */
function queueKernelSends(): void {
  let zeromq: string;
  try {
    if (!require.cache[require.resolve("tslab/dist/jupyter")]) return; // not in a tslab kernel
    zeromq = require.resolve("zeromq", { paths: [dirname(require.resolve("tslab/package.json"))] });
  } catch {
    return;
  }
  type Send = (this: object, message: unknown) => Promise<void>;
  const publisher = (require.cache[zeromq]?.exports as { Publisher?: { prototype: object } } | undefined)
    ?.Publisher?.prototype as ({ send: Send } & Record<symbol, unknown>) | undefined;
  if (!publisher || publisher[SERIALIZED]) return;
  const send = publisher.send;
  // Native sockets take no new properties, so their queues live here.
  const queues = new WeakMap<object, unknown[]>();
  const flush = (socket: object, queue: unknown[]): void => {
    while (queue.length > 0) {
      try {
        send.call(socket, queue[0]).catch(() => undefined); // tslab never looks at the result either
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EBUSY") throw error;
        setImmediate(() => flush(socket, queue));
        return;
      }
      queue.shift();
    }
  };
  // The native `send` is inherited and read-only; an own property on Publisher.prototype shadows it.
  Object.defineProperty(publisher, "send", {
    configurable: true,
    writable: true,
    value(this: object, message: unknown): Promise<void> {
      let queue = queues.get(this);
      if (!queue) queues.set(this, (queue = []));
      queue.push(message);
      if (queue.length === 1) flush(this, queue);
      return Promise.resolve();
    },
  });
  publisher[SERIALIZED] = true;
}
queueKernelSends();

/** True when running inside a tslab kernel (a notebook), false in a plain Node process. */
export function inKernel(): boolean {
  return kernelWriter() !== null;
}

function checkBundle(bundle: MimeBundle): void {
  if (Object.keys(bundle).length === 0) {
    throw new TypeError("display: expected at least one MIME type in the bundle, found none");
  }
}

function printPlain(bundle: MimeBundle): void {
  const text = bundle["text/plain"];
  if (text !== undefined) process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Shows a bundle as a new output of the running cell. */
export function display(bundle: MimeBundle, metadata: MimeMetadata = {}): void {
  checkBundle(bundle);
  const write = kernelWriter();
  if (write) write({ data: bundle, metadata, transient: {} }, false);
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
    const write = kernelWriter();
    if (!write) return;
    write({ data: bundle, metadata, transient: { display_id: this.id } }, this.shown);
    this.shown = true;
  }
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A value as an error message shows what was found: strings quoted, numbers as written, else the kind. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

// Talking to tslab, the notebook kernel: whether we run inside one, the sender for the running cell's
// outputs, and a fix for how tslab publishes them. We read the module instance the kernel loaded and never
// load tslab ourselves, so the same helpers run unchanged in a plain Node script.
import { dirname } from "node:path";
import { LIBRARY_FENCES, fenceHolds, installedVersion, type VersionOf } from "../overrides";

/** One output message, as tslab's sender takes it (a Jupyter `display_data` without the header). */
export interface KernelDisplayMessage {
  data: Record<string, string>;
  metadata: Record<string, Record<string, unknown>>;
  transient: { display_id?: string };
}
/** tslab's sender: `update` replaces the output with the same display_id instead of adding one. */
export type KernelSender = (message: KernelDisplayMessage, update: boolean) => void;

interface TslabJupyter {
  /** Set by tslab at the start of every cell. */
  lastWriteDisplayData?: KernelSender | null;
}

const TSLAB_JUPYTER = "tslab/dist/jupyter";

/** tslab's jupyter module as the running kernel loaded it, or undefined in a plain Node process. */
function loadedTslab(): TslabJupyter | undefined {
  let path: string;
  try {
    path = require.resolve(TSLAB_JUPYTER);
  } catch {
    return undefined;
  }
  return require.cache[path]?.exports as TslabJupyter | undefined;
}

/** True when running inside a tslab kernel (a notebook), false in a plain Node process. */
export function inKernel(): boolean {
  return loadedTslab() !== undefined;
}

/** The sender for the running cell's outputs, or null outside a kernel. */
export function kernelSender(): KernelSender | null {
  return loadedTslab()?.lastWriteDisplayData ?? null;
}

const QUEUED = Symbol.for("ae-shared.queued-kernel-sends");

/**
 * tslab publishes every output with zeromq's `send()` and never waits for it. zeromq.js 6 sends up to 512
 * messages synchronously, then one asynchronously, and a `send()` while that one is pending throws "Socket is
 * busy writing". In a long training with live outputs this happens sooner or later: the throw lands in a fit
 * callback or in tslab's own status message, the cell dies without a word, and nbconvert moves on. So, in a
 * kernel, messages the socket cannot take yet wait in a queue that is retried on the next turn of the event
 * loop. Order is kept; nothing is dropped. Does nothing outside a kernel; safe to call more than once.
 */
export function queueKernelSends(versionOf: VersionOf = installedVersion): void {
  if (!inKernel() || !fenceHolds(LIBRARY_FENCES.queueKernelSends, versionOf)) return;
  let zeromq: string;
  try {
    zeromq = require.resolve("zeromq", { paths: [dirname(require.resolve("tslab/package.json"))] });
  } catch {
    return;
  }
  type Send = (this: object, message: unknown) => Promise<void>;
  const publisher = (require.cache[zeromq]?.exports as { Publisher?: { prototype: object } } | undefined)
    ?.Publisher?.prototype as ({ send: Send } & Record<symbol, unknown>) | undefined;
  if (!publisher || publisher[QUEUED]) return;
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
  publisher[QUEUED] = true;
}

// The lesson library's overrides of other packages' code (tslab's kernel, nodeplotlib), fenced like the engine's
// (ae-engine's fences.ts): each installs itself only on the version it was written and tested for.
import type { Fence } from "ae-engine/plain";

export { fenceHolds, installedVersion, type VersionOf } from "ae-engine/plain";

/** The library's fences, by the function that installs each override. */
export const LIBRARY_FENCES = {
  queueKernelSends: {
    what: "Publisher.prototype.send of tslab's zeromq (display/kernel.ts)",
    pkg: "zeromq",
    version: "6.8.0",
    via: "tslab",
    why: 'a send while one is pending throws "Socket is busy writing": a long training\'s cell died without a word',
    without: 'a long training\'s outputs can end a cell with "Socket is busy writing"',
    heldBy: ["test/kernel.test.ts"],
    canGo: "tslab awaits its sends, or zeromq queues them",
  },
  guardInterrupts: {
    what: "tslab's SIGINT listener, held during fit (progress/interrupt.ts)",
    pkg: "tslab",
    version: "1.0.22",
    why: "Stop failed the cell at once while fit trained on in the background",
    without: "Stop fails the cell at once while fit trains on in the background",
    heldBy: ["test/interrupt.test.ts"],
    canGo: "tslab lets a running cell handle the interrupt",
  },
  reportErrorsReadably: {
    what: "Error.prototype[util.inspect.custom] in a kernel (display/errorReport.ts)",
    pkg: "tslab",
    version: "1.0.22",
    why: "tslab prints a failing cell's error with its own frames first",
    without: "a failing cell's error shows tslab's own frames first",
    heldBy: ["test/errorReport.test.ts"],
    canGo: "tslab reports errors message first",
  },
  chartWindow: {
    what: "nodeplotlib's PlotsService.prototype.readBuffer (plots/chartWindow.ts)",
    pkg: "nodeplotlib",
    version: "1.1.2",
    why: "each new chart brought all earlier ones back in a script's browser tab",
    without: "a script's browser tab shows earlier charts again with each new one",
    heldBy: ["test/chartWindow.test.ts"],
    canGo: "nodeplotlib reads each plot once",
  },
} as const satisfies Record<string, Fence>;

// Code of other packages that the library replaces, each fenced to the version it was written and tested for.
// A minor update can move or change what an override relies on and break a lesson without a word, so each
// override asks `fenceHolds` before it installs itself: on another version the package's own code stays in
// place and one line says so, naming the package and both versions. ARCHITECTURE.md ("Overrides") lists them.
import { dirname } from "node:path";

/** One override: what it replaces, in which package, for which version, and what is lost without it. */
export interface Fence {
  /** What is replaced, as the notice names it. */
  what: string;
  /** The package whose code is replaced. */
  pkg: string;
  /** The version of `pkg` the override was written and tested for. */
  version: string;
  /** Resolve `pkg` from this package's folder: tslab's own zeromq, not a copy the project may have. */
  via?: string;
  /** What a lesson sees with the package's own code, for the notice. */
  without: string;
}

/**
 * Every override of the library, by the module that installs it; and set-up's edits of other packages' files
 * (scripts/setup/), fenced alike by the step that makes them, listed here so that a package update is caught.
 */
export const FENCES = {
  queueKernelSends: {
    what: "kernel.ts's queue in front of zeromq's Publisher.send",
    pkg: "zeromq",
    version: "6.8.0",
    via: "tslab",
    without: 'a long training\'s outputs can end a cell with "Socket is busy writing"',
  },
  guardInterrupts: {
    what: "interrupt.ts's hold on tslab's SIGINT listener during fit",
    pkg: "tslab",
    version: "1.0.22",
    without: "Stop fails the cell at once while fit trains on in the background",
  },
  reportErrorsReadably: {
    what: "errorReport.ts's Error.prototype[util.inspect.custom] for tslab's error report",
    pkg: "tslab",
    version: "1.0.22",
    without: "a failing cell's error shows tslab's own frames first",
  },
  fastGradients: {
    what: "fastGradients.ts's ReluGrad and SigmoidGrad as tfjs's Relu and Sigmoid gradients",
    pkg: "@tensorflow/tfjs-core",
    version: "4.22.0",
    without: "training runs tfjs's own gradients, slower",
  },
  fastLoss: {
    what: "fastLoss.ts's LayersModel.compile with binary cross-entropy from the logits",
    pkg: "@tensorflow/tfjs-layers",
    version: "4.22.0",
    without: "training runs tfjs's own loss, slower",
  },
  fastAdam: {
    what: "fastAdam.ts's AdamOptimizer through TensorFlow's ResourceApplyAdam",
    pkg: "@tensorflow/tfjs-core",
    version: "4.22.0",
    without: "training runs tfjs's own Adam, slower",
  },
  graphFit: {
    what: "graphFit.ts's LayersModel.fit through one TensorFlow graph per training step",
    pkg: "@tensorflow/tfjs-layers",
    version: "4.22.0",
    without: "training runs one tfjs-node call per op, slower",
  },
  tfjsNodeUtil: {
    what: "set-up's edit of tfjs-node's util.isNullOrUndefined and util.isArray calls (scripts/setup/tfjsNodeUtil.js)",
    pkg: "@tensorflow/tfjs-node",
    version: "4.22.0",
    without: "training fails on Node.js 23 and newer, and Node.js 22 warns on stderr",
  },
  offlineNodeplotlib: {
    what: "set-up's edit of nodeplotlib's page to load plotly.js without a CDN (scripts/setup/offlineNodeplotlib.js)",
    pkg: "nodeplotlib",
    version: "1.1.2",
    without: "`npm run lesson` charts need the internet",
  },
  chartWindow: {
    what: "chartWindow.ts's PlotsService.readBuffer that reads each plot once",
    pkg: "nodeplotlib",
    version: "1.1.2",
    without: "a script's browser tab shows earlier charts again with each new one",
  },
} as const satisfies Record<string, Fence>;

/** Reads a package's installed version; undefined when it cannot be found. */
export type VersionOf = (pkg: string, via?: string) => string | undefined;

/** The version npm installed, as the library's own require would find the package (through `via` if given). */
export const installedVersion: VersionOf = (pkg, via) => {
  try {
    const paths = via === undefined ? undefined : [dirname(require.resolve(`${via}/package.json`))];
    const file = require.resolve(`${pkg}/package.json`, paths === undefined ? undefined : { paths });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a package.json, read where npm put it
    return (require(file) as { version?: string }).version;
  } catch {
    return undefined;
  }
};

// Process-wide, so that two copies of the library (a lesson's and a test's) say it once between them.
const NOTICED_KEY = Symbol.for("ae-shared.fence-notices");
const store = globalThis as unknown as Record<symbol, Set<string> | undefined>;

/** The one-line notice for a fence that does not hold. */
export function fenceNotice(fence: Fence, found: string | undefined): string {
  const foundText = found === undefined ? "none found" : `found ${found}`;
  return (
    `ae-shared: ${fence.what} was written for ${fence.pkg} ${fence.version}, ${foundText}; ` +
    `${fence.pkg}'s own code stays in place (${fence.without})`
  );
}

/**
 * True when the installed `fence.pkg` is the version the override was written for. Otherwise false, after a
 * warning (code AE_OVERRIDE_SKIPPED) the first time this fence is asked about in the process.
 */
export function fenceHolds(fence: Fence, versionOf: VersionOf = installedVersion): boolean {
  const found = versionOf(fence.pkg, fence.via);
  if (found === fence.version) return true;
  const noticed = (store[NOTICED_KEY] ??= new Set<string>());
  if (!noticed.has(fence.what)) {
    noticed.add(fence.what);
    process.emitWarning(fenceNotice(fence, found), { code: "AE_OVERRIDE_SKIPPED" });
  }
  return false;
}

// Code of other packages that the engine replaces or relies on, each fenced to the version it was written and
// tested for. A minor update can move or change what an override relies on and break training without a word, so
// each lever asks `fencesHold` before it installs itself: on another version the package's own code stays in place
// and one line says so, naming the package and both versions. The fences are data: the overrides table of
// ARCHITECTURE.md and of this package's README is generated from them (scripts/fenceTable.js).
import { dirname } from "node:path";

/** One fence: what is replaced or relied on, in which package and version, why, what holds it, when it can go. */
export interface Fence {
  /** What is replaced, and where, as the notice and the table name it. */
  what: string;
  /** The package whose code is replaced or relied on; TENSORFLOW_LIBRARY for TensorFlow's C library. */
  pkg: string;
  /** The version of `pkg` the override was written and tested for. */
  version: string;
  /** Resolve `pkg` from this package's folder: tslab's own zeromq, not a copy the project may have. */
  via?: string;
  /** Why the override exists: what goes wrong or slow with the package's own code. */
  why: string;
  /** What a lesson sees with the package's own code, for the notice. */
  without: string;
  /** The test files (paths from the checkout) that fail when the override stops working or the version moves. */
  heldBy: readonly string[];
  /** When the override can be deleted. */
  canGo: string;
}

/** The `pkg` of a fence on TensorFlow's C library, whose version the native binding reports. */
export const TENSORFLOW_LIBRARY = "TensorFlow C library";

/** The engine's fences, by the lever or module that asks for them. */
export const ENGINE_FENCES = {
  fastGradients: {
    what: "the gradients of Relu and Sigmoid (eager/fastGradients.ts, kernels in tensorflowOps.ts)",
    pkg: "@tensorflow/tfjs-core",
    version: "4.22.0",
    why: "one TensorFlow kernel instead of several tfjs ops per gradient",
    without: "training runs tfjs's own gradients, slower",
    heldBy: ["src/engine/test/eager.test.ts", "src/engine/test/differential.test.ts"],
    canGo: "tfjs-node runs ReluGrad and SigmoidGrad itself",
  },
  fastLoss: {
    what: "LayersModel.prototype.compile for binary cross-entropy (eager/fastLoss.ts)",
    pkg: "@tensorflow/tfjs-layers",
    version: "4.22.0",
    why: "the loss from the output sigmoid's logits, as Keras computes it, in fewer ops",
    without: "training runs tfjs's own loss, slower",
    heldBy: ["src/engine/test/eager.test.ts", "src/engine/test/differential.test.ts"],
    canGo: "tfjs computes binary cross-entropy from the logits",
  },
  fastAdam: {
    what: "AdamOptimizer.prototype (eager/fastAdam.ts)",
    pkg: "@tensorflow/tfjs-core",
    version: "4.22.0",
    why: "one ResourceApplyAdam per weight instead of about ten ops",
    without: "training runs tfjs's own Adam, slower",
    heldBy: ["src/engine/test/eager.test.ts", "src/engine/test/differential.test.ts"],
    canGo: "tfjs-node runs Adam as one kernel",
  },
  graphFit: {
    what: "LayersModel.prototype.fit; during a fit, the model's makeTrainFunction and makeTestFunction, its weights' read and write, its optimizer's getWeights, setWeights and iterations (graph/graphFit.ts, graph/graphSession.ts)",
    pkg: "@tensorflow/tfjs-layers",
    version: "4.22.0",
    why: "one TensorFlow session call per training step instead of one tfjs-node call per op",
    without: "training runs one tfjs-node call per op, slower",
    heldBy: ["src/engine/test/graphFit.test.ts", "src/engine/test/differential.test.ts"],
    canGo: "tfjs-node runs a model's training step as one graph",
  },
  tfjsNodeInternals: {
    what: "tfjs-node's unexported dist/tfjs_binding (executeOp, op attributes) and dist/proto/api_pb (GraphDef protos), read by tensorflowOps.ts and graph/graphDef.ts",
    pkg: "@tensorflow/tfjs-node",
    version: "4.22.0",
    why: "tfjs-node exports no way to run a TensorFlow op by name or to write a graph",
    without: "training runs on tfjs's own ops, slower",
    heldBy: ["src/engine/test/eager.test.ts", "src/engine/test/graphFit.test.ts"],
    canGo: "tfjs-node exports op execution and GraphDef writing",
  },
  nativeTensorflow: {
    what: "the TensorFlow C library under tfjs-node, from the pinned wheel (scripts/setup/nativeTensorflow.js); the engine's kernels and graphs are written for its ops",
    pkg: TENSORFLOW_LIBRARY,
    version: "2.21.0",
    why: "tfjs-node 4.22.0 ships TensorFlow 2.9.1 for x86-64 Linux only; the wheel's library is newer and faster",
    without: "training runs on tfjs's own ops, slower",
    heldBy: ["test/scripts/setup.test.ts", "src/engine/test/graphFit.test.ts"],
    canGo: "tfjs-node ships a current TensorFlow itself",
  },
} as const satisfies Record<string, Fence>;

/** Reads a package's installed version; undefined when it cannot be found. */
export type VersionOf = (pkg: string, via?: string) => string | undefined;

/** The TensorFlow C library's version, as tfjs-node's native binding reports it; undefined off that backend. */
function tensorflowLibraryVersion(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only asked once TensorFlow is loaded
    const tf = require("@tensorflow/tfjs-node") as { backend(): unknown; getBackend(): string };
    if (tf.getBackend() !== "tensorflow") return undefined;
    return (tf.backend() as { binding?: { TF_Version?: string } }).binding?.TF_Version;
  } catch {
    return undefined;
  }
}

/** The version npm installed, as the engine's own require would find the package (through `via` if given). */
export const installedVersion: VersionOf = (pkg, via) => {
  if (pkg === TENSORFLOW_LIBRARY) return tensorflowLibraryVersion();
  try {
    const paths = via === undefined ? undefined : [dirname(require.resolve(`${via}/package.json`))];
    const file = require.resolve(`${pkg}/package.json`, paths === undefined ? undefined : { paths });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a package.json, read where npm put it
    return (require(file) as { version?: string }).version;
  } catch {
    return undefined;
  }
};

// Process-wide, so that two copies of the engine (a lesson's and a test's) say it once between them.
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

/** True when every fence holds; each that does not says so once (all are asked, so all are named). */
export function fencesHold(fences: readonly Fence[], versionOf: VersionOf = installedVersion): boolean {
  return fences.map((fence) => fenceHolds(fence, versionOf)).every(Boolean);
}

/**
 * For a lever that runs TensorFlow's own ops: its fence (asked with `versionOf`, which tests fake), then the
 * tfjs-node internals and the TensorFlow library it runs them through (always asked of what is installed).
 */
export function nativeLeverFencesHold(fence: Fence, versionOf: VersionOf = installedVersion): boolean {
  const own = fenceHolds(fence, versionOf);
  return fencesHold([ENGINE_FENCES.tfjsNodeInternals, ENGINE_FENCES.nativeTensorflow]) && own;
}

// @ts-check
// Set-up's edit of @tensorflow/tfjs-node 4.22.0: its dist calls util.isNullOrUndefined and util.isArray, which
// Node 22 warns about on stderr at every training and Node 23 removed ("is not a function"). The edit writes the
// same checks as upstream's fix (tensorflow/tfjs#8425, merged 2025-04-23, in no release up to 4.22.0): `x == null`
// and Array.isArray. Fenced to 4.22.0 (fences.js): on another version it says so and leaves it.
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "../project.js";
import { NODE_MODULES, SetupError, log, readIfExists } from "./common.js";
import { SETUP_FENCES } from "./fences.js";

export const TFJS_NODE_DIST = join(NODE_MODULES, "@tensorflow", "tfjs-node", "dist");
/** The tfjs-node the edit was written for (its fence). */
export const TFJS_NODE_VERSION = SETUP_FENCES.tfjsNodeUtil.version;
/** Records that another tfjs-node was found and left as it is. */
const leftFor = (/** @type {string} */ dist) => join(dist, "..", ".ae-util-edit-left-for");

/** The calls to replace, each with its replacement, and how many of each file 4.22.0's dist has. */
const CALLS = [
  { call: /\(0, util_1\.isNullOrUndefined\)\((\w+)\)/g, by: "($1 == null)" },
  { call: /\(0, util_1\.isArray\)\((\w+)\)/g, by: "Array.isArray($1)" },
];
export const EDITED_FILES = [
  { file: "nodejs_kernel_backend.js", calls: 4 },
  { file: join("kernels", "TopK.js"), calls: 2 },
];

/** The version of tfjs-node in `dist`'s package. */
const versionOf = (/** @type {string} */ dist) =>
  JSON.parse(readIfExists(join(dist, "..", "package.json")) ?? "{}").version;

/** How many of the removed util calls `text` makes. */
const removedCalls = (/** @type {string} */ text) =>
  CALLS.reduce((count, { call }) => count + (text.match(call)?.length ?? 0), 0);

/**
 * `text` with every removed util call replaced.
 * @param {string} text
 */
export const withoutRemovedCalls = (text) => CALLS.reduce((out, { call, by }) => out.replace(call, by), text);

/**
 * Whether tfjs-node in `dist` calls none of the removed util functions (or is another version, once reported).
 * @param {string} [dist]
 */
export function tfjsNodeEdited(dist = TFJS_NODE_DIST) {
  const version = versionOf(dist);
  if (version !== TFJS_NODE_VERSION) return readIfExists(leftFor(dist)) === String(version);
  return EDITED_FILES.every(({ file }) => removedCalls(readIfExists(join(dist, file)) ?? "x") === 0);
}

/**
 * Edits tfjs-node's dist in `dist` (node_modules' by default).
 * @param {string} [dist]
 */
export function editTfjsNode(dist = TFJS_NODE_DIST) {
  const version = versionOf(dist);
  if (version !== TFJS_NODE_VERSION) {
    log(
      `setup: the util edit was written for @tensorflow/tfjs-node ${TFJS_NODE_VERSION}, found ${version}; ` +
        "its own code stays in place (if it still calls util.isNullOrUndefined, training fails on Node 23 and newer)",
    );
    writeFileSync(leftFor(dist), String(version));
    return;
  }
  // Check every file before writing any, so that a changed package is reported and left whole.
  const edits = EDITED_FILES.map(({ file, calls }) => {
    const path = join(dist, file);
    const text = readFileSync(path, "utf8");
    const found = removedCalls(text);
    if (found !== calls && found !== 0) {
      throw new SetupError(
        `${relative(ROOT, path)} makes ${found} calls to util.isNullOrUndefined or util.isArray; ` +
          `tfjs-node ${TFJS_NODE_VERSION} makes ${calls}.`,
        "reinstall the npm packages (rm -rf node_modules, then run set-up again).",
      );
    }
    return { path, text };
  });
  for (const { path, text } of edits) writeFileSync(path, withoutRemovedCalls(text));
}

/** @type {import("./common.js").Step} */
export const tfjsNodeUtil = {
  name: "tfjs-node for Node.js 22 and newer (no removed util calls)",
  needs: [],
  time: "under 1 s",
  room: () => [],
  done: () => tfjsNodeEdited(),
  run: () => editTfjsNode(),
};

// @ts-check
// The overrides tables, generated from the fences themselves: every override of another package's code (the
// engine's, the lesson library's, set-up's edits) with its package and version, why, the tests that hold it and
// when it can go. ARCHITECTURE.md gets all of them, the engine's README its own. `node scripts/fenceTable.js`
// rewrites both; test/overrides.test.ts fails while either is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { ENGINE_FENCES } from "ae-engine/plain";
import { LIBRARY_FENCES } from "ae-shared/plain";
import * as prettier from "prettier";
import { markdownCell, replaceSection } from "./markedSections.js";
import { ROOT } from "./project.js";
import { SETUP_FENCES } from "./setup/fences.js";

/** @typedef {import("ae-engine/plain").Fence} Fence */

/** Every fence, by the part that owns it: the engine's, the library's and set-up's. */
export const ALL_FENCES = {
  "ae-engine": /** @type {Record<string, Fence>} */ (ENGINE_FENCES),
  "ae-shared": /** @type {Record<string, Fence>} */ (LIBRARY_FENCES),
  "set-up": /** @type {Record<string, Fence>} */ (SETUP_FENCES),
};

export const TABLE_FILES = {
  architecture: join(ROOT, "ARCHITECTURE.md"),
  engine: join(ROOT, "src", "engine", "README.md"),
};
const SECTION = "overrides";
const WRITER = "scripts/fenceTable.js";

/**
 * The columns a table may have: each a heading and the cell of one fence.
 * @type {Record<string, [string, (row: {name: string, owner: string, fence: Fence}) => string]>}
 */
const COLUMNS = {
  fence: ["fence", ({ name, owner }) => `\`${name}\` (${owner})`],
  what: ["what is replaced, where", ({ fence }) => markdownCell(fence.what)],
  version: ["written for", ({ fence }) => markdownCell(`${fence.pkg} ${fence.version}`)],
  why: ["why", ({ fence }) => markdownCell(fence.why)],
  heldBy: ["held by", ({ fence }) => fence.heldBy.map((file) => `\`${file}\``).join(", ")],
  canGo: ["can go when", ({ fence }) => markdownCell(fence.canGo)],
};

/**
 * A Markdown table of the fences of each owner, one row each, with `columns`.
 * @param {Record<string, Record<string, Fence>>} owners
 * @param {string[]} columns names of COLUMNS
 */
export function fenceTable(owners, columns) {
  const rows = Object.entries(owners).flatMap(([owner, fences]) =>
    Object.entries(fences).map(([name, fence]) =>
      columns.map((column) => COLUMNS[column]?.[1]({ name, owner, fence }) ?? "").join(" | "),
    ),
  );
  return [
    `| ${columns.map((column) => COLUMNS[column]?.[0] ?? column).join(" | ")} |`,
    `| ${columns.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row} |`),
  ].join("\n");
}

/** Each file's text with its overrides table as the fences give it. */
export function fenceTableTexts() {
  return {
    // The page a newcomer reads in ten minutes: which fences, on what, held by what, until when.
    [TABLE_FILES.architecture]: fenceTable(ALL_FENCES, ["fence", "version", "heldBy", "canGo"]),
    [TABLE_FILES.engine]: fenceTable({ "ae-engine": ALL_FENCES["ae-engine"] }, [
      "fence",
      "what",
      "version",
      "why",
      "heldBy",
      "canGo",
    ]),
  };
}

/**
 * Rewrites the tables (formatted as Prettier formats the file); returns the files that changed.
 * @param {boolean} [write] false to only say which would change
 */
export async function writeFenceTables(write = true) {
  /** @type {string[]} */
  const changed = [];
  for (const [file, table] of Object.entries(fenceTableTexts())) {
    const text = readFileSync(file, "utf8");
    const options = (await prettier.resolveConfig(file)) ?? {};
    const written = await prettier.format(replaceSection(text, table, file, SECTION, WRITER), {
      ...options,
      filepath: file,
    });
    if (written === text) continue;
    if (write) writeFileSync(file, written);
    changed.push(relative(ROOT, file));
  }
  return changed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const changed = await writeFenceTables();
  process.stdout.write(
    changed.length === 0 ? "fence-table: up to date\n" : `fence-table: ${changed.join(" and ")} rewritten\n`,
  );
}

// @ts-check
// The overrides tables, generated from the fences themselves: every override of another package's code (the
// engine's, the lesson library's, set-up's edits) with its package and version, why, the tests that hold it and
// when it can go. ARCHITECTURE.md gets all of them, the engine's README its own. `node scripts/fenceTable.js`
// rewrites both; test/overrides.test.ts fails while either is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import * as prettier from "prettier";
import { markdownCell, replaceSection } from "./markedSections.js";
import { ROOT } from "./project.js";
import { SETUP_FENCES } from "./setup/fences.js";

/** @typedef {import("ae-engine/plain").Fence} Fence */

const requireHere = createRequire(join(ROOT, "package.json"));
/** @type {typeof import("ae-engine/plain")} */
const { ENGINE_FENCES } = requireHere("ae-engine/plain");
/** @type {typeof import("ae-shared/internal/overrides")} */
const { LIBRARY_FENCES } = requireHere("ae-shared/internal/overrides");

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
 * A Markdown table of `fences`, one row each.
 * @param {Record<string, Record<string, Fence>>} owners
 */
export function fenceTable(owners) {
  const rows = Object.entries(owners).flatMap(([owner, fences]) =>
    Object.entries(fences).map(([name, fence]) =>
      [
        `\`${name}\` (${owner})`,
        markdownCell(fence.what),
        markdownCell(`${fence.pkg} ${fence.version}`),
        markdownCell(fence.why),
        fence.heldBy.map((file) => `\`${file}\``).join(", "),
        markdownCell(fence.canGo),
      ].join(" | "),
    ),
  );
  return [
    "| fence | what is replaced, where | written for | why | held by | can go when |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map((row) => `| ${row} |`),
  ].join("\n");
}

/** Each file's text with its overrides table as the fences give it. */
export function fenceTableTexts() {
  return {
    [TABLE_FILES.architecture]: fenceTable(ALL_FENCES),
    [TABLE_FILES.engine]: fenceTable({ "ae-engine": ALL_FENCES["ae-engine"] }),
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

// @ts-check
// Generated parts of a Markdown file: each lies between two marker comments that name it, and a script
// rewrites what is between them, leaving the rest of the file as it was written. scripts/resultsTable.js writes
// the guide's and README's sections this way, scripts/fenceTable.js the overrides tables.
import { relative } from "node:path";
import { ROOT } from "./project.js";

/**
 * The marker comments around the generated section `name`, which the script `writer` writes.
 * @param {string} name
 * @param {string} [writer]
 */
export const markers = (name, writer = "scripts/resultsTable.js") => ({
  start: `<!-- ${name} start: ${writer} writes this part, do not edit it -->`,
  end: `<!-- ${name} end -->`,
});

/**
 * Where the section `name` lies in `text`: the end of its opening marker and the start of its closing one.
 * @param {string} text
 * @param {string} name
 */
function bounds(text, name) {
  const { end } = markers(name);
  const opening = text.indexOf(`<!-- ${name} start: `);
  const openingEnd = opening < 0 ? -1 : text.indexOf("-->", opening);
  const closing = openingEnd < 0 ? -1 : text.indexOf(end, openingEnd);
  return closing < 0 ? undefined : { from: openingEnd + "-->".length, to: closing };
}

/**
 * What lies between the markers of section `name` in `text` (undefined without them), trimmed.
 * @param {string} text
 * @param {string} [name] by default the guide's table
 */
export function sectionOf(text, name = "results-table") {
  const found = bounds(text, name);
  return found && text.slice(found.from, found.to).trim();
}

/**
 * `text` with what lies between the markers of section `name` replaced by `section`.
 * @param {string} text
 * @param {string} section
 * @param {string} file for the error
 * @param {string} [name] by default the guide's table
 * @param {string} [writer] the script that writes it, for the markers the error asks for
 */
export function replaceSection(text, section, file, name = "results-table", writer = undefined) {
  const found = bounds(text, name);
  if (!found) {
    const { start, end } = markers(name, writer);
    throw new Error(
      `${relative(ROOT, file)} has no ${name.replace("-", " ")} to rewrite: it needs the lines ${start} and ${end}`,
    );
  }
  return `${text.slice(0, found.from)}\n\n${section}\n\n${text.slice(found.to)}`;
}

/**
 * Text for a generated table's cell: Markdown's own characters escaped, so that a line prints as it is.
 * @param {string} text
 */
export const markdownCell = (text) => text.replace(/[\\|<*`]/g, "\\$&");

// @ts-check
// Generated parts of a Markdown file: each lies between two marker comments that name it, and a script
// rewrites what is between them, leaving the rest of the file as it was written. scripts/resultsTable.js writes
// the guide's and README's sections this way.
import { relative } from "node:path";
import { ROOT } from "./project.js";

/**
 * The marker comments around the generated section `name`.
 * @param {string} name
 */
export const markers = (name) => ({
  start: `<!-- ${name} start: scripts/resultsTable.js writes this part, do not edit it -->`,
  end: `<!-- ${name} end -->`,
});

/**
 * Where the section `name` lies in `text`: the end of its opening marker and the start of its closing one.
 * @param {string} text
 * @param {string} name
 */
function bounds(text, name) {
  const { start, end } = markers(name);
  const opening = text.indexOf(start);
  const closing = opening < 0 ? -1 : text.indexOf(end, opening);
  return opening < 0 || closing < 0 ? undefined : { from: opening + start.length, to: closing };
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
 */
export function replaceSection(text, section, file, name = "results-table") {
  const found = bounds(text, name);
  if (!found) {
    const { start, end } = markers(name);
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

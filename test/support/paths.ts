// Test support: a path as the library prints it (printablePath: as it is, or single-quoted), found in output
// and read back as a POSIX shell would read it.

/**
 * A RegExp source capturing a printed path that ends with `ending` (a RegExp source, e.g. String.raw`\.png`):
 * single-quoted (a `'` inside written `'\''`), or a word without spaces.
 */
export const printedPath = (ending: string): string => String.raw`('(?:[^']|'\\'')*${ending}'|\S*${ending})`;

/** The path a printed one names: the quotes a shell would remove, removed. */
export function readPrintedPath(printed: string): string {
  return printed.startsWith("'") ? printed.slice(1, -1).replace(/'\\''/g, "'") : printed;
}

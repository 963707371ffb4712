// The entry for plain Node scripts, `require("ae-shared/plain")`: the helpers that load neither TensorFlow nor
// tslab's kernel (argument checks, printable paths, text and tables, the language of messages, the names of the
// training engine's levers), so that a script that trains nothing starts fast and never loads the native library.
// Lessons import "ae-shared".
export * from "./language";
export * from "./checks";
export * from "./paths";
export * from "./display/text";
// The library's fences, for the generated overrides table (scripts/fenceTable.js).
export { LIBRARY_FENCES } from "./overrides";

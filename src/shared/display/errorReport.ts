// How an error reads in a notebook. tslab prints a failing cell's error with console.error(error), and Node's
// inspection of an error thrown in vm code puts the compiled file's path, a source line and a caret first,
// then the message, then ten frames of tslab and node:vm. A student should read the message first: here it
// comes first, followed by the frames that are not tslab's or Node's own.
import { inspect } from "node:util";
import { inKernel } from "./kernel";
import { localize } from "../language";
import { LIBRARY_FENCES, fenceHolds, installedVersion, type VersionOf } from "../overrides";

/** Stack frames of the machinery that runs a cell, which say nothing about the lesson. */
const MACHINERY = /[\\/]node_modules[\\/]tslab[\\/]|\(node:|^\s*at node:|at (?:new )?Promise \(<anonymous>\)/;

/** `error` as a student should read it: "Name: message", its own frames, then its cause, if any. */
export function formatError(error: Error): string {
  const head = `${error.name}: ${error.message}`;
  const frames = (error.stack ?? "")
    .split("\n")
    .filter((line) => /^\s+at /.test(line) && !MACHINERY.test(line));
  const causedBy = localize({ en: "Caused by: ", zh: "起因：" });
  const cause =
    error.cause instanceof Error
      ? [`${causedBy}${formatError(error.cause)}`]
      : error.cause !== undefined
        ? [`${causedBy}${String(error.cause)}`]
        : [];
  return [head, ...frames, ...cause].join("\n");
}

/**
 * Inside a notebook kernel, every error prints as formatError writes it. tslab reports a failing cell with
 * console.error(error), through a console it captured at start, so the hook is where Node turns an error into
 * text: its custom inspection, on Error.prototype. Outside a kernel nothing changes: scripts keep Node's report.
 */
export function reportErrorsReadably(versionOf: VersionOf = installedVersion): void {
  if (!inKernel() || Object.hasOwn(Error.prototype, inspect.custom)) return;
  if (!fenceHolds(LIBRARY_FENCES.reportErrorsReadably, versionOf)) return;
  Object.defineProperty(Error.prototype, inspect.custom, {
    value(this: Error): string {
      return formatError(this);
    },
    configurable: true,
    writable: true,
  });
}

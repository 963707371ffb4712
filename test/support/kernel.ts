// Test support: a stand-in for the tslab kernel, and capture of what the code under test writes.
// The library finds the kernel by tslab's jupyter module in require.cache (src/shared/display/kernel.ts), so a
// stand-in module there receives every output a notebook would, with no kernel running.
import assert from "node:assert/strict";
import { Module, createRequire } from "node:module";
import type { MimeBundle, MimeMetadata } from "ae-shared";

/** One output message as tslab's sender receives it, and whether it replaces an earlier output. */
export interface SentOutput {
  message: { data: MimeBundle; metadata: MimeMetadata; transient: { display_id?: string } };
  update: boolean;
}

/** What the running code writes to stdout as strings (the test runner's own Buffer writes pass through). */
export async function captureStdout<T>(run: () => Promise<T> | T): Promise<{ result: T; text: string }> {
  const write = process.stdout.write;
  let text = "";
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === "string") {
      text += chunk;
      return true;
    }
    return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    return { result: await run(), text };
  } finally {
    process.stdout.write = write;
  }
}

/** Runs `body` as if in a tslab kernel; resolves with its result, the outputs sent, and what it printed. */
export async function inFakeKernel<T>(
  body: () => Promise<T> | T,
): Promise<{ result: T; sent: SentOutput[]; stdout: string }> {
  // Resolved as the library resolves it, so both name the same module.
  const requireShared = createRequire(createRequire(import.meta.url).resolve("ae-shared"));
  const path = requireShared.resolve("tslab/dist/jupyter");
  assert.equal(requireShared.cache[path], undefined, "the real tslab jupyter module is not loaded in tests");
  const sent: SentOutput[] = [];
  const fake = new Module(path);
  fake.exports = {
    lastWriteDisplayData: (message: SentOutput["message"], update: boolean) => sent.push({ message, update }),
  };
  fake.loaded = true;
  requireShared.cache[path] = fake;
  try {
    const { result, text } = await captureStdout(body);
    return { result, sent, stdout: text };
  } finally {
    delete requireShared.cache[path];
  }
}

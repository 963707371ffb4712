// Paths a person reads (a written file, a file an error names) are printed so that they can be copied into a
// shell as they are: unchanged when a POSIX shell reads them as one word, single-quoted otherwise.
//   printablePath("/tmp/课程/x.png")      -> /tmp/课程/x.png
//   printablePath("/tmp/My Lessons/x.png") -> '/tmp/My Lessons/x.png'
// Free of TensorFlow, so that scripts import it too, through "ae-shared/plain".
import { mustBe } from "./checks";
import { localize } from "./language";

/** Letters of any script (Chinese included), digits, and / . _ - + , : = @ %: nothing a shell reads specially. */
const SHELL_SAFE = /^[\p{L}\p{M}\p{N}/._\-+,:=@%]+$/u;

/**
 * `path` as it can be pasted into a shell: unchanged when it is shell-safe, else in single quotes, POSIX-style
 * (a `'` inside becomes `'\''`).
 */
export function printablePath(path: string): string {
  if (typeof path !== "string") {
    throw new TypeError(mustBe("printablePath: path", localize({ en: "a string", zh: "字符串" }), path));
  }
  return SHELL_SAFE.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}

// Argument checks shared by the helpers, so that every error reads the same way, in the lesson's language:
//   "<who>: <name> must be <what was expected>, found <what was found>"
// e.g. "loadMnist: trainSize must be a whole number from 1 to 60000, found 0"
//      "loadMnist: trainSize 应为 1 到 60000 之间的整数,实际为 0".
import { localize } from "./language";

/** A value as an error message shows what was found: strings quoted, numbers as written, else the kind. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null) return String(value);
  if (Array.isArray(value)) return localize({ en: "an array", zh: "数组" });
  const kind = typeof value;
  return localize({ en: kind, zh: kind === "object" ? "对象" : kind === "function" ? "函数" : kind });
}

/** The message for a value that is not what `subject` must be: `${subject} must be ${expected}, found ...`. */
export function mustBe(subject: string, expected: string, found: unknown): string {
  const shown = describeValue(found);
  // Chinese takes a space between its characters and Latin letters, digits or quotes, none between its own.
  const space = /^[\x21-\x7e]/.test(expected) ? " " : "";
  return localize({
    en: `${subject} must be ${expected}, found ${shown}`,
    zh: `${subject} 应为${space}${expected}，实际为 ${shown}`,
  });
}

/** "a whole number >= 1", or "a whole number from 1 to 60000" when there is a largest value. */
export function wholeNumberRange(min: number, max?: number): string {
  return max === undefined
    ? localize({ en: `a whole number >= ${min}`, zh: `不小于 ${min} 的整数` })
    : localize({ en: `a whole number from ${min} to ${max}`, zh: `${min} 到 ${max} 之间的整数` });
}

/** Returns `value` if it is a whole number in [min, max]; else throws a RangeError naming `subject`. */
export function checkWholeNumber(subject: string, value: unknown, min = 1, max?: number): number {
  if (
    typeof value !== "number" ||
    !Number.isInteger(value) ||
    value < min ||
    (max !== undefined && value > max)
  ) {
    throw new RangeError(mustBe(subject, wholeNumberRange(min, max), value));
  }
  return value;
}

/** Returns `value` if it is a finite number >= 0 (a duration, a standard deviation); else throws a RangeError. */
export function checkNonNegative(subject: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(
      mustBe(subject, localize({ en: "a finite number >= 0", zh: "不小于 0 的有限数" }), value),
    );
  }
  return value;
}

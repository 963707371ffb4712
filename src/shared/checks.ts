// Argument checks shared by the helpers, so that every error reads the same way:
//   "<who>: <name> must be <what was expected>, found <what was found>"
// e.g. "loadMnist: trainSize must be a whole number from 1 to 60000, found 0".

/** A value as an error message shows what was found: strings quoted, numbers as written, else the kind. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/** The message for a value that is not what `subject` must be: `${subject} must be ${expected}, found ...`. */
export function mustBe(subject: string, expected: string, found: unknown): string {
  return `${subject} must be ${expected}, found ${describeValue(found)}`;
}

/** "a whole number >= 1", or "a whole number from 1 to 60000" when there is a largest value. */
export function wholeNumberRange(min: number, max?: number): string {
  return max === undefined ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
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
    throw new RangeError(mustBe(subject, "a finite number >= 0", value));
  }
  return value;
}

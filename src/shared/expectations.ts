// Expectations in the teachers' answer notebooks (notebooks/answers/): each check prints its verdict and the
// notebook goes on, so Run All always reaches the end, where one line sums the checks up. In Chinese:
//   在预期范围内：编码越长，val_loss 越低（预期 64 < 32 < 8，实际 0.0902 < 0.1126 < 0.1784）
//   超出预期范围：8 维的 val_loss（预期 0.16 到 0.2，实际 0.2113）
//   不检查：各编码长度的 val_loss（缩小的设置训练得太短）
//   12 项检查：全部在预期范围内（另有 1 项不检查）
//   1 项超出预期范围（共 12 项检查）：8 维的 val_loss
// A check is known by its statement (`what`): checking the same statement again, as a re-run cell does,
// replaces its verdict instead of counting it twice, so keep measured numbers in the detail, not in `what`.
// The methods return nothing: tslab prints the value of a cell's last expression, and a stray "true" after the
// verdict would read as one more result.
import { localize } from "./language";

/** What a check expected and what it found, as they are printed: "0.16 到 0.2", "0.2113". */
export interface CheckDetail {
  expected: string;
  actual: string;
}

export interface CheckCounts {
  /** Statements checked (each once, however often its cell ran). */
  checked: number;
  /** Of those, the ones whose last verdict was outside the expectation. */
  outside: number;
  /** Statements not checked (skip), and not checked since. */
  skipped: number;
}

export interface Expectations {
  /** Prints "在预期范围内：what" or "超出预期范围：what", with the detail. Never throws. */
  check(what: string, ok: boolean, detail?: CheckDetail): void;
  /** check() that `value` is within [low, high], both printed as given, the value to `digits` places. */
  inRange(what: string, value: number, range: readonly [number, number], digits?: number): void;
  /** Prints "不检查：what（why）": a check these settings cannot make (a run too short, say). */
  skip(what: string, why: string): void;
  /** Prints the summary line: all within expectations, or which were not. */
  summary(): void;
  counts(): CheckCounts;
  /** The statements whose last verdict was outside the expectation, in the order first checked. */
  outside(): string[];
}

/** A detail as printed after a verdict: "（预期 0.16 到 0.2，实际 0.2113）". */
function detailText(detail: CheckDetail | undefined): string {
  if (detail === undefined) return "";
  return localize({
    en: ` (expected ${detail.expected}, found ${detail.actual})`,
    zh: `（预期 ${detail.expected}，实际 ${detail.actual}）`,
  });
}

/**
 * A new set of checks, printing each verdict with `print` (console.log by default: a notebook's output).
 * Make one in an answer notebook's first cell and call its summary() in the last.
 */
export function expectations(print: (line: string) => void = (line) => console.log(line)): Expectations {
  const verdicts = new Map<string, boolean>();
  const skipped = new Set<string>();

  const check = (what: string, ok: boolean, detail?: CheckDetail): void => {
    const passed = ok === true;
    verdicts.set(what, passed);
    skipped.delete(what);
    const verdict = passed
      ? localize({ en: "Within expectations: ", zh: "在预期范围内：" })
      : localize({ en: "Outside expectations: ", zh: "超出预期范围：" });
    print(`${verdict}${what}${detailText(detail)}`);
  };

  const inRange = (what: string, value: number, range: readonly [number, number], digits = 4): void => {
    const [low, high] = range;
    const ok = Number.isFinite(value) && value >= low && value <= high;
    const expected = localize({ en: `${low} to ${high}`, zh: `${low} 到 ${high}` });
    check(what, ok, { expected: expected, actual: value.toFixed(digits) });
  };

  const skip = (what: string, why: string): void => {
    verdicts.delete(what);
    skipped.add(what);
    print(localize({ en: `Not checked: ${what} (${why})`, zh: `不检查：${what}（${why}）` }));
  };

  const outside = (): string[] => [...verdicts].filter(([, passed]) => !passed).map(([what]) => what);

  const counts = (): CheckCounts => ({
    checked: verdicts.size,
    outside: outside().length,
    skipped: skipped.size,
  });

  const summary = (): void => {
    const { checked, skipped: notChecked } = counts();
    const missed = outside();
    const line =
      missed.length === 0
        ? localize({
            en: `${checked} checks: all within expectations`,
            zh: `${checked} 项检查：全部在预期范围内`,
          }) +
          (notChecked > 0
            ? localize({ en: ` (${notChecked} not checked)`, zh: `（另有 ${notChecked} 项不检查）` })
            : "")
        : localize({
            en: `${missed.length} of ${checked} checks outside expectations: ${missed.join("; ")}`,
            zh: `${missed.length} 项超出预期范围（共 ${checked} 项检查）：${missed.join("；")}`,
          });
    print(line);
  };

  return { check, inRange, skip, summary, counts, outside };
}

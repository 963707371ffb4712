// Keras's progress line, as its Progbar draws it, for the progress bar of progress.ts:
//
//    96/235 [===========>..................] - ETA: 2s - loss: 0.2713
//   235/235 [==============================] - 3s 12ms/step - loss: 0.0925 - val_loss: 0.0914
// In Chinese the words change ("剩余 2s", "12ms/批", "/未知"); the metric names stay as the history spells them.
import { checkNonNegative, checkWholeNumber, mustBe, wholeNumberRange } from "../checks";
import { localize } from "../language";

const BAR_WIDTH = 30;

/** Keras's time per step: "3s/step" from 1 s, "12ms/step" from 1 ms, else "850us/step". */
export function formatStepTime(seconds: number): string {
  checkNonNegative("formatStepTime: seconds", seconds);
  const step = localize({ en: "step", zh: "批" });
  if (seconds >= 1 || seconds === 0) return `${Math.round(seconds)}s/${step}`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/${step}`;
  return `${Math.round(seconds * 1e6)}us/${step}`;
}

/** Keras's ETA: "42s" up to a minute, then "1:05", then "1:00:05" (whole seconds, rounded down). */
export function formatEta(seconds: number): string {
  checkNonNegative("formatEta: seconds", seconds);
  const whole = Math.floor(seconds);
  const two = (n: number) => String(n).padStart(2, "0");
  if (seconds > 3600)
    return `${Math.floor(whole / 3600)}:${two(Math.floor((whole % 3600) / 60))}:${two(whole % 60)}`;
  if (seconds > 60) return `${Math.floor(whole / 60)}:${two(whole % 60)}`;
  return `${whole}s`;
}

/** Keras's metric value: 4 decimals ("0.0925"), or 4 significant decimals in exponent form near zero. */
export function formatMetricValue(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (Math.abs(value) > 1e-3) return value.toFixed(4);
  // Python's %.4e writes at least two exponent digits: 1.2346e-05.
  return value.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2");
}

/** One progress line, as Keras's Progbar draws it. */
export interface ProgressLine {
  /** Batches done in this epoch so far. */
  step: number;
  /** Batches per epoch, or null when unknown (fitDataset without batchesPerEpoch). */
  steps: number | null;
  /** Seconds since the epoch began. */
  elapsed: number;
  /** Estimated seconds per batch. */
  perStep: number;
  /** The epoch's last line: total time and time per step instead of the ETA. */
  final: boolean;
  /** Names and values to show, in order, e.g. `[["loss", 0.0925], ["val_loss", 0.0914]]`. */
  values: ReadonlyArray<readonly [string, number]>;
}

/**
 * Formats a progress line: ` 96/235 [===========>..................] - ETA: 2s - loss: 0.2713` while the
 * epoch runs, `235/235 [==============================] - 3s 12ms/step - loss: 0.0925` at its end.
 */
export function formatProgressLine(line: ProgressLine): string {
  const { step, steps, elapsed, perStep, final, values } = line;
  checkWholeNumber("formatProgressLine: step", step, 0);
  if (steps !== null && (!Number.isInteger(steps) || steps < 1 || step > steps)) {
    throw new RangeError(
      mustBe(
        "formatProgressLine: steps",
        localize({ en: "null or ", zh: "null 或" }) + wholeNumberRange(Math.max(1, step)),
        steps,
      ),
    );
  }
  checkNonNegative("formatProgressLine: elapsed", elapsed);
  checkNonNegative("formatProgressLine: perStep", perStep);
  const shown = values.map(([name, value]) => ` - ${name}: ${formatMetricValue(value)}`).join("");
  const timing = ` - ${Math.round(elapsed)}s ${formatStepTime(perStep)}`;
  if (steps === null)
    return `${String(step).padStart(7)}/${localize({ en: "Unknown", zh: "未知" })}${timing}${shown}`;
  const filled = Math.floor((BAR_WIDTH * step) / steps);
  const head = filled === 0 ? "" : "=".repeat(filled - 1) + (step < steps ? ">" : "=");
  const bar = `${String(step).padStart(String(steps).length)}/${steps} [${head}${".".repeat(BAR_WIDTH - filled)}]`;
  const eta = `${localize({ en: "ETA:", zh: "剩余" })} ${formatEta(perStep * (steps - step))}`;
  return final ? `${bar}${timing}${shown}` : `${bar} - ${eta}${shown}`;
}

// Lesson parameters from the environment, so tests and teachers can shrink a run without editing cells:
//   AE_EPOCHS=1 AE_TRAIN_SIZE=2048 npm start
// or skip training and load the models `npm run weights` saved after the course's 50 epochs:
//   AE_WEIGHTS=1 npm start
import { mustBe, wholeNumberRange } from "./checks";
import { TRAIN_COUNT } from "./data/data";
import { localize } from "./language";

export interface LessonParams {
  /** Training epochs (AE_EPOCHS). */
  epochs: number;
  /** Training images used, the first n of the 60,000 (AE_TRAIN_SIZE). */
  trainSize: number;
  /** Load the saved 50-epoch weights instead of training (AE_WEIGHTS=1). */
  savedWeights: boolean;
}

const LIMITS: Record<"epochs" | "trainSize", { variable: string; min: number; max: number }> = {
  epochs: { variable: "AE_EPOCHS", min: 1, max: 1000 },
  trainSize: { variable: "AE_TRAIN_SIZE", min: 1, max: TRAIN_COUNT },
};

/** A parameter set in the environment that is not a whole number in range. */
export class ParamError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "ParamError";
  }
}

/** The parameter's environment variable as a whole number in range, or `fallback` when it is unset or empty. */
function readEnvParam(name: keyof typeof LIMITS, fallback: number, env: NodeJS.ProcessEnv): number {
  const { variable, min, max } = LIMITS[name];
  const raw = env[variable];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    const problem = mustBe(variable, wholeNumberRange(min, max), raw);
    throw new ParamError(
      localize({
        en: `${problem}. Unset it to use the lesson's default (${fallback}).`,
        zh: `${problem}。删去这个环境变量即可使用本课的默认值（${fallback}）。`,
      }),
    );
  }
  return value;
}

/**
 * The lesson's epochs and training-set size: the defaults given (the course's values), unless AE_EPOCHS or
 * AE_TRAIN_SIZE is set. A value that is not a whole number in range stops with a message naming it.
 */
export function lessonParams(
  defaults: Partial<Omit<LessonParams, "savedWeights">> = {},
  env: NodeJS.ProcessEnv = process.env,
): LessonParams {
  const epochs = defaults.epochs ?? 5;
  const trainSize = defaults.trainSize ?? TRAIN_COUNT;
  return {
    epochs: readEnvParam("epochs", epochs, env),
    trainSize: readEnvParam("trainSize", trainSize, env),
    savedWeights: readSwitch("AE_WEIGHTS", env),
  };
}

/** An on/off variable: "1" on, "0" or unset off; anything else stops with what it may be. */
function readSwitch(variable: string, env: NodeJS.ProcessEnv): boolean {
  const raw = (env[variable] ?? "").trim();
  if (raw === "" || raw === "0") return false;
  if (raw === "1") return true;
  throw new ParamError(
    localize({
      en: `${mustBe(variable, '"1" (on) or "0" (off)', env[variable])}. Unset it to train as the lesson does.`,
      zh: `${mustBe(variable, '"1"(开)或 "0"(关)', env[variable])}。删去这个环境变量即可照常训练。`,
    }),
  );
}

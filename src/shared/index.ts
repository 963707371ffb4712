// The helpers every lesson imports: `import { loadMnist, ... } from "ae-shared";`
// backend.ts first: it loads @tensorflow/tfjs-node under its guard, so that a missing native library stops with
// the fix before any other module loads tfjs-node (test/backend.test.ts).
export * from "./backend";
import { setFastTraining } from "ae-engine";
import { queueKernelSends } from "./display/kernel";
import { reportErrorsReadably } from "./display/errorReport";

export * from "./language";
export * from "./checks";
export * from "./expectations";
export * from "./paths";
export * from "./display/text";
export * from "./data/data";
export * from "./params";
export * from "./memory";
export * from "./display/display";
export { inKernel } from "./display/kernel";
export { formatError } from "./display/errorReport";
export * from "./plots/plotly";
export * from "./plots/chart";
export * from "./plots/codeMap";
export { browserCanOpen } from "./plots/chartWindow";
export * from "./plots/lossCompare";
export * from "./plots/lossPlot";
export * from "./progress/progressLine";
export * from "./progress/progress";
export * from "./progress/interrupt";
export * from "./progress/liveReconstructions";
export {
  DEFAULT_DIGIT_SCALE,
  DIGIT_GAP,
  digitGridPng,
  type DigitGridOptions,
  type DigitRow,
} from "./plots/digitGrid";
export * from "./plots/showDigits";
export * from "./data/noise";
export {
  SAVED_WEIGHTS_DIR,
  SavedWeightsError,
  savedWeightsDir,
  savedWeightsRecord,
  type SavedWeightsRecord,
} from "./data/savedWeightsFiles";
export * from "./data/weights";
export * from "./data/pca";
export * from "./plots/lossScale";
// The training engine's switch, for a lesson that compares (AE_FAST_TRAINING does the same from outside).
export { FAST_TRAINING_LEVERS, setFastTraining, type FastTrainingLever } from "ae-engine";

// In a notebook, tslab's output messages must never be lost to a busy socket (see kernel.ts).
queueKernelSends();
// In a notebook, a failing cell's error reads message first, without tslab's frames (see errorReport.ts).
reportErrorsReadably();
// Training on TensorFlow's own kernels and graphs where tfjs would run many small ops (the ae-engine package).
setFastTraining();

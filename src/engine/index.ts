// ae-engine: training at TensorFlow's speed behind tfjs's own `model.fit`, for the models it can train (README.md).
// Importing it installs nothing; `setFastTraining()` switches the levers on (the lesson library does, at import).
export { setFastTraining } from "./fastTraining";
export { FAST_TRAINING_LEVERS, fastTrainingLevers, type FastTrainingLever } from "./levers";
export {
  ENGINE_FENCES,
  TENSORFLOW_LIBRARY,
  fenceHolds,
  fenceNotice,
  fencesHold,
  installedVersion,
  type Fence,
  type VersionOf,
} from "./fences";
export { graphPathNotice, graphTrainingPlan, type GraphPathReason } from "./graph/graphFit";

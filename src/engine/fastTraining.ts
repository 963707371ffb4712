// Training at TensorFlow's speed without changing a line of the lessons: importing ae-shared swaps in
// TensorFlow's own kernels where tfjs builds the same math from many small ops, each dispatched on its own.
// Only on the tensorflow backend; elsewhere tfjs's own code runs. Each lever can be switched off to compare
// (the bench does): AE_FAST_TRAINING=0 for none, or a list such as AE_FAST_TRAINING=gradients,adam.
import { installFastAdam, uninstallFastAdam } from "./eager/fastAdam";
import { installFastGradients, uninstallFastGradients } from "./eager/fastGradients";
import { installFastLoss, uninstallFastLoss } from "./eager/fastLoss";
import { installGraphFit, uninstallGraphFit } from "./graph/graphFit";
import { FAST_TRAINING_LEVERS, fastTrainingLevers, type FastTrainingLever } from "./levers";

const INSTALL: Record<FastTrainingLever, { install(): void; uninstall(): void }> = {
  gradients: { install: installFastGradients, uninstall: uninstallFastGradients },
  loss: { install: installFastLoss, uninstall: uninstallFastLoss },
  adam: { install: installFastAdam, uninstall: uninstallFastAdam },
  graph: { install: installGraphFit, uninstall: uninstallGraphFit },
};

/** Switches on exactly `levers` (by default, what AE_FAST_TRAINING asks for) and the others off. */
export function setFastTraining(levers: readonly FastTrainingLever[] = fastTrainingLevers()): void {
  for (const lever of FAST_TRAINING_LEVERS) {
    if (levers.includes(lever)) INSTALL[lever].install();
    else INSTALL[lever].uninstall();
  }
}

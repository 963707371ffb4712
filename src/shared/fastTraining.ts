// Training at TensorFlow's speed without changing a line of the lessons: importing ae-shared swaps in
// TensorFlow's own kernels where tfjs builds the same math from many small ops, each dispatched on its own.
// Only on the tensorflow backend; elsewhere tfjs's own code runs. Each lever can be switched off to compare
// (the bench does): AE_FAST_TRAINING=0 for none, or a list such as AE_FAST_TRAINING=gradients,adam.
import { installFastAdam, uninstallFastAdam } from "./fastAdam";
import { installFastGradients, uninstallFastGradients } from "./fastGradients";
import { installFastLoss, uninstallFastLoss } from "./fastLoss";
import { mustBe } from "./checks";

/** The levers, in the order the bench adds them. */
export const FAST_TRAINING_LEVERS = ["gradients", "loss", "adam"] as const;
export type FastTrainingLever = (typeof FAST_TRAINING_LEVERS)[number];

const INSTALL: Record<FastTrainingLever, { install(): void; uninstall(): void }> = {
  gradients: { install: installFastGradients, uninstall: uninstallFastGradients },
  loss: { install: installFastLoss, uninstall: uninstallFastLoss },
  adam: { install: installFastAdam, uninstall: uninstallFastAdam },
};

/** The levers AE_FAST_TRAINING asks for: unset, "1" or "all" for all; "0" or "none" for none; or a list. */
export function fastTrainingLevers(env: NodeJS.ProcessEnv = process.env): FastTrainingLever[] {
  const raw = (env.AE_FAST_TRAINING ?? "").trim();
  if (raw === "" || raw === "1" || raw === "all") return [...FAST_TRAINING_LEVERS];
  if (raw === "0" || raw === "none") return [];
  const asked = raw.split(",").map((lever) => lever.trim());
  const unknown = asked.filter((lever) => !(FAST_TRAINING_LEVERS as readonly string[]).includes(lever));
  if (unknown.length > 0) {
    const expected = `"1", "0" or a comma-separated list of ${FAST_TRAINING_LEVERS.join(", ")}`;
    throw new RangeError(mustBe("AE_FAST_TRAINING", expected, raw));
  }
  return FAST_TRAINING_LEVERS.filter((lever) => asked.includes(lever));
}

/** Switches on exactly `levers` (by default, what AE_FAST_TRAINING asks for) and the others off. */
export function setFastTraining(levers: readonly FastTrainingLever[] = fastTrainingLevers()): void {
  for (const lever of FAST_TRAINING_LEVERS) {
    if (levers.includes(lever)) INSTALL[lever].install();
    else INSTALL[lever].uninstall();
  }
}

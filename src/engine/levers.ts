// Which levers of the fast training path AE_FAST_TRAINING asks for (fastTraining.ts switches them). Apart, and
// free of TensorFlow, so that the bench's parent process names the levers without loading TensorFlow.

/** The levers, in the order the bench adds them. */
export const FAST_TRAINING_LEVERS = ["gradients", "loss", "adam", "graph"] as const;
export type FastTrainingLever = (typeof FAST_TRAINING_LEVERS)[number];

/** The levers AE_FAST_TRAINING asks for: unset, "1" or "all" for all; "0" or "none" for none; or a list. */
export function fastTrainingLevers(env: NodeJS.ProcessEnv = process.env): FastTrainingLever[] {
  const raw = (env.AE_FAST_TRAINING ?? "").trim();
  if (raw === "" || raw === "1" || raw === "all") return [...FAST_TRAINING_LEVERS];
  if (raw === "0" || raw === "none") return [];
  const asked = raw.split(",").map((lever) => lever.trim());
  const unknown = asked.filter((lever) => !(FAST_TRAINING_LEVERS as readonly string[]).includes(lever));
  if (unknown.length > 0) {
    const expected = `"1", "0" or a comma-separated list of ${FAST_TRAINING_LEVERS.join(", ")}`;
    // English only: a maintainer's switch, for the bench and for comparing, never a lesson's setting.
    throw new RangeError(`AE_FAST_TRAINING must be ${expected}, found ${JSON.stringify(raw)}`);
  }
  return FAST_TRAINING_LEVERS.filter((lever) => asked.includes(lever));
}

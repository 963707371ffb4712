// @ts-check
// `npm run bench -- --lessons`: every lesson at its defaults, executed headless as `npm run export` executes it
// (nbconvert with the tslab kernel), timed on the eager fast path (every lever but the graph path: the pack
// before issue 19) and as the pack runs by default, lesson by lesson in one run, so that both see the machine in
// the same state. The times are wall times of the whole notebook: start-up, data, training, pictures.
import { join } from "node:path";
import { executeNotebook } from "../notebook.js";
import { NOTEBOOKS, lessonNames } from "../project.js";

/**
 * @typedef {{name: string, env: NodeJS.ProcessEnv}} LessonVariant
 * @typedef {{lesson: string, variant: string, seconds: number}} LessonTime
 */

/**
 * The two ways a lesson is timed: the eager fast path, then the default. Only AE_FAST_TRAINING differs; the
 * kernel's own environment (TENSORFLOW_ENV) is the same for both.
 * @param {readonly string[]} levers the fast path's levers, as the library lists them
 * @returns {LessonVariant[]}
 */
export function lessonVariants(levers) {
  return [
    { name: "eager fast path", env: { AE_FAST_TRAINING: levers.filter((l) => l !== "graph").join(",") } },
    { name: "default", env: {} },
  ];
}

/**
 * Times every lesson in `notebooks` under each of `variants`, interleaved lesson by lesson; executed copies go to
 * `scratch`.
 * @param {{variants: LessonVariant[], scratch: string, notebooks?: string,
 *   report?: (time: LessonTime) => void}} options
 * @returns {Promise<LessonTime[]>}
 */
export async function timeLessons({ variants, scratch, notebooks = NOTEBOOKS, report = () => {} }) {
  /** @type {LessonTime[]} */
  const times = [];
  for (const lesson of lessonNames(notebooks)) {
    for (const [i, variant] of variants.entries()) {
      const started = performance.now();
      await executeNotebook(join(notebooks, `${lesson}.ipynb`), join(scratch, `v${i}`, `${lesson}.ipynb`), {
        env: variant.env,
      });
      const time = { lesson, variant: variant.name, seconds: (performance.now() - started) / 1000 };
      times.push(time);
      report(time);
    }
  }
  return times;
}

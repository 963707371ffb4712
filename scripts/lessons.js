// @ts-check
// The lesson registry: what the scripts and tests know about each lesson, one entry per lesson in
// scripts/lessons/, named as its notebook (scripts/lessons/01-dense.js for notebooks/01-dense.ipynb). The list of
// lessons stays the notebooks/ folder (project.js's lessonNames): test/lessons.test.ts holds the two folders to
// each other, and every script and test reads a lesson's facts from here. Adding a lesson: the checklist in
// ARCHITECTURE.md ("Where to add", "A lesson"), followed by test/lessonRecipe.test.ts.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, lessonNames } from "./project.js";

/**
 * @typedef {object} Builder a model built outside the notebook with the notebook's own function (lessonModels.js)
 * @property {string} fn the notebook's top-level function that builds it
 * @property {string} [pick] the model to take from what `fn` returns, when it returns several sharing layers
 * @property {"flat" | "image"} layout the loadMnist layout of its inputs
 *
 * @typedef {"dense" | "deep" | "conv" | "denoise" | "vae"} ModelKey the course's four models (01-04), and 09's VAE,
 *   benched beside Keras's own VAE example
 *
 * @typedef {object} SavedModel a model `npm run weights` saves and `AE_WEIGHTS=1` loads
 * @property {string} name its folder under weights/ (unique over all lessons)
 * @property {string} model the lesson's variable holding the trained model
 * @property {string} history the lesson's variable holding its fit's History
 * @property {Builder} build how the doctor and the tests build it to load the saved weights into
 * @property {{stddev: number, seed: number}} [noise] the Gaussian noise its cell adds to the validation images
 *
 * @typedef {object} Lesson
 * @property {number} epochs its default epochs: `lessonParams({ epochs: N })` in its first code cell
 * @property {{optimizer: string, loss: string, batchSize: number} | null} training how its models train, as its
 *   code writes them (`optimizer: "adam"` or `tf.train.adam(…)`, `loss: "binaryCrossentropy"`, `batchSize: 256`);
 *   null when it trains nothing
 * @property {string[]} code other code it contains, each written exactly so (test/notebooks.test.ts)
 * @property {{fits: number, comparisonCharts: number, digitGrids: number, liveGrids?: number}} shows what it
 *   shows when run: a live loss chart and a progress line per fit, other charts, digit grids (PNG images; files
 *   under `npm run lesson`), and grids redrawn while a model trains (liveReconstructions: in a notebook only;
 *   none when absent)
 * @property {boolean} severalOutputs it fits a model with several outputs: progress lines name each one's loss
 * @property {string} [offGraphPath] why its model trains off the engine's graph path, as the progress line says it
 *   in Chinese (graphTrainingPlan's reason); none for a lesson whose models all train on it
 * @property {"training images" | "all images" | null} lossScale where the baselines of its loss scale come from
 *   (from its own training images, a scale at 1 image has no "each digit's mean" row); null: it shows none
 * @property {"dense" | "conv"} timedBy the doctor's model (check 2) whose speed scales its recorded time
 * @property {Record<string, number>} plan minutes planned for explaining each part (its level-2 headings, in
 *   order) in a 45-minute period; the exercises are not in class (lessonPlan.js)
 * @property {string[]} skippable level-3 headings a teacher can leave for reading after class
 * @property {SavedModel[]} saved its models `npm run weights` saves, in the order it trains them
 * @property {Partial<Record<ModelKey, Builder>>} models the models the bench trains beside Keras's code (the course's,
 *   or for the VAE keras-io's vae.py), and the doctor and the tests build, by a short name (lessonModels.js's
 *   LESSON_MODELS); most lessons past the course have none
 * @property {RegExp[]} resultLines the lines it prints that state its result (the export's index and record)
 * @property {string} [trainsOn] what of the training images it trains on, when not all of them, as the guide's
 *   table says it after their count (08: "中的数字 4")
 */

/** The entries' folder. */
export const ENTRIES = join(ROOT, "scripts", "lessons");
/** Where the checklist for a new lesson is. */
export const RECIPE = 'ARCHITECTURE.md, "Where to add" → "A lesson"';

/**
 * The entries of `dir`, by lesson name: each module's default export.
 * @param {string} dir
 * @returns {Promise<Record<string, Lesson>>}
 */
async function readEntries(dir) {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith(".js"))
    .sort();
  const modules = await Promise.all(files.map((file) => import(pathToFileURL(join(dir, file)).href)));
  return Object.fromEntries(files.map((file, i) => [file.slice(0, -".js".length), modules[i].default]));
}

/** Every entry, by lesson name. */
export const LESSONS = Object.freeze(await readEntries(ENTRIES));

/**
 * What is missing for the checklist: a notebook without its entry (step 2) or an entry without its notebook.
 * @param {string[]} [names] the lessons, from notebooks/
 * @param {string[]} [entries] the entries' names
 * @returns {string[]} a sentence per problem, naming the step of the checklist
 */
export function registryProblems(names = lessonNames(), entries = Object.keys(LESSONS)) {
  return [
    ...names.filter((name) => !entries.includes(name)).map(missingEntry),
    ...entries
      .filter((name) => !names.includes(name))
      .map(
        (name) =>
          `scripts/lessons/${name}.js is the entry of no lesson: notebooks/${name}.ipynb does not exist ` +
          `(step 1 of ${RECIPE}; or remove the entry with its lesson)`,
      ),
  ];
}

/** @param {string} name */
const missingEntry = (name) =>
  `notebooks/${name}.ipynb has no entry in the lesson registry: add scripts/lessons/${name}.js ` +
  `(step 2 of ${RECIPE})`;

/**
 * A lesson's entry; throws, naming the checklist's step, when it has none.
 * @param {string} name
 * @returns {Lesson}
 */
export function lessonEntry(name) {
  const entry = LESSONS[name];
  if (!entry) throw new Error(missingEntry(name));
  return entry;
}

/** Every lesson's result lines. */
export const allResultLines = () => Object.values(LESSONS).flatMap((entry) => entry.resultLines);

/**
 * The lines that state a lesson's result. A notebook the registry does not know (a test's miniature lesson) is
 * read with every lesson's.
 * @param {string} name
 * @returns {RegExp[]}
 */
export const resultLinesOf = (name) => LESSONS[name]?.resultLines ?? allResultLines();

/**
 * Every saved model of every lesson, with its lesson, in the lessons' order.
 * @returns {(SavedModel & {lesson: string})[]}
 */
export function savedModels() {
  return Object.entries(LESSONS).flatMap(([lesson, entry]) =>
    entry.saved.map((saved) => ({ ...saved, lesson })),
  );
}

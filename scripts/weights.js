// @ts-check
// `npm run weights`: trains every lesson model for the course's 50 epochs with the lessons' own code (each
// notebook run as one program, lessonProgram.js, with AE_EPOCHS=50) and saves the models in tfjs format under
// weights/<name>/, with weights/weights.json recording the losses each reached, the date and the machine.
// A teacher then shows the 50-epoch results at once (AE_WEIGHTS=1) and trains live only when there is time.
// How long each lesson took is in weights.json (lessonSeconds); the conv models of 03 and 04 take the most.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { LESSONS, lessonEntry } from "./lessons.js";
import { PROGRAMS, runLessonProgram } from "./lesson.js";
import { ROOT, cpuName, lessonNames, shellPath } from "./project.js";

export const WEIGHTS = join(ROOT, "weights");
/** The course's logged results are after 50 epochs. */
export const WEIGHT_EPOCHS = 50;

/**
 * Code run after a lesson's last cell: saves its models (its entry's `saved`, scripts/lessons/) and their
 * per-epoch losses under `out`.
 * @param {import("./lessons.js").SavedModel[]} saved
 * @param {string} out
 */
function savingEpilogue(saved, out) {
  return saved
    .map(({ name, model, history }) => {
      const dir = join(out, name);
      return [
        // A plain path through tfjs-node's file handler: a file:// URL would reach it percent-encoded.
        `await (${model} as tf.LayersModel).save(tf.io.fileSystem(${JSON.stringify(dir)}));`,
        `require("node:fs").writeFileSync(${JSON.stringify(join(dir, "history.json"))}, ` +
          `JSON.stringify((${history} as tf.History).history));`,
      ].join("\n");
    })
    .join("\n");
}

/**
 * Trains one lesson and saves its models under `out`.
 * @param {string} lesson
 * @param {{epochs: number, trainSize: number, out: string}} options
 * @returns {Promise<number>} seconds taken
 */
export async function trainLesson(lesson, { epochs, trainSize, out }) {
  const { saved } = lessonEntry(lesson);
  for (const { name } of saved) rmSync(join(out, name), { recursive: true, force: true });
  const started = Date.now();
  const code = await runLessonProgram(lesson, {
    name: `${lesson}.weights.cjs`,
    outputs: join(PROGRAMS, `${lesson}.weights`),
    epilogue: savingEpilogue(saved, out),
    stdin: "ignore",
    env: {
      ...process.env,
      AE_EPOCHS: String(epochs),
      AE_TRAIN_SIZE: String(trainSize),
      AE_WEIGHTS: "0", // train, whatever the shell says
      CI: "true", // charts to files, never a browser window that would keep the run open
    },
  });
  if (code !== 0) {
    throw new Error(`npm run weights: ${lesson} failed (exit code ${code}); see its output above`);
  }
  return (Date.now() - started) / 1000;
}

/** @param {number[]} values */
const last = (values) => values[values.length - 1];

/**
 * SHA-256 of each file of a saved model's folder, by name: weights.json records them, and the library refuses
 * a file that does not match (damaged, cut short, another model's) before TensorFlow.js reads it.
 * @param {string} dir
 * @returns {Record<string, string>}
 */
export function savedFileHashes(dir) {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((file) => [
        file,
        createHash("sha256")
          .update(readFileSync(join(dir, file)))
          .digest("hex"),
      ]),
  );
}

/**
 * `npm run weights [-- [lessons...] [--epochs N] [--train-size N] [--out DIR]]`: the course's 50 epochs on all
 * 60,000 images into weights/ unless told otherwise (smaller settings are for trying the script).
 * @param {string[]} args
 */
export async function trainWeights(args) {
  /** @type {(flag: string, fallback: string) => string} */
  const option = (flag, fallback) => {
    const at = args.indexOf(flag);
    if (at < 0) return fallback;
    const [value] = args.splice(at, 2).slice(1);
    if (value === undefined) throw new Error(`npm run weights: ${flag} needs a value`);
    return value;
  };
  const epochs = Number(option("--epochs", String(WEIGHT_EPOCHS)));
  const trainSize = Number(option("--train-size", "60000"));
  const out = option("--out", WEIGHTS);
  for (const [flag, value, max] of /** @type {const} */ ([
    ["--epochs", epochs, 1000],
    ["--train-size", trainSize, 60000],
  ])) {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new Error(`npm run weights: ${flag} must be a whole number from 1 to ${max}, found ${value}`);
    }
  }
  const lessons =
    args.length > 0 ? args : lessonNames().filter((lesson) => (LESSONS[lesson]?.saved ?? []).length > 0);
  const recordFile = join(out, "weights.json");
  /** @type {{models: Record<string, object>}} */
  const record = (() => {
    try {
      return JSON.parse(readFileSync(recordFile, "utf8"));
    } catch {
      return { models: {} };
    }
  })();
  mkdirSync(out, { recursive: true });
  for (const lesson of lessons) {
    if (!LESSONS[lesson]) {
      throw new Error(
        `npm run weights: expected lessons among ${Object.keys(LESSONS).join(", ")}, found ${lesson}`,
      );
    }
    process.stdout.write(`\n== ${lesson}: ${epochs} epochs on ${trainSize} images ==\n`);
    const seconds = await trainLesson(lesson, { epochs, trainSize, out });
    for (const { name } of lessonEntry(lesson).saved) {
      /** @type {{loss: number[], val_loss?: number[]}} */
      const history = JSON.parse(readFileSync(join(out, name, "history.json"), "utf8"));
      // A model trained without validation data (09-vae's, as Keras's vae.py) has no val_loss to record.
      const valLoss = history.val_loss ? last(history.val_loss) : undefined;
      record.models[name] = {
        lesson,
        epochs: history.loss.length,
        trainSize,
        loss: last(history.loss),
        ...(valLoss === undefined ? {} : { val_loss: valLoss }),
        trained: new Date().toISOString().slice(0, 10),
        lessonSeconds: Math.round(seconds),
        cpu: cpuName(),
        sha256: savedFileHashes(join(out, name)),
      };
      writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
      process.stdout.write(
        `saved ${shellPath(join(out, name))}: loss ${last(history.loss)}` +
          `${valLoss === undefined ? "" : `, val_loss ${valLoss}`}\n`,
      );
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  trainWeights(process.argv.slice(2)).catch((/** @type {unknown} */ error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

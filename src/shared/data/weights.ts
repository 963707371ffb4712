// Weights for class: the lesson models trained for the course's 50 epochs by `npm run weights` (under weights/,
// with weights/weights.json recording the losses they reached), loaded into a lesson's own model in place of
// training, so that a teacher shows the 50-epoch results at once and trains live only when there is time. Their
// files are checked first (savedWeightsFiles.ts).
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-node";
import { localize, type Localized } from "../language";
import {
  SavedWeightsError,
  checkSavedFiles,
  damagedFile,
  readSavedJson,
  savedWeightsDir,
  savedWeightsRecord,
  type SavedWeightsRecord,
} from "./savedWeightsFiles";

/** For weights that fit another model: an exercise that changes the model on purpose trains it instead. */
const changedModel = () =>
  localize({
    en: "An exercise that changes the model trains it instead; to load them, build the model as the lesson does.",
    zh: "练习有意改了模型时，训练改过的模型即可；要加载这些权重，请按课上的写法建模型。",
  });

/** The log line that says which saved model was loaded, and what it reached. */
function sayLoaded(name: string, record: SavedWeightsRecord, then?: Localized): void {
  // A model trained without validation data (09-vae's) has no val_loss.
  const valLoss = record.val_loss === undefined ? "" : record.val_loss.toFixed(4);
  console.log(
    localize({
      en: `loaded the saved weights "${name}": ${record.epochs} epochs on ${record.trainSize} images (${record.trained}), loss ${record.loss.toFixed(4)}${valLoss && `, val_loss ${valLoss}`}${then?.en ?? ""}`,
      zh: `已加载训练好的权重“${name}”：${record.epochs} 个 epoch、${record.trainSize} 张图片（${record.trained} 训练），loss ${record.loss.toFixed(4)}${valLoss && `，val_loss ${valLoss}`}${then?.zh ?? ""}`,
    }),
  );
}

/** The saved model, its files checked first (checkSavedFiles); what TensorFlow.js cannot read is refused too. */
async function readSavedModel(
  name: string,
  dir: string,
  record: SavedWeightsRecord,
): Promise<tf.LayersModel> {
  checkSavedFiles(name, dir, record);
  const modelJson = join(dir, name, "model.json");
  try {
    // A plain path through tfjs-node's file handler: a file:// URL would reach it percent-encoded.
    return await tf.loadLayersModel(tf.io.fileSystem(modelJson));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw damagedFile(modelJson, {
      en: `could not be read by TensorFlow.js (${why})`,
      zh: `TensorFlow.js 读不了它（${why}）`,
    });
  }
}

/**
 * Saved model `name` (e.g. "conv") whole, layers and weights, for a lesson that uses an earlier lesson's
 * trained model without building it again (05-pca). The caller disposes it. Throws a SavedWeightsError if
 * it is missing, or a file of it is damaged or another model's (naming the file and how to get it back).
 */
export async function loadSavedModel(name: string, dir: string = savedWeightsDir()): Promise<tf.LayersModel> {
  const record = savedWeightsRecord(name, dir);
  const model = await readSavedModel(name, dir, record);
  sayLoaded(name, record);
  return model;
}

/** Loads saved model `name` into `model`; returns the History of its training, and its record. */
async function loadInto(
  model: tf.LayersModel,
  name: string,
  dir: string,
): Promise<{ history: tf.History; record: SavedWeightsRecord }> {
  const record = savedWeightsRecord(name, dir);
  const saved = await readSavedModel(name, dir, record);
  let losses: Record<string, number[]>;
  try {
    losses = readSavedJson(join(dir, name, "history.json")) as Record<string, number[]>; // before the model changes
    const weights = saved.getWeights();
    const shapes = (ws: tf.Tensor[]) => ws.map((w) => `[${w.shape.join(", ")}]`).join(" ");
    const [found, expected] = [shapes(weights), shapes(model.getWeights())];
    // Same shapes can still be another model: a transposed convolution has a convolution's kernel shape.
    const kinds = (m: tf.LayersModel) =>
      m.layers
        .filter((layer) => layer.weights.length > 0)
        .map((layer) => layer.getClassName())
        .join(" ");
    const [savedKinds, modelKinds] = [kinds(saved), kinds(model)];
    if (found === expected && savedKinds !== modelKinds) {
      throw new SavedWeightsError(
        localize({
          en: `saved weights "${name}" belong to layers ${savedKinds}, but the model's are ${modelKinds}: the notebook's model changed since they were saved. ${changedModel()}`,
          zh: `保存的权重“${name}”属于 ${savedKinds} 这几层，模型的却是 ${modelKinds}：保存之后笔记本里的模型改过了。${changedModel()}`,
        }),
      );
    }
    if (found !== expected) {
      throw new SavedWeightsError(
        localize({
          en: `saved weights "${name}" have shapes ${found}, but the model has ${expected}: the notebook's model changed since they were saved. ${changedModel()}`,
          zh: `保存的权重“${name}”的形状是 ${found}，模型的却是 ${expected}：保存之后笔记本里的模型改过了。${changedModel()}`,
        }),
      );
    }
    model.setWeights(weights);
  } finally {
    saved.dispose();
  }
  const history = new tf.History();
  history.epoch = (losses["loss"] ?? []).map((_, i) => i);
  history.history = losses;
  return { history, record };
}

/**
 * Loads saved model `name` into `model` (the lesson's own, built by its notebook) and returns the History of
 * the training that produced it, as `fit` would have returned it. Throws a SavedWeightsError if the weights
 * are missing, a file of them is damaged or another model's (naming the file and how to get it back), or their
 * shapes differ from the model's (the notebook's model changed since they were saved).
 */
export async function loadSavedWeights(
  model: tf.LayersModel,
  name: string,
  dir: string = savedWeightsDir(),
): Promise<tf.History> {
  const { history, record } = await loadInto(model, name, dir);
  sayLoaded(name, record);
  return history;
}

/**
 * For a lesson's optional cell: loadSavedWeights, but where the saved weights cannot be loaded (missing,
 * damaged, another model's, of other shapes) it prints why and what fixes it, and returns null, so that the
 * training cell after it trains instead. Other errors (a bug) are thrown.
 */
export async function tryLoadSavedWeights(
  model: tf.LayersModel,
  name: string,
  dir?: string,
): Promise<tf.History | null> {
  try {
    const { history, record } = await loadInto(model, name, dir ?? savedWeightsDir());
    sayLoaded(name, record, {
      en: "; the training cell below skips training",
      zh: "；下面的训练单元跳过训练",
    });
    return history;
  } catch (error) {
    if (!(error instanceof SavedWeightsError)) throw error;
    console.log(
      `${error.message}\n` +
        localize({
          en: `The saved weights "${name}" were not loaded: the training cell below trains the model instead.`,
          zh: `没有加载保存的权重“${name}”：下面的训练单元照常训练这个模型。`,
        }),
    );
    return null;
  }
}

// Weights for class: the lesson models trained for the course's 50 epochs by `npm run weights` (under weights/,
// with weights/weights.json recording the losses they reached), loaded into a lesson's own model in place of
// training, so that a teacher shows the 50-epoch results at once and trains live only when there is time.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs-node";
import { localize } from "./language";

/** weights/ of the lesson pack this library belongs to (src/shared/dist -> the checkout). */
export const SAVED_WEIGHTS_DIR = join(__dirname, "..", "..", "..", "weights");

/** What weights.json records for one saved model. */
export interface SavedWeightsRecord {
  /** The notebook that trained it, e.g. "01-dense". */
  lesson: string;
  epochs: number;
  trainSize: number;
  /** Training and validation loss after the last epoch. */
  loss: number;
  val_loss: number;
  /** The day it was trained (YYYY-MM-DD), the lesson's wall time, and the CPU. */
  trained: string;
  lessonSeconds: number;
  cpu: string;
}

/** A saved model that is missing, or does not fit the model it is loaded into. */
export class SavedWeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SavedWeightsError";
  }
}

const rerun = () =>
  localize({
    en: "Run `npm run weights` in the lesson pack's folder to train and save them (about 85 minutes).",
    zh: "在课程包的文件夹里运行 `npm run weights` 训练并保存(约 85 分钟)。",
  });

/** The record of saved model `name` (e.g. "dense"), or a SavedWeightsError saying how to make it. */
export function savedWeightsRecord(name: string, dir: string = SAVED_WEIGHTS_DIR): SavedWeightsRecord {
  const file = join(dir, "weights.json");
  const models = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as { models?: Record<string, SavedWeightsRecord> }).models
    : undefined;
  const record = models?.[name];
  if (!record || !existsSync(join(dir, name, "model.json"))) {
    const found = models
      ? Object.keys(models).join(", ") || "none"
      : localize({ en: "no weights.json", zh: "没有 weights.json" });
    throw new SavedWeightsError(
      localize({
        en: `no saved weights "${name}" in ${dir} (found: ${found}). ${rerun()}`,
        zh: `${dir} 里没有保存的权重 "${name}"(现有:${found})。${rerun()}`,
      }),
    );
  }
  return record;
}

/** The log line that says which saved model was loaded, and what it reached. */
function sayLoaded(name: string, record: SavedWeightsRecord): void {
  console.log(
    localize({
      en: `loaded the saved weights "${name}": ${record.epochs} epochs on ${record.trainSize} images (${record.trained}), loss ${record.loss.toFixed(4)}, val_loss ${record.val_loss.toFixed(4)}`,
      zh: `已加载训练好的权重 "${name}":${record.epochs} 个 epoch、${record.trainSize} 张图片(${record.trained} 训练),loss ${record.loss.toFixed(4)},val_loss ${record.val_loss.toFixed(4)}`,
    }),
  );
}

async function readSavedModel(name: string, dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(pathToFileURL(join(dir, name, "model.json")).href);
}

/**
 * Saved model `name` (e.g. "conv") whole, layers and weights, for a lesson that uses an earlier lesson's
 * trained model without building it again (05-pca). The caller disposes it.
 */
export async function loadSavedModel(name: string, dir: string = SAVED_WEIGHTS_DIR): Promise<tf.LayersModel> {
  const record = savedWeightsRecord(name, dir);
  const model = await readSavedModel(name, dir);
  sayLoaded(name, record);
  return model;
}

/**
 * Loads saved model `name` into `model` (the lesson's own, built by its notebook) and returns the History of
 * the training that produced it, as `fit` would have returned it. Throws a SavedWeightsError if the weights
 * are missing or their shapes differ from the model's (the notebook's model changed since they were saved).
 */
export async function loadSavedWeights(
  model: tf.LayersModel,
  name: string,
  dir: string = SAVED_WEIGHTS_DIR,
): Promise<tf.History> {
  const record = savedWeightsRecord(name, dir);
  const saved = await readSavedModel(name, dir);
  try {
    const weights = saved.getWeights();
    const shapes = (ws: tf.Tensor[]) => ws.map((w) => `[${w.shape.join(", ")}]`).join(" ");
    const [found, expected] = [shapes(weights), shapes(model.getWeights())];
    if (found !== expected) {
      throw new SavedWeightsError(
        localize({
          en: `saved weights "${name}" have shapes ${found}, but the model has ${expected}: the notebook's model changed since they were saved. ${rerun()}`,
          zh: `保存的权重 "${name}" 的形状是 ${found},模型的却是 ${expected}:保存之后笔记本里的模型改过了。${rerun()}`,
        }),
      );
    }
    model.setWeights(weights);
  } finally {
    saved.dispose();
  }
  const losses = JSON.parse(readFileSync(join(dir, name, "history.json"), "utf8")) as Record<
    string,
    number[]
  >;
  const history = new tf.History();
  history.epoch = (losses["loss"] ?? []).map((_, i) => i);
  history.history = losses;
  sayLoaded(name, record);
  return history;
}

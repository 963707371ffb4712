// The saved weights' files, before anything reads them: the folder (weights/ or AE_WEIGHTS_DIR), what
// weights/weights.json records for each model, and the check that each file is whole and the one that was saved.
// TensorFlow.js is not loaded here; weights.ts loads the checked files into a lesson's model.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { localize, type Localized } from "../language";
import { printablePath } from "../paths";

/** weights/ of the lesson pack this library belongs to (src/shared/dist -> the checkout). */
export const SAVED_WEIGHTS_DIR = join(__dirname, "..", "..", "..", "..", "weights"); // from src/shared/dist/data/

/** What weights.json records for one saved model. */
export interface SavedWeightsRecord {
  /** The notebook that trained it, e.g. "01-dense". */
  lesson: string;
  epochs: number;
  trainSize: number;
  /**
   * Training and validation loss after the last epoch; no val_loss for a model trained without validation data
   * (09-vae's, as Keras's vae.py trains it).
   */
  loss: number;
  val_loss?: number;
  /** The day it was trained (YYYY-MM-DD), the lesson's wall time, and the CPU. */
  trained: string;
  lessonSeconds: number;
  cpu: string;
  /**
   * SHA-256 (hex) of each file of the saved model as it was saved ("model.json", "weights.bin", "history.json"),
   * checked before anything is read from them: a damaged or foreign file is refused, naming it.
   */
  sha256?: Record<string, string>;
}

/** A saved model that is missing, damaged, or does not fit the model it is loaded into. */
export class SavedWeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SavedWeightsError";
  }
}

const rerun = () =>
  localize({
    en: "Run `npm run weights` in the lesson pack's folder to train and save them (50 epochs per model: it takes long).",
    zh: "在课程包的文件夹里运行 `npm run weights` 训练并保存（每个模型 50 个 epoch，要很长时间）。",
  });

/** A file of the saved weights that is missing, cut short, changed or another model's: which, and the fix. */
export function damagedFile(file: string, problem: Localized): SavedWeightsError {
  const shown = printablePath(file);
  return new SavedWeightsError(
    localize({
      en:
        `the saved weights file ${shown} ${problem.en}. To get it back, run \`git checkout -- weights\` in the ` +
        "lesson pack's folder (the committed weights), or `npm run weights` to train and save them again " +
        "(50 epochs per model: it takes long).",
      zh:
        `保存的权重文件 ${shown} ${problem.zh}。恢复办法：在课程包的文件夹里运行 \`git checkout -- weights\`` +
        "（取回提交的权重），或者运行 `npm run weights` 重新训练并保存（每个模型 50 个 epoch，要很长时间）。",
    }),
  );
}

/** `file` parsed as JSON, or a SavedWeightsError naming it. */
export function readSavedJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (error) {
    if (!existsSync(file)) throw damagedFile(file, { en: "is missing", zh: "不见了" });
    const why = error instanceof Error ? error.message : String(error);
    throw damagedFile(file, { en: `is not valid JSON (${why})`, zh: `不是有效的 JSON(${why})` });
  }
}

const isDirectory = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The folder saved weights are read from: AE_WEIGHTS_DIR when it is set (the absolute path of a folder laid
 * out as weights/ is), else the lesson pack's weights/.
 */
export function savedWeightsDir(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env["AE_WEIGHTS_DIR"];
  if (raw === undefined || raw.trim() === "") return SAVED_WEIGHTS_DIR;
  if (!isAbsolute(raw) || !isDirectory(raw)) {
    const found = printablePath(raw);
    throw new SavedWeightsError(
      localize({
        en: `AE_WEIGHTS_DIR must be the absolute path of a folder, found ${found}. Unset it to use the lesson pack's weights/.`,
        zh: `AE_WEIGHTS_DIR 应为一个文件夹的绝对路径，实际为 ${found}。删去这个环境变量即可使用课程包的 weights/。`,
      }),
    );
  }
  return raw;
}

/** The record of saved model `name` (e.g. "dense"), or a SavedWeightsError saying how to make it. */
export function savedWeightsRecord(name: string, dir: string = savedWeightsDir()): SavedWeightsRecord {
  const file = join(dir, "weights.json");
  const json = existsSync(file) ? readSavedJson(file) : undefined;
  const models =
    json === undefined ? undefined : ((json as { models?: Record<string, SavedWeightsRecord> }).models ?? {});
  const record = models?.[name];
  if (!record || typeof record !== "object" || !existsSync(join(dir, name, "model.json"))) {
    const found = models
      ? Object.keys(models).join(", ") || "none"
      : localize({ en: "no weights.json", zh: "没有 weights.json" });
    const shown = printablePath(dir);
    throw new SavedWeightsError(
      localize({
        en: `no saved weights "${name}" in ${shown} (found: ${found}). ${rerun()}`,
        zh: `${shown} 里没有保存的权重“${name}”（现有：${found}）。${rerun()}`,
      }),
    );
  }
  return record;
}

/** Bytes of one element of each dtype a weights manifest may list (quantized weights by their stored dtype). */
const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

interface ManifestGroup {
  paths: string[];
  weights: { shape: number[]; dtype: string; quantization?: { dtype: string } }[];
}

/** SHA-256 of a file, hex. */
const sha256Of = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/**
 * Checks the files of saved model `name` before TensorFlow.js reads them: each file weights.json has a
 * SHA-256 for is there and has it, and each weights file has the bytes its model.json lists. Throws a
 * SavedWeightsError naming the file and how to get it back.
 */
export function checkSavedFiles(name: string, dir: string, record: SavedWeightsRecord): void {
  const folder = join(dir, name);
  const hashes = Object.entries(record.sha256 ?? {});
  for (const [file] of hashes) {
    if (!existsSync(join(folder, file)))
      throw damagedFile(join(folder, file), { en: "is missing", zh: "不见了" });
  }
  // model.json first: it lists the weights files and their sizes.
  for (const [file, hash] of hashes) {
    if (file === "model.json" && sha256Of(join(folder, file)) !== hash) throw changedFile(join(folder, file));
  }
  const modelJson = join(folder, "model.json");
  const saved = readSavedJson(modelJson) as { modelTopology?: unknown; weightsManifest?: unknown } | null;
  const manifest = saved?.weightsManifest;
  const groups =
    saved?.modelTopology &&
    Array.isArray(manifest) &&
    manifest.every(
      (group: Partial<ManifestGroup>) => Array.isArray(group?.paths) && Array.isArray(group?.weights),
    )
      ? (manifest as ManifestGroup[])
      : undefined;
  if (!groups) {
    throw damagedFile(modelJson, {
      en: "is not a saved TensorFlow.js model (it needs modelTopology and weightsManifest)",
      zh: "不是保存的 TensorFlow.js 模型（缺少 modelTopology 和 weightsManifest）",
    });
  }
  for (const group of groups) {
    const files = group.paths.map((path) => join(folder, path));
    for (const file of files) {
      if (!existsSync(file)) throw damagedFile(file, { en: "is missing", zh: "不见了" });
    }
    const sizes = group.weights.map((weight) => {
      const count = Array.isArray(weight.shape)
        ? weight.shape.reduce((product, n) => product * n, 1)
        : Number.NaN;
      return count * (DTYPE_BYTES[weight.quantization?.dtype ?? weight.dtype] ?? Number.NaN);
    });
    const expected = sizes.reduce((sum, size) => sum + size, 0);
    const found = files.reduce((sum, file) => sum + statSync(file).size, 0);
    if (Number.isNaN(expected) || found === expected) continue; // strings have no fixed size: the hash checks
    const shown = files.length === 1 ? (files[0] ?? folder) : folder;
    throw damagedFile(
      shown,
      found < expected
        ? {
            en: `is ${found} bytes, but its model.json lists ${expected} bytes of weights: it was cut short (an interrupted copy or download) or damaged`,
            zh: `只有 ${found} 字节，model.json 列出的权重却有 ${expected} 字节：文件不完整（复制或下载被打断）或已损坏`,
          }
        : {
            en: `is ${found} bytes, but its model.json lists ${expected} bytes of weights: it is another model's file, or damaged`,
            zh: `有 ${found} 字节，model.json 列出的权重却只有 ${expected} 字节：它是别的模型的文件，或已损坏`,
          },
    );
  }
  for (const [file, hash] of hashes) {
    if (file !== "model.json" && sha256Of(join(folder, file)) !== hash) throw changedFile(join(folder, file));
  }
}

/** A file whose SHA-256 is not the one recorded when it was saved. */
const changedFile = (file: string) =>
  damagedFile(file, {
    en: "is not the file that was saved: its SHA-256 differs from the one weights.json records (it is damaged, or another model's file)",
    zh: "不是保存时的那个文件：它的 SHA-256 和 weights.json 记录的不同（已损坏，或是别的模型的文件）",
  });

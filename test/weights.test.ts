// weights.ts: models saved by `npm run weights`, loaded into the lesson's own model in place of training.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import {
  SavedWeightsError,
  addGaussianNoise,
  loadMnist,
  loadSavedModel,
  loadSavedWeights,
  savedWeightsRecord,
} from "ae-shared";
import { lessonFunctions, lessonModel } from "../scripts/lessonCode.js";
import { trainWeights } from "../scripts/weights.js";
import { inLanguage } from "./support/language.js";

describe("saved weights made by npm run weights (1 epoch on 512 images, into a folder of the test's)", () => {
  const out = mkdtempSync(join(tmpdir(), "ae-weights-"));
  after(() => rmSync(out, { recursive: true, force: true }));
  before(() => trainWeights(["01-dense", "--epochs", "1", "--train-size", "512", "--out", out]));

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
      assert.ok(Math.abs((await valLoss.data())[0]! - record.val_loss) < 1e-4, "the same val_loss");
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
      assert.ok(Math.abs(bce - record.val_loss) < 1e-4, `BCE ${bce}, recorded val_loss ${record.val_loss}`);
    } finally {
      model.dispose();
      tf.dispose([xTrain, xTest]);
    }
    await assert.rejects(loadSavedModel("conv", out), { name: "SavedWeightsError" });
  });

  test("missing weights and weights of another model are refused with what to do", async () => {
    assert.throws(() => savedWeightsRecord("conv", out), {
      name: "SavedWeightsError",
      message: new RegExp(`no saved weights "conv" in ${out} \\(found: dense\\)\\. Run \`npm run weights\``),
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
          message: /里没有保存的权重 "conv"\(现有:dense\)/,
        }),
      );
    } finally {
      deep.dispose();
    }
  });
});

describe("the committed weights (weights/, made by npm run weights)", () => {
  const NAMES = ["dense", "deep", "conv", "denoise-0.5", "denoise-3.0", "latent-2d"] as const;
  const LESSON_MODEL = {
    dense: "dense",
    deep: "deep",
    conv: "conv",
    "denoise-0.5": "denoise",
    "denoise-3.0": "denoise",
  } as const;
  /** The model the notebook builds: 05-pca's map autoencoder comes with an encoder and a decoder. */
  const notebookModel = (name: (typeof NAMES)[number]) => {
    if (name !== "latent-2d")
      return { model: lessonModel(LESSON_MODEL[name], { tf, console: { log: () => {} } }) };
    const { mapModels } = lessonFunctions("05-pca", ["mapModels"], { tf });
    const built = mapModels() as { autoEncoder: tf.LayersModel; decoder: tf.LayersModel };
    return { model: built.autoEncoder, decoder: built.decoder };
  };

  test("one per lesson model, trained by the lessons for the course's 50 epochs on all 60,000 images", () => {
    for (const name of NAMES) {
      const record = savedWeightsRecord(name);
      assert.deepEqual([record.epochs, record.trainSize], [50, 60000], name);
      assert.match(record.trained, /^\d{4}-\d{2}-\d{2}$/);
    }
  });

  test("each, loaded into the model its notebook builds, reaches the recorded val_loss on the test set", async () => {
    const flat = loadMnist({ trainSize: 1 });
    const image = loadMnist({ layout: "image", trainSize: 1 });
    try {
      for (const name of NAMES) {
        const { model, decoder } = notebookModel(name);
        try {
          await loadSavedWeights(model, name);
          const xTest = name === "conv" || name.startsWith("denoise") ? image.xTest : flat.xTest;
          // 04-denoise validates on the test images with the noise its cell adds: σ and seed 101 + i.
          const stddev = name === "denoise-0.5" ? 0.5 : name === "denoise-3.0" ? 3.0 : 0;
          const inputs =
            stddev > 0 ? addGaussianNoise(xTest, { stddev, seed: 101 + (stddev === 0.5 ? 0 : 1) }) : xTest;
          const valLoss = model.evaluate(inputs, xTest, { batchSize: 256 }) as tf.Scalar;
          const found = (await valLoss.data())[0] ?? Number.NaN;
          tf.dispose([valLoss, ...(inputs === xTest ? [] : [inputs])]);
          const recorded = savedWeightsRecord(name).val_loss;
          assert.ok(Math.abs(found - recorded) < 1e-4, `${name}: val_loss ${found}, recorded ${recorded}`);
        } finally {
          model.dispose();
          decoder?.dispose();
        }
      }
    } finally {
      tf.dispose([flat.xTrain, flat.xTest, image.xTrain, image.xTest]);
    }
  });
});

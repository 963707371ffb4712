// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// The lessons' models, built by the notebooks' own functions, train on the engine's graph path: a lesson that
// left it would train several times slower without a word in its prose (the engine's own tests use their own models).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import "ae-shared";
import { graphTrainingPlan } from "ae-engine";
import { lessonFunctions, lessonModel } from "../scripts/lessonModels.js";

const data = tf.zeros([4, 784]);

test("the lessons' models, built by the notebooks' own functions, train on the graph path", () => {
  const quiet = { tf, console: { log: () => {} } };
  // 06's map shares its layers with an encoder and a decoder model: its own chain is followed, not theirs.
  const { mapModels } = lessonFunctions("06-latent", ["mapModels"], quiet);
  const map = (
    mapModels as () => { autoEncoder: tf.LayersModel; encoder: tf.LayersModel; decoder: tf.LayersModel }
  )();
  const { plainModel } = lessonFunctions("07-sparse", ["plainModel"], quiet);
  const plain = (plainModel as () => tf.LayersModel)();
  for (const [name, model] of [
    ["06's map", map.autoEncoder],
    ["07's plain model", plain],
  ] as const) {
    const plan = graphTrainingPlan(model, data, data);
    assert.ok("steps" in plan, `${name}: ${JSON.stringify(plan)}`);
  }
  for (const model of [map.autoEncoder, plain]) model.dispose(); // the encoder and decoder share its layers
  for (const key of ["dense", "deep", "conv", "denoise"] as const) {
    const model = lessonModel(key, quiet);
    const x = key === "conv" || key === "denoise" ? tf.zeros([1, 28, 28, 1]) : data;
    try {
      const plan = graphTrainingPlan(model, x, x, { epochs: 1, batchSize: 256 });
      assert.ok("steps" in plan, `${key}: ${JSON.stringify(plan)}`);
    } finally {
      model.dispose();
      if (x !== data) x.dispose();
    }
  }
});

// Test support: the program test/nativeThreads.test.ts runs under gdb. Each lesson model the engine's graph path
// trains (built by its notebook's own function) trains a short epoch, its weights are read, and it trains again:
// every hand-over between tfjs and the graph's session (load, train, read back, load again) happens. Then 01's
// model trains on the engine's eager path (the path of the models the graph does not train, 07's sparse one).
import * as tf from "@tensorflow/tfjs-node";
import { loadMnist } from "ae-shared";
import { FAST_TRAINING_LEVERS, graphTrainingPlan, setFastTraining } from "ae-engine";
import { LESSON_MODELS, lessonModelBuilder, type LessonModelKey } from "../../scripts/lessonModels.js";

const TRAIN_SIZE = 512;

async function trainTwice(key: LessonModelKey, path: "graph" | "eager"): Promise<void> {
  const { layout } = LESSON_MODELS[key];
  const model = lessonModelBuilder(key, { tf, console: { log() {} } })();
  const { xTrain, xTest } = loadMnist({ layout, trainSize: TRAIN_SIZE });
  // 09's VAE: the KL is its second output's loss, against zeros; it validates nothing.
  const vae = key === "vae";
  const klTargets = vae ? tf.zeros([TRAIN_SIZE, model.outputs[1]?.shape[1] ?? 0]) : undefined;
  const y = klTargets ? [xTrain, klTargets] : xTrain;
  const plan = graphTrainingPlan(model, xTrain, y);
  if (path === "graph" && "en" in plan) throw new Error(`${key}: expected the graph path, found: ${plan.en}`);
  const args: tf.ModelFitArgs = {
    epochs: 1,
    batchSize: 128,
    shuffle: true,
    verbose: 0,
    ...(vae ? {} : { validationData: [xTest, xTest] }),
  };
  const first = await model.fit(xTrain, y, args);
  model.getWeights(); // a read: the weights come back from the session (tfjs keeps the returned values)
  const second = await model.fit(xTrain, y, args);
  console.log(`${key} (${path} path): loss ${first.history.loss?.[0]} then ${second.history.loss?.[0]}`);
  model.dispose();
  tf.dispose([xTrain, xTest, ...(klTargets ? [klTargets] : [])]);
}

for (const key of ["dense", "deep", "conv", "vae"] as const) await trainTwice(key, "graph");
setFastTraining(FAST_TRAINING_LEVERS.filter((lever) => lever !== "graph"));
await trainTwice("dense", "eager");
console.log(`tensors left: ${tf.memory().numTensors}`);

// @ts-check
// Check 2 of `npm run doctor`: a short training of 01-dense's 784-32-784 model and of 03-conv's model (built by the
// notebooks' own functions, lessonModels.js), on backend "tensorflow", with finite losses that fall. It proves that
// both trained on the graph path (graphFit.ts): that path runs each step in a TensorFlow session it opens for the
// fit, so tfjs-node's count of open sessions (tf.node.getNumOfSavedModels) is 1 at every epoch's end and 0 after.
// Run as a program, it is the child process the check runs in (report.js's runChild).
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { lessonModel } from "../lessonModels.js";
import { ROOT } from "../project.js";
import { CheckFailure, SETUP_FIX, childMain, factOf, runChild, say } from "./report.js";

const EPOCHS = 3;
const TRAIN_SIZE = 2048;
const BATCH_SIZE = 256;
/** The models trained: the lesson model's key (lessonModels.js), its data layout, and its name in the line. */
const MODELS = /** @type {const} */ ([
  { key: "dense", layout: "flat", name: "784-32-784" },
  { key: "conv", layout: "image", name: say("卷积", "conv") },
]);

/** The fix when training itself went wrong: the tests say where. */
const testFix = () =>
  say(
    "运行 `npm test`（它检查训练的每一条路径），把失败的那几行交给维护课程包的人",
    "run `npm test` (it checks every training path) and send the failing lines to the pack's maintainer",
  );

/**
 * The check, as the doctor runs it: this module in a child process. The seconds an epoch took per model (after
 * the first, which builds the graph) go to `context.speed`, from which the doctor estimates the lessons' times.
 * @param {{env: NodeJS.ProcessEnv, speed?: Record<string, number>}} context
 */
export async function checkTraining(context) {
  const result = await runChild(fileURLToPath(import.meta.url), context.env, 180_000);
  const fact = factOf(result);
  if (result.speed) context.speed = result.speed;
  return fact;
}

/** @param {number} value */
const four = (value) => value.toFixed(4);

/** The child: trains each model and says what it saw. */
async function train() {
  const require = createRequire(join(ROOT, "package.json"));
  // ae-shared first, as the lessons import it: it picks TensorFlow's kernels before TensorFlow loads.
  /** @type {typeof import("ae-shared")} */
  const shared = require("ae-shared");
  /** @type {typeof import("@tensorflow/tfjs-node")} */
  const tf = require("@tensorflow/tfjs-node");
  /** @type {typeof import("ae-engine")} */
  const engine = require("ae-engine");
  /** @type {string[]} */
  const warnings = [];
  process.on("warning", (warning) => warnings.push(warning.message));
  const backend = tf.getBackend();
  if (backend !== "tensorflow") {
    throw new CheckFailure(
      say(`后端是 ${backend}，不是 tensorflow`, `the backend is ${backend}, not tensorflow`),
      SETUP_FIX(),
    );
  }
  if (!engine.fastTrainingLevers().includes("graph")) {
    throw new CheckFailure(
      say(
        `AE_FAST_TRAINING=${process.env.AE_FAST_TRAINING} 关掉了图训练路径`,
        `AE_FAST_TRAINING=${process.env.AE_FAST_TRAINING} turns the graph training path off`,
      ),
      say(
        "去掉这个变量（unset AE_FAST_TRAINING），再运行 `npm run doctor`",
        "unset AE_FAST_TRAINING and run again",
      ),
    );
  }
  /** @type {string[]} */
  const seen = [];
  /** @type {Record<string, number>} seconds per epoch of TRAIN_SIZE images, by model key */
  const speed = {};
  for (const { key, layout, name } of MODELS) {
    const model = lessonModel(key, { tf, console: { log: () => {} } });
    const data = shared.loadMnist({ layout, trainSize: TRAIN_SIZE, testSize: BATCH_SIZE });
    /** @type {number[]} */
    const sessions = [];
    /** @type {number[]} when each epoch ended */
    const ends = [performance.now()];
    try {
      const history = await model.fit(data.xTrain, data.xTrain, {
        epochs: EPOCHS,
        batchSize: BATCH_SIZE,
        shuffle: true,
        validationData: [data.xTest, data.xTest],
        verbose: 0,
        callbacks: {
          onEpochEnd: async () => {
            ends.push(performance.now());
            sessions.push(tf.node.getNumOfSavedModels());
          },
        },
      });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      const after = tf.node.getNumOfSavedModels();
      const loss = /** @type {number[]} */ (history.history.loss);
      const valLoss = /** @type {number[]} */ (history.history.val_loss);
      const first = loss[0] ?? Number.NaN;
      const last = loss[loss.length - 1] ?? Number.NaN;
      if (![...loss, ...valLoss].every(Number.isFinite) || loss.length !== EPOCHS) {
        throw new CheckFailure(
          say(
            `${name} 的 loss 不是有限数：${loss.join("，")}`,
            `${name}'s losses are not finite: ${loss.join(", ")}`,
          ),
          testFix(),
        );
      }
      if (!(last < first) || !(last < Math.LN2)) {
        throw new CheckFailure(
          say(
            `${name} 的 loss 没有下降：${loss.map(four).join(" → ")}`,
            `${name}'s loss did not fall: ${loss.map(four).join(" → ")}`,
          ),
          testFix(),
        );
      }
      if (!(sessions.length === EPOCHS && sessions.every((n) => n === 1) && after === 0)) {
        const why =
          warnings.length > 0
            ? say(`；警告：${warnings.join("；")}`, `; warnings: ${warnings.join("; ")}`)
            : "";
        throw new CheckFailure(
          say(
            `${name} 没有走图训练路径（每个 epoch 结束时打开的 TensorFlow 会话数：${sessions.join("、")}，训练后 ${after}）${why}`,
            `${name} did not train on the graph path (TensorFlow sessions open at each epoch's end: ${sessions.join(", ")}, after the fit ${after})${why}`,
          ),
          say(
            "运行 `npm run setup`（它按 package.json 的版本重装），再运行 `npm run doctor`",
            "run `npm run setup`, then `npm run doctor` again",
          ),
        );
      }
      seen.push(`${name} loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
      // The epochs after the first (which builds the graph), with their validation: the lessons' steady pace.
      const [second, end] = [ends[1] ?? 0, ends[EPOCHS] ?? 0];
      const steady = (end - second) / (EPOCHS - 1);
      speed[key] = Math.round(steady) / 1000;
    } finally {
      model.dispose();
      tf.dispose([data.xTrain, data.xTest]);
    }
  }
  return {
    speed,
    fact: say(
      `${seen.join("，")}（${EPOCHS} 个 epoch，${TRAIN_SIZE} 张）；fit 时开着 1 个 TensorFlow 图会话，后端 ${backend}`,
      `${seen.join(", ")} (${EPOCHS} epochs, ${TRAIN_SIZE} images); 1 TensorFlow graph session open during fit, backend ${backend}`,
    ),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) childMain(train);

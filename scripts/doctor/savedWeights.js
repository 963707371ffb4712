// @ts-check
// Check 5 of `npm run doctor`: every saved model weights.json lists (weights/, or AE_WEIGHTS_DIR) loads into the
// model its lesson's notebook builds (the notebook's own function, lessonModels.js), as `AE_WEIGHTS=1` loads it,
// through the library's loadSavedWeights (its files checked first), and reconstructs test digits with finite
// values between 0 and 1. Run as a program, it is the child process the check runs in (report.js's runChild).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { lessonFunctions } from "../lessonModels.js";
import { ROOT } from "../project.js";
import { CheckFailure, childMain, factOf, runChild, say } from "./report.js";

/**
 * Each saved model: the notebook and function that build it, the model to pick from what the function returns
 * (05's and 06's return several models sharing layers), and its input layout.
 * @type {Record<string, {lesson: string, fn: string, pick?: string, layout: "flat" | "image"}>}
 */
export const SAVED_MODEL_BUILDERS = {
  dense: { lesson: "01-dense", fn: "autoEncoderModel", layout: "flat" },
  deep: { lesson: "02-deep", fn: "deepModel", layout: "flat" },
  conv: { lesson: "03-conv", fn: "convAutoEncoder", layout: "image" },
  "denoise-0.5": { lesson: "04-denoise", fn: "convAutoEncoder", layout: "image" },
  "denoise-3.0": { lesson: "04-denoise", fn: "convAutoEncoder", layout: "image" },
  "latent-2d": { lesson: "06-latent", fn: "mapModels", pick: "autoEncoder", layout: "flat" },
  sparse: { lesson: "07-sparse", fn: "sparseModels", pick: "autoEncoder", layout: "flat" },
};

const restoreFix = () =>
  say(
    "在课程包的文件夹里运行 `git checkout -- weights`（取回提交的权重），再运行 `npm run doctor`",
    "run `git checkout -- weights` in the lesson pack's folder (the committed weights), then `npm run doctor`",
  );

/**
 * The check, as the doctor runs it: this module in a child process.
 * @param {{env: NodeJS.ProcessEnv}} context
 */
export async function checkSavedWeights(context) {
  return factOf(await runChild(fileURLToPath(import.meta.url), context.env, 120_000));
}

/** The child: loads each saved model into its notebook's model. */
async function load() {
  const require = createRequire(join(ROOT, "package.json"));
  /** @type {typeof import("ae-shared")} */
  const shared = require("ae-shared");
  /** @type {typeof import("@tensorflow/tfjs-node")} */
  const tf = require("@tensorflow/tfjs-node");
  const dir = shared.savedWeightsDir();
  const listFile = join(dir, "weights.json");
  /** @type {string[]} */
  let listed;
  try {
    listed = Object.keys(JSON.parse(readFileSync(listFile, "utf8")).models ?? {});
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new CheckFailure(
      say(
        `读不了 ${shared.printablePath(listFile)}（${why}）`,
        `cannot read ${shared.printablePath(listFile)} (${why})`,
      ),
      restoreFix(),
    );
  }
  const unknown = listed.filter((name) => !Object.hasOwn(SAVED_MODEL_BUILDERS, name));
  if (unknown.length > 0) {
    throw new CheckFailure(
      say(
        `weights.json 列出的 ${unknown.join("、")} 不知道由哪一课的哪个函数建模`,
        `weights.json lists ${unknown.join(", ")}, whose lesson model the doctor does not know`,
      ),
      say(
        "维护者：把它加进 scripts/doctor/savedWeights.js 的 SAVED_MODEL_BUILDERS",
        "maintainers: add it to SAVED_MODEL_BUILDERS in scripts/doctor/savedWeights.js",
      ),
    );
  }
  const names = [...new Set([...Object.keys(SAVED_MODEL_BUILDERS), ...listed])];
  const quiet = { log: () => {} };
  const data = {
    flat: shared.loadMnist({ trainSize: 1, testSize: 16 }).xTest,
    image: shared.loadMnist({ layout: "image", trainSize: 1, testSize: 16 }).xTest,
  };
  for (const name of names) {
    const { lesson, fn, pick, layout } = /** @type {(typeof SAVED_MODEL_BUILDERS)[string]} */ (
      SAVED_MODEL_BUILDERS[name]
    );
    const built = lessonFunctions(lesson, [fn], { tf, console: quiet })[fn]?.();
    const model = /** @type {import("@tensorflow/tfjs-node").LayersModel} */ (
      pick ? /** @type {Record<string, unknown>} */ (built)[pick] : built
    );
    // loadSavedWeights says what it loaded on the console: a line per model, not the doctor's.
    const log = console.log;
    console.log = () => {};
    try {
      await shared.loadSavedWeights(model, name, dir);
    } catch (error) {
      if (!(error instanceof shared.SavedWeightsError)) throw error;
      // The library's message ends with its own fix ("恢复办法：…"): the fix goes on the line of its own.
      const [problem = "", fix] = error.message.split(/(?<=。)恢复办法：|(?<=\.) To get it back, /);
      throw new CheckFailure(problem, fix ?? restoreFix());
    } finally {
      console.log = log;
    }
    const output = /** @type {import("@tensorflow/tfjs-node").Tensor} */ (model.predict(data[layout]));
    const values = await output.data();
    output.dispose();
    if (!values.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)) {
      throw new CheckFailure(
        say(
          `“${name}”载入后重建出的值不在 0 到 1 之间`,
          `"${name}" loaded, but reconstructs values outside 0 to 1`,
        ),
        restoreFix(),
      );
    }
  }
  const where = dir === shared.SAVED_WEIGHTS_DIR ? "weights/" : shared.printablePath(dir);
  return {
    fact: say(
      `${where} 的 ${names.length} 个模型都载入了课里的模型（${names.join("、")}）`,
      `the ${names.length} models of ${where} loaded into their lessons' models (${names.join(", ")})`,
    ),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) childMain(load);

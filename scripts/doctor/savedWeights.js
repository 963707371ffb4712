// @ts-check
// Check 5 of `npm run doctor`: every saved model weights.json lists (weights/, or AE_WEIGHTS_DIR) loads into the
// model its lesson's notebook builds (the notebook's own function, lessonModels.js), as `AE_WEIGHTS=1` loads it,
// through the library's loadSavedWeights (its files checked first), and reconstructs test digits with finite
// values between 0 and 1. Run as a program, it is the child process the check runs in (report.js's runChild).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { savedModelShape } from "../lessonModels.js";
import { savedModels } from "../lessons.js";
import { ROOT } from "../project.js";
import { CheckFailure, childMain, factOf, runChild, say } from "./report.js";

/** Each saved model by name, with its lesson and how its notebook builds it (its lesson's entry, scripts/lessons/). */
const SAVED = new Map(savedModels().map((saved) => [saved.name, saved]));

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
  const unknown = listed.filter((name) => !SAVED.has(name));
  if (unknown.length > 0) {
    throw new CheckFailure(
      say(
        `weights.json 列出的 ${unknown.join("、")} 不知道由哪一课的哪个函数建模`,
        `weights.json lists ${unknown.join(", ")}, whose lesson model the doctor does not know`,
      ),
      say(
        "维护者：把它加进训练它的那一课在 scripts/lessons/ 里的条目（`saved`）",
        "maintainers: add it to the entry of the lesson that trains it in scripts/lessons/ (`saved`)",
      ),
    );
  }
  const names = [...new Set([...SAVED.keys(), ...listed])];
  const quiet = { log: () => {} };
  const data = {
    flat: shared.loadMnist({ trainSize: 1, testSize: 16 }).xTest,
    image: shared.loadMnist({ layout: "image", trainSize: 1, testSize: 16 }).xTest,
  };
  for (const name of names) {
    const saved = /** @type {import("../lessons.js").SavedModel & {lesson: string}} */ (SAVED.get(name));
    const { model } = savedModelShape(saved, { tf, console: quiet });
    const { layout } = saved.build;
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

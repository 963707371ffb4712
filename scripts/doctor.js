// @ts-check
// `npm run doctor`, after set-up: the teacher's readiness check. It proves what a class needs, one line per check
// with what it saw, a failing one with what to do, then the total time; exit code 0 only when all pass.
//   1 a tslab kernel starts in JupyterLab (as `npm start` starts it) and runs on native TensorFlow
//   2 a short dense and conv training on the graph training path, losses finite and falling
//   3 JupyterLab's page in headless Chromium runs a notebook: the live loss chart and a digit grid appear
//   4 that notebook exported as `npm run export` does, opened offline: chart and grid are there
//   5 every saved model of weights/ loads into the model its lesson builds
// Chinese, as teachers read first; `--en` in English. `--only 1,5` runs some checks (JupyterLab and Chromium
// start only for the checks that need them). What it writes goes to dist/doctor/ (ignored by git).
import { recordCheckTime } from "./checkTimes.js";
import { UNITS, duration } from "./durations.js";
import { STEPS } from "./setup/runner.js";

const args = process.argv.slice(2);
const onlyArg = args.find((arg) => arg.startsWith("--only"));
const only = onlyArg
  ? (onlyArg.includes("=") ? onlyArg.split("=")[1] : args[args.indexOf(onlyArg) + 1])?.split(",").map(Number)
  : undefined;

/** Set-up first: without it no check can run, and the fix is one command. */
const pending = STEPS.filter((step) => !step.done());
if (pending.length > 0) {
  process.stdout.write(
    `✗ 设置还没有完成（${pending.map((step) => step.name).join("；")}）\n` +
      "    怎么办：运行 `npm run setup`，再运行 `npm run doctor`（`npm run doctor` 本身会先运行设置）\n" +
      `✗ set-up is not finished (${pending.map((step) => step.name).join("; ")})\n` +
      "    Fix: run `npm run setup`, then `npm run doctor` (which runs set-up first itself)\n",
  );
  process.exit(1);
}

// After the set-up check: these load the library (ae-shared/plain), which set-up builds.
const { CheckFailure, SETUP_FIX, checkLine, plain, say } = await import("./doctor/report.js");
const { checkKernel, shutDownKernels, startLab } = await import("./doctor/lab.js");
const { checkTraining } = await import("./doctor/training.js");
const { checkLabPage } = await import("./doctor/labPage.js");
const { checkExportPage } = await import("./doctor/exportPage.js");
const { checkSavedWeights } = await import("./doctor/savedWeights.js");
const { estimateFromRecords } = await import("./doctor/lessonTimes.js");
const { PERIOD_MINUTES } = await import("./lessonPlan.js");
const { LESSONS } = await import("./lessons.js");
const { MissingChromiumError, launchChromium } = await import("./browser.js");

const CHECKS = [
  { name: say("JupyterLab 的 tslab 内核", "tslab kernel in JupyterLab"), run: checkKernel },
  { name: say("图路径训练", "graph-path training"), run: checkTraining },
  { name: say("JupyterLab 里的图表和数字", "chart and digits in JupyterLab"), run: checkLabPage },
  { name: say("导出页面离线打开", "exported page offline"), run: checkExportPage },
  { name: say("保存的权重", "saved weights"), run: checkSavedWeights },
];
const chosen = CHECKS.map((check, i) => ({ ...check, number: i + 1 })).filter(
  (check) => !only || only.includes(check.number),
);
if (chosen.length === 0) {
  process.stderr.write(`--only: expected check numbers from 1 to ${CHECKS.length}, such as --only 1,5\n`);
  process.exit(2);
}

/**
 * What the checks share, started on first use and stopped at the end: JupyterLab and Chromium.
 * @template T
 * @param {() => Promise<T>} start
 */
function once(start) {
  /** @type {Promise<T> | undefined} */
  let started;
  return { get: () => (started ??= start()), started: () => started };
}
const lab = once(() => startLab(process.env));
const browser = once(async () => {
  try {
    return await launchChromium();
  } catch (error) {
    if (!(error instanceof MissingChromiumError)) throw error;
    throw new CheckFailure(
      say(
        `找不到 Chromium：${error.path}（${error.source}）`,
        `no Chromium at ${error.path} (${error.source})`,
      ),
      error.source === "CHROMIUM_PATH"
        ? say(
            "把 CHROMIUM_PATH 改成一个 Chromium 的路径，或者去掉它（unset CHROMIUM_PATH）再运行 `npm run setup`",
            "set CHROMIUM_PATH to a Chromium, or unset it and run `npm run setup`",
          )
        : say(
            "运行 `npm run setup`（电脑上没有 Chromium 时它会解压一个），或者把 CHROMIUM_PATH 设为一个 Chromium 的路径",
            "run `npm run setup` (it unpacks one where the machine has none), or set CHROMIUM_PATH to a Chromium",
          ),
    );
  }
});
/** @type {{env: NodeJS.ProcessEnv, lab: typeof lab.get, browser: typeof browser.get, speed?: Record<string, number>}} */
const context = { env: process.env, lab: lab.get, browser: browser.get };

/** Ends JupyterLab with its kernels, and Chromium, whatever happened. */
async function stopAll() {
  await Promise.allSettled([lab.started()?.then((l) => l.stop()), browser.started()?.then((b) => b.close())]);
}
process.on("SIGINT", () => {
  void stopAll().finally(() => process.exit(130));
});

const started = Date.now();
process.stdout.write(
  say(
    `npm run doctor：检查这台电脑能不能上课（${chosen.length} 项）\n`,
    `npm run doctor: is this machine ready for class (${chosen.length} checks)\n`,
  ),
);
let failed = 0;
for (const check of chosen) {
  const t0 = Date.now();
  const line = { number: check.number, of: CHECKS.length, name: check.name };
  try {
    const fact = await check.run(context);
    process.stdout.write(`${checkLine({ ...line, ms: Date.now() - t0, ok: true, fact })}\n`);
  } catch (error) {
    failed++;
    const problem = error instanceof Error ? error.message : String(error);
    const fix = error instanceof CheckFailure ? error.fix : SETUP_FIX();
    process.stdout.write(`${checkLine({ ...line, ms: Date.now() - t0, ok: false, problem, fix })}\n`);
  }
  // The page's kernel is done once its check is: free the machine for the next check.
  if (check.number === 3)
    await lab
      .started()
      ?.then(shutDownKernels)
      .catch(() => {});
}
await stopAll();
const seconds = (Date.now() - started) / 1000;
const time = duration(seconds, UNITS[plain.currentLanguage()]);
if (context.speed) process.stdout.write(lessonEstimates(context.speed));
// With AE_RECORD=1, a whole run that passed is recorded for README and the guide (scripts/checkTimes.js).
if (failed === 0 && only === undefined) recordCheckTime("npm run doctor", seconds, { speed: context.speed });
process.stdout.write(
  failed === 0
    ? say(
        `全部通过，用时 ${time}：这台电脑可以上课。\n`,
        `All passed in ${time}: this machine is ready for class.\n`,
      )
    : say(
        `${failed} 项没有通过，用时 ${time}：按上面“怎么办”一行做，再运行 \`npm run doctor\`。\n`,
        `${failed} failed, in ${time}: do what each "Fix" line says, then run \`npm run doctor\` again.\n`,
      ),
);
process.exit(failed === 0 ? 0 : 1);

/**
 * Each lesson's expected time here at the defaults, from check 2's speed and the records (lessonTimes.js), with
 * the lessons that would not fit a period beside their planned explaining (their entries' plans).
 * @param {Record<string, number>} speed
 */
function lessonEstimates(speed) {
  const estimates = estimateFromRecords(speed);
  if (estimates.length === 0) {
    return say(
      "各课的预计用时：还没有可以对照的记录（results/checks.json 里要有一次记下训练速度的 `npm run doctor`，" +
        "results/export.json 里要有维护者用 `npm run record` 记下的、同一个 CPU 上的 `npm run export`）\n",
      "The lessons' expected times: no record to compare with yet (results/checks.json needs a doctor run with " +
        "its speed, and results/export.json an export on that CPU, which a maintainer records with `npm run record`)\n",
    );
  }
  const units = UNITS[plain.currentLanguage()];
  const lines = estimates.map((e) => {
    const talk = Object.values(LESSONS[e.lesson]?.plan ?? {}).reduce((sum, m) => sum + m, 0);
    const over = talk + Math.ceil(e.seconds / 60) > PERIOD_MINUTES;
    const note = over
      ? say(
          `，加上计划的讲解 ${talk} 分钟超出 ${PERIOD_MINUTES} 分钟：用 AE_WEIGHTS=1 启动`,
          `; with the ${talk} minutes of explaining planned, more than ${PERIOD_MINUTES}: start with AE_WEIGHTS=1`,
        )
      : "";
    return `  ${e.lesson}${say("：约 ", ": about ")}${duration(e.seconds, units)}${note}`;
  });
  const references = [...new Set(estimates.map((e) => e.reference))].map((cpu) => `\`${cpu}\``).join("、");
  const ratios = [...new Map(estimates.map((e) => [e.kind, e.ratio])).entries()]
    .map(([kind, ratio]) => `${kind} ${ratio.toFixed(2)}`)
    .join(say("，", ", "));
  return (
    say(
      `各课在这台电脑上的预计用时（默认设置，执行整本笔记本；按 ${references} 上记录的用时，乘以这台电脑与它每个 epoch 的用时之比：${ratios}）：\n`,
      `The lessons' expected times here (defaults, the whole notebook; the times recorded on ${references}, times this machine's epoch time over that one's: ${ratios}):\n`,
    ) + `${lines.join("\n")}\n`
  );
}

// Test tier: line (CI runs it on every Node.js line: .ci/run).
// The lessons: committed clean and faithful to the course (01-04) or to what 05 sets out to show, and executed
// headless in a real tslab kernel. What each lesson's checks expect of it (its settings, what it shows) is its
// entry in the lesson registry (scripts/lessons/); what a lesson teaches is checked here, lesson by lesson.
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
  mkdirSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { printablePath } from "ae-shared/plain";
import { toHtml } from "../scripts/exportPages.js";
import {
  cellName,
  executeNotebook,
  joinText,
  type Cell,
  type Notebook,
  type Output,
} from "../scripts/notebook.js";
import { NOTEBOOKS, ROOT, lessonNames, shownPath } from "../scripts/project.js";
import { RECIPE, lessonEntry } from "../scripts/lessons.js";
import { openOffline, useChromium } from "./support/browser.js";
import { pngSize } from "./support/png.js";

/** The lessons, read from notebooks/ (project.js's lessonNames); each has its entry in scripts/lessons/. */
const LESSONS = lessonNames();
type Lesson = string;
/** Small runs: every cell, a real fit, in seconds. */
const SMALL = { AE_EPOCHS: "1", AE_TRAIN_SIZE: "2048" };
/** The note progressBar starts with when a model trains off the engine's graph path (once per reason). */
const OFF_GRAPH_NOTE = "这个模型不走图训练路径，训练会慢一些：";
/** A fit's progress output, after one epoch of 2048 images: the note, if any, then the epoch's final line. */
const PROGRESS = new RegExp(String.raw`^(${OFF_GRAPH_NOTE}[^\n]+\n)?Epoch 1/1\n8/8 \[=+\] - `);

/** A notebook of notebooks/: a lesson, or a teacher's answers to its exercises ("answers/01-dense"). */
type NotebookName = Lesson | `answers/${string}`;
/** The answer notebooks there are, one per lesson as they are written. */
const ANSWERS: NotebookName[] = existsSync(join(NOTEBOOKS, "answers"))
  ? readdirSync(join(NOTEBOOKS, "answers"))
      .filter((file) => file.endsWith(".ipynb"))
      .sort()
      .map((file) => `answers/${file.slice(0, -".ipynb".length)}` as const)
  : [];

const read = (lesson: NotebookName): Notebook =>
  JSON.parse(readFileSync(join(NOTEBOOKS, `${lesson}.ipynb`), "utf8")) as Notebook;
const codeOf = (notebook: Notebook) =>
  notebook.cells
    .filter((cell) => cell.cell_type === "code")
    .map((cell) => joinText(cell.source))
    .join("\n");
const textOf = (notebook: Notebook) => notebook.cells.map((cell) => joinText(cell.source)).join("\n");
const outputsOf = (cell: Cell): Output[] => cell.outputs ?? [];
const stdoutOf = (notebook: Notebook) =>
  notebook.cells
    .flatMap(outputsOf)
    .filter((output) => output.output_type === "stream" && output.name === "stdout")
    .map((output) => joinText(output.text))
    .join("");
const dataOf = (output: Output, mime: string) =>
  joinText(output.data?.[mime] as string | string[] | undefined);

describe("the committed notebooks", () => {
  for (const lesson of LESSONS) {
    test(`${lesson}: its first code cell sets the lesson up (step 1 of the checklist)`, () => {
      const notebook = read(lesson);
      const first = joinText(notebook.cells.find((cell) => cell.cell_type === "code")?.source);
      const step = (what: string) => `${lesson}: ${what} (step 1 of ${RECIPE})`;
      assert.match(
        first,
        /^import \{[^}]*\} from "ae-shared";$/m,
        step('its first code cell imports "ae-shared"'),
      );
      assert.ok(
        first.indexOf('"ae-shared"') < first.indexOf('"@tensorflow/tfjs-node"'),
        step("ae-shared is imported before @tensorflow/tfjs-node (oneDNN is chosen as TensorFlow loads)"),
      );
      assert.match(first, /^useLanguage\("zh"\);/m, step('its first code cell calls useLanguage("zh")'));
      const { epochs } = lessonEntry(lesson);
      assert.ok(
        first.includes(`lessonParams({ epochs: ${epochs} })`),
        step(
          `its first code cell reads its settings with lessonParams({ epochs: ${epochs} }), as its entry says`,
        ),
      );
      assert.ok(
        first.includes(
          "console.log(`epochs = ${epochs}，训练图片 ${trainSize} 张，后端 = ${tf.getBackend()}`);",
        ),
        step("its first code cell prints its settings"),
      );
      assert.match(codeOf(notebook), /\bkeep\("/, step("what a cell creates is wrapped in keep()"));
    });

    test(`${lesson}: no outputs, no execution counts, the tslab kernel, its entry's settings and code`, () => {
      const notebook = read(lesson);
      assert.equal(notebook.metadata.kernelspec?.name, "tslab");
      assert.equal(notebook.metadata.kernelspec?.display_name, "TypeScript");
      for (const cell of notebook.cells.filter((c) => c.cell_type === "code")) {
        assert.deepEqual(cell.outputs, [], "no outputs");
        assert.equal(cell.execution_count, null, "no execution count");
      }
      const text = textOf(notebook);
      for (const heading of ["学习目标", "流程", "总结", "练习"]) assert.match(text, new RegExp(heading));
      const code = codeOf(notebook);
      const { training, code: written } = lessonEntry(lesson);
      if (training) {
        const { optimizer, loss, batchSize } = training;
        // The optimizer by its name, or made with its settings (tf.train.sgd(learningRate)).
        assert.match(
          code,
          new RegExp(`optimizer: (?:"${optimizer}"|tf\\.train\\.${optimizer}\\()`),
          `${lesson} trains with ${optimizer}, as its entry says`,
        );
        // A loss by its name ("binaryCrossentropy"), or the notebook's own functions ("[reconstructionLoss, klLoss]").
        const lossSetting = loss.startsWith("[") ? `loss: ${loss}` : `loss: "${loss}"`;
        for (const setting of [lossSetting, `batchSize: ${batchSize}`])
          assert.ok(code.includes(setting), `${lesson} uses ${setting}, as its entry says`);
      }
      for (const setting of written) assert.ok(code.includes(setting), `${lesson} uses ${setting}`);
    });

    test(`${lesson}: saves its trained models for AE_WEIGHTS=1, under variables its code declares`, () => {
      const code = codeOf(read(lesson));
      for (const { model, history } of lessonEntry(lesson).saved) {
        for (const variable of [model, history].map((v) => v.replace(/\[\d+\]$/, ""))) {
          assert.match(
            code,
            new RegExp(`\\b(const|let)\\s[^=;]*\\b${variable}\\b`),
            `${lesson} declares ${variable}`,
          );
        }
      }
    });
  }

  test("every code line of the lessons and answers fits a projector: at most 100 characters", () => {
    const all = [...lessonNames(), ...ANSWERS];
    const long = all.flatMap((name) =>
      read(name).cells.flatMap((cell, index) =>
        cell.cell_type !== "code"
          ? []
          : joinText(cell.source)
              .split("\n")
              .filter((line) => line.length > 100)
              .map((line) => `${name} cell ${index}: ${line.length} characters: ${line.slice(0, 60)}…`),
      ),
    );
    assert.deepEqual(long, []);
  });

  /** Units of the dense layers in the order the code builds them. */
  const denseUnits = (code: string) =>
    [...code.matchAll(/tf\.layers\.dense\(\{ units: (\w+)/g)].map((m) => m[1]);

  test("every lesson that trains names Keras's default initializer, glorot_uniform, in each Dense and Conv2D", () => {
    for (const lesson of LESSONS.filter((name) => lessonEntry(name).training !== null)) {
      const code = codeOf(read(lesson));
      assert.match(code, /^const kernelInitializer = "glorotUniform";$/m, lesson);
      const layers = [...code.matchAll(/tf\.layers\.(?:dense|conv2d)\(\{[^}]*\}/g)].map((m) => m[0]);
      assert.ok(layers.length >= 2, `${lesson}: ${layers.length} layers`);
      // The options may be broken over lines (code lines at most 100 characters): kernelInitializer last.
      for (const layer of layers) assert.match(layer, /, kernelInitializer\s*\}$/, `${lesson}: ${layer}`);
    }
  });

  test("01: 784 -> Dense 32 relu -> Dense 784 sigmoid", () => {
    const code = codeOf(read("01-dense"));
    assert.match(code, /const encodingDim = 32;/);
    assert.match(code, /const decodingDim = 784;/);
    assert.match(code, /tf\.input\(\{ shape: \[784\] \}\)/);
    assert.deepEqual(denseUnits(code), ["encodingDim", "decodingDim"]);
    assert.match(code, /units: encodingDim, activation: "relu"/);
    assert.match(code, /units: decodingDim, activation: "sigmoid"/);
  });

  test("02: 128-64-32-64-128-784, next to the 784-32-784 model it is compared with", () => {
    const code = codeOf(read("02-deep"));
    assert.deepEqual(denseUnits(code), ["32", "784", "128", "64", "32", "64", "128", "784"]);
    assert.match(code, /compareLosses\(/);
  });

  test("02 and 03 end with a link to the next lesson", () => {
    assert.match(textOf(read("02-deep")), /\]\(03-conv\.ipynb\)[^\n]*$/);
    assert.match(textOf(read("03-conv")), /\]\(04-denoise\.ipynb\)[^\n]*$/);
  });

  test("05 links to 06, 06 to 07 and to 09 (the VAE its last part promises), 07 to 08, 08 to 09; 09, the last lesson, links back to 08 and to the teacher's guide", () => {
    assert.match(textOf(read("05-pca")), /\]\(06-latent\.ipynb\)/);
    assert.match(textOf(read("06-latent")), /\]\(07-sparse\.ipynb\)/);
    assert.match(textOf(read("06-latent")), /变分自编码器[^]*\]\(09-vae\.ipynb\)/);
    assert.match(textOf(read("07-sparse")).split("---\n").pop() ?? "", /\]\(08-anomaly\.ipynb\)/);
    assert.match(
      textOf(read("08-anomaly")).split("---\n").pop() ?? "",
      /下一课：\[09-vae\.ipynb\]\(09-vae\.ipynb\)/,
    );
    const last = textOf(read("09-vae")).split("---\n").pop() ?? "";
    assert.match(last, /最后一课.*\]\(08-anomaly\.ipynb\)/);
    assert.match(last, /\]\(\.\.\/docs\/teacher-guide\.zh\.md\)/);
  });

  test("09: 06's layers made variational (Keras's vae.py): two heads, Sampling, the KL as a second output's loss", () => {
    const code = codeOf(read("09-vae"));
    // 06's layers with the two heads: 784-128-64-(2, 2)-2-64-128-784, then 06's own mapModels beside it.
    assert.deepEqual(
      [
        ...code.matchAll(/tf\.layers\.dense\(\{\s*units: (\w+)(, activation: "(\w+)")?(, name: "(\w+)")?/g),
      ].map((m) => [m[1], m[3] ?? "linear", m[5]].filter(Boolean).join(" ")),
      [
        "128 relu",
        "64 relu",
        "latentDim linear z_mean",
        "latentDim linear z_log_var",
        "64 relu",
        "128 relu",
        "784 sigmoid reconstruction",
        "128 relu",
        "64 relu",
        "2 linear",
        "64 relu",
        "128 relu",
        "784 sigmoid",
      ],
    );
    assert.match(code, /^const latentDim = 2;/m);
    assert.match(code, /^const klWeight: number = 1;/m);
    // Sampling as vae.py's: z = mean + exp(logVar / 2) · ε, registered for saving and loading.
    assert.match(code, /const epsilon = tf\.randomNormal\(zMean!\.shape\);/);
    assert.match(code, /return zMean!\.add\(zLogVar!\.mul\(0\.5\)\.exp\(\)\.mul\(epsilon\)\);/);
    assert.match(code, /^tf\.serialization\.registerClass\(Sampling\);/m);
    // The losses: BCE summed over the pixels; the KL summed over the code's dimensions, weighted by klWeight.
    assert.match(code, /return tf\.metrics\.binaryCrossentropy\(x, xHat\)\.mul\(784\);/);
    assert.match(
      code,
      /tf\.sum\(tf\.add\(1, zLogVar!\)\.sub\(zMean!\.square\(\)\)\.sub\(zLogVar!\.exp\(\)\), -1\)\.mul\(-0\.5\)/,
    );
    assert.match(code, /outputs: \[reconstruction, meanLogVar\]/);
    assert.match(code, /tf\.layers\.concatenate\(\{ name: "kl" \}\)/);
    // Trained as vae.py trains it: no validation data; the saved-weights names scripts/weights.js saves.
    assert.doesNotMatch(code, /validationData/);
    assert.match(
      code,
      /^const vaeHistory = savedVae \?\? await vae\.fit\(xTrain, \[xTrain, klTargets\], \{/m,
    );
    assert.match(code, /tryLoadSavedWeights\(vaeAutoEncoder, "vae"\)/);
    assert.match(code, /tf\.randomNormal\(\[draws, 2\]\)/);
  });

  test("07: the plain 784-32-784 model, and the sparse one with an L1 penalty on its code as a second loss", () => {
    const code = codeOf(read("07-sparse"));
    assert.match(code, /^const lambda = 1e-3;/m);
    assert.match(code, /\["binaryCrossentropy", l1Penalty\]/);
    assert.match(code, /return tf\.mul\(lambda, tf\.sum\(tf\.abs\(code\), -1\)\);/);
    // The names scripts/weights.js saves: the single-output model and the History of the two-output fit.
    assert.match(code, /autoEncoder: sparseAutoEncoder\b/);
    assert.match(code, /^const sparseHistory = savedSparse \?\? await sparseTrainer\.fit\(/m);
    assert.match(code, /tryLoadSavedWeights\(plain, "dense"\)/);
    assert.match(code, /tryLoadSavedWeights\(sparseAutoEncoder, "sparse"\)/);
  });

  test("03 and 04: the course's Conv2D / MaxPooling2D / UpSampling2D stack", () => {
    for (const lesson of ["03-conv", "04-denoise"] as const) {
      const code = codeOf(read(lesson));
      const layers = [...code.matchAll(/tf\.layers\.(conv2d|maxPooling2d|upSampling2d)\(\{([^}]*)\}/g)].map(
        (m) => `${m[1]}(${(m[2] ?? "").replace(/\s+/g, " ").trim()})`,
      );
      const conv = (filters: number, activation: string) =>
        `conv2d(filters: ${filters}, kernelSize: [3, 3], activation: "${activation}", padding: "same", kernelInitializer)`;
      const pool = 'maxPooling2d(poolSize: [2, 2], padding: "same")';
      const up = "upSampling2d(size: [2, 2])";
      assert.deepEqual(layers, [
        conv(32, "relu"),
        pool,
        conv(32, "relu"),
        pool,
        conv(32, "relu"),
        up,
        conv(32, "relu"),
        up,
        conv(1, "sigmoid"),
      ]);
      assert.match(code, /tf\.input\(\{ shape: \[28, 28, 1\] \}\)/);
    }
  });

  test("04: Gaussian noise clipped to [0, 1], 0.5 by default, the course's 3.0 for comparison", () => {
    const code = codeOf(read("04-denoise"));
    assert.match(code, /const noiseLevels = \[0\.5, 3\.0\]/);
    assert.match(code, /addGaussianNoise\(xTrain, \{ stddev: stddev, seed: /);
    assert.match(code, /model\.fit\(data\.xTrainNoisy, xTrain,/, "noisy inputs, clean targets");
    assert.match(code, /validationData: \[data\.xTestNoisy, xTest\]/);
  });
});

/**
 * The lesson, then a second pass over all its code cells between two tensor counts: a re-run of any cell
 * (data, model, training, display) must leave the count where it was.
 */
function withRerun(notebook: Notebook): Notebook {
  const code = (source: string): Cell => ({
    cell_type: "code",
    source,
    outputs: [],
    execution_count: null,
    metadata: {},
  });
  const cells = notebook.cells.filter((cell) => cell.cell_type === "code");
  return {
    ...notebook,
    cells: [
      ...notebook.cells,
      code(
        'import * as tfCount from "@tensorflow/tfjs-node";\nconst tensorsBefore = tfCount.memory().numTensors;',
      ),
      ...cells.map((cell) => ({ ...cell, outputs: [], metadata: { tags: ["rerun"] } })),
      code("console.log(`tensor count: ${tensorsBefore} -> ${tfCount.memory().numTensors}`);"),
    ],
  };
}

const LESSON_OUTPUT = join(ROOT, "test", ".output", "lessons");

/**
 * On the other Node.js lines CI runs (scripts/tests.js --line) each notebook runs once: the second pass that
 * counts tensors, the damaged weights and 05's WebGL page check what no Node.js version changes, and the whole
 * suite runs them. CI's time on 2 cores stays within its budget so.
 */
const LINE_TIER = process.env.AE_TEST_TIER === "line";
const WHOLE_SUITE_ONLY =
  LINE_TIER && "the whole suite runs it (npm test); nothing here depends on the Node.js line";

/**
 * Executes a lesson headless at SMALL settings (and `env`), then re-runs its code cells (withRerun), into
 * test/.output/lessons/<name>.executed.ipynb. Checks that every code cell of the first pass ran (each shows
 * something; a silently aborted cell shows nothing) with the settings; returns that pass's outputs. `append`:
 * code run after the lesson's last cell, in the first pass (an exercise's check, called as a student would);
 * `rerun: false` runs the lesson once.
 */
async function executeSmall(
  lesson: NotebookName,
  env: NodeJS.ProcessEnv = {},
  name: string = lesson.replace("/", "-"),
  { append = [], rerun = true }: { append?: string[]; rerun?: boolean } = {},
) {
  mkdirSync(LESSON_OUTPUT, { recursive: true });
  const input = join(LESSON_OUTPUT, `${name}.rerun.ipynb`);
  const original = read(lesson);
  const appended = append.map((source): Cell => ({
    cell_type: "code",
    source,
    outputs: [],
    execution_count: null,
    metadata: {},
  }));
  const lessonNotebook = { ...original, cells: [...original.cells, ...appended] };
  const once = LINE_TIER || !rerun;
  writeFileSync(input, JSON.stringify(once ? lessonNotebook : withRerun(lessonNotebook), null, 1));
  const settings = { ...SMALL, ...env };
  const file = join(LESSON_OUTPUT, `${name}.executed.ipynb`);
  const executed = await executeNotebook(input, file, { env: settings }).catch((error: unknown) => {
    const last = original.cells.filter(
      (cell) => cell.cell_type === "code" && joinText(cell.source).trim(),
    ).length;
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n(${lesson}'s own cells are [1] to [${last}] ` +
        "as JupyterLab numbers them; cells numbered past them are this test's: its checks, or its second pass)",
    );
  });
  executedFiles.set(executed, file);
  const firstPass = executed.cells.slice(0, lessonNotebook.cells.length);
  for (const [index, cell] of firstPass.entries()) {
    if (cell.cell_type !== "code") continue;
    assert.ok(
      outputsOf(cell).length > 0,
      `${lesson}: ${cellName(executed, index)} shows no output, as a cell cut short shows none; ` +
        `open ${shownPath(file)}`,
    );
  }
  const text = stdoutOf({ ...executed, cells: firstPass });
  const { AE_EPOCHS: epochs, AE_TRAIN_SIZE: images } = settings;
  const line = `epochs = ${epochs}，训练图片 ${images} 张，后端 = tensorflow`;
  assert.ok(text.includes(line), `${lesson} did not print "${line}": open ${shownPath(file)}`);
  return { executed, outputs: firstPass.flatMap(outputsOf), text };
}

/** Where executeSmall wrote each executed notebook, for the messages of the checks made on it later. */
const executedFiles = new WeakMap<Notebook, string>();

/** The second pass over every code cell left the tensor count where it was (the whole suite's run has one). */
function assertTensorCountKept(executed: Notebook): void {
  if (LINE_TIER) return;
  const file = shownPath(executedFiles.get(executed) ?? "(not written by executeSmall)");
  const counts = /tensor count: (\d+) -> (\d+)/.exec(stdoutOf(executed));
  assert.ok(counts, `the tensor count was printed at the end: open ${file}`);
  assert.equal(counts[2], counts[1], `tensor count after re-running every cell: ${counts[0]}; open ${file}`);
}

/** The batch losses the live chart drew, from its final state in the saved notebook. */
function chartBatchLosses(output: Output): number[] {
  const html = dataOf(output, "text/html");
  const traces = /newPlot\(el, (\[.*?\]), \{"title"/.exec(html)?.[1];
  assert.ok(traces, "the chart's traces");
  const parsed = JSON.parse(traces.replace(/\\u003c/g, "<")) as { name: string; y: number[] }[];
  // The first series' batches: "loss", or the first of several (09's reconstruction_loss).
  return parsed.find((trace) => trace.name.includes("loss（每一批"))?.y ?? [];
}

/**
 * Each lesson executed once at SMALL settings with its second pass (executeSmall), for the checks every lesson
 * gets and for its own below.
 */
const lessonRuns = new Map<Lesson, ReturnType<typeof executeSmall>>();
function executedLesson(lesson: Lesson): ReturnType<typeof executeSmall> {
  const run = lessonRuns.get(lesson) ?? executeSmall(lesson);
  lessonRuns.set(lesson, run);
  return run;
}

describe("the lessons, executed headless with AE_EPOCHS=1 AE_TRAIN_SIZE=2048", () => {
  for (const lesson of LESSONS) {
    test(lesson, async () => {
      // What it shows, as its entry says (scripts/lessons/): its live charts, other charts, grids.
      const { shows, training, severalOutputs, offGraphPath } = lessonEntry(lesson);
      const { executed, outputs, text } = await executedLesson(lesson);

      // Live loss charts, drawn once per kernel with plotly sent once, and a loss that fell while training.
      const charts = outputs.filter((o) => dataOf(o, "text/html").includes('class="ae-chart"'));
      // The lessons speak Chinese (useLanguage("zh")): legends, progress lines and notes included.
      const live = charts.filter((o) => dataOf(o, "text/html").includes("loss（每一批）"));
      assert.equal(live.length, shows.fits, "a live chart per fit");
      // A display may hold several charts side by side (06's two maps).
      const chartsIn = (o: Output) => dataOf(o, "text/html").split('class="ae-chart"').length - 1;
      const others = charts.filter((o) => !live.includes(o));
      assert.equal(
        others.reduce((sum, o) => sum + chartsIn(o), 0),
        shows.comparisonCharts,
        "comparison charts",
      );
      const plotly = outputs.filter((o) => /^（已载入 plotly\.js [\d.]+，/.test(dataOf(o, "text/plain")));
      assert.equal(plotly.length, charts.length > 0 ? 1 : 0, "plotly.js sent to the page once");
      const batches = Math.ceil(Number(SMALL.AE_TRAIN_SIZE) / (training?.batchSize ?? 1));
      for (const chart of live) {
        const losses = chartBatchLosses(chart);
        assert.equal(losses.length, batches, `${SMALL.AE_TRAIN_SIZE} images in batches: ${batches} points`);
        assert.ok(losses[losses.length - 1]! < losses[0]!, `loss fell within the run: ${losses.join(", ")}`);
      }

      // Progress: one output per fit with the epoch's final Keras-style line.
      const progress = outputs.filter((o) =>
        new RegExp(String.raw`^(${OFF_GRAPH_NOTE}[^\n]+\n)?Epoch 1/1\n${batches}/${batches} \[=+\] - `).test(
          dataOf(o, "text/plain"),
        ),
      );
      assert.equal(progress.length, shows.fits);
      // Every lesson model trains on the graph path but where its entry says why not (07's sparse one: two
      // outputs); its progress then says so, once in the kernel.
      const notes = progress.map((o) => dataOf(o, "text/plain")).filter((t) => t.startsWith(OFF_GRAPH_NOTE));
      assert.deepEqual(
        notes.map((t) => t.split("\n")[0]),
        offGraphPath ? [`${OFF_GRAPH_NOTE}${offGraphPath}。`] : [],
      );
      // A model with several outputs (07's sparse one): each output's loss follows loss, their val_ keys val_loss;
      // a lesson that fits without validation data (09's VAE, as Keras's vae.py) has no val_ keys.
      const validates = codeOf(read(lesson)).includes("validationData: [");
      const finalLine = !validates
        ? /s\/批 - loss: \d+\.\d{4}(?: - \w+: \d+\.\d{4})+$/
        : severalOutputs
          ? /s\/批 - loss: \d\.\d{4}(?: - \w+: \S+)* - val_\w*loss: \S+$/
          : /s\/批 - loss: \d\.\d{4} - val_loss: \d\.\d{4}$/;
      for (const line of progress) assert.match(dataOf(line, "text/plain"), finalLine);

      // Digit grids: PNGs of 10 digits a row. A grid redrawn while the model trained (liveReconstructions) is
      // saved as its last drawing: the trained model, after the one epoch of batches this run trained.
      const pngs = outputs.filter((o) => o.data?.["image/png"]);
      const isLive = (o: Output) => /^(开始训练前|训练中|训练结束)（?/.test(dataOf(o, "text/plain"));
      const liveGrids = pngs.filter(isLive);
      assert.equal(liveGrids.length, shows.liveGrids ?? 0, "grids redrawn while training");
      for (const grid of liveGrids) {
        assert.match(dataOf(grid, "text/plain"), new RegExp(`^训练结束（1 个 epoch，共 ${batches} 批）：`));
      }
      const grids = pngs.filter((o) => !isLive(o));
      assert.equal(grids.length, shows.digitGrids);
      for (const grid of pngs) {
        const size = pngSize(Buffer.from(dataOf(grid, "image/png"), "base64"));
        assert.ok(size.width > 10 * 28 * 2, `10 digits, scaled up: ${size.width} px wide`);
      }

      if (lesson === "03-conv") {
        assert.match(text, /encoded 的形状： \[ null, 7, 7, 32 \]/);
        assert.match(text, /decoded 的形状： \[ null, 28, 28, 1 \]/);
        // The loss read on the scale, beside the saved 50-epoch models; the exercise's check of the code's size.
        const scale = outputs.map((o) => dataOf(o, "text/plain")).find((t) => t.includes("怎样读损失"));
        assert.ok(scale?.includes("卷积自编码器（保存的模型，50 个 epoch）"), "the loss scale");
        assert.match(
          text,
          /编码的形状：7×7×32，每张图片 1568 个数；原图 28×28×1 = 784 个数\n编码是原图的 2\.0 倍/,
        );
      }
      if (lesson === "02-deep") {
        assert.match(text, /深度自编码器 最终 val_loss = 0\.\d{4}/);
        assert.match(
          text,
          /深度自编码器从第 1 个 epoch 起|第 1 个 epoch 结束时，普通自编码器的 val_loss 更低/,
        );
        // The loss scale: this run's two models and the saved 50-epoch ones; the exercise's check cell.
        const scale = outputs.map((o) => dataOf(o, "text/plain")).find((t) => t.includes("怎样读损失"));
        for (const row of ["深度自编码器（1 个 epoch）", "深度自编码器（保存的模型，50 个 epoch）"])
          assert.ok(scale?.includes(row), row);
        assert.match(
          text,
          /先把手算的结果填进 myParamCount，再运行这个单元\n现在的 deepModel\(\) 有 222384 个参数/,
        );
      }
      if (lesson === "04-denoise") {
        assert.match(text, /σ=0\.5：最终 val_loss = 0\.\d{4}/);
        assert.match(text, /σ=3\.0：最终 val_loss = 0\.\d{4}/);
        // Grids: the model's inputs, the course's display (as imshow scales it, and as the model gets it).
        assert.match(dataOf(grids[1]!, "text/plain"), /从上到下各行：课程显示的 \| 交给模型的$/m);
        assert.match(
          dataOf(grids[1]!, "text/plain"),
          /超出 \[0, 1\] 的值在显示时被截断/,
          "the unclipped course display is said to be clipped",
        );
        // What σ 3.0 does to a background pixel: from the normal CDF, and counted on the noisy test images.
        const tables = outputs.map((o) => dataOf(o, "text/plain"));
        assert.ok(
          tables.some((t) => /3\.0 +背景（原值 0） +50\.0% +36\.9% +13\.1%/.test(t)),
          "shares",
        );
        const counted = /σ=3\.0：.*背景像素变成纯黑 (\d+\.\d)%，纯白 (\d+\.\d)%/.exec(text);
        assert.ok(
          counted && Math.abs(Number(counted[1]) - 50) < 1 && Math.abs(Number(counted[2]) - 36.9) < 1,
        );
        // The loss read on the scale, with the 50-epoch models, and the mismatched-noise check.
        assert.ok(
          tables.some((t) => t.startsWith("降噪模型的 val_loss")),
          "the loss scale",
        );
        assert.match(
          text,
          /σ=3\.0，卷积模型 50 个 epoch（weights\.json）：0\.2485，好于“始终输出平均训练图像”/,
        );
        assert.match(text, /σ=2\.0 的测试图片：σ=\d\.\d 的模型损失最低；/);
      }
      if (lesson === "09-vae") {
        // The progress line and the live chart read as Keras's vae.py's: loss, reconstruction_loss, kl_loss.
        assert.match(
          dataOf(progress[0]!, "text/plain"),
          / - loss: \d+\.\d{4} - reconstruction_loss: \d+\.\d{4} - kl_loss: \d+\.\d{4}$/,
        );
        const traces = /newPlot\(el, (\[.*?\]), \{"title"/.exec(dataOf(live[0]!, "text/html"))?.[1] ?? "[]";
        const drawn = JSON.parse(traces.replace(/\\u003c/g, "<")) as { name: string; yaxis?: string }[];
        assert.deepEqual(
          drawn.map((t) => [t.name, t.yaxis ?? "y"]),
          [
            ["reconstruction_loss（每一批）", "y"],
            ["kl_loss（每一批，右侧坐标轴）", "y2"],
          ],
        );
        // loss = reconstruction_loss + kl_loss; the test set's two losses, measured in the notebook.
        const sum =
          /最后一个 epoch：loss (\d+\.\d) = reconstruction_loss (\d+\.\d) \+ kl_loss (\d+\.\d)/.exec(text);
        assert.ok(sum, text);
        assert.ok(Math.abs(Number(sum[1]) - Number(sum[2]) - Number(sum[3])) <= 0.11, sum[0]);
        assert.match(text, /\n测试集上：重建损失 \d+\.\d，KL 散度 \d+\.\d{2}，两者之和 \d+\.\d\n/);
        // 06's plain 2-D autoencoder, loaded from its saved weights; the two maps side by side.
        assert.match(text, /已加载训练好的权重“latent-2d”：50 个 epoch/);
        const maps = outputs.filter((o) =>
          dataOf(o, "text/plain").startsWith("变分自编码器的编码（均值 μ）"),
        );
        assert.equal(maps.length, 1, "both maps in one output");
        assert.match(
          dataOf(maps[0]!, "text/plain"),
          /\n\n普通自编码器的 2 维编码（06-latent）\n数字 0：980 个点/,
        );
        // The loss scale: the VAE's two rows at this run's epochs, the saved plain autoencoder's.
        const scale = outputs.map((o) => dataOf(o, "text/plain")).find((t) => t.includes("怎样读损失"));
        for (const row of [
          "变分自编码器，采样的编码（1 个 epoch）",
          "普通自编码器（06-latent，保存的模型，50 个 epoch）",
        ])
          assert.ok(scale?.includes(row), row);
        // The two measures of the filled plane, for both maps: the walk tables of 06, and the drawn codes.
        assert.equal([...text.matchAll(/每个格点周围有几张测试图片的编码（· 表示一张也没有）/g)].length, 2);
        assert.match(
          text,
          /\n没有测试图片编码的格点（共 100 个）：变分自编码器 \d+ 个，普通自编码器 \d+ 个\n/,
        );
        assert.match(
          text,
          /\n周围 0\.1σ 内没有测试图片编码的随机点（各取 1000 个）：变分自编码器 \d+\.\d%，普通自编码器 \d+\.\d%\n/,
        );
        // Grids: the 20 x 20 decoded plane, and 10 x 10 digits drawn from each model's frame.
        const rowCounts = grids.map(
          (g) => (/从上到下各行：(.*)$/m.exec(dataOf(g, "text/plain"))?.[1] ?? "").split(" | ").length,
        );
        assert.deepEqual(rowCounts, [20, 10, 10]);
        assert.match(text, /练习 1、2：表中还只有一个 klWeight/);
      }
      if (lesson === "07-sparse") {
        // What tfjs does with Keras's activityRegularizer, printed, not asserted in prose.
        assert.match(text, /接到输入上时出错：Layer invocation in the presence of activity regularizer\(s\)/);
        // Which number the two-output model's val_loss is, measured on the test images and said.
        assert.match(
          text,
          /训练记录最后的 val_loss = 0\.\d{4}；测试集上的重建 BCE = 0\.\d{4}，加上惩罚项 = 0\.\d{4}：val_loss (只是重建 BCE，不含惩罚项|是重建 BCE 加上惩罚项)\n/,
        );
        const tables = outputs.map((o) => dataOf(o, "text/plain"));
        // The measurements, a row per model, and the answers to the predict-first questions.
        const measured = tables.find((t) => t.startsWith("测试集 10000 张图片上"));
        assert.match(measured ?? "", /\n普通自编码器 +1 +0\.\d{4} +\d+\.\d{2} +[\d.]+% +[\d.]+ +\d+\n/);
        assert.match(
          measured ?? "",
          /\n稀疏自编码器（λ = 1e-3） +1 +0\.\d{4} +\d+\.\d{2} +[\d.]+% +[\d.]+ +\d+$/,
        );
        assert.match(
          text,
          /\n3\. 每张图片的 32 个编码里平均有几个是 0：稀疏自编码器 [\d.]+ 个，普通自编码器 [\d.]+ 个\n/,
        );
        assert.match(text, /练习 1：表中还只有一个 λ/);
      }

      assertTensorCountKept(executed);
    });
  }
});

describe("the answer notebooks (notebooks/answers/), executed headless with AE_EPOCHS=1 AE_TRAIN_SIZE=2048", () => {
  for (const answers of ANSWERS) {
    test(answers, async () => {
      for (const cell of read(answers).cells.filter((c) => c.cell_type === "code")) {
        assert.deepEqual([cell.outputs, cell.execution_count], [[], null], "committed without outputs");
      }
      const { executed, text } = await executeSmall(answers);
      // Each check printed its verdict and the notebook went on (expectations() in ae-shared): at these
      // settings every check it makes holds, and its last cell summed them up.
      const verdicts = text.split("\n").filter((line) => /^(在预期范围内|超出预期范围|不检查)：/.test(line));
      assert.ok(
        verdicts.some((line) => line.startsWith("在预期范围内：")),
        "it checked something",
      );
      assert.deepEqual(
        verdicts.filter((line) => line.startsWith("超出预期范围：")),
        [],
        "no check outside expectations at the small settings",
      );
      assert.match(text, /\n\d+ 项检查：全部在预期范围内(（另有 \d+ 项不检查）)?\n$/, "the summary, last");
      assertTensorCountKept(executed);
    });
  }
});

describe(
  "AE_WEIGHTS=1 with a damaged saved-weights file: the lesson goes on and trains",
  { skip: WHOLE_SUITE_ONLY },
  () => {
    test("01-dense, its weights.bin cut short: the optional cell names the file and the fix, the training cell trains", async () => {
      // A copy of weights/ (AE_WEIGHTS_DIR) under a folder with a space and Chinese, dense's weights cut short.
      const dir = mkdtempSync(join(tmpdir(), "ae 课程 weights-"));
      try {
        cpSync(join(ROOT, "weights"), dir, { recursive: true });
        const bin = join(dir, "dense", "weights.bin");
        truncateSync(bin, 100_001);
        const { executed, outputs, text } = await executeSmall(
          "01-dense",
          { AE_WEIGHTS: "1", AE_WEIGHTS_DIR: dir },
          "01-dense.damaged-weights",
        );
        assert.ok(
          text.includes(
            `保存的权重文件 ${printablePath(bin)} 只有 100001 字节，model.json 列出的权重却有 203968 字节`,
          ),
          text,
        );
        assert.match(text, /恢复办法：在课程包的文件夹里运行 `git checkout -- weights`.*`npm run weights`/);
        assert.match(text, /\n没有加载保存的权重“dense”：下面的训练单元照常训练这个模型。\n/);
        assert.doesNotMatch(text, /已加载训练好的权重|RangeError|Cannot find name/);
        // Trained: the fit's progress line and live chart, and its losses printed.
        const progress = outputs.filter((o) => PROGRESS.test(dataOf(o, "text/plain")));
        assert.equal(progress.length, 1, "one fit");
        assert.equal(outputs.filter((o) => dataOf(o, "text/html").includes("loss（每一批）")).length, 1);
        assert.match(text, /最终 loss = 0\.\d{4}，val_loss = 0\.\d{4}/);
        assertTensorCountKept(executed);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

describe("05-pca: the autoencoders of 01-03 against PCA", () => {
  const recorded = JSON.parse(readFileSync(join(ROOT, "weights", "weights.json"), "utf8")) as {
    models: Record<string, { val_loss: number }>;
  };

  test("committed clean; PCA with the autoencoders' code size, the saved models, nothing trained", () => {
    const notebook = read("05-pca");
    assert.equal(notebook.metadata.kernelspec?.name, "tslab");
    for (const cell of notebook.cells.filter((c) => c.cell_type === "code")) {
      assert.deepEqual([cell.outputs, cell.execution_count], [[], null], "no outputs, no execution count");
    }
    const text = textOf(notebook);
    for (const heading of ["学习目标", "流程", "总结", "练习"]) assert.match(text, new RegExp(heading));
    const code = codeOf(notebook);
    // PCA on all 60,000 training images (data.xTrain), whatever AE_TRAIN_SIZE says.
    assert.match(
      code,
      /const codeSize = 32;.*\nconst pca = keep\("pca", fitPca\(data\.xTrain, codeSize\)\);/,
    );
    assert.match(code, /const data = keep\("data", loadMnist\(\{ layout: "flat" \}\)\);/);
    assert.equal([...code.matchAll(/fitPca\(/g)].length, 1, "one PCA fit");
    for (const name of ["dense", "deep", "conv"])
      assert.match(code, new RegExp(`${name}: await loadSavedModel\\("${name}"\\)`));
    assert.match(code, /tf\.metrics\.meanSquaredError\(xTest, xHat\)/);
    assert.match(code, /tf\.metrics\.binaryCrossentropy\(xTest, xHat\)/);
    assert.doesNotMatch(code, /\.fit\(/, "05 trains nothing; its exercise 2 does");
  });

  test("executed headless with AE_EPOCHS=1 AE_TRAIN_SIZE=2048: the table, the grids, no leak", async () => {
    const { executed, outputs, text } = await executedLesson("05-pca");
    assert.match(text, /主成分 W: \[ 784, 32 \]/);
    const explained = Number(/前 32 个主成分解释了训练图片 ([\d.]+)% 的方差/.exec(text)?.[1]);
    assert.ok(explained > 50 && explained < 100, `32 components explain most of the variance: ${explained}%`);

    // The table: PCA and the three saved autoencoders, measured on the 10,000 test images.
    const tables = outputs
      .map((o) => dataOf(o, "text/plain"))
      .filter((t) => /^测试集 10000 张图片上的重建误差/.test(t));
    assert.equal(tables.length, 1);
    const rows = Object.fromEntries(
      [...tables[0]!.matchAll(/^(PCA|dense|deep|conv) +(\S+(?: = \d+)?) +(0\.\d{4}) +(0\.\d{4})/gm)].map(
        (m) => [m[1], { size: m[2], mse: Number(m[3]), bce: Number(m[4]) }],
      ),
    );
    assert.deepEqual(Object.keys(rows), ["PCA", "dense", "deep", "conv"]);
    assert.equal(rows["conv"]?.size, "7×7×32 = 1568");
    for (const name of ["dense", "deep", "conv"]) {
      // An autoencoder's BCE on the test set is the val_loss it was saved with.
      assert.ok(
        Math.abs(rows[name]!.bce - recorded.models[name]!.val_loss) < 2e-4,
        `${name}: ${rows[name]!.bce}`,
      );
      assert.ok(
        rows[name]!.mse < rows["PCA"]!.mse,
        `${name} beats PCA: ${rows[name]!.mse} < ${rows["PCA"]!.mse}`,
      );
    }
    assert.match(text, /编码同为 32 维时，deep 的 MSE 最小，比 PCA 低 \d+%/);
    // Clipping to [0, 1] lowers PCA's MSE; its BCE is the same either way (the loss clips to [ε, 1 - ε]).
    const raw = /^PCA（不截断） +32 +(0\.\d{4}) +(0\.\d{4})/m.exec(tables[0]!);
    assert.ok(raw, tables[0]);
    assert.ok(Number(raw[1]) > rows["PCA"]!.mse, `unclipped MSE ${raw[1]} > ${rows["PCA"]!.mse}`);
    assert.equal(Number(raw[2]), rows["PCA"]!.bce, "the same BCE clipped or not");
    assert.match(text, /在 60000 张训练图片上拟合 PCA 用了 [\d.]+ 秒/);
    assert.match(text, /全部训练图片： \[ 60000, 784 \] {2}练习 2 的训练图片 xTrain： \[ 2048, 784 \]/);
    // The loss scale beside the table: the baselines and the four methods.
    const scales = outputs.map((o) => dataOf(o, "text/plain")).filter((t) => t.includes("怎样读损失"));
    assert.equal(scales.length, 1);
    for (const row of ["完美复制", "输出该数字的平均训练图像", "始终输出平均训练图像", "PCA（编码 32）"])
      assert.ok(scales[0]!.includes(row), row);
    assert.match(text, /PCA 比 dense 自编码器还原得更好的测试图片：\d+ 张（共 10000 张）/);

    // Grids: the first 10 components; originals and 4 reconstructions; PCA's best 10.
    const grids = outputs.filter((o) => o.data?.["image/png"]);
    const rowCounts = grids.map(
      (g) => (/从上到下各行：(.*)$/m.exec(dataOf(g, "text/plain"))?.[1] ?? "").split(" | ").length,
    );
    assert.deepEqual(rowCounts, [1, 5, 3]);
    // Nothing trains: no progress line, no live chart.
    assert.equal(outputs.filter((o) => dataOf(o, "text/html").includes("loss（每一批）")).length, 0);
    assert.match(text, /做完练习 2 后，在新单元里运行 checkLinearAutoEncoder\(model\)/);

    assertTensorCountKept(executed);
  });
});

describe("06-latent: a 2-D code, mapped beside PCA's and scored with k-NN", () => {
  const browser = useChromium();
  const executedPath = join(LESSON_OUTPUT, "06-latent.executed.ipynb");

  test("committed clean; 02's deep model with a 2-unit linear code, trained as the course trains", () => {
    const notebook = read("06-latent");
    assert.equal(notebook.metadata.kernelspec?.name, "tslab");
    for (const cell of notebook.cells.filter((c) => c.cell_type === "code")) {
      assert.deepEqual([cell.outputs, cell.execution_count], [[], null], "no outputs, no execution count");
    }
    const text = textOf(notebook);
    for (const heading of ["学习目标", "流程", "总结", "练习", "加载训练好的权重"])
      assert.match(text, new RegExp(heading));
    const code = codeOf(notebook);
    // PCA with its 2 components on all 60,000 training images, whatever AE_TRAIN_SIZE says.
    assert.match(code, /const pca = keep\("pca", fitPca\(data\.xTrain, 2\)\);/);
    assert.match(code, /const data = keep\("data", loadMnist\(\{ layout: "flat" \}\)\);/);
    // 02's deep autoencoder with a 2-unit code that has no activation.
    assert.deepEqual(
      [...code.matchAll(/tf\.layers\.dense\(\{ units: (\d+)(, activation: "(\w+)")?/g)].map(
        (m) => `${m[1]} ${m[3] ?? "linear"}`,
      ),
      ["128 relu", "64 relu", "2 linear", "64 relu", "128 relu", "784 sigmoid"],
    );
    for (const setting of [
      "lessonParams({ epochs: 20 })",
      'optimizer: "adam"',
      'loss: "binaryCrossentropy"',
      "batchSize: 256",
      "shuffle: true",
      "validationData: [xTest, xTest]",
      "progressBar()",
      "lossPlot(",
      "showCharts([",
      "codeMap(aeCodes, yTest",
      "codeMap(pcaCodes, yTest",
      'tryLoadSavedWeights(mapAutoEncoder, "latent-2d")',
    ]) {
      assert.ok(code.includes(setting), `06 uses ${setting}`);
    }
  });

  test("executed headless with AE_EPOCHS=1 AE_TRAIN_SIZE=2048: the maps, k-NN, the walk, no leak", async () => {
    const { executed, outputs, text } = await executedLesson("06-latent");
    assert.match(text, /主成分 W: \[ 784, 2 \]/);
    assert.match(text, /全部训练图片： \[ 60000, 784 \] {2}2 维自编码器的训练图片 xTrain： \[ 2048, 784 \]/);
    // The 2-D table and its loss scale.
    const tables = outputs.map((o) => dataOf(o, "text/plain"));
    const table = tables.find((t) => t.startsWith("编码只有 2 维时，测试集上的重建误差"));
    assert.match(table ?? "", /\nPCA 2 维 +0\.\d{4} +0\.\d{4}\n自编码器 2 维 +0\.\d{4} +0\.\d{4}$/);
    const scales = tables.filter((t) => t.includes("怎样读损失"));
    assert.equal(scales.length, 1);
    // The maps get a number: k-NN accuracy of both 2-D codes, and the guess without codes.
    const knn = /自编码器的 2 维编码猜对 ([\d.]+)%，PCA 的 2 维编码猜对 ([\d.]+)%/.exec(text);
    assert.ok(knn, "k-NN accuracies printed");
    assert.ok(Number(knn[2]) > 30 && Number(knn[2]) < 55, `PCA's 2-D k-NN: ${knn[2]}%`);
    assert.match(text, /不看编码、总猜最常见的数字 \d：猜对 [\d.]+%/);
    assert.match(text, /100 个格点中，有 \d+ 个周围没有一张测试图片的编码/);

    // Grids: the 10 x 10 walk.
    const grids = outputs.filter((o) => o.data?.["image/png"]);
    const rowCounts = grids.map(
      (g) => (/从上到下各行：(.*)$/m.exec(dataOf(g, "text/plain"))?.[1] ?? "").split(" | ").length,
    );
    assert.deepEqual(rowCounts, [10]);

    // One live loss chart, and the two maps side by side, WebGL scatters with a trace per digit.
    const live = outputs.filter((o) => dataOf(o, "text/html").includes("loss（每一批）"));
    assert.equal(live.length, 1);
    const progress = outputs.filter((o) => PROGRESS.test(dataOf(o, "text/plain")));
    assert.equal(progress.length, 1, "one fit, its progress line");
    const maps = outputs.filter((o) => dataOf(o, "text/plain").startsWith("自编码器的 2 维编码"));
    assert.equal(maps.length, 1, "one output with both maps");
    const html = dataOf(maps[0]!, "text/html");
    const plots = [...html.matchAll(/newPlot\(el, (\[.*?\]), \{"title"/g)].map(
      (m) =>
        JSON.parse((m[1] ?? "").replace(/\\u003c/g, "<")) as { name: string; type: string; x: number[] }[],
    );
    assert.equal(plots.length, 2);
    for (const traces of plots) {
      assert.deepEqual(
        traces.map((t) => t.name),
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
      );
      assert.ok(traces.every((t) => t.type === "scattergl"));
      assert.equal(
        traces.reduce((sum, t) => sum + t.x.length, 0),
        10000,
        "every test digit",
      );
    }
    assert.match(dataOf(maps[0]!, "text/plain"), /\n\nPCA 的前 2 个主成分\n数字 0：980 个点，中心 \(/);
    assert.match(text, /没有设置 AE_WEIGHTS=1：下面照常训练 1 个 epoch/);
    assert.match(text, /做完练习 2 后，在新单元里运行 checkCodeMap\(encoder\)/);

    assertTensorCountKept(executed);
  });

  test(
    "exported and opened offline in Chromium, both maps draw their 10,000 points with WebGL",
    { skip: WHOLE_SUITE_ONLY },
    async () => {
      const html = toHtml(executedPath, LESSON_OUTPUT);
      const { page, blocked } = await openOffline(browser(), pathToFileURL(html).href);
      // The live loss chart, then the two maps; and the same again from the re-run pass over every cell.
      const charts = page.locator(".ae-chart");
      await charts.nth(2).locator("canvas").first().waitFor({ state: "attached", timeout: 30_000 });
      assert.equal(await charts.count(), 6);
      const maps = { nth: (i: number) => charts.nth(i + 1) };
      const boxes = await Promise.all([0, 1].map((i) => maps.nth(i).boundingBox()));
      assert.ok(boxes[0] && boxes[1] && boxes[0].y === boxes[1].y && boxes[0].x < boxes[1].x, "side by side");
      /** Colourful pixels in map i: the digits' points (plotly's palette), not the grey axes or black text. */
      const colouredPixels = async (i: number) => {
        const shot = (await maps.nth(i).locator(".main-svg").first().screenshot()).toString("base64");
        // Counted in the page (the test has no PNG decoder): the screenshot drawn on a 2-D canvas.
        return (await page.evaluate(`(async () => {
        const image = new Image();
        image.src = "data:image/png;base64,${shot}";
        await image.decode();
        const canvas = document.createElement("canvas");
        [canvas.width, canvas.height] = [image.width, image.height];
        const context = canvas.getContext("2d");
        context.drawImage(image, 0, 0);
        const data = context.getImageData(0, 0, image.width, image.height).data;
        let count = 0;
        for (let p = 0; p < data.length; p += 4) {
          if (Math.max(data[p], data[p + 1], data[p + 2]) - Math.min(data[p], data[p + 1], data[p + 2]) > 60) count++;
        }
        return count;
      })()`)) as number;
      };
      for (const i of [0, 1]) {
        // WebGL draws on later animation frames, later still on a busy machine: looked at until drawn, or 30 s.
        let coloured = await colouredPixels(i);
        for (const end = Date.now() + 30_000; coloured <= 2000 && Date.now() < end;) {
          await page.waitForTimeout(250);
          coloured = await colouredPixels(i);
        }
        assert.ok(coloured > 2000, `map ${i}: ${coloured} coloured pixels`);
      }
      assert.deepEqual(blocked, [], "nothing fetched");
      await page.context().close();
    },
  );
});

describe("08-anomaly: anomaly detection from reconstruction error, beside PCA", () => {
  /** The rows of a table showTable printed as text: the cells of each line under its dashes. */
  const tableRows = (table: string) =>
    table
      .split("\n")
      .slice(table.split("\n").findIndex((line) => /^-+( +-+)+$/.test(line)) + 1)
      .map((line) => line.trim().split(/ {2,}/));
  /** The traces of each chart in a chart output, in order. */
  const chartTraces = (output: Output) =>
    [...dataOf(output, "text/html").matchAll(/newPlot\(el, (\[.*?\]), \{"title"/g)].map(
      (m) =>
        JSON.parse((m[1] ?? "").replace(/\\u003c/g, "<")) as {
          name: string;
          x: number[];
          y: number[];
          mode: string;
        }[],
    );

  test("committed clean; 01's model trained on the 4s only, the tutorial's score and threshold, the metrics in sight", () => {
    const notebook = read("08-anomaly");
    const text = textOf(notebook);
    for (const heading of ["学习目标", "流程", "总结", "练习", "加载训练好的权重"])
      assert.match(text, new RegExp(heading));
    const code = codeOf(notebook);
    assert.match(code, /^const normalDigits = \[4\];/m);
    assert.match(code, /^const anomalyEvery = 9;/m);
    // 01's 784-32-784 model, on the normal training images, validated on all test images as the tutorial does.
    const units = [...code.matchAll(/tf\.layers\.dense\(\{ units: (\w+)/g)].map((m) => m[1]);
    assert.deepEqual(units, ["encodingDim", "784"]);
    assert.match(code, /^const encodingDim = 32;/m);
    assert.match(code, /await autoEncoder\.fit\(xTrain, xTrain, \{/);
    assert.match(code, /validationData: \[data\.xTest, data\.xTest\]/);
    assert.match(code, /tryLoadSavedWeights\(autoEncoder, "anomaly"\)/);
    // PCA on every normal training image, with the autoencoder's code size.
    assert.match(code, /const pca = keep\("pca", fitPca\(xNormal, encodingDim\)\);/);
    // The tutorial's score (mean absolute error per image) and threshold (mean + 1 population σ).
    assert.match(code, /tf\.metrics\.meanAbsoluteError\(x, rebuild\(x\)\)/);
    assert.match(code, /\(sum, v\) => sum \+ \(v - mean\) \*\* 2, 0\) \/ values\.length;/);
    assert.match(code, /threshold: mean \+ std/);
    // The metrics' code, written out where students read it.
    for (const formula of [
      "const precision = tp + fp > 0 ? tp / (tp + fp) : 0;",
      "const recall = tp / (tp + fn);",
      "(2 * precision * recall) / (precision + recall)",
      "area += ((fpr[k]! - fpr[k - 1]!) * (tpr[k]! + tpr[k - 1]!)) / 2;",
    ])
      assert.ok(code.includes(formula), formula);
  });

  test("executed headless with AE_EPOCHS=1 AE_TRAIN_SIZE=2048: the split, metrics that agree with their counts, the ROC, the grids", async () => {
    const { executed, outputs, text } = await executedLesson("08-anomaly");
    // The 4s of the training images (PCA all of them, the autoencoder the first 2048); all test 4s and every
    // 9th other digit.
    assert.match(text, /训练图片（都是正常的）：5842 张，PCA 全用；自编码器的 xTrain： \[ 2048, 784 \]/);
    assert.match(text, /测试图片 xTest：1984 张，正常的 982 张，异常的 1002 张（异常占 50\.5%）/);
    const plain = outputs.map((o) => dataOf(o, "text/plain"));

    // The thresholds: the training images' mean + 1 σ, as printed.
    const thresholds = tableRows(plain.find((t) => t.startsWith("阈值只用训练图片")) ?? "");
    assert.deepEqual(
      thresholds.map((row) => row.slice(0, 2)),
      [
        ["自编码器", "2048"],
        ["PCA", "5842"],
      ],
    );
    for (const [, , mean, std, threshold] of thresholds)
      assert.ok(Math.abs(Number(mean) + Number(std) - Number(threshold)) <= 1e-4, `${mean} + ${std}`);

    // The confusion counts and the metrics they give, for both methods and for flagging everything.
    const metrics = tableRows(plain.find((t) => t.startsWith("测试集 1984 张图片")) ?? "");
    assert.deepEqual(
      metrics.map((row) => row[0]),
      ["自编码器", "PCA", "全部判为异常"],
    );
    for (const [name, ...cells] of metrics) {
      const [tp, fp, fn, tn, accuracy, precision, recall, f1] = cells.map(Number) as number[];
      assert.equal(tp! + fn!, 1002, `${name}: the anomalies`);
      assert.equal(fp! + tn!, 982, `${name}: the normal images`);
      const close = (found: number, expected: number, what: string) =>
        assert.ok(
          Math.abs(found - expected) <= 6e-4,
          `${name}: ${what} ${found}, from the counts ${expected}`,
        );
      close(accuracy!, (tp! + tn!) / 1984, "accuracy");
      close(precision!, tp! / (tp! + fp!), "precision");
      close(recall!, tp! / 1002, "recall");
      const p = tp! / (tp! + fp!);
      const r = tp! / 1002;
      close(f1!, (2 * p * r) / (p + r), "F1");
    }
    assert.deepEqual(metrics[2]?.slice(1), ["1002", "982", "0", "0", "0.505", "0.505", "1.000", "0.671"]);
    assert.match(text, /^自编码器：准确率 0\.\d{3}，精确率 0\.\d{3}，召回率 0\.\d{3}，F1 0\.\d{3}$/m);

    // Per digit: ten rows, 4 the normal one; PCA (fit on all the 4s, whatever AE_TRAIN_SIZE) lets 1 through most.
    const perDigit = tableRows(plain.find((t) => t.startsWith("每个数字的测试图片里")) ?? "");
    assert.deepEqual(
      perDigit.map((row) => row[0]),
      ["0", "1", "2", "3", "4（正常）", "5", "6", "7", "8", "9"],
    );
    const pcaFp = Number(metrics[1]?.[2]);
    assert.equal(perDigit[4]?.[3], `${((100 * pcaFp) / 982).toFixed(1)}%`, "the 4s PCA flags are its FP");
    assert.match(
      text,
      /判为异常最少的异常数字：自编码器 \d（只有 [\d.]+% 判为异常）；PCA 1（只有 [\d.]+% 判为异常）/,
    );

    // AUC: printed, and the share of random (anomalous, normal) pairs ordered right comes out about the same.
    const auc = /ROC AUC：自编码器 (0\.\d{3})，PCA (0\.\d{3})/.exec(text);
    const pairs = /异常那张分数更高的比例：自编码器 (0\.\d{3})，PCA (0\.\d{3})/.exec(text);
    assert.ok(auc && pairs, "AUC and the pairs printed");
    for (const k of [1, 2])
      assert.ok(Math.abs(Number(auc[k]) - Number(pairs[k])) < 0.01, `${auc[k]} ~ ${pairs[k]}`);
    assert.ok(Number(auc[2]) > 0.9 && Number(auc[2]) < 0.95, `PCA's AUC on the 4s: ${auc[2]}`);

    // Charts: a live loss chart; the two score distributions side by side; the ROC chart.
    const charts = outputs.filter((o) => dataOf(o, "text/html").includes('class="ae-chart"'));
    const [distributions, roc] = charts
      .filter((o) => !dataOf(o, "text/html").includes("loss（每一批）"))
      .map(chartTraces);
    assert.equal(distributions?.length, 2, "the autoencoder's and PCA's scores, side by side");
    for (const traces of distributions ?? []) {
      // Three groups of images, each a distribution in percent, and the threshold.
      assert.equal(traces.length, 4);
      for (const group of traces.slice(0, 3)) {
        const total = group.y.reduce((sum, y) => sum + y, 0);
        assert.ok(Math.abs(total - 100) < 1e-6, `${group.name}: ${total}%`);
      }
      assert.match(traces[3]?.name ?? "", /^阈值 0\.\d{4}$/);
    }
    assert.equal(roc?.length, 1, "one ROC chart");
    const [aeCurve, pcaCurve, aePoint, pcaPoint, chance] = roc?.[0] ?? [];
    for (const [k, curve] of [aeCurve, pcaCurve].entries()) {
      assert.ok(curve, "two curves");
      assert.deepEqual([curve.x[0], curve.y[0], curve.x.at(-1), curve.y.at(-1)], [0, 0, 1, 1]);
      assert.ok(
        curve.x.every((x, i) => i === 0 || x >= curve.x[i - 1]!),
        "FPR never falls",
      );
      assert.ok(
        curve.y.every((y, i) => i === 0 || y >= curve.y[i - 1]!),
        "TPR never falls",
      );
      // The area under the thinned curve drawn is the AUC printed, to the thinning's precision.
      let area = 0;
      for (let i = 1; i < curve.x.length; i++)
        area += ((curve.x[i]! - curve.x[i - 1]!) * (curve.y[i]! + curve.y[i - 1]!)) / 2;
      assert.ok(Math.abs(area - Number(auc[k + 1])) < 0.01, `area ${area}, AUC ${auc[k + 1]}`);
    }
    // Each threshold's point on the chart is its (FPR, recall) from the table.
    for (const [point, row] of [
      [aePoint, metrics[0]],
      [pcaPoint, metrics[1]],
    ] as const) {
      assert.equal(point?.mode, "markers");
      assert.ok(Math.abs((point?.x[0] ?? NaN) - Number(row?.[2]) / 982) < 1e-9, "FPR = FP / 982");
      assert.ok(Math.abs((point?.y[0] ?? NaN) - Number(row?.[7])) < 6e-4, "TPR = recall");
    }
    assert.deepEqual(
      [chance?.x, chance?.y],
      [
        [0, 1],
        [0, 1],
      ],
    );

    // Grids: the extremes and the mistakes, each with the autoencoder's reconstructions.
    const grids = outputs.filter((o) => o.data?.["image/png"]).map((o) => dataOf(o, "text/plain"));
    assert.deepEqual(
      grids.map((t) => /从上到下各行：(.*)$/m.exec(t)?.[1]),
      ["最异常 | 重建 | 最不异常 | 重建", "最像正常的异常 | 重建 | 最像异常的正常 | 重建"],
    );
    assert.match(grids[1] ?? "", /最像异常的正常图片（分数最高）：数字 4 4 4 4 4 4 4 4 4 4，/);
    assert.match(text, /练习 1：表中还只有一个正常的数字/);

    assertTensorCountKept(executed);
  });
});

/**
 * The extremes of what the parameters accept (params.ts): AE_EPOCHS=1 with AE_TRAIN_SIZE=1, every lesson to its
 * end. One training image (the first, a 5) trains one batch; a step that cannot be computed from it says why in
 * one line and the lesson goes on: the loss scale has no "each digit's mean" row (01-04, 07: their baselines
 * come from their own training images), 04 reads its losses without that row, 06 skips k-NN (k = 5) and its
 * exercise's check (called here) only draws the code. Each lesson runs once: the second pass that counts
 * tensors runs at 2048 above, and the steps that differ at 1 image allocate nothing (skipped) or are
 * lossBaselines's, whose no-leak is a unit test (test/lossScale.test.ts).
 * The other end, AE_TRAIN_SIZE=60000, is every lesson's default: `npm run export` runs them all so. Only 05 and
 * 06 branch on it (xTrain is data.xTrain itself at 60000, a slice below); 05 uses xTrain only in exercise 2, so
 * 06 alone runs here at 60000 with AE_EPOCHS=1 and the second pass: its fit, k-NN over all 60,000 codes, no leak.
 * The answers run at 1 image too, to their summary: a check one image cannot answer is skipped with its reason.
 * Time on 2 cores (AMD EPYC, measured): 2 min 20 s for the seven lessons at 1 image, about 2 min 20 s for the
 * seven answers, 50 s for 06 at 60000.
 */
describe(
  "the extremes: every lesson and answer at AE_EPOCHS=1 AE_TRAIN_SIZE=1, 06 at 60000",
  { skip: WHOLE_SUITE_ONLY },
  () => {
    const ONE_IMAGE = { AE_EPOCHS: "1", AE_TRAIN_SIZE: "1" };
    const noDigitMeans =
      "训练图片里没有数字 0、1、2、3、4、6、7、8、9：没有图片的数字没有平均图像，“输出该数字的平均训练图像”一行略去";
    const noKnn = "只有 1 张训练图片：k 近邻要 5 个已知点";
    /**
     * The one-line notes a lesson shows at 1 training image, where a step cannot be computed: a loss scale whose
     * baselines come from its training images (its entry's lossScale) has no "each digit's mean" row, and the
     * steps of its own below.
     */
    const own: Record<Lesson, string[]> = {
      "04-denoise": ["（训练图片缺了几个数字，没有“输出该数字的平均训练图像”可比）"],
      "06-latent": [`${noKnn}，这一步跳过`, `${noKnn}，不打分，只画出你的编码`],
    };
    const notesOf = (lesson: Lesson) => [
      ...(lessonEntry(lesson).lossScale === "training images" ? [noDigitMeans] : []),
      ...(own[lesson] ?? []),
    ];
    /** Exercise checks called after the lesson, as a student would once the exercise is done. */
    const append: Record<Lesson, string[]> = { "06-latent": ["checkCodeMap(mapEncoder);"] };
    /** Every text a student reads: printed lines and the text of displays (tables, captions, charts' tables). */
    const allText = (outputs: Output[]) =>
      outputs
        .map((o) => (o.output_type === "stream" ? joinText(o.text) : dataOf(o, "text/plain")))
        .join("\n");

    for (const lesson of lessonNames()) {
      test(`${lesson} at 1 training image: to its end, no NaN, a line where a step is skipped`, async () => {
        const { outputs } = await executeSmall(lesson, ONE_IMAGE, `${lesson}.one-image`, {
          append: append[lesson] ?? [],
          rerun: false,
        });
        const text = allText(outputs);
        assert.doesNotMatch(text, /.{0,60}\b(NaN|-?Infinity|undefined)\b.{0,40}/, "no number that is none");
        const notes = notesOf(lesson);
        for (const note of notes) assert.ok(text.includes(note), note);
        if (!notes.includes(noDigitMeans)) assert.ok(!text.includes("训练图片里没有数字"), "all digits");
        if (lesson === "04-denoise")
          assert.ok(!text.includes("，不如“输出该数字的平均训练图像”"), "no such baseline");
        // One batch: each live chart's batch loss is one point, drawn as a marker (a line of one point is not).
        for (const chart of outputs.filter((o) => dataOf(o, "text/html").includes("loss（每一批）"))) {
          const traces = /newPlot\(el, (\[.*?\]), \{"title"/.exec(dataOf(chart, "text/html"))?.[1] ?? "[]";
          const batches = (JSON.parse(traces) as { name: string; x: number[]; mode: string }[])[0];
          assert.deepEqual([batches?.x.length, batches?.mode], [1, "lines+markers"], `${lesson}: one point`);
        }
      });
    }

    // The answers too: Run All reaches the summary, no number is NaN, and no check is made that one image
    // cannot answer (each says why it is not checked instead).
    for (const answers of ANSWERS) {
      test(`${answers} at 1 training image: to its summary, no NaN, no check outside expectations`, async () => {
        const { text } = await executeSmall(answers, ONE_IMAGE, `${answers.replace("/", "-")}.one-image`, {
          rerun: false,
        });
        assert.doesNotMatch(text, /.{0,60}\b(NaN|-?Infinity|undefined)\b.{0,40}/, "no number that is none");
        assert.doesNotMatch(text, /^超出预期范围：.*/m);
        assert.match(text, /^\d+ 项检查：全部在预期范围内/m, "the summary");
      });
    }

    test("06-latent at all 60,000 training images: trains, scores k-NN on every code, leaves no tensor", async () => {
      const { executed, text } = await executeSmall(
        "06-latent",
        { AE_TRAIN_SIZE: "60000" },
        "06-latent.all-images",
      );
      assert.match(
        text,
        /全部训练图片： \[ 60000, 784 \] {2}2 维自编码器的训练图片 xTrain： \[ 60000, 784 \]/,
      );
      assert.match(text, /k-NN（k = 5，已知 60000 张训练图片的编码）猜 10000 张测试图片：/);
      assert.match(text, /自编码器的 2 维编码猜对 [\d.]+%，PCA 的 2 维编码猜对 [\d.]+%/);
      assertTensorCountKept(executed);
    });
  },
);

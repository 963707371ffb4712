// scripts/lesson.js and lessonProgram: `npm run lesson -- 01-dense` runs a notebook's code cells as a plain Node
// program, with no copy of the lesson's code, and ends by itself where no browser can open.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { PROGRAMS, findLesson } from "../../scripts/lesson.js";
import { lessonProgram } from "../../scripts/lessonProgram.js";
import { lessonEntry } from "../../scripts/lessons.js";
import { ROOT, lessonNames } from "../../scripts/project.js";
import { openOffline, useChromium } from "../support/browser.js";
import { printedPath, readPrintedPath } from "../support/paths.js";
import { freePort } from "../support/ports.js";

const scratch = mkdtempSync(join(tmpdir(), "ae-lesson-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

test("a lesson is named as a teacher would: 01-dense, 01-dense.ipynb, a path, or a unique prefix", () => {
  for (const name of ["01-dense", "01-dense.ipynb", "notebooks/01-dense.ipynb", "01", "01-d"]) {
    assert.equal(findLesson(name), "01-dense", name);
  }
  assert.equal(findLesson("04"), "04-denoise");
  assert.equal(findLesson("05"), "05-pca");
  assert.equal(findLesson("06"), "06-latent");
  assert.equal(findLesson("07"), "07-sparse");
  assert.equal(findLesson("08"), "08-anomaly");
  assert.equal(findLesson("09"), "09-vae");
  const lessons = lessonNames();
  assert.throws(() => findLesson("0"), {
    message:
      `npm run lesson: expected one of ${lessons.join(", ")}, ` +
      `found "0", which could be ${lessons.filter((name) => name.startsWith("0")).join(" or ")}`,
  });
  assert.throws(() => findLesson("06-vae"), { message: /expected one of 01-dense, .*, found "06-vae"$/ });
});

describe("lessonProgram: the notebook's code cells as one program", () => {
  test("imports first, then every code cell in order inside one async function, as JavaScript", () => {
    const program = lessonProgram("01-dense");
    const notebook = JSON.parse(readFileSync(join(ROOT, "notebooks", "01-dense.ipynb"), "utf8")) as {
      cells: { cell_type: string }[];
    };
    const codeCells = notebook.cells.filter((cell) => cell.cell_type === "code").length;
    assert.equal(program.match(/\/\/ ── code cell \d+ ──/g)?.length, codeCells, "every code cell");
    assert.match(program, /^const ae_shared_1 = require\("ae-shared"\);$/m, "ae-shared loaded first");
    assert.ok(
      program.indexOf('require("ae-shared")') < program.indexOf('require("@tensorflow/tfjs-node")'),
      "before tfjs-node, as in the notebook (oneDNN is chosen as TensorFlow loads)",
    );
    assert.match(program, /function autoEncoderModel\(\) \{/, "the notebook's own model function");
    assert.doesNotMatch(program, /as tf\.SymbolicTensor|: tf\.LayersModel/, "types are compiled away");
    assert.match(program, /await autoEncoder\.fit\(/, "await works as in a cell");
  });

  test("a name declared by two cells is refused, naming them", () => {
    const cell = (source: string) => ({ cell_type: "code", metadata: {}, outputs: [], source });
    const notebook = {
      cells: [cell("const n = 1;"), { cell_type: "markdown", source: "x" }, cell("const n = 2;")],
    };
    writeFileSync(join(scratch, "twice.ipynb"), JSON.stringify(notebook));
    assert.throws(() => lessonProgram("twice", { dir: scratch }), {
      message: /twice\.ipynb declares n in code cells 1 and 2; as one program a name is declared once/,
    });
  });
});

/** `node scripts/lesson.js <name>` with no browser (CI); resolves with its exit code and output. */
function runLesson(name: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [join(ROOT, "scripts", "lesson.js"), name], {
    cwd: ROOT,
    env: { ...process.env, CI: "true", DISPLAY: "", AE_EPOCHS: "1", AE_TRAIN_SIZE: "2048", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
}

describe("npm run lesson, headless (CI): every lesson runs to its end and exits", () => {
  const browser = useChromium();
  for (const lesson of lessonNames()) {
    test(lesson, async () => {
      // A chart page per live chart and per other chart (06's two maps are two), a PNG per digit grid, as its
      // entry says (scripts/lessons/).
      const { shows, training } = lessonEntry(lesson);
      const run = await runLesson(lesson);
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      const out = run.stdout;
      assert.match(out, /epochs = 1，训练图片 2048 张，后端 = tensorflow/);
      // Keras's line, redrawn in place with "\r" while the epoch runs (05-pca trains nothing): 2048 images in its
      // batches; loss and val_loss, or, for a lesson that fits without validation data (09's VAE, as Keras's
      // vae.py), loss and each output's loss.
      const trains = shows.fits > 0;
      const batches = Math.ceil(2048 / (training?.batchSize ?? 256));
      const validates = readFileSync(join(ROOT, "notebooks", `${lesson}.ipynb`), "utf8").includes(
        "validationData: [",
      );
      const losses = validates
        ? String.raw`loss: 0\.\d{4} - val_loss: 0\.\d{4}`
        : String.raw`loss: \d+\.\d{4}(?: - \w+: \d+\.\d{4})+`;
      const keras = String.raw`Epoch 1\/1\n(?:\r[^\r\n]*)*\r${batches}\/${batches} \[=+\] - \d+s \d+(s|ms|us)\/批 - `;
      assert.equal(new RegExp(`${keras}${losses}\n`).test(out), trains, out);
      // Nothing on stderr: no warning (Node 22 once warned of tfjs-node's util calls), and TensorFlow's own
      // start-up lines left out.
      assert.equal(run.stderr, "");
      // Pictures and charts in the lesson's folder under dist/lessons, each path printed so that it can be
      // pasted into a shell as it is (quoted where the checkout's path has a space).
      const printed = (pattern: string) =>
        [...out.matchAll(new RegExp(pattern, "g"))].map((m) => readPrintedPath(m[1] ?? ""));
      const pngs = printed(`PNG \\d+x\\d+ 已写入 ${printedPath(String.raw`\.png`)}`);
      const pages = printed(`图表已写入 ${printedPath(String.raw`\.html`)}`);
      assert.equal(pngs.length, shows.digitGrids);
      assert.equal(pages.length, shows.fits + shows.comparisonCharts);
      for (const file of [...pngs, ...pages]) {
        assert.ok(file.startsWith(join(PROGRAMS, lesson)) && existsSync(file), file);
      }
      // A chart page draws with no network: plotly.js is inside it.
      if (pages.length === 0) return;
      const { page, blocked } = await openOffline(browser(), pathToFileURL(pages[0] ?? "").href);
      await page.locator(".ae-chart .main-svg").first().waitFor();
      assert.deepEqual(blocked, []);
      await page.context().close();
    });
  }

  test("with a browser: the loss chart in nodeplotlib's tab, offline; closing it ends the program", async () => {
    const port = await freePort();
    const run = runLesson("01-dense", { CI: "", NODEPLOTLIB_PORT: String(port) });
    const base = `http://localhost:${port}`;
    for (
      const start = Date.now();
      !(await fetch(base).then(
        (r) => r.ok,
        () => false,
      ));
    ) {
      assert.ok(Date.now() - start < 60_000, "nodeplotlib serves its page within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const { page, blocked } = await openOffline(browser(), base, { allowed: (url) => url.startsWith(base) });
    await page.waitForFunction('document.querySelectorAll(".main-svg").length >= 3', undefined, {
      timeout: 60_000,
    });
    assert.deepEqual(await page.locator(".gtitle").allTextContents(), ["784-32-784 自编码器"]);
    assert.ok(
      blocked.every((url) => url.startsWith("https://fonts.gstatic.com/")),
      blocked.join(", "),
    );
    await page.context().close();
    const { code, stdout } = await run;
    assert.equal(code, 0, stdout);
    assert.match(stdout, /最终 loss = 0\.\d{4}/);
  });

  test("AE_WEIGHTS=1: the lessons load the committed 50-epoch weights instead of training", async () => {
    const record = JSON.parse(readFileSync(join(ROOT, "weights", "weights.json"), "utf8")) as {
      models: Record<string, { val_loss?: number }>;
    };
    for (const [lesson, names] of [
      ["01-dense", ["dense"]],
      ["04-denoise", ["denoise-0.5", "denoise-3.0"]],
      ["06-latent", ["latent-2d"]],
      ["07-sparse", ["dense", "sparse"]],
      ["08-anomaly", ["anomaly"]],
      ["09-vae", ["vae", "latent-2d"]],
    ] as const) {
      const run = await runLesson(lesson, { AE_WEIGHTS: "1" });
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      assert.doesNotMatch(run.stdout, /Epoch 1\/1/, "no training");
      for (const name of names) {
        // A model trained without validation data (09's VAE) has no val_loss in the line.
        const valLoss = record.models[name]?.val_loss?.toFixed(4);
        const reached = valLoss === undefined ? "loss \\d+\\.\\d{4}；" : `.*val_loss ${valLoss}`;
        assert.match(
          run.stdout,
          new RegExp(`已加载训练好的权重“${name}”：50 个 epoch、60000 张图片.*${reached}`),
        );
      }
      if (lesson === "09-vae") {
        // The loaded VAE measured on the test set, with the record of its saved training beside it.
        assert.match(run.stdout, /\n测试集上：重建损失 \d+\.\d，KL 散度 \d+\.\d{2}，两者之和 \d+\.\d\n/);
        assert.match(run.stdout, /加载的模型没有这一次的训练记录/);
        continue;
      }
      if (lesson === "06-latent") {
        // Its table measures the loaded model's binary cross-entropy on the test set: the recorded val_loss.
        const bce = Number(/^自编码器 2 维 +0\.\d{4} +(0\.\d{4})$/m.exec(run.stdout)?.[1]);
        const recorded = record.models["latent-2d"]?.val_loss ?? Number.NaN;
        assert.ok(Math.abs(bce - recorded) < 2e-4, `BCE ${bce}, recorded val_loss ${recorded}`);
        continue;
      }
      if (lesson === "07-sparse") {
        // Its table measures each loaded model's reconstruction BCE on the test set. The sparse model's recorded
        // val_loss is that BCE alone: tfjs files a two-output model's reconstruction loss under val_loss.
        for (const [row, name] of [
          ["普通自编码器", "dense"],
          ["稀疏自编码器（λ = 1e-3）", "sparse"],
        ] as const) {
          const bce = Number(new RegExp(`^${row} +50 +(0\\.\\d{4}) `, "m").exec(run.stdout)?.[1]);
          const recorded = record.models[name]?.val_loss ?? Number.NaN;
          assert.ok(Math.abs(bce - recorded) < 2e-4, `${name}: BCE ${bce}, recorded val_loss ${recorded}`);
        }
        continue;
      }
      if (lesson === "08-anomaly") {
        // Trained on the 4s only: all of them, whatever the record's image count (the cap it was trained with).
        assert.match(run.stdout, /上一行的 60000 张图片是训练时的上限，它实际用了全部 5842 张 4/);
        const valLoss = /val_loss = (0\.\d{4})（全部测试图片/.exec(run.stdout)?.[1];
        assert.equal(valLoss, record.models["anomaly"]?.val_loss?.toFixed(4));
        continue;
      }
      const finals =
        lesson === "01-dense"
          ? [/最终 loss = 0\.\d{4}，val_loss = (0\.\d{4})/]
          : [/σ=0\.5：最终 val_loss = (0\.\d{4})/, /σ=3\.0：最终 val_loss = (0\.\d{4})/];
      finals.forEach((pattern, i) =>
        assert.equal(pattern.exec(run.stdout)?.[1], record.models[names[i]!]?.val_loss?.toFixed(4)),
      );
    }
  });

  test("a bad AE_EPOCHS stops the program with the message first, in the lesson's language", async () => {
    const run = await runLesson("01-dense", { AE_EPOCHS: "abc" });
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr.split("\n")[0],
      'ParamError: AE_EPOCHS 应为 1 到 1000 之间的整数，实际为 "abc"。删去这个环境变量即可使用本课的默认值（5）。',
    );
  });
});

// showDigits.ts: a digit grid shown as one output (the PNG, its labels as HTML text, a caption), or written to a
// PNG file outside a kernel.
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import {
  DIGIT_GAP,
  LiveOutput,
  digitGridPng,
  printablePath,
  showDigits,
  type ShowDigitsOptions,
} from "ae-shared";
import { executeNotebook, joinText, type Notebook, type Output } from "../scripts/notebook.js";
import { ROOT, jupyterEnv, venvProgram } from "../scripts/project.js";
import { launchChromium, openOffline } from "./support/browser.js";
import { digits, leakFree, side } from "./support/digits.js";
import { inFakeKernel } from "./support/kernel.js";
import { inLanguage } from "./support/language.js";
import { printedPath, readPrintedPath } from "./support/paths.js";
import { pngSize } from "./support/png.js";

const scratch = mkdtempSync(join(tmpdir(), "ae-show-digits-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The rows of test/fixtures/digits.ipynb, top to bottom. */
const LABELS = ["原图", "加噪 (裁剪)", "加噪 (未裁剪, loc 3, scale 10)"];

describe("bad input is refused with what was expected and found, leaking nothing", () => {
  const ok = () => digits(2);
  const showCases: { name: string; options: unknown; message: RegExp }[] = [
    {
      name: "caption not a string",
      options: { caption: 42 },
      message: /showDigits: caption must be a string, found 42/,
    },
    {
      name: "outFile empty",
      options: { outFile: "" },
      message: /showDigits: outFile must be a file path, found ""/,
    },
    {
      name: "output not a LiveOutput",
      options: { output: {} },
      message: /showDigits: output must be a LiveOutput, found object/,
    },
    {
      name: "showDigits names itself in row errors",
      options: { columns: 9 },
      message: /^showDigits: row 0 \("a"\): expected at least columns = 9 images, found 2/,
    },
  ];
  for (const { name, options, message } of showCases) {
    test(name, async () => {
      await leakFree(async (keep) => {
        const images = keep(ok());
        await assert.rejects(
          showDigits([{ label: "a", images }], options as ShowDigitsOptions),
          (error: Error) => {
            assert.match(error.message, message);
            return true;
          },
        );
      });
    });
  }
});

describe("showDigits in a kernel: one output with image/png, text/html and text/plain", () => {
  test("the bundle's parts", async () => {
    await leakFree(async (keep) => {
      const original = keep(digits(4, (k, _y, x) => (x === k ? 1 : 0)));
      const noisy = keep(digits(4, (k, y, x) => (x === k ? 3.5 : y === 0 ? -2.25 : 0.5)));
      const rows = [
        { label: "加噪", images: noisy },
        { label: "<b>原图</b> & co", images: original },
      ];
      const outFile = join(scratch, "kernel.png");
      const { sent } = await inFakeKernel(() => showDigits(rows, { caption: "第 1 轮", outFile }));
      assert.equal(sent.length, 1, "one output");
      const [{ message, update }] = sent as [(typeof sent)[0]];
      assert.equal(update, false);
      assert.deepEqual(message.transient, {});
      assert.deepEqual(Object.keys(message.data).sort(), ["image/png", "text/html", "text/plain"]);
      const png = Buffer.from(message.data["image/png"]!, "base64");
      assert.deepEqual(png, Buffer.from(await digitGridPng(rows)), "image/png is the grid");
      assert.deepEqual(readFileSync(outFile), png, "outFile is written in a kernel too");
      const size = { width: side(4, 3), height: side(2, 3) };
      assert.deepEqual(pngSize(png), size);
      assert.deepEqual(message.metadata, { "image/png": size });

      const html = message.data["text/html"]!;
      assert.ok(
        html.includes(`src="data:image/png;base64,${png.toString("base64")}"`),
        "the same PNG, embedded",
      );
      assert.match(html, /image-rendering:pixelated/);
      assert.match(html, new RegExp(`width="${size.width}" height="${size.height}"`));
      assert.match(html, />加噪<\/div>/);
      assert.match(html, />&#60;b&#62;原图&#60;\/b&#62; &#38; co<\/div>/, "labels are escaped HTML text");
      assert.doesNotMatch(html, /<b>/);
      // Label boxes are one digit row tall and DIGIT_GAP apart: aligned with the PNG's rows.
      assert.equal(html.match(/height:84px/g)?.length, 2);
      assert.match(html, new RegExp(`flex-direction:column;gap:${DIGIT_GAP}px`));
      const note = 'Values outside [0, 1] were clipped for display (rows "加噪"): found min -2.25, max 3.5.';
      assert.match(html, /<figcaption[^>]*>第 1 轮<br>Values outside \[0, 1\] were clipped/);
      assert.ok(html.includes(note.replace(/"/g, "&#34;")), html);

      assert.equal(
        message.data["text/plain"],
        `第 1 轮\n${note}\nRows, top to bottom: 加噪 | <b>原图</b> & co`,
      );
    });
  });

  test("the default caption states the grid and its colormap; no note when nothing is clipped", async () => {
    await leakFree(async (keep) => {
      const images = keep(digits(2, () => 1));
      const { sent } = await inFakeKernel(() => showDigits([{ label: "原图", images }], { scale: 1 }));
      assert.equal(
        sent[0]?.message.data["text/plain"],
        "MNIST digits: 1 rows × 2, 28×28 shown at 1× (gray: 0 black, 1 white)\nRows, top to bottom: 原图",
      );
      assert.doesNotMatch(sent[0]?.message.data["text/html"] ?? "", /clipped/);
    });
  });

  test("with a LiveOutput the same output is redrawn in place", async () => {
    await leakFree(async (keep) => {
      const images = keep(digits(2));
      const output = new LiveOutput();
      const { sent } = await inFakeKernel(async () => {
        await showDigits([{ label: "重建", images }], { output, caption: "epoch 1" });
        await showDigits([{ label: "重建", images }], { output, caption: "epoch 2" });
      });
      assert.deepEqual(
        sent.map(({ update }) => update),
        [false, true],
      );
      const ids = sent.map(({ message }) => message.transient.display_id);
      assert.ok(ids[0] && ids[0] === ids[1], `one display id: ${ids}`);
      assert.match(sent[1]?.message.data["text/plain"] ?? "", /^epoch 2/);
    });
  });

  test("in Chinese: the default caption, the clipping note and the rows line", async () => {
    await leakFree(async (keep) => {
      const images = keep(digits(2, () => 1.5));
      const { sent } = await inFakeKernel(() =>
        inLanguage("zh", () => showDigits([{ label: "重建", images }], { scale: 1 })),
      );
      assert.equal(
        sent[0]?.message.data["text/plain"],
        [
          "MNIST 手写数字：1 行 × 2 张，28×28 放大 1 倍显示（灰度：0 为黑，1 为白）",
          '超出 [0, 1] 的值在显示时被截断到 [0, 1]（行 "重建"）：最小值 1.5，最大值 1.5。',
          "从上到下各行：重建",
        ].join("\n"),
      );
      assert.match(sent[0]?.message.data["text/html"] ?? "", /<figcaption[^>]*>MNIST 手写数字：1 行/);
    });
  });

  test("in Chinese: errors name the row as a reader counts it", async () => {
    await leakFree(async (keep) => {
      const single = keep(tf.zeros([784]));
      await inLanguage("zh", () =>
        assert.rejects(showDigits([{ label: "原图", images: single }]), {
          name: "RangeError",
          message:
            'showDigits：第 1 行（"原图"）：images 的形状应为 [n, 784]、[n, 28, 28, 1] 或 [n, 28, 28]，实际为 [784]' +
            "（只有一张图片？用 images.expandDims(0) 加上第一个维度）",
        }),
      );
    });
  });
});

describe("showDigits in a plain node script", () => {
  /** Runs `code` with `node` (CommonJS, ae-shared from the checkout) and returns its stdout. */
  function runScript(code: string): string {
    const result = spawnSync(process.execPath, ["-e", code], {
      cwd: ROOT,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" },
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(result.status, 0, `script failed:\n${result.stderr}`);
    return result.stdout;
  }
  const script = (options: string) => `
const tf = require("@tensorflow/tfjs-node");
const { showDigits } = require("ae-shared");
(async () => {
  const images = tf.fill([3, 784], 0.5);
  const tripled = images.mul(3);
  await showDigits([{ label: "原图", images }, { label: "重建", images: tripled }], ${options});
  tf.dispose([images, tripled]);
  console.log("tensors left: " + tf.memory().numTensors);
})();`;

  test("writes the PNG to a new file in os.tmpdir() and prints the caption, labels and path", () => {
    const out = runScript(script('{ caption: "第 2 轮" }'));
    const printed = new RegExp(`PNG 260x172 written to ${printedPath(String.raw`\.png`)}$`, "m").exec(
      out,
    )?.[1];
    assert.ok(printed, `printed path in:\n${out}`);
    const path = readPrintedPath(printed);
    try {
      assert.ok(path.startsWith(tmpdir()), path);
      assert.deepEqual(pngSize(readFileSync(path)), { width: 260, height: 172 });
      assert.equal(
        out,
        [
          "第 2 轮",
          'Values outside [0, 1] were clipped for display (rows "重建"): found min 1.5, max 1.5.',
          "Rows, top to bottom: 原图 | 重建",
          `PNG 260x172 written to ${printed}`,
          "tensors left: 0",
          "",
        ].join("\n"),
      );
    } finally {
      rmSync(path, { force: true });
    }
  });

  test("or to outFile", () => {
    const file = join(scratch, "script.png");
    const out = runScript(script(`{ outFile: ${JSON.stringify(file)}, columns: 2, scale: 1 }`));
    assert.ok(out.includes(`PNG 60x60 written to ${printablePath(file)}\n`), out);
    assert.ok(existsSync(file));
    assert.deepEqual(pngSize(readFileSync(file)), { width: 60, height: 60 });
  });
});

describe("digits.ipynb, executed headless in a tslab kernel", () => {
  const executed = join(ROOT, "test", ".output", "digits.ipynb");
  let notebook: Notebook;
  before(async () => {
    notebook = await executeNotebook(join(ROOT, "test", "fixtures", "digits.ipynb"), executed);
  });

  test("one display_data with the grid PNG, the labels as HTML text and the clipping note", () => {
    const outputs: Output[] = notebook.cells.flatMap((cell) => cell.outputs ?? []);
    const shown = outputs.filter((output) => output.output_type === "display_data");
    assert.equal(shown.length, 1, "one output for the whole grid");
    const data = shown[0]?.data ?? {};
    assert.deepEqual(Object.keys(data).sort(), ["image/png", "text/html", "text/plain"]);
    const png = Buffer.from(String(data["image/png"]), "base64");
    // 8 test images in 3 rows at the default scale.
    assert.deepEqual(pngSize(png), { width: 8 * 84 + 7 * DIGIT_GAP, height: 3 * 84 + 2 * DIGIT_GAP });
    const html = String(data["text/html"]);
    for (const label of LABELS) assert.ok(html.includes(`>${label}</div>`), `label ${label} in the HTML`);
    assert.ok(html.includes(`src="data:image/png;base64,${png.toString("base64")}"`));
    assert.match(
      html,
      /Values outside \[0, 1\] were clipped for display \(rows &#34;加噪 \(未裁剪, loc 3, scale 10\)&#34;\): found min -\d+(\.\d+)?, max \d+(\.\d+)?\./,
    );
    assert.match(String(data["text/plain"]), /Rows, top to bottom: 原图 \| 加噪 \(裁剪\) \| 加噪 \(未裁剪/);
    const stdout = outputs
      .filter((output) => output.output_type === "stream" && output.name === "stdout")
      .map((output) => joinText(output.text))
      .join("");
    assert.match(stdout, /tensors left: 0/);
  });

  test("in the HTML export (JupyterLab's CSS), each label sits beside its row of the PNG", async () => {
    const result = spawnSync(
      venvProgram("jupyter"),
      ["nbconvert", "--to", "html", executed, "--output-dir", join(ROOT, "test", ".output")],
      { cwd: ROOT, env: jupyterEnv(), encoding: "utf8" },
    );
    assert.equal(result.status, 0, result.stderr);
    const browser = await launchChromium();
    try {
      const { page } = await openOffline(
        browser,
        pathToFileURL(join(ROOT, "test", ".output", "digits.html")).href,
      );
      const img = page.locator("figure img");
      const box = await img.boundingBox();
      assert.ok(box, "the figure's image is visible");
      // The page's DOM has no types here (lib ES2022), hence the narrow casts.
      type Img = {
        naturalWidth: number;
        ownerDocument: { defaultView: { getComputedStyle: (e: unknown) => { imageRendering: string } } };
      };
      const shown = await img.evaluate((element) => {
        const image = element as unknown as Img;
        return {
          natural: image.naturalWidth,
          rendering: image.ownerDocument.defaultView.getComputedStyle(image).imageRendering,
        };
      });
      assert.equal(box.width, shown.natural, "the PNG is shown at its own size");
      assert.equal(shown.rendering, "pixelated");
      const labels = page.locator("figure > div > div > div");
      const found = [];
      for (const label of await labels.all()) {
        const r = await label.boundingBox();
        assert.ok(r);
        found.push({
          text: await label.textContent(),
          top: r.y - box.y,
          height: r.height,
          left: r.x + r.width <= box.x,
        });
      }
      assert.deepEqual(
        found,
        LABELS.map((text, row) => ({ text, top: row * (84 + DIGIT_GAP), height: 84, left: true })),
      );
    } finally {
      await browser.close();
    }
  });
});

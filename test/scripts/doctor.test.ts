// `npm run doctor`, run for real (scripts/doctor.js): on this set-up machine every check passes, each line saying
// what it saw; a damaged saved-weights file and a missing Chromium fail their checks with the problem, the fix
// and a non-zero exit. The failures are made in copies (AE_WEIGHTS_DIR, CHROMIUM_PATH): no committed file is
// touched. No time is asserted.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { savedModels } from "../../scripts/lessons.js";
import { ROOT, lessonNames } from "../../scripts/project.js";

const NOTEBOOK = join(ROOT, "scripts", "doctor", "doctor.ipynb");

/** Runs the doctor with `args` and `env` added; resolves with its exit code and what it printed. */
function doctor(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "scripts", "doctor.js"), ...args], {
      cwd: ROOT,
      // AE_RECORD left out: a test's run of the doctor is not a teacher's, and writes no committed file.
      env: { ...process.env, AE_RECORD: undefined, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}

/** The check lines: "✓ 2/5 name: fact (time)" or "✗ ...", each with its number. */
const checkLines = (out: string) =>
  out.split("\n").flatMap((line) => {
    const match = /^([✓✗]) (\d)\/5 (.*)$/.exec(line);
    return match ? [{ ok: match[1] === "✓", number: Number(match[2]), text: match[3] ?? "" }] : [];
  });

describe("npm run doctor on this machine", () => {
  test("all five checks pass, each line with what it saw, and the total time", async () => {
    const before = readFileSync(NOTEBOOK, "utf8");
    const { code, out } = await doctor([]);
    assert.equal(code, 0, out);
    const lines = checkLines(out);
    assert.deepEqual(
      lines.map((l) => [l.number, l.ok]),
      [1, 2, 3, 4, 5].map((n) => [n, true]),
      out,
    );
    const [kernel, training, lab, exported, weights] = lines.map((l) => l.text);
    assert.match(kernel ?? "", /127\.0\.0\.1:\d+ 要 token（没有时 403）.*后端 tensorflow/);
    assert.match(
      training ?? "",
      /784-32-784 loss 0\.\d{3} → 0\.\d{3}，卷积 loss .*1 个 TensorFlow 图会话，后端 tensorflow/,
    );
    assert.match(lab ?? "", /loss 图表 24 个点，数字图片 \d+×\d+ 像素/);
    assert.match(
      exported ?? "",
      /dist\/doctor\/html\/doctor\.html，外部请求 0 个，图表 24 个点，数字图片 \d+×\d+ 像素/,
    );
    // Every model the lessons' entries save (scripts/lessons/).
    const saved = savedModels().length;
    assert.match(weights ?? "", new RegExp(`weights/ 的 ${saved} 个模型都载入了课里的模型`));
    // Each lesson's expected time here, from check 2's speed and the committed records (lessonTimes.js).
    const expected = /各课在这台电脑上的预计用时（.*）：\n((?: {2}\d\d-\w+：约 .*\n)+)/.exec(out);
    assert.ok(expected, out);
    assert.deepEqual(
      [...(expected[1] ?? "").matchAll(/^ {2}(\d\d-\w+)：约 /gm)].map((m) => m[1]),
      lessonNames(),
    );
    assert.match(out, /全部通过，用时 (\d+ 分 )?\d+ 秒：这台电脑可以上课。\n$/);
    // What JupyterLab ran was a copy under dist/: the committed notebook keeps no outputs.
    assert.equal(readFileSync(NOTEBOOK, "utf8"), before);
    const notebook = JSON.parse(before) as { cells: { outputs?: unknown[] }[] };
    assert.ok(notebook.cells.every((cell) => (cell.outputs ?? []).length === 0));
  });
});

describe("npm run doctor with a damaged weights file and no Chromium", () => {
  // A copy of weights/ under a path with a space and Chinese characters, with one file cut short.
  const copy = join(mkdtempSync(join(tmpdir(), "ae doctor 权重 ")), "weights");
  cpSync(join(ROOT, "weights"), copy, { recursive: true });
  truncateSync(join(copy, "conv", "weights.bin"), 1000);
  after(() => rmSync(join(copy, ".."), { recursive: true, force: true }));
  const env = { AE_WEIGHTS_DIR: copy, CHROMIUM_PATH: join(copy, "no-chromium") };

  test("the browser checks and the weights check fail, each with the fix; exit code 1", async () => {
    const { code, out } = await doctor(["--only", "3,4,5"], env);
    assert.equal(code, 1, out);
    assert.deepEqual(
      checkLines(out).map((l) => [l.number, l.ok]),
      [
        [3, false],
        [4, false],
        [5, false],
      ],
      out,
    );
    const chromium = `找不到 Chromium：${join(copy, "no-chromium")}（CHROMIUM_PATH）`;
    const chromiumFix =
      "    怎么办：把 CHROMIUM_PATH 改成一个 Chromium 的路径，或者去掉它（unset CHROMIUM_PATH）再运行 `npm run setup`";
    assert.equal(out.split(chromium).length - 1, 2, out);
    assert.equal(out.split(chromiumFix).length - 1, 2, out);
    assert.match(out, /✗ 5\/5 保存的权重：保存的权重文件 '.*\/conv\/weights\.bin' 只有 1000 字节/);
    assert.match(out, /\n {4}怎么办：在课程包的文件夹里运行 `git checkout -- weights`/);
    assert.match(
      out,
      /3 项没有通过，用时 (\d+ 分 )?\d+ 秒：按上面“怎么办”一行做，再运行 `npm run doctor`。\n$/,
    );
  });

  test("in English with --en", async () => {
    const { code, out } = await doctor(["--en", "--only", "5"], env);
    assert.equal(code, 1, out);
    assert.match(out, /✗ 5\/5 saved weights: the saved weights file '.*\/conv\/weights\.bin' is 1000 bytes/);
    assert.match(out, /\n {4}Fix: run `git checkout -- weights` in the lesson pack's folder/);
    assert.match(out, /1 failed, in (\d+ min )?\d+ s: do what each "Fix" line says/);
  });
});

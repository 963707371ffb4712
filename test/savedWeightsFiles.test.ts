// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// savedWeightsFiles.ts: the saved weights' files checked before TensorFlow.js reads them. Loading them into a model,
// and the same refusals seen from the loaders, are in weights.test.ts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { SAVED_WEIGHTS_DIR, printablePath, savedWeightsRecord } from "ae-shared";
import { checkSavedFiles, damagedFile, readSavedJson } from "ae-shared/internal/data/savedWeightsFiles";
import { ROOT } from "../scripts/project.js";

const scratch = mkdtempSync(join(tmpdir(), "ae-saved-weights-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

test("the module loads no TensorFlow: the files are checked before anything reads them", () => {
  const program = [
    `require("ae-shared/internal/data/savedWeightsFiles");`,
    `const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\\\/]@tensorflow/.test(f));`,
    `console.log(JSON.stringify(loaded));`,
  ].join("\n");
  const result = spawnSync(process.execPath, ["-e", program], { cwd: ROOT, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), []);
});

test("checkSavedFiles passes the committed weights and refuses a weights file cut short, naming it", () => {
  for (const name of ["dense", "conv", "latent-2d", "sparse"]) {
    checkSavedFiles(name, SAVED_WEIGHTS_DIR, savedWeightsRecord(name));
  }
  const copy = join(scratch, "weights");
  cpSync(SAVED_WEIGHTS_DIR, copy, { recursive: true });
  const bin = join(copy, "dense", "weights.bin");
  truncateSync(bin, 4);
  assert.throws(() => checkSavedFiles("dense", copy, savedWeightsRecord("dense", copy)), {
    name: "SavedWeightsError",
    message: new RegExp(
      `^the saved weights file ${printablePath(bin).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is 4 bytes, ` +
        "but its model.json lists 203968 bytes of weights: it was cut short",
    ),
  });
});

test("readSavedJson: the parsed file, or a SavedWeightsError saying it is missing or not JSON", () => {
  const good = join(scratch, "good.json");
  writeFileSync(good, '{"loss": [0.5]}');
  assert.deepEqual(readSavedJson(good), { loss: [0.5] });
  assert.throws(() => readSavedJson(join(scratch, "none.json")), {
    name: "SavedWeightsError",
    message: /none\.json is missing\. To get it back, run `git checkout -- weights`/,
  });
  const bad = join(scratch, "bad.json");
  writeFileSync(bad, "{");
  assert.throws(() => readSavedJson(bad), {
    name: "SavedWeightsError",
    message: /bad\.json is not valid JSON \(/,
  });
});

test("damagedFile names the file, the problem and both ways to get it back", () => {
  const error = damagedFile("/weights/dense/model.json", { en: "is odd", zh: "很怪" });
  assert.equal(error.name, "SavedWeightsError");
  assert.equal(
    error.message,
    "the saved weights file /weights/dense/model.json is odd. To get it back, run `git checkout -- weights` in " +
      "the lesson pack's folder (the committed weights), or `npm run weights` to train and save them again " +
      "(50 epochs per model: it takes long).",
  );
});

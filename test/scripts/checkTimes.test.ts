// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// scripts/checkTimes.js and README's and the guide's sections made of it: how long `npm test` and `npm run doctor`
// took, recorded only when a maintainer asks (AE_RECORD=1), quoted as measured; and the tested Node.js lines.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { readCheckTimes, recordCheckTime, type CheckRun } from "../../scripts/checkTimes.js";
import { NODE_LINES } from "../../scripts/nodeLines.js";
import { cpuName } from "../../scripts/project.js";
import { checkTimes, nodeLines } from "../../scripts/readmeTables.js";

const scratch = mkdtempSync(join(tmpdir(), "ae-check-times-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("recording a check's time", () => {
  test("nothing is written unless AE_RECORD=1: a teacher's run changes no committed file", () => {
    const file = join(scratch, "none.json");
    assert.equal(recordCheckTime("npm test", 600, { env: {}, file }), undefined);
    assert.throws(() => readFileSync(file));
  });

  test("with AE_RECORD=1: the newest first, the CPU, Node and load named, at most 5 per CPU", () => {
    const file = join(scratch, "checks.json");
    const env = { AE_RECORD: "1" };
    for (let i = 0; i < 7; i++) {
      recordCheckTime("npm test", 600 + i, { env, file, now: new Date(Date.UTC(2026, 11, 1 + i)) });
    }
    recordCheckTime("npm run doctor", 150.4, { env: { ...env, AE_LOAD: "two CPU burners" }, file });
    const times = readCheckTimes(file);
    const runs = times.checks["npm test"] ?? [];
    assert.deepEqual(
      runs.map((run) => [run.seconds, run.date]),
      [606, 605, 604, 603, 602].map((s, i) => [s, `2026-12-0${7 - i}`]),
    );
    assert.equal(runs[0]?.cpu, cpuName());
    assert.equal(runs[0]?.node, process.versions.node);
    assert.equal(runs[0]?.load, "quiet");
    assert.deepEqual(times.checks["npm run doctor"]?.[0]?.seconds, 150);
    assert.equal(times.checks["npm run doctor"]?.[0]?.load, "two CPU burners");
  });

  test("a file that is not a record is refused, saying what was expected and found", () => {
    const file = join(scratch, "bad.json");
    writeFileSync(file, "[1, 2]");
    assert.throws(
      () => readCheckTimes(file),
      /bad\.json: expected \{"about", "checks": \{\.\.\.\}\}, found \[1,2\]/,
    );
  });
});

describe("README's and the guide's sections", () => {
  const run = (seconds: number, cpu: string, load = "quiet"): CheckRun => ({
    date: "2026-12-06",
    cpu,
    node: "24.22.3",
    seconds,
    load,
  });

  test("each check's quiet runs as a range per CPU, in both languages; a busy run is not quoted", () => {
    const text = checkTimes({
      about: "",
      checks: {
        "npm test": [
          run(660, "AMD EPYC, 2 cores"),
          run(700, "AMD EPYC, 2 cores"),
          run(2000, "AMD EPYC, 2 cores", "two CPU burners"),
        ],
        "npm run doctor": [run(95, "AMD EPYC, 2 cores")],
      },
    });
    assert.match(
      text,
      /\| `npm run doctor` \| 1 分 35 秒（AMD EPYC, 2 cores，Node 24\.22\.3，1 次） · 1 min 35 s \(AMD EPYC, 2 cores, Node 24\.22\.3, 1 run\) \|/,
    );
    assert.match(
      text,
      /\| `npm test`（测试部分 its tests） \| 11 分 0 秒–11 分 40 秒（AMD EPYC, 2 cores，Node 24\.22\.3，2 次）/,
    );
    assert.doesNotMatch(text, /33 分|33 min/);
  });

  test("before any record: says so", () => {
    assert.match(
      checkTimes({ about: "", checks: {} }),
      /\| `npm test`（测试部分 its tests） \| 还没有记录 · not recorded yet \|/,
    );
  });

  test("the Node.js lines, each with the release CI runs", () => {
    const text = nodeLines();
    for (const line of NODE_LINES)
      assert.match(text, new RegExp(`\\| ${line.major} \\| .* \\| ${line.version} \\|`));
    assert.match(text, /推荐 24 或 26 LTS/);
    assert.match(text, /CI runs the whole suite on 24, and on 20, 22 and 26 a fresh set-up/);
  });
});

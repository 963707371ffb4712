// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// scripts/serverSizing.js: a server's size from the lessons' measured usage, by The Littlest JupyterHub's rules
// (memory = students × memory per student + overhead, with 40 % headroom; CPU = students × CPU per student +
// 0.2; disk = students × disk per student + 2 GB + the install), worked by hand here; the guide's section from it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { perStudent, serverSize, serverSizing } from "../../scripts/serverSizing.js";
import type { UsageRun } from "../../scripts/usage.js";

const usage = (
  peakMB: number,
  privateMB: number,
  sharedMB: number,
  cpuSeconds: number,
  notebookMB: number,
) => ({
  peakMB,
  privateMB,
  sharedMB,
  cpuSeconds,
  seconds: cpuSeconds / 2,
  notebookMB,
});
const run: UsageRun = {
  date: "2026-12-06",
  cpu: "AMD EPYC, 2 cores",
  cores: 2,
  node: "20.20.2",
  jupyterServerMB: 100,
  jupyterServerPrivateMB: 60,
  installMB: 2048,
  lessons: {
    "01-dense": { defaults: usage(1500, 1200, 300, 270, 5), savedWeights: usage(1400, 1100, 290, 27, 0.1) },
    "03-conv": { defaults: usage(1000, 800, 250, 540, 5), savedWeights: usage(900, 700, 250, 54, 0.1) },
  },
};

describe("a shared server's size", () => {
  test("per student: the largest own memory with a server's and 40 % headroom, CPU over a period, disk", () => {
    const one = perStudent(run, "defaults");
    assert.equal(Math.round(one.memoryMB), Math.round((1200 + 60) * 1.4));
    assert.equal(one.sharedMB, 300);
    assert.equal(one.cores, 2, "CPU time over the run's time");
    assert.equal(one.periodCores, 540 / 2700);
    assert.equal(one.diskMB, 10);
    assert.equal(Math.round(perStudent(run, "savedWeights").memoryMB), Math.round((1100 + 60) * 1.4));
  });

  test("for 10 and 40 students, rounded up", () => {
    // 10 × 1764 + 300 + 128 = 18068 MB; 10 × 2 + 0.2 cores, at least 10 × 0.2 + 0.2; 10 × 10 MB + 2 GB + 2 GB.
    assert.deepEqual(serverSize(run, "defaults", 10), { memoryGB: 18, cores: 21, leastCores: 3, diskGB: 5 });
    assert.deepEqual(serverSize(run, "defaults", 40), { memoryGB: 70, cores: 81, leastCores: 9, diskGB: 5 });
    // 10 × 1624 + 290 + 128 = 16658 MB; at least 10 × 0.02 + 0.2 cores.
    assert.deepEqual(serverSize(run, "savedWeights", 10), {
      memoryGB: 17,
      cores: 21,
      leastCores: 1,
      diskGB: 5,
    });
  });

  test("the guide's section: the measured rows and the sizes; before a measurement, how to make one", () => {
    const text = serverSizing({ usage: { runs: [run] } });
    assert.match(text, /\| `01-dense` \| 1500 MB（1200 MB） \/ 1400 MB（1100 MB） \| 4 分 30 秒 \/ 27 秒 \|/);
    assert.match(text, /\| 40 \| 70 GB \/ 64 GB \| 81 \/ 81 \| 9 \/ 1 \| 5 GB \|/);
    assert.match(text, /最长一课的 CPU 时间从 9 分 0 秒降到 54 秒；它也省一点内存/);
    assert.match(text, /sudo tljh-config set limits\.memory 2G/);
    assert.match(text, /2026-12-06 在 `AMD EPYC, 2 cores`（2 核，Node\.js 20\.20\.2）上/);
    assert.match(serverSizing({ usage: { runs: [] } }), /^尚未测量：运行一次 `npm run usage`/);
  });
});

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// scripts/record.js: `npm run record`, the maintainer's command, adds the runs an export left under dist/ to the
// record of exports, keeping the earlier runs; it refuses a missing, damaged or not-at-the-defaults dist record
// with what it expected and what it found, and then writes nothing. Runs on fixture dist records and a temporary
// record file, never the checkout's.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, beforeEach, describe, test } from "node:test";
import { KEEP_RUNS, runsFileOf, writeRunsFile, type Results, type Run } from "../../scripts/exportRecord.js";
import { ROOT } from "../../scripts/project.js";
import { kindsOf, recordExports } from "../../scripts/record.js";

const base = mkdtempSync(join(tmpdir(), "ae record 记录 "));
after(() => rmSync(base, { recursive: true, force: true }));

let dist = "";
let resultsFile = "";
beforeEach(() => {
  const dir = mkdtempSync(join(base, "case-"));
  dist = join(dir, "dist");
  resultsFile = join(dir, "results", "export.json");
});

const AT_DEFAULTS: NodeJS.ProcessEnv = {};
const run = (seconds: number, cpu = "CPU A", epochs = 5): Run => ({
  date: "2026-12-07",
  cpu,
  seconds,
  settings: { epochs, trainSize: 60000 },
  results: [`最终 loss = 0.1000，val_loss = 0.${seconds}`],
});
const readRecord = () => JSON.parse(readFileSync(resultsFile, "utf8")) as Results;
/** An earlier record: five runs of 01-dense on CPU A and one on CPU B, and one run of 02-deep. */
function writeEarlierRecord(): string {
  const earlier: Results = {
    about: "earlier",
    lessons: {
      "01-dense": [...[5, 4, 3, 2, 1].map((s) => run(s)), run(100, "CPU B")],
      "02-deep": [run(7)],
    },
  };
  mkdirSync(join(resultsFile, ".."), { recursive: true });
  const text = `${JSON.stringify(earlier, null, 2)}\n`;
  writeFileSync(resultsFile, text);
  return text;
}

describe("npm run record: an export at the defaults", () => {
  test("is added to the record, the newest runs per CPU kept, the other lessons' and CPUs' runs kept", () => {
    writeEarlierRecord();
    const before = statSync(resultsFile).ino;
    writeRunsFile({ "01-dense": run(6) }, { runsFile: runsFileOf(dist, "lessons"), env: AT_DEFAULTS });

    const { recorded, skipped } = recordExports({ dist, resultsFile });
    assert.deepEqual(
      recorded.map((each) => each.key),
      ["lessons"],
    );
    assert.deepEqual(skipped, []);
    const record = readRecord();
    assert.deepEqual(
      record.lessons["01-dense"]?.map((r) => `${r.cpu} ${r.seconds}`),
      ["CPU A 6", "CPU A 5", "CPU A 4", "CPU A 3", "CPU A 2", "CPU B 100"],
      `the new run first, then at most ${KEEP_RUNS} in all on its CPU, then the other CPU's`,
    );
    assert.deepEqual(record.lessons["02-deep"], [run(7)], "a lesson not in this export keeps its runs");
    assert.match(record.about, /npm run record/);
    // Written whole: a new file renamed over the old one, no temporary file left beside it.
    assert.notEqual(statSync(resultsFile).ino, before, "replaced by a rename, not rewritten in place");
    assert.deepEqual(readdirSync(join(resultsFile, "..")), ["export.json"]);
  });

  test("is recorded once: the dist record is marked, and a second run records nothing and says why", () => {
    writeRunsFile({ "01-dense": run(6) }, { runsFile: runsFileOf(dist, "lessons"), env: AT_DEFAULTS });
    recordExports({ dist, resultsFile, now: new Date("2026-12-07T10:00:00Z") });
    const once = readFileSync(resultsFile, "utf8");
    const marked = JSON.parse(readFileSync(runsFileOf(dist, "lessons"), "utf8"));
    assert.equal(marked.recorded.at, "2026-12-07T10:00:00.000Z");
    assert.deepEqual(marked.lessons, { "01-dense": run(6) }, "the runs themselves as the export wrote them");
    assert.throws(
      () => recordExports({ dist, resultsFile }),
      /^Error: nothing new to record: .*dist\/html\/results\.json'? was recorded in .*export\.json'? at 2026-12-07T10:00:00\.000Z\. Run the export again/,
    );
    assert.equal(readFileSync(resultsFile, "utf8"), once);
  });

  test("an export recorded as it ran (by the pack before npm run record; no mark) adds no run twice", () => {
    writeEarlierRecord();
    const file = runsFileOf(dist, "lessons");
    writeRunsFile({ "01-dense": run(5), "02-deep": run(7) }, { runsFile: file, env: AT_DEFAULTS });
    const before = readFileSync(resultsFile, "utf8");
    assert.throws(
      () => recordExports({ dist, resultsFile }),
      /^Error: nothing new to record: .*results\.json'? holds only runs that .*export\.json'? has already\./,
    );
    assert.equal(readFileSync(resultsFile, "utf8"), before);
    // One run new, one held already: only the new one is added.
    writeRunsFile({ "01-dense": run(5), "02-deep": run(8) }, { runsFile: file, env: AT_DEFAULTS });
    const { recorded } = recordExports({ dist, resultsFile });
    assert.deepEqual(Object.keys(recorded[0]?.added ?? {}), ["02-deep"]);
    assert.deepEqual(
      readRecord().lessons["01-dense"]?.map((r) => r.seconds),
      [5, 4, 3, 2, 1, 100],
    );
    assert.deepEqual(
      readRecord().lessons["02-deep"]?.map((r) => r.seconds),
      [8, 7],
    );
  });

  test("the answers' export goes under answers, the quick setting's under quick; the lessons' stay", () => {
    const earlier = writeEarlierRecord();
    writeRunsFile(
      { "01-dense": run(9) },
      { runsFile: runsFileOf(dist, "answers"), env: AT_DEFAULTS, key: "answers" },
    );
    writeRunsFile(
      { "01-dense": run(8, "CPU A", 1) },
      { runsFile: runsFileOf(dist, "lessons"), env: { AE_EPOCHS: "1" } },
    );
    const { recorded } = recordExports({ dist, resultsFile });
    assert.deepEqual(
      recorded.map((each) => each.key),
      ["quick", "answers"],
    );
    const record = readRecord();
    assert.deepEqual(record.lessons, (JSON.parse(earlier) as Results).lessons);
    assert.deepEqual(record.quick, { "01-dense": [run(8, "CPU A", 1)] });
    assert.deepEqual(record.answers, { "01-dense": [run(9)] });
  });

  test("--answers records that export alone, leaving the lessons' for later", () => {
    writeRunsFile({ "01-dense": run(6) }, { runsFile: runsFileOf(dist, "lessons"), env: AT_DEFAULTS });
    writeRunsFile(
      { "01-dense": run(9) },
      { runsFile: runsFileOf(dist, "answers"), env: AT_DEFAULTS, key: "answers" },
    );
    recordExports({ dist, resultsFile, only: kindsOf(["--answers"]) });
    assert.deepEqual(Object.keys(readRecord().answers ?? {}), ["01-dense"]);
    assert.deepEqual(readRecord().lessons, {});
    assert.equal(JSON.parse(readFileSync(runsFileOf(dist, "lessons"), "utf8")).recorded, undefined);
  });
});

describe("npm run record refuses, says what it expected and found, and writes nothing", () => {
  /** Runs recordExports expecting `message`; the record and the dist records must be as they were. */
  function refused(message: RegExp) {
    const files = [resultsFile, runsFileOf(dist, "lessons"), runsFileOf(dist, "answers")];
    const read = () =>
      files.map((file) => (statSync(file, { throwIfNoEntry: false }) ? readFileSync(file, "utf8") : null));
    const before = read();
    assert.throws(() => recordExports({ dist, resultsFile }), message);
    assert.deepEqual(read(), before, "nothing written");
  }

  test("no export in dist/", () => {
    writeEarlierRecord();
    refused(
      /^Error: no export to record: expected .*dist\/html\/results\.json'? \(written by npm run export\) or .*dist\/html\/answers\/results\.json'? \(written by npm run export -- --answers\), found neither\. Run the export at the defaults first, then npm run record$/,
    );
    assert.throws(
      () => recordExports({ dist, resultsFile, only: ["answers"] }),
      /expected .*answers\/results\.json'? \(written by npm run export -- --answers\), found none/,
    );
  });

  test("an export with other settings, naming them", () => {
    writeEarlierRecord();
    writeRunsFile(
      { "01-dense": run(6) },
      { runsFile: runsFileOf(dist, "lessons"), env: { AE_TRAIN_SIZE: "2048" } },
    );
    refused(
      /dist\/html\/results\.json'? is an export with AE_TRAIN_SIZE=2048: expected one at the defaults or at exactly AE_EPOCHS=1, the only exports results\/export\.json records\. Run npm run export without that setting, then npm run record$/,
    );
    // Not quite the quick setting; and the answers have none.
    writeRunsFile(
      { "01-dense": run(6) },
      { runsFile: runsFileOf(dist, "lessons"), env: { AE_EPOCHS: "1", AE_WEIGHTS: "1" } },
    );
    refused(/is an export with AE_EPOCHS=1, AE_WEIGHTS=1: .*without those settings/);
    rmSync(runsFileOf(dist, "lessons"));
    writeRunsFile(
      { "01-dense": run(6) },
      { runsFile: runsFileOf(dist, "answers"), env: { AE_EPOCHS: "1" }, key: "answers" },
    );
    refused(
      /answers\/results\.json'? is an export with AE_EPOCHS=1: expected one at the defaults, the only exports/,
    );
  });

  test("one good export beside one with other settings: neither is recorded", () => {
    writeEarlierRecord();
    writeRunsFile({ "01-dense": run(6) }, { runsFile: runsFileOf(dist, "lessons"), env: AT_DEFAULTS });
    writeRunsFile(
      { "01-dense": run(9) },
      { runsFile: runsFileOf(dist, "answers"), env: { AE_WEIGHTS: "1" }, key: "answers" },
    );
    refused(/answers\/results\.json'? is an export with AE_WEIGHTS=1/);
  });

  test("a damaged dist record: not JSON, not a record, a run without its time", () => {
    writeEarlierRecord();
    const file = runsFileOf(dist, "lessons");
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, '{"nonDefaultSettings": [], "lessons": {"01-dense": {"date": "2026-12');
    refused(
      /results\.json'? is not an export's record: expected JSON with "nonDefaultSettings" .* found text that is not JSON \(.*\)\. Run npm run export again, then npm run record$/,
    );
    writeFileSync(file, "[1, 2]");
    refused(/is not an export's record: expected JSON .* found \[1,2\]\./);
    writeFileSync(file, JSON.stringify({ nonDefaultSettings: [], answers: { "01-dense": run(1) } }));
    refused(/found no runs under "lessons" \(keys: nonDefaultSettings, answers\)/);
    const withoutSeconds: Partial<Run> = run(1);
    delete withoutSeconds.seconds;
    writeFileSync(file, JSON.stringify({ nonDefaultSettings: [], lessons: { "01-dense": withoutSeconds } }));
    refused(/found the run of 01-dense with no seconds\./);
  });

  test("a record of exports that cannot be read is left as it was, and the export left to record", () => {
    mkdirSync(join(resultsFile, ".."), { recursive: true });
    writeFileSync(resultsFile, '{"about": "cut short", "lessons": {');
    writeRunsFile({ "01-dense": run(6) }, { runsFile: runsFileOf(dist, "lessons"), env: AT_DEFAULTS });
    refused(
      /export\.json'? could not be read as the record of exports \(SyntaxError: .*\): nothing was written to it\. Fix it, or take the committed one \(git checkout -- results\/export\.json\), and run npm run record again$/,
    );
  });
});

test("the command line: --lessons, --answers, or both by default; anything else is refused before reading", () => {
  assert.deepEqual(kindsOf([]), ["lessons", "answers"]);
  assert.deepEqual(kindsOf(["--answers"]), ["answers"]);
  assert.deepEqual(kindsOf(["--lessons", "--answers", "--lessons"]), ["lessons", "answers"]);
  const cli = spawnSync(process.execPath, [join(ROOT, "scripts", "record.js"), "--all"], {
    encoding: "utf8",
  });
  assert.equal(cli.status, 1);
  assert.equal(cli.stderr, "record failed: expected no argument, --lessons or --answers, found --all\n");
});

// @ts-check
// The test runner behind `npm test` (after set-up and the checks) and `npm run test:unit`: Node's test runner over
// test/, test/scripts/ and the engine's own src/engine/test/, in a process that starts with TensorFlow's environment (TENSORFLOW_ENV), as every process
// the pack starts. `--unit` runs only the fast tier for the inner loop: the files marked with the line
// "// Test tier: unit" (no kernel, no browser, no training: argument checks, formats, data, tables, prose).
// `--line` (npm run test:line) is what CI runs on each other Node.js line: the unit tier and the files marked
// "// Test tier: line" (every lesson and answer at small settings, the lab in a browser). Set-up is not run here: the tier needs node_modules and ae-shared's build, which any earlier `npm test` or `npm start`
// made. Other arguments go to `node --test` (`--test-name-pattern X`).
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { recordCheckTime } from "./checkTimes.js";
import { ROOT, TENSORFLOW_ENV } from "./project.js";

export const UNIT_MARK = /^\/\/ Test tier: unit\b/m;
/** The files CI runs on every Node.js line besides the unit tier (.ci/run): lessons, answers, the lab, a training. */
export const LINE_MARK = /^\/\/ Test tier: line\b/m;

/**
 * The test files, relative to the checkout, in a stable order: all of them, those of the unit tier, or those
 * CI runs on each Node.js line (the unit tier and the files marked for the line tier).
 * @param {{unit?: boolean, line?: boolean, root?: string}} [options]
 */
export function testFiles({ unit = false, line = false, root = ROOT } = {}) {
  return ["test", join("test", "scripts"), join("src", "engine", "test")]
    .flatMap((folder) =>
      readdirSync(join(root, folder))
        .filter((name) => name.endsWith(".test.ts"))
        .map((name) => join(folder, name)),
    )
    .filter((file) => {
      if (!unit && !line) return true;
      const text = readFileSync(join(root, file), "utf8");
      return UNIT_MARK.test(text) || (line && LINE_MARK.test(text));
    })
    .sort();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const unit = args.includes("--unit");
  const line = args.includes("--line");
  const files = testFiles({ unit, line });
  const started = Date.now();
  // The unit tier's files are light enough to run two at a time; the whole suite runs one file at a time, since
  // its kernels, browsers and trainings each want the machine (and some share a port or a folder).
  const concurrency = `--test-concurrency=${unit ? 2 : 1}`;
  const tier = unit ? "test:unit" : line ? "test:line" : "test";
  const run = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      concurrency,
      ...args.filter((arg) => !/^--(unit|line)$/.test(arg)),
      ...files,
    ],
    {
      cwd: ROOT,
      stdio: "inherit",
      env: {
        TF_CPP_MIN_LOG_LEVEL: "2",
        ...TENSORFLOW_ENV,
        ...process.env,
        AE_TEST_TIER: { test: "all", "test:unit": "unit", "test:line": "line" }[tier],
      },
    },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${tier}: ${files.length} files in ${seconds} s\n`);
  process.exitCode = run.status ?? 1;
  // With AE_RECORD=1, a whole suite that passed is recorded for README and the guide (scripts/checkTimes.js).
  if (tier === "test" && run.status === 0 && !args.some((arg) => arg.startsWith("--test-name-pattern"))) {
    const file = recordCheckTime("npm test", Number(seconds));
    if (file) process.stdout.write(`test: recorded in ${file}\n`);
  }
}

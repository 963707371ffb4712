// @ts-check
// The test runner behind `npm test` (after set-up and the checks) and `npm run test:unit`: Node's test runner over
// test/ and test/scripts/, in a process that starts with TensorFlow's environment (TENSORFLOW_ENV), as every process
// the pack starts. `--unit` runs only the fast tier for the inner loop: the files marked with the line
// "// Test tier: unit" (no kernel, no browser, no training: argument checks, formats, data, tables, prose). Set-up
// is not run here: the tier needs node_modules and ae-shared's build, which any earlier `npm test` or `npm start`
// made. Other arguments go to `node --test` (`--test-name-pattern X`).
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, TENSORFLOW_ENV } from "./project.js";

export const UNIT_MARK = /^\/\/ Test tier: unit\b/m;

/**
 * The test files, relative to the checkout, in a stable order: all of them, or those of the unit tier.
 * @param {{unit?: boolean, root?: string}} [options]
 */
export function testFiles({ unit = false, root = ROOT } = {}) {
  return ["test", join("test", "scripts")]
    .flatMap((folder) =>
      readdirSync(join(root, folder))
        .filter((name) => name.endsWith(".test.ts"))
        .map((name) => join(folder, name)),
    )
    .filter((file) => !unit || UNIT_MARK.test(readFileSync(join(root, file), "utf8")))
    .sort();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const unit = args.includes("--unit");
  const files = testFiles({ unit });
  const started = Date.now();
  // The unit tier's files are light enough to run two at a time; the whole suite runs one file at a time, since
  // its kernels, browsers and trainings each want the machine (and some share a port or a folder).
  const concurrency = `--test-concurrency=${unit ? 2 : 1}`;
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", concurrency, ...files, ...args.filter((arg) => arg !== "--unit")],
    {
      cwd: ROOT,
      stdio: "inherit",
      env: { TF_CPP_MIN_LOG_LEVEL: "2", ...TENSORFLOW_ENV, ...process.env },
    },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${unit ? "test:unit" : "test"}: ${files.length} files in ${seconds} s\n`);
  process.exitCode = run.status ?? 1;
}

// @ts-check
// `npm run test:unit`: the fast tier for the inner loop. It runs the test files marked with the line
// "// Test tier: unit" (no kernel, no browser, no training: argument checks, formats, data, tables, prose);
// `npm test` runs every file, these included. Set-up is not run: the tier needs node_modules and ae-shared's
// build, which any earlier `npm test` or `npm start` made.
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, TENSORFLOW_ENV } from "./project.js";

export const UNIT_MARK = /^\/\/ Test tier: unit\b/m;

/** The test files of the unit tier, relative to the checkout, in a stable order. */
export function unitTestFiles(root = ROOT) {
  return ["test", join("test", "scripts")]
    .flatMap((folder) =>
      readdirSync(join(root, folder))
        .filter((name) => name.endsWith(".test.ts"))
        .map((name) => join(folder, name)),
    )
    .filter((file) => UNIT_MARK.test(readFileSync(join(root, file), "utf8")))
    .sort();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const files = unitTestFiles();
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", "--test-concurrency=2", ...files, ...process.argv.slice(2)],
    {
      cwd: ROOT,
      stdio: "inherit",
      env: { TF_CPP_MIN_LOG_LEVEL: "2", ...TENSORFLOW_ENV, ...process.env },
    },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`test:unit: ${files.length} files in ${seconds} s\n`);
  process.exitCode = run.status ?? 1;
}

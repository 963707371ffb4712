// @ts-check
// The one set-up command, run by `npm start`, `npm test`, `npm run export` and `npm run setup`: it takes the
// checkout through set-up's steps (scripts/setup/runner.js, one module a step under scripts/setup/) and, on a
// failure, prints what is wrong and how to fix it and exits with 1. Ctrl+C is handled by the runner, which knows
// the step it stopped. Plain Node with no dependencies, since its first job may be to install them.
import { failureText, setup } from "./setup/runner.js";

setup().catch((/** @type {unknown} */ error) => {
  process.stderr.write(failureText(error));
  process.exitCode = 1;
});

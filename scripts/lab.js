// @ts-check
// `npm start`, after set-up: JupyterLab from the venv, on 127.0.0.1 only, with token authentication
// (the URL with the token is printed), opened on notebooks/.
import { spawn } from "node:child_process";
import { ROOT, jupyterEnv, venvProgram } from "./project.js";

const port = process.env.AE_PORT ?? "8888";
if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
  process.stderr.write(`AE_PORT must be a port number from 1 to 65535, found ${JSON.stringify(port)}\n`);
  process.exit(1);
}

const args = [
  "lab",
  "--ServerApp.ip=127.0.0.1",
  `--ServerApp.port=${port}`,
  `--ServerApp.root_dir=${ROOT}`,
  "--LabApp.default_url=/lab/tree/notebooks",
  // JupyterLab refuses to run as root unless told; containers and CI often are root.
  ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
  ...process.argv.slice(2),
];
// TensorFlow's library prints these two lines to the kernel's stderr, this terminal, whenever a lesson loads it
// with oneDNN on (ae-shared turns it on, see backend.ts), whatever TF_CPP_MIN_LOG_LEVEL says. They are no news
// to a teacher and look like warnings, so they are left out; every other line passes unchanged.
const TENSORFLOW_LOAD_LINES = [
  /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/,
  /^I\d{4} [\d:.]+ +\d+ port\.cc:\d+\] oneDNN custom operations are on\./,
];

const lab = spawn(venvProgram("jupyter"), args, {
  cwd: ROOT,
  env: jupyterEnv(),
  // Jupyter logs, and kernels write, to stderr; its "Shutdown this Jupyter server?" prompt is on stdout.
  stdio: ["inherit", "inherit", "pipe"],
});
let partial = "";
/** @type {NodeJS.Timeout | undefined} */
let flushPartial;
lab.stderr?.setEncoding("utf8");
lab.stderr?.on("data", (/** @type {string} */ chunk) => {
  const lines = (partial + chunk).split("\n");
  partial = lines.pop() ?? "";
  const shown = lines.filter((line) => !TENSORFLOW_LOAD_LINES.some((pattern) => pattern.test(line)));
  if (shown.length > 0) process.stderr.write(shown.map((line) => `${line}\n`).join(""));
  // A line without its end yet (a prompt, a progress bar) is shown if nothing follows soon.
  clearTimeout(flushPartial);
  if (partial !== "") {
    flushPartial = setTimeout(() => {
      process.stderr.write(partial);
      partial = "";
    }, 100);
  }
});
// Ctrl+C reaches JupyterLab too (same process group); it asks to confirm, then shuts its kernels down.
process.on("SIGINT", () => {});
lab.on("close", (code, signal) => {
  clearTimeout(flushPartial);
  process.stderr.write(partial);
  process.exit(code ?? (signal ? 1 : 0));
});

// @ts-check
// `npm start`, after set-up: JupyterLab from the venv, on 127.0.0.1 only, with token authentication
// (the URL with the token is printed), opened on notebooks/.
import { spawn } from "node:child_process";
import { ROOT, forwardStderrQuietly, jupyterEnv, venvProgram } from "./project.js";

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
const lab = spawn(venvProgram("jupyter"), args, {
  cwd: ROOT,
  env: jupyterEnv(),
  // Jupyter logs, and kernels write, to stderr; its "Shutdown this Jupyter server?" prompt is on stdout.
  stdio: ["inherit", "inherit", "pipe"],
});
// A lesson's kernel writes TensorFlow's start-up lines there: left out (see project.js).
const stderrDone = forwardStderrQuietly(lab.stderr);
// Ctrl+C reaches JupyterLab too (same process group); it asks to confirm, then shuts its kernels down.
process.on("SIGINT", () => {});
lab.on("close", (code, signal) => {
  stderrDone();
  process.exit(code ?? (signal ? 1 : 0));
});

// @ts-check
// JupyterLab for `npm run doctor`, started as `npm start` starts it (scripts/lab.js: the venv's JupyterLab on
// 127.0.0.1 with its token), on a free port; and check 1: a tslab kernel started through its REST API and
// websocket (scripts/run_on_server.py, as JupyterLab does) runs code on TensorFlow's native backend.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { ROOT, VENV_BIN, jupyterEnv } from "../project.js";
import { CheckFailure, SETUP_FIX, say, seconds } from "./report.js";

/**
 * @typedef {{base: string, token: string, port: number, log: () => string, stop: () => Promise<void>}} Lab
 */

/** A free TCP port on 127.0.0.1 (the tests take theirs here too). */
export function freePort() {
  return /** @type {Promise<number>} */ (
    new Promise((resolve, reject) => {
      const server = createServer();
      server.on("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() =>
          typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
        );
      });
    })
  );
}

/** @param {string} log */
const tail = (log) => log.trim().split("\n").slice(-12).join("\n");

/**
 * Starts JupyterLab through scripts/lab.js on a free port, and waits until it answers. `stop()` ends it with its
 * kernels (its process group).
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<Lab>}
 */
export async function startLab(env) {
  const port = await freePort();
  const lab = spawn(process.execPath, [join(ROOT, "scripts", "lab.js"), "--no-browser"], {
    cwd: ROOT,
    env: { ...env, AE_PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: stop() ends JupyterLab and its kernels with it
  });
  let log = "";
  const exited = new Promise((resolve) => lab.on("exit", resolve));
  const stop = async () => {
    if (lab.exitCode !== null || lab.signalCode !== null || !lab.pid) return;
    process.kill(-lab.pid, "SIGTERM");
    const timer = setTimeout(() => lab.pid && process.kill(-lab.pid, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new CheckFailure(
          say(
            `JupyterLab 在 90 秒内没有打印网址：\n${tail(log)}`,
            `JupyterLab printed no URL in 90 s:\n${tail(log)}`,
          ),
          SETUP_FIX(),
        ),
      );
    }, 90_000);
    const look = (/** @type {Buffer} */ chunk) => {
      log += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/lab\/tree\/notebooks\?token=\w+/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(new URL(match[0]));
      }
    };
    lab.stdout.on("data", look);
    lab.stderr.on("data", look);
    lab.on("exit", (code) => {
      clearTimeout(timer);
      reject(
        new CheckFailure(
          say(
            `JupyterLab 退出了（退出码 ${code}）：\n${tail(log)}`,
            `JupyterLab exited (code ${code}):\n${tail(log)}`,
          ),
          SETUP_FIX(),
        ),
      );
    });
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  const base = `http://127.0.0.1:${port}`;
  // The URL is printed as the server starts; wait, as a person does, until it answers at all.
  for (let tries = 0; ; tries++) {
    try {
      await fetch(`${base}/api`);
      break;
    } catch {
      if (tries >= 100) {
        await stop();
        throw new CheckFailure(
          say(
            `JupyterLab 打印了网址，但 20 秒内没有应答`,
            `JupyterLab printed its URL but did not answer in 20 s`,
          ),
          SETUP_FIX(),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { base, token: url.searchParams.get("token") ?? "", port, log: () => log, stop };
}

/**
 * Shuts down every kernel of `lab` (the doctor's notebooks are done with them).
 * @param {Lab} lab
 */
export async function shutDownKernels(lab) {
  const headers = { Authorization: `token ${lab.token}` };
  const kernels = /** @type {{id: string}[]} */ (
    await (await fetch(`${lab.base}/api/kernels`, { headers })).json()
  );
  await Promise.all(
    kernels.map((k) => fetch(`${lab.base}/api/kernels/${k.id}`, { method: "DELETE", headers })),
  );
}

/**
 * Check 1: JupyterLab answers on 127.0.0.1 only with its token, and a tslab kernel it starts runs TensorFlow
 * on the native backend.
 * @param {{lab: () => Promise<Lab>}} context
 */
export async function checkKernel(context) {
  const lab = await context.lab();
  if (lab.token.length < 32) {
    throw new CheckFailure(say("JupyterLab 没有生成 token", "JupyterLab made no token"), SETUP_FIX());
  }
  const refused = (await fetch(`${lab.base}/api/kernelspecs`)).status;
  if (refused !== 403) {
    throw new CheckFailure(
      say(
        `没有 token 也能用 JupyterLab 的接口（HTTP ${refused}）`,
        `JupyterLab's API answers without the token (HTTP ${refused})`,
      ),
      say(
        "用 `npm start` 启动 JupyterLab（它要求 token），不要关掉 token",
        "start JupyterLab with `npm start`, which keeps its token",
      ),
    );
  }
  const code = 'import * as tf from "@tensorflow/tfjs-node";\nconsole.log(`backend=${tf.getBackend()}`);';
  const started = Date.now();
  const run = spawnSync(
    join(VENV_BIN, "python"),
    [join(ROOT, "scripts", "run_on_server.py"), lab.base, lab.token, "tslab", code],
    { env: jupyterEnv(), encoding: "utf8", timeout: 120_000 },
  );
  const ms = Date.now() - started;
  /** @type {{status?: string, stdout?: string, stderr?: string}} */
  let result = {};
  try {
    result = JSON.parse(run.stdout);
  } catch {
    // below: the kernel's or Python's own words
  }
  const backend = /backend=(\w+)/.exec(result.stdout ?? "")?.[1];
  if (run.status !== 0 || result.status !== "ok" || backend !== "tensorflow") {
    const said =
      tail(`${result.stderr ?? ""}${run.stderr ?? ""}${result.stdout ?? ""}`) || String(run.error ?? "");
    throw new CheckFailure(
      backend && backend !== "tensorflow"
        ? say(
            `内核的后端是 ${backend}，不是 tensorflow`,
            `the kernel's backend is ${backend}, not tensorflow`,
          )
        : say(`tslab 内核没有运行代码：\n${said}`, `the tslab kernel did not run code:\n${said}`),
      SETUP_FIX(),
    );
  }
  return say(
    `127.0.0.1:${lab.port} 要 token（没有时 ${refused}），内核 ${seconds(ms)}启动并运行，后端 ${backend}`,
    `127.0.0.1:${lab.port} asks for its token (${refused} without), kernel up and running in ${seconds(ms)}, backend ${backend}`,
  );
}

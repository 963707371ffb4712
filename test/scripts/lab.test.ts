import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT, VENV_BIN, jupyterEnv } from "../../scripts/project.js";
import { freePort } from "../support/ports.js";

test("npm start's JupyterLab: localhost, token, a TypeScript kernel on native TensorFlow", async (t) => {
  const port = await freePort();
  const lab = spawn(process.execPath, [join(ROOT, "scripts", "lab.js"), "--no-browser"], {
    cwd: ROOT,
    env: { ...process.env, AE_PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  t.after(() => {
    if (lab.exitCode === null && lab.pid) process.kill(-lab.pid, "SIGTERM");
  });
  let log = "";
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`JupyterLab printed no URL within 60 s:\n${log}`)),
      60_000,
    );
    const look = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/lab\/tree\/notebooks\?token=\w+/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(new URL(match[0]));
      }
    };
    lab.stdout.on("data", look);
    lab.stderr.on("data", look);
    lab.on("exit", (code) => reject(new Error(`JupyterLab exited with ${code}:\n${log}`)));
  });
  assert.equal(url.port, String(port));
  const token = url.searchParams.get("token") ?? "";
  assert.ok(token.length >= 32, "a generated token");
  const base = `http://127.0.0.1:${port}`;

  assert.equal((await fetch(`${base}/api/kernelspecs`)).status, 403, "no token, no API");
  const specs = (await (
    await fetch(`${base}/api/kernelspecs`, { headers: { Authorization: `token ${token}` } })
  ).json()) as { kernelspecs: Record<string, { spec: { display_name: string } }> };
  assert.equal(specs.kernelspecs.tslab?.spec.display_name, "TypeScript");
  assert.equal(
    (await fetch(`${base}/lab/tree/notebooks?token=${token}`)).status,
    200,
    "the Lab page, on notebooks/",
  );

  const code = 'import * as tf from "@tensorflow/tfjs-node";\nconsole.log(`backend=${tf.getBackend()}`);';
  const run = spawnSync(
    join(VENV_BIN, "python"),
    [join(ROOT, "test", "support", "run_on_server.py"), base, token, "tslab", code],
    { env: jupyterEnv(), encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { status: string; stdout: string; stderr: string };
  assert.equal(result.status, "ok", result.stderr);
  assert.match(result.stdout, /backend=tensorflow/);
});

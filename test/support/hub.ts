// A JupyterHub for the shared-server test, where the machine has one (Debian's `jupyterhub` package: JupyterHub
// 3.0 with configurable-http-proxy; .ci/run installs it where apt-get can): the hub as root, its
// LocalProcessSpawner starting each Unix user's own single-user server, DummyAuthenticator (a test's logins), and
// a service token through which the test starts the users' servers and makes each a token of their own.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./ports.js";

export const HUB_PROGRAMS = ["jupyterhub", "configurable-http-proxy"];

/** Whether this machine has a JupyterHub to test through. */
export const hubInstalled = () =>
  HUB_PROGRAMS.every((program) => spawnSync("sh", ["-c", `command -v ${program}`]).status === 0);

/**
 * Starts a hub in `dir` for `users`; every user's server gets `environment`, and TMPDIR in their home.
 * @returns the hub's address, a way to start a user's server (its URL and a token of the user's), and stop
 */
export async function startHub(
  dir: string,
  users: string[],
  environment: Record<string, string>,
  path: string,
) {
  mkdirSync(dir, { recursive: true });
  const [port, hubPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const serviceToken = `service${process.pid}${Date.now()}`;
  const py = (value: unknown) => JSON.stringify(value);
  writeFileSync(
    join(dir, "jupyterhub_config.py"),
    [
      "import os, pwd",
      `c.JupyterHub.ip = "127.0.0.1"`,
      `c.JupyterHub.port = ${port}`,
      `c.JupyterHub.hub_ip = "127.0.0.1"`,
      `c.JupyterHub.hub_port = ${hubPort}`,
      `c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:${apiPort}"`,
      `c.ConfigurableHTTPProxy.pid_file = ${py(join(dir, "proxy.pid"))}`,
      `c.JupyterHub.db_url = ${py(`sqlite:///${join(dir, "jupyterhub.sqlite")}`)}`,
      `c.JupyterHub.cookie_secret_file = ${py(join(dir, "cookie_secret"))}`,
      `c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"`,
      `c.Authenticator.allowed_users = set(${py(users)})`,
      `c.JupyterHub.services = [{"name": "test", "api_token": ${py(serviceToken)}}]`,
      'c.JupyterHub.load_roles = [{"name": "test", "services": ["test"], "scopes": ' +
        '["admin:users", "admin:servers", "tokens", "access:servers"]}]',
      `c.Spawner.environment = dict(${py(environment)}, ` +
        'TMPDIR=lambda spawner: os.path.join(pwd.getpwnam(spawner.user.name).pw_dir, "tmp"))',
      "c.Spawner.http_timeout = 120",
      "c.Spawner.start_timeout = 120",
    ].join("\n"),
  );
  // Debian's proxy finds its modules in /usr/share/nodejs, which only Debian's own Node.js searches by itself.
  const hub = spawn("jupyterhub", ["-f", join(dir, "jupyterhub_config.py")], {
    cwd: dir,
    env: { PATH: path, NODE_PATH: "/usr/share/nodejs", LANG: "C.UTF-8" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  hub.stdout.on("data", (chunk) => (log += chunk));
  hub.stderr.on("data", (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  const api = async (method: string, route: string, token = serviceToken) => {
    const answer = await fetch(`${url}/hub/api${route}`, {
      method,
      headers: { Authorization: `token ${token}` },
      ...(method === "POST" ? { body: "{}" } : {}),
    });
    if (!answer.ok) throw new Error(`${method} ${route}: ${answer.status} ${await answer.text()}\n${log}`);
    // Starting a server answers 201 or 202 with no body.
    const text = await answer.text();
    return (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
  };
  for (let tries = 0; ; tries++) {
    try {
      await api("GET", "/");
      break;
    } catch (error) {
      if (tries > 300) throw new Error(`the hub did not answer in 60 s: ${String(error)}\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    url,
    log: () => log,
    /** Starts `user`'s server through the hub, as their login would; its URL and a token of theirs. */
    async startServer(user: string) {
      await api("POST", `/users/${user}`).catch(() => undefined); // already allowed, so maybe already there
      await api("POST", `/users/${user}/server`);
      for (let tries = 0; ; tries++) {
        const state = (await api("GET", `/users/${user}`)) as {
          servers?: Record<string, { ready: boolean }>;
        };
        if (state.servers?.[""]?.ready) break;
        if (tries > 600) throw new Error(`${user}'s server was not ready in 120 s\n${log}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const { token } = (await api("POST", `/users/${user}/tokens`)) as { token: string };
      return { base: `${url}/user/${user}`, token };
    },
    /** Stops the hub, which stops the users' servers. */
    stop() {
      if (hub.pid && hub.exitCode === null) process.kill(-hub.pid, "SIGTERM");
    },
  };
}

// The offline bundle and the shared server, as a lab and a school would use them (scripts/bundle.js,
// scripts/server.js). `npm run bundle` writes the archive; unpacked in a fresh folder, set-up and a lesson run
// inside a network namespace with no network but the loopback (`unshare -n`). Then that install, made read-only,
// serves three Unix users at once through a JupyterHub (test/support/hub.ts: Debian's, whose spawner starts each
// user's own single-user server; where the machine has none, each user's JupyterLab is started as a spawner
// would, and the test says so), each running a lesson through the server's API as Run All does: two train
// 01-dense at the same time, one runs 05-pca on the saved models. Nothing may be written into the install, no
// file may land in the shared /tmp, and every result must be right. Needs root (useradd, unshare); elsewhere it
// is skipped, saying why. About 2 min 30 s on 2 cores (AMD EPYC).
import assert from "node:assert/strict";
import { spawn, spawnSync, type SpawnSyncOptions } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { BUNDLE_FOLDER } from "../../scripts/bundle.js";
import { ROOT } from "../../scripts/project.js";
import { copiedFiles } from "../../scripts/server/studentCopy.js";
import { hubInstalled, startHub } from "../support/hub.js";
import { freePort } from "../support/ports.js";

const WHOLE_SUITE_ONLY =
  process.env.AE_TEST_TIER !== "all" && "the whole suite's (npm test): a bundle of about 0.7 GB, three users";
const isRoot = process.getuid?.() === 0;
const tools = ["useradd", "userdel", "runuser", "unshare", "ip", "tar"].filter(
  (tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0,
);
const skip =
  WHOLE_SUITE_ONLY ||
  (!isRoot && "needs root: it adds three users and a network namespace") ||
  (tools.length > 0 && `needs ${tools.join(", ")}`);

/** Where everything goes: open to all users on the way, as /opt and /home are. */
const work = skip ? "" : mkdtempSync("/tmp/ae-lab-");
const install = join(work, "opt", BUNDLE_FOLDER);
const bin = join(work, "bin");
const node = join(bin, "node");
const prefix = join(work, "usr-local");
const path = `${bin}:/usr/bin:/bin`;

function sh(command: string, args: string[], options: SpawnSyncOptions = {}) {
  const run = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 << 20, ...options });
  const output = `${String(run.stdout ?? "")}${String(run.stderr ?? "")}`;
  assert.equal(run.status, 0, `${command} ${args.join(" ")} failed (${run.status}):\n${output.slice(-4000)}`);
  return output;
}

/** Every file and folder under `dir` with what a write would change: size, mode, time of the last change. */
function snapshot(dir: string, into = new Map<string, string>()) {
  for (const entry of readdirSync(dir)) {
    const file = join(dir, entry);
    const stat = lstatSync(file);
    into.set(relative(install, file), `${stat.size} ${stat.mode} ${stat.mtimeMs} ${stat.ctimeMs}`);
    if (stat.isDirectory()) snapshot(file, into);
  }
  return into;
}

describe("the offline bundle and the shared server", { skip }, () => {
  const users = [1, 2, 3].map((i) => `aelab${process.pid % 10000}s${i}`);
  const servers: { pid?: number }[] = [];
  const viaHub = hubInstalled();
  let stopHub = () => {};

  before(() => {
    chmodSync(work, 0o755);
    mkdirSync(bin, { recursive: true });
    // The Node.js running the tests may lie under a folder only root can enter (CI's clone): a copy for all.
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
  });

  after(() => {
    stopHub();
    for (const server of servers) if (server.pid) spawnSync("kill", ["--", `-${server.pid}`]);
    for (const user of users) spawnSync("pkill", ["-KILL", "-u", user]);
    for (const user of users) spawnSync("userdel", ["-r", "-f", user]);
    if (work !== "") {
      spawnSync("chmod", ["-R", "u+w", work]);
      rmSync(work, { recursive: true, force: true });
    }
  });

  test("npm run bundle writes it; unpacked, it sets up and runs a lesson with no network", () => {
    const archive = join(work, "bundle.tar.gz");
    let started = Date.now();
    const made = sh(node, [join(ROOT, "scripts", "bundle.js"), archive], { cwd: ROOT });
    const bundleSeconds = (Date.now() - started) / 1000;
    assert.match(made, /bundle: .*bundle\.tar\.gz: \d+ MB in \d+ s/);
    mkdirSync(join(work, "opt"));
    started = Date.now();
    sh("tar", ["-xzf", archive, "-C", join(work, "opt")]);
    rmSync(archive);
    // A network namespace of its own: no network but the loopback (Jupyter talks to its kernels over it), as
    // on a lab machine with no connection. A Python every user can run (not one under /root).
    const noNetwork = (args: string[]) => ["-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", ...args];
    const offline = { cwd: install, env: { PATH: path, HOME: work, PYTHON: "/usr/bin/python3" } };
    const setup = sh("unshare", noNetwork([node, "scripts/setup.js"]), offline);
    assert.match(setup, /from the offline bundle's wheels \(\.cache\/pip-wheels\), with no package index/);
    assert.match(setup, /setup: all ready in/);
    const installSeconds = (Date.now() - started) / 1000;
    const lesson = sh(
      "unshare",
      noNetwork([node, "scripts/notebook.js", "notebooks/01-dense.ipynb", join(work, "01.ipynb")]),
      { ...offline, env: { ...offline.env, AE_EPOCHS: "1", AE_TRAIN_SIZE: "2048" } },
    );
    const executed = readFileSync(join(work, "01.ipynb"), "utf8");
    assert.match(executed, /最终 loss = [\d.]+，val_loss = [\d.]+/, lesson);
    process.stdout.write(
      `# bundle made in ${bundleSeconds.toFixed(0)} s; unpacked and set up offline in ${installSeconds.toFixed(0)} s\n`,
    );
  });

  /**
   * As a hub's spawner starts a user's server: the user's own process, HOME and environment, the system-wide
   * kernels on JUPYTER_PATH (/usr/local/share/jupyter on a server, which every Jupyter reads).
   */
  async function spawnerLike(
    user: string,
    asUser: (args: string[]) => string[],
    home: string,
    settings: Record<string, string>,
  ) {
    const port = await freePort();
    const token = `t${user}${process.pid}`;
    const server = spawn(
      "runuser",
      asUser([
        ...Object.entries(settings).map(([name, value]) => `${name}=${value}`),
        join(install, ".venv", "bin", "jupyter"),
        ...["lab", "--no-browser", "--ServerApp.ip=127.0.0.1", `--ServerApp.port=${port}`],
        `--IdentityProvider.token=${token}`,
        `--ServerApp.root_dir=${home}`,
      ]),
      { stdio: "ignore", detached: true },
    );
    servers.push(server);
    return { base: `http://127.0.0.1:${port}`, token };
  }

  const how = viaHub
    ? "through JupyterHub"
    : "each with a JupyterLab started as a spawner would (no JupyterHub here)";
  test(`read-only, it serves three users at once ${how}: their own copies, nothing written into it`, async () => {
    sh(node, [join(install, "scripts", "server.js"), "install", "--prefix", prefix], { cwd: install });
    sh("chmod", ["-R", "a-w", install]);
    const skel = join(work, "skel");
    sh(join(prefix, "bin", "autoencoder-lessons"), [join(skel, BUNDLE_FOLDER)], { env: { PATH: path } });
    const before = snapshot(install);
    const tmpBefore = new Set(readdirSync("/tmp"));
    const lessons = ["01-dense", "01-dense", "05-pca"];
    // The guide's quick setting: 1 epoch on all images, enough to beat the mean image.
    const settings = { JUPYTER_PATH: join(prefix, "share", "jupyter"), AE_EPOCHS: "1" };
    for (const [i, user] of users.entries()) {
      // The third gets the lessons as a new user of a hub does where the administrator put them in the
      // skeleton of new homes (/etc/skel there; useradd -k here).
      const skeleton = i === 2 ? ["-k", skel] : [];
      sh("useradd", ["-m", ...skeleton, "-d", join(work, "home", user), "-s", "/bin/sh", user]);
    }
    const hub = viaHub ? await startHub(join(work, "hub"), users, settings, path) : undefined;
    stopHub = () => hub?.stop();
    const runs = await Promise.all(
      users.map(async (user, i) => {
        const home = join(work, "home", user);
        const env = [`HOME=${home}`, `PATH=${path}`, `TMPDIR=${join(home, "tmp")}`, `USER=${user}`];
        const asUser = (args: string[]) => ["-u", user, "--", "env", "-i", ...env, ...args];
        sh("runuser", asUser(["sh", "-c", 'mkdir -p "$TMPDIR"']));
        if (i < 2) {
          const copied = sh("runuser", asUser([join(prefix, "bin", "autoencoder-lessons")]));
          // The lessons and the files they link, as the student copy counts them from this checkout.
          assert.match(copied, new RegExp(`${copiedFiles().length} files written into`));
        }
        const { base, token } = hub
          ? await hub.startServer(user)
          : await spawnerLike(user, asUser, home, settings);
        let specs: { kernelspecs: Record<string, { spec: { argv: string[] } }> } | undefined;
        for (let tries = 0; specs === undefined; tries++) {
          try {
            const answer = await fetch(`${base}/api/kernelspecs`, {
              headers: { Authorization: `token ${token}` },
            });
            specs = (await answer.json()) as typeof specs;
          } catch (error) {
            if (tries > 150) throw new Error(`${user}'s server did not answer in 30 s: ${String(error)}`);
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        }
        // The system-wide spec (tslab started by Node's absolute path), ahead of any other.
        assert.equal(specs?.kernelspecs.tslab?.spec.argv[0], node, `${user}: the system-wide kernel`);
        const notebook = `${BUNDLE_FOLDER}/notebooks/${lessons[i]}.ipynb`;
        const client = spawn(
          join(install, ".venv", "bin", "python"),
          [join(install, "scripts", "run_on_server.py"), base, token, "tslab", "--notebook", notebook],
          { stdio: ["ignore", "pipe", "pipe"] },
        );
        let out = "";
        client.stdout.on("data", (chunk) => (out += chunk));
        client.stderr.on("data", (chunk) => (out += chunk));
        await new Promise((resolve) => client.on("close", resolve));
        return { user, home, lesson: lessons[i], out };
      }),
    );
    for (const { user, lesson, out } of runs) {
      type Cell = { status: string; stdout: string; stderr: string; text: string[] };
      const cells = (JSON.parse(out) as { cells: Cell[] }).cells;
      const failed = cells.filter((cell) => cell.status !== "ok" || /Error/.test(cell.stderr));
      assert.deepEqual(failed, [], `${user} ran ${lesson} to its end`);
      const text = cells.map((cell) => [cell.stdout, ...cell.text].join("\n")).join("\n");
      if (lesson === "01-dense") {
        // The loss scale's row of the trained model: its share of the way from the mean image to a copy.
        const [, loss, share] = /784-32-784，训练 1 个 epoch +([\d.]+) +(-?[\d.]+)%/.exec(text) ?? [];
        assert.ok(Number(share) > 0, `${user}: val_loss ${loss} above the mean image's line (${share}%)`);
      } else {
        const recorded = JSON.parse(readFileSync(join(install, "results", "export.json"), "utf8")).lessons[
          "05-pca"
        ][0].results[0] as string;
        assert.ok(text.includes(recorded), `${user}: 05-pca's result on the saved weights: ${recorded}`);
      }
    }
    const changed = [...snapshot(install)].filter(([file, stat]) => before.get(file) !== stat);
    assert.deepEqual(changed, [], "nothing written into the install");
    const ids = users.map((user) => sh("id", ["-u", user]).trim());
    const strays = readdirSync("/tmp")
      .filter((name) => !tmpBefore.has(name))
      .filter((name) => ids.includes(String(lstatSync(join("/tmp", name)).uid)));
    assert.deepEqual(strays, [], "the users' kernels wrote nothing to the shared /tmp");
    for (const { home } of runs) {
      assert.ok(existsSync(join(home, BUNDLE_FOLDER, "notebooks", "01-dense.ipynb")));
      // The graph path's temporary models went to the user's TMPDIR and were removed there.
      assert.deepEqual(
        readdirSync(join(home, "tmp")).filter((name) => name.startsWith("ae-graph-")),
        [],
      );
    }
  });
});

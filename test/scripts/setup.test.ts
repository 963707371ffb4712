import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { devNull, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { executeNotebook, joinText } from "../../scripts/notebook.js";
import { JUPYTER_DATA, ROOT, VENV_BIN, jupyterEnv } from "../../scripts/project.js";
import { NoSpaceError, SetupError, sha256File } from "../../scripts/setup/common.js";
import { CHECKS } from "../../scripts/setup/machine.js";
import { addonBuildPlace, backendInFreshProcess } from "../../scripts/setup/nativeTensorflow.js";
import { venvHasPip } from "../../scripts/setup/pythonVenv.js";
import { STEPS, failureText, setup } from "../../scripts/setup/runner.js";
import { TENSORFLOW_WHEEL, verifyWheel } from "../../scripts/setup/tensorflowWheel.js";
import { servePackageIndex, type PackageIndex } from "../support/packageIndex.js";

/** The pinned wheel, as set-up names it in its messages (regular expression source). */
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const TF_REQUIREMENT = escaped(TENSORFLOW_WHEEL.requirement);
const TF_WHEEL_FILE = escaped(TENSORFLOW_WHEEL.file);
const WHEEL_MB = TENSORFLOW_WHEEL.wheelMb;

const scratch = mkdtempSync(join(tmpdir(), "ae-setup-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The command names (as /proc shows them) of the processes in process group `group`. */
function processesInGroup(group: number): string[] {
  const names: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(join("/proc", pid, "stat"), "utf8");
    } catch {
      continue; // ended meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after its last ")".
    const [, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === group) names.push(stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")));
  }
  return names;
}

/** A folder holding one fake program, `name`, that runs `script` (sh). */
function fakeProgram(name: string, script: string): string {
  const dir = mkdtempSync(join(scratch, "bin-"));
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return dir;
}

/** Asserts that `action` throws a SetupError whose problem and fix match. */
function assertSetupError(action: () => unknown, problem: RegExp, fix: RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof SetupError, `expected a SetupError, got ${String(error)}`);
    assert.match(error.problem, problem);
    assert.match(error.fix, fix);
    return true;
  });
}

describe("machine checks name what is missing and how to fix it", () => {
  test("no python3", () => {
    assertSetupError(
      () => CHECKS.python({ ...process.env, PYTHON: join(scratch, "no-such-python") }),
      /no-such-python was not found \(JupyterLab runs on Python\)/,
      /apt-get install python3/,
    );
  });

  test("a Python that is too old", () => {
    const dir = fakeProgram("python3", "echo 3.7");
    assertSetupError(
      () => CHECKS.python({ ...process.env, PATH: dir, PYTHON: "" }),
      /Python 3\.9 or newer is needed; python3 is 3\.7/,
      /set PYTHON=/,
    );
  });

  test("no venv module", () => {
    const dir = fakeProgram("python3", 'case "$2" in *ensurepip*) exit 1;; esac; echo 3.11');
    assertSetupError(
      () => CHECKS.venv({ ...process.env, PATH: dir, PYTHON: "" }),
      /python3 cannot create virtual environments/,
      /apt-get install python3-venv/,
    );
  });

  test("no C++ compiler", () => {
    const dir = fakeProgram("make", "echo GNU Make 4.3");
    assertSetupError(
      () => CHECKS.compiler({ ...process.env, PATH: dir }),
      /^g\+\+ not found/,
      /apt-get install g\+\+ make/,
    );
    assertSetupError(
      () => CHECKS.compiler({ ...process.env, PATH: scratch }),
      /^g\+\+ and make not found/,
      /g\+\+/,
    );
  });

  test("no Node.js headers", () => {
    assertSetupError(
      // A Node whose folder has no headers (as Debian's nodejs without libnode-dev), and npm's nodedir wrong too.
      () =>
        CHECKS.nodeHeaders(
          { ...process.env, npm_config_nodedir: join(scratch, "nowhere") },
          join(scratch, "bare-node", "bin", "node"),
        ),
      /Node\.js's C headers were not found under .*nowhere\/include\/node/,
      /npm config set nodedir/,
    );
  });

  test("no npm", () => {
    assertSetupError(
      () => CHECKS.npm({ ...process.env, PATH: scratch }),
      /npm was not found on PATH/,
      /install npm/,
    );
  });

  test("this machine passes every check", () => {
    for (const check of Object.values(CHECKS)) check(process.env);
  });

  test("checks run before any step: a missing tool is reported before work starts", async () => {
    const ran: string[] = [];
    const steps = [
      {
        name: "download",
        needs: [],
        time: "",
        room: () => [],
        done: () => false,
        run: () => void ran.push("download"),
      },
      {
        name: "build",
        needs: ["compiler" as const],
        time: "",
        room: () => [],
        done: () => false,
        run: () => void ran.push("build"),
      },
    ];
    await assert.rejects(
      setup({ env: { ...process.env, PATH: scratch }, steps }),
      /g\+\+ and make not found/,
    );
    assert.deepEqual(ran, [], "no step ran");
  });
});

describe("disk space: known before set-up writes, and a full disk said in one message", () => {
  /** A step that needs `mb` MB in `where` and records that it ran. */
  const step = (name: string, where: string, mb: number, run: () => void) => ({
    name,
    needs: [],
    time: "",
    room: () => [{ where, mb, what: `${name}'s files` }],
    done: () => false,
    run,
  });

  test("too little room is reported before any step runs: how much, where, for what, and what is free", async () => {
    const ran: string[] = [];
    const steps = [
      step("download", scratch, 600, () => void ran.push("download")),
      // A folder set-up has yet to make: its room counts on the disk of its nearest existing parent.
      step("unpack", join(scratch, "not", "made yet"), 900, () => void ran.push("unpack")),
    ];
    await assert.rejects(setup({ steps, freeBytes: () => 1_000e6 }), (error: unknown) => {
      assert.ok(error instanceof SetupError, String(error));
      assert.equal(
        error.problem,
        `not enough disk space: set-up needs 1.5 GB on the disk of ${scratch} (download's files 600 MB, ` +
          "unpack's files 900 MB), where 1.0 GB is free.",
      );
      assert.match(error.fix, /^free up 500 MB there/);
      return true;
    });
    assert.deepEqual(ran, [], "no step ran");
    await setup({ steps: steps.slice(0, 1), freeBytes: () => 1_000e6 });
    assert.deepEqual(ran, ["download"], "with room enough, it runs");
  });

  test("a write that finds the disk full says so with the step's room, without a stack", async () => {
    // /dev/full answers every write with ENOSPC, as a full disk does.
    const steps = [step("write", scratch, 5, () => writeFileSync("/dev/full", "bytes"))];
    await assert.rejects(setup({ steps, freeBytes: () => 1e12 }), (error: unknown) => {
      assert.ok(error instanceof NoSpaceError, String(error));
      assert.match(
        error.problem,
        /^"write": a write stopped: no space left on the disk\. The step needs about 5 MB on the disk of \S+ \(write's files 5 MB\), where [\d.]+ GB is free now\.$/,
      );
      assert.match(error.fix, /free up room on that disk, then run set-up again/);
      assert.doesNotMatch(failureText(error), /\n\s+at /, "no stack");
      return true;
    });
  });

  test("README says what a fresh set-up takes, as the steps count it", () => {
    const rooms = STEPS.flatMap((step) => step.room(process.env, true));
    const inCheckout = rooms.filter((room) => room.where.startsWith(ROOT));
    const gb = (rooms: { mb: number }[]) => (rooms.reduce((sum, room) => sum + room.mb, 0) / 1000).toFixed(1);
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    assert.match(
      readme,
      new RegExp(`about ${gb(inCheckout)} GB in the checkout, ${gb(rooms)} GB in all`),
      "README's disk line",
    );
  });

  test("pip filling the disk mid-download: one message, the room needed and where, no traceback", async (t) => {
    // A real pip download of the wheel from a package index on localhost into a 64 MB tmpfs, in a mount
    // namespace of its own (root only). The check before the step is told the disk has room, as when another
    // program fills it meanwhile; the download then runs out of room.
    if (process.getuid?.() !== 0 || spawnSync("unshare", ["-m", "true"]).status !== 0) {
      t.diagnostic("not root: a tmpfs cannot be mounted here; the /dev/full test above covers Node's writes");
      return;
    }
    const wheel = join(ROOT, ".cache", "wheels", TENSORFLOW_WHEEL.file);
    const index = await servePackageIndex("tensorflow-cpu", wheel, TENSORFLOW_WHEEL.sha256);
    try {
      const disk = join(mkdtempSync(join(scratch, "full ")), "小盘");
      mkdirSync(disk);
      const script =
        `import { fetchTensorflowWheel } from ${JSON.stringify(pathToFileURL(join(ROOT, "scripts", "setup", "tensorflowWheel.js")).href)};\n` +
        `import { freeBytesAt } from ${JSON.stringify(pathToFileURL(join(ROOT, "scripts", "setup", "room.js")).href)};\n` +
        `import { setup, failureText } from ${JSON.stringify(pathToFileURL(join(ROOT, "scripts", "setup", "runner.js")).href)};\n` +
        `const disk = process.argv[1]; let asked = 0;\n` +
        `const step = { name: "native TensorFlow for tfjs-node", needs: [], time: "", done: () => false,\n` +
        `  room: () => [{ where: disk, mb: 275, what: "the TensorFlow wheel" }], run: (env) => fetchTensorflowWheel(env, disk) };\n` +
        `await setup({ steps: [step], freeBytes: (p) => (asked++ === 0 ? 1e12 : freeBytesAt(p)) })\n` +
        `  .catch((error) => { process.stderr.write(failureText(error)); process.exitCode = 1; });\n`;
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !name.startsWith("PIP_")),
      );
      Object.assign(env, {
        PIP_CONFIG_FILE: devNull,
        PIP_INDEX_URL: index.url,
        PIP_NO_CACHE_DIR: "1",
        TMPDIR: disk,
      });
      const result = await new Promise<{ status: number | null; output: string }>((resolve) => {
        const child = spawn(
          "unshare",
          [
            "-m",
            "sh",
            "-c",
            'mount -t tmpfs -o size=64m none "$1" && exec "$2" --input-type=module -e "$3" "$1"',
            "sh",
            disk,
            process.execPath,
            script,
          ],
          { env, stdio: ["ignore", "pipe", "pipe"] },
        );
        let output = "";
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (output += chunk));
        child.on("close", (status) => resolve({ status, output }));
      });
      assert.equal(result.status, 1, result.output);
      assert.match(
        result.output,
        new RegExp(
          `setup failed: "native TensorFlow for tfjs-node": pip download ${TF_REQUIREMENT} stopped: no space left on ` +
            `the disk\\. The step needs about ${WHEEL_MB} MB on the disk of '.*小盘' \\(the TensorFlow wheel ` +
            `${WHEEL_MB} MB\\), where \\d+ MB is free now\\.\\n {2}How to fix: free up room on that disk`,
        ),
      );
      assert.doesNotMatch(result.output, /Traceback|File ".*", line \d+|check that pip can reach/);
    } finally {
      await index.close();
    }
  });
});

describe("the TensorFlow wheel's checksum", () => {
  test("a matching file is kept", async () => {
    const file = join(scratch, "good.whl");
    writeFileSync(file, "wheel bytes");
    await verifyWheel(file, await sha256File(file));
    assert.ok(existsSync(file));
  });

  test("a mismatch says expected and found, and moves the file aside for a fresh download", async () => {
    const file = join(scratch, "bad.whl");
    writeFileSync(file, "not the wheel");
    const found = await sha256File(file);
    const expected = "0".repeat(64);
    await assert.rejects(verifyWheel(file, expected), (error: unknown) => {
      assert.ok(error instanceof SetupError);
      assert.match(error.problem, new RegExp(`expected SHA-256 ${expected}, found ${found}`));
      assert.match(error.fix, /re-run set-up to download it again/);
      return true;
    });
    assert.ok(!existsSync(file), "the bad file is no longer where set-up looks");
    assert.equal(readFileSync(`${file}.sha256-mismatch`, "utf8"), "not the wheel", "nothing is lost");
  });
});

test("a venv whose creation was stopped before pip is not taken for a usable one", () => {
  const venv = join(scratch, "venv-without-pip");
  const made = spawnSync("python3", ["-m", "venv", "--without-pip", venv], { encoding: "utf8" });
  assert.equal(made.status, 0, made.stderr);
  assert.equal(venvHasPip(join(venv, "bin", "python"), process.env), false, "python, but no pip");
  assert.equal(venvHasPip(join(scratch, "no-venv", "bin", "python"), process.env), false);
  assert.equal(venvHasPip(join(VENV_BIN, "python"), process.env), true, "this checkout's venv");
});

describe("the set-up this checkout has", () => {
  test("a second run finds every step done and changes nothing", () => {
    const result = spawnSync(process.execPath, [join(ROOT, "scripts", "setup.js")], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    for (const step of STEPS)
      assert.match(result.stdout, new RegExp(`setup: ${step.name.replace(/[()]/g, "\\$&")}: ready`));
    assert.doesNotMatch(result.stdout, /installing/);
    assert.match(
      result.stdout,
      new RegExp(
        `^setup: Node\\.js ${process.versions.node.replace(/\./g, "\\.")}, a tested line \\(20, 22, 24 and 26\\)\n`,
      ),
    );
  });

  test("tfjs-node runs on native TensorFlow in a fresh process", () => {
    assert.equal(backendInFreshProcess(), "tensorflow");
  });

  test("the venv has the pinned Jupyter", () => {
    const freeze = spawnSync(join(VENV_BIN, "python"), ["-m", "pip", "freeze"], { encoding: "utf8" }).stdout;
    for (const pin of ["jupyterlab==4.6.4", "nbconvert==7.17.1", "nbclient==0.11.0"]) {
      assert.ok(freeze.split("\n").includes(pin), `${pin} in the venv`);
    }
  });

  test("the tslab kernel is registered inside the venv and points at this checkout", () => {
    const result = spawnSync(join(VENV_BIN, "jupyter"), ["kernelspec", "list", "--json"], {
      env: jupyterEnv(),
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    const specs = JSON.parse(result.stdout).kernelspecs;
    assert.equal(specs.tslab.resource_dir, join(JUPYTER_DATA, "kernels", "tslab"));
    assert.equal(specs.tslab.spec.display_name, "TypeScript");
    assert.equal(specs.tslab.spec.argv[0], join(ROOT, "node_modules", ".bin", "tslab"));
  });
});

test("a checkout path without spaces builds tfjs-node's addon in place, with no copy", () => {
  const place = addonBuildPlace("/opt/lessons/node_modules/@tensorflow/tfjs-node");
  assert.equal(place.cwd, "/opt/lessons/node_modules/@tensorflow/tfjs-node");
});

describe('a checkout under "ae 课程 …": set-up stopped half-way (Ctrl+C), run again, then a lesson', () => {
  // The native TensorFlow step in a checkout of its own (stopping it here would pull TensorFlow from under the
  // other tests), under a path with a space and Chinese characters, so its addon is built in a temporary folder.
  // Its node_modules links to this checkout's packages, except tfjs-node, copied without its native parts; its
  // .venv is this checkout's (only pip and Python's zipfile are used). The wheel comes from a package index on
  // localhost that the test slows down, so that a real pip download is under way when Ctrl+C comes.
  const copy = join(mkdtempSync(join(tmpdir(), "ae 课程 ")), "checkout");
  after(() => rmSync(dirname(copy), { recursive: true, force: true }));
  const realModules = join(ROOT, "node_modules");
  const tfjsNode = join(copy, "node_modules", "@tensorflow", "tfjs-node");
  const wheelFile = join(copy, ".cache", "wheels", TENSORFLOW_WHEEL.file);
  const stamp = join(tfjsNode, "deps", ".ae-native-tensorflow.json");
  // Where set-up builds the addon of a checkout whose path has a space: named after that path.
  const buildPlace = join(
    tmpdir(),
    `ae-tfjs-node-${createHash("sha256").update(tfjsNode).digest("hex").slice(0, 12)}`,
  );
  let index: PackageIndex;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    mkdirSync(join(copy, "node_modules", "@tensorflow"), { recursive: true });
    cpSync(join(ROOT, "scripts"), join(copy, "scripts"), { recursive: true });
    cpSync(join(ROOT, "package.json"), join(copy, "package.json"));
    symlinkSync(join(ROOT, ".venv"), join(copy, ".venv"));
    for (const name of readdirSync(realModules).filter((name) => name !== "@tensorflow")) {
      symlinkSync(join(realModules, name), join(copy, "node_modules", name));
    }
    for (const name of readdirSync(join(realModules, "@tensorflow")).filter((name) => name !== "tfjs-node")) {
      symlinkSync(join(realModules, "@tensorflow", name), join(copy, "node_modules", "@tensorflow", name));
    }
    cpSync(join(realModules, "@tensorflow", "tfjs-node"), tfjsNode, {
      recursive: true,
      filter: (source) => !/[\\/]tfjs-node[\\/](deps|lib|build|build-tmp-[^\\/]*)$/.test(source),
    });
    const wheel = join(ROOT, ".cache", "wheels", TENSORFLOW_WHEEL.file);
    index = await servePackageIndex("tensorflow-cpu", wheel, TENSORFLOW_WHEEL.sha256);
    // pip sees only that index: no config files, no find-links, no cache of earlier downloads.
    env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("PIP_")));
    Object.assign(env, { PIP_CONFIG_FILE: devNull, PIP_INDEX_URL: index.url, PIP_NO_CACHE_DIR: "1" });
  });
  after(() => index?.close());

  /** Set-up's native step in the copy, in a process group of its own, as a terminal runs it. */
  function startSetup() {
    const script =
      `import { setup, STEPS } from ${JSON.stringify(pathToFileURL(join(copy, "scripts", "setup", "runner.js")).href)};\n` +
      `await setup({ steps: STEPS.filter((step) => step.name === "native TensorFlow for tfjs-node") });`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: copy,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    return {
      output: () => output,
      exited,
      /** Ctrl+C in the terminal: SIGINT to every process of the group. */
      interrupt: () => process.kill(-child.pid!, "SIGINT"),
      /** Whether a compiler of this set-up is running. */
      compiling: () => processesInGroup(child.pid!).some((command) => command === "cc1plus"),
    };
  }

  async function until(condition: () => boolean, what: string, seconds = 120): Promise<void> {
    for (const start = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 100))) {
      if (Date.now() - start > seconds * 1000) throw new Error(`waited ${seconds} s for ${what}`);
    }
  }

  const stopped =
    /setup: stopped during "native TensorFlow for tfjs-node" \(Ctrl\+C\)\. Nothing half-done counts as done: run it again/;

  test("during the wheel download: set-up says so, and nothing counts as done", async () => {
    index.rate = 20 * 1024 * 1024; // about 14 s for the 274 MB
    const run = startSetup();
    await until(() => index.sent > 40 * 1024 * 1024, "40 MB of the wheel sent");
    assert.match(run.output(), new RegExp(`downloading ${TF_REQUIREMENT}`));
    run.interrupt();
    assert.equal(await run.exited, 130, run.output());
    assert.match(run.output(), stopped);
    assert.ok(
      index.sent < statSync(join(ROOT, ".cache", "wheels", TENSORFLOW_WHEEL.file)).size,
      "stopped mid-way",
    );
    assert.ok(!existsSync(stamp) && !existsSync(join(tfjsNode, "deps")), "no TensorFlow under tfjs-node");
  });

  test("a half-copied wheel is moved aside and downloaded anew; then Ctrl+C during the addon build", async () => {
    // What a copy into the cache stopped half-way leaves: the wheel's first 10 MB under its own name.
    mkdirSync(dirname(wheelFile), { recursive: true });
    const wheel = readFileSync(join(ROOT, ".cache", "wheels", TENSORFLOW_WHEEL.file));
    writeFileSync(wheelFile, wheel.subarray(0, 10 * 1024 * 1024));
    index.rate = Number.POSITIVE_INFINITY;
    const run = startSetup();
    await until(run.compiling, "the compiler to run");
    run.interrupt();
    assert.equal(await run.exited, 130, run.output());
    assert.match(run.output(), new RegExp(`\\.cache/wheels/${TF_WHEEL_FILE} is incomplete or damaged`));
    assert.match(
      run.output(),
      new RegExp(`downloading ${TF_REQUIREMENT}[\\s\\S]*compiling the tfjs-node addon`),
    );
    assert.match(run.output(), stopped);
    assert.equal(await sha256File(wheelFile), TENSORFLOW_WHEEL.sha256, "the wheel is whole now");
    assert.equal(
      statSync(`${wheelFile}.sha256-mismatch`).size,
      10 * 1024 * 1024,
      "the half copy, kept aside",
    );
    assert.ok(!existsSync(stamp), "the step is not marked done");
    assert.ok(!existsSync(buildPlace), "the temporary build folder is removed on the way out");
  });

  test("the next run finishes: TensorFlow runs, nothing is left behind, and a run after it only checks", async () => {
    const run = startSetup();
    assert.equal(await run.exited, 0, run.output());
    assert.match(run.output(), /setup: native TensorFlow for tfjs-node: done in/);
    assert.doesNotMatch(run.output(), /downloading/, "the whole wheel from the last run is used");
    assert.ok(existsSync(stamp), "marked done");
    assert.ok(!existsSync(buildPlace), "the temporary build folder is gone");
    assert.ok(!existsSync(`${join(tfjsNode, "deps")}.partial`), "no half-extracted library");
    const probe = spawnSync(
      process.execPath,
      ["-e", "process.stdout.write(require('@tensorflow/tfjs-node').getBackend())"],
      {
        cwd: copy,
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" },
        encoding: "utf8",
      },
    );
    assert.equal(probe.stdout, "tensorflow", probe.stderr);
    const again = startSetup();
    assert.equal(await again.exited, 0, again.output());
    assert.match(again.output(), /setup: native TensorFlow for tfjs-node: ready/);
  });

  test("a lesson runs from that checkout, on the TensorFlow built there", async () => {
    // The lesson, the library and the engine as files of the copy, so that all resolve the copy's tfjs-node.
    mkdirSync(join(copy, "notebooks"));
    cpSync(join(ROOT, "notebooks", "01-dense.ipynb"), join(copy, "notebooks", "01-dense.ipynb"));
    for (const [pkg, folder] of [
      ["ae-shared", "shared"],
      ["ae-engine", "engine"],
    ] as const) {
      cpSync(join(ROOT, "src", folder), join(copy, "src", folder), { recursive: true });
      rmSync(join(copy, "node_modules", pkg));
      symlinkSync(join("..", "src", folder), join(copy, "node_modules", pkg));
    }
    const executed = await executeNotebook(
      join(copy, "notebooks", "01-dense.ipynb"),
      join(copy, "dist", "01-dense.ipynb"),
      { env: { AE_EPOCHS: "1", AE_TRAIN_SIZE: "2048", TF_CPP_MIN_LOG_LEVEL: "2" } },
    );
    const text = executed.cells
      .flatMap((cell) => cell.outputs ?? [])
      .filter((output) => output.output_type === "stream" && output.name === "stdout")
      .map((output) => joinText(output.text))
      .join("");
    assert.match(text, /epochs = 1，训练图片 2048 张，后端 = tensorflow/);
    assert.match(text, /最终 loss = 0\.\d{4}，val_loss = 0\.\d{4}/);
    // What the kernel loaded, by Node's resolution from the lesson's folder and the library's: this copy's.
    for (const from of [join(copy, "notebooks"), join(copy, "src", "shared", "dist")]) {
      const resolved = realpathSync(createRequire(join(from, "x.js")).resolve("@tensorflow/tfjs-node"));
      assert.ok(resolved.startsWith(tfjsNode), `${from} loads ${resolved}`);
    }
  });
});

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { JUPYTER_DATA, ROOT, VENV_BIN, jupyterEnv } from "../../scripts/project.js";
import {
  CHECKS,
  STEPS,
  SetupError,
  addonBuildPlace,
  backendInFreshProcess,
  compileTfjsAddon,
  setup,
  sha256File,
  verifyWheel,
} from "../../scripts/setup.js";

const scratch = mkdtempSync(join(tmpdir(), "ae-setup-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

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
      () => CHECKS.nodeHeaders({ ...process.env, npm_config_nodedir: join(scratch, "nowhere") }),
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
      { name: "download", needs: [], time: "", done: () => false, run: () => void ran.push("download") },
      {
        name: "build",
        needs: ["compiler" as const],
        time: "",
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

describe("a checkout path with a space and Chinese characters", () => {
  const tfjsNode = join(ROOT, "node_modules", "@tensorflow", "tfjs-node");
  const parent = mkdtempSync(join(tmpdir(), "ae 课程 "));
  after(() => rmSync(parent, { recursive: true, force: true }));

  test("a path without spaces is built in place, with no copy", () => {
    const place = addonBuildPlace("/opt/lessons/node_modules/@tensorflow/tfjs-node");
    assert.equal(place.cwd, "/opt/lessons/node_modules/@tensorflow/tfjs-node");
  });

  test("tfjs-node's addon compiles (gyp cannot work under a space) and loads from there", () => {
    // tfjs-node's sources under a path like "My Lessons/课程 ae", its TensorFlow (deps/) linked in.
    const copy = join(parent, "node_modules", "tfjs-node");
    mkdirSync(copy, { recursive: true });
    for (const name of ["package.json", "binding.gyp", "binding"]) {
      cpSync(join(tfjsNode, name), join(copy, name), { recursive: true });
    }
    symlinkSync(join(tfjsNode, "deps"), join(copy, "deps"));
    const place = addonBuildPlace(copy);
    assert.doesNotMatch(place.cwd, /\s/, "compiled where the path has no space");
    place.remove();
    compileTfjsAddon(process.env, copy);
    const addon = join(copy, "lib", "napi-v8", "tfjs_binding.node");
    assert.ok(existsSync(addon), `${addon} built`);
    const load = spawnSync(
      process.execPath,
      ["-e", `console.log(typeof require(${JSON.stringify(addon)}).executeOp)`],
      { encoding: "utf8" },
    );
    assert.equal(load.stdout.trim(), "function", load.stderr);
  });
});

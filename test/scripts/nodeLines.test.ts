// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// The Node.js lines (scripts/nodeLines.js): set-up refuses any other before it installs anything, and builds the
// addon against the running Node's headers. CI runs this file on every line (.ci/run, the unit tier).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { NODE_LINES, enginesRange, listText, testedLine } from "../../scripts/nodeLines.js";
import { ROOT } from "../../scripts/project.js";
import { SetupError } from "../../scripts/setup/common.js";
import { checkNodeVersion, nodeHeadersDir } from "../../scripts/setup/machine.js";
import { setup } from "../../scripts/setup/runner.js";
const scratch = mkdtempSync(join(tmpdir(), "ae-node-lines-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("the tested Node.js lines", () => {
  test("are 20, 22, 24 and 26, each pinned to a release with the registry's integrity", () => {
    assert.deepEqual(
      NODE_LINES.map((line) => line.major),
      [20, 22, 24, 26],
    );
    for (const line of NODE_LINES) {
      assert.match(line.version, new RegExp(`^${line.major}\\.\\d+\\.\\d+$`));
      assert.match(line.integrity, /^sha512-[A-Za-z0-9+/]{86}==$/);
    }
    assert.equal(listText([20, 22, 24, 26]), "20, 22, 24 and 26");
    assert.equal(listText([20, 22, 24, 26], "zh"), "20、22、24 和 26");
  });

  test("package.json's engines say the same", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
    assert.equal(pkg.engines.node, enginesRange());
  });

  test("set-up accepts each tested line, this Node among them", () => {
    for (const version of ["20.19.0", "22.12.0", "24.22.3", "26.0.0", "v24.1.0", process.versions.node]) {
      assert.doesNotThrow(() => checkNodeVersion(version), version);
      assert.ok(testedLine(version), version);
    }
  });

  test("and refuses any other, naming the tested lines and the ones to install", () => {
    for (const version of ["18.20.4", "21.7.3", "23.11.1", "25.9.0", "27.0.0"]) {
      assert.throws(
        () => checkNodeVersion(version),
        (error: unknown) => {
          assert.ok(error instanceof SetupError);
          assert.match(
            error.problem,
            new RegExp(
              `tested on Node\\.js 20, 22, 24 and 26; this is Node\\.js ${version.replace(/\./g, "\\.")}`,
            ),
          );
          assert.match(error.fix, /install Node\.js 24 or 26 LTS .*nvm install 26/);
          return true;
        },
      );
    }
  });

  test("before any step runs, even when every step is done", async () => {
    const ran: string[] = [];
    const step = (name: string, done: boolean) => ({
      name,
      needs: [],
      time: "",
      room: () => [],
      done: () => done,
      run: () => void ran.push(name),
    });
    for (const steps of [[step("pending", false)], [step("done", true)]]) {
      await assert.rejects(setup({ steps, nodeVersion: "25.2.0" }), /this is Node\.js 25\.2\.0/);
    }
    assert.deepEqual(ran, []);
  });

  test("the addon is built against the running Node's own headers where it has them", () => {
    const prefix = join(scratch, "node-24");
    mkdirSync(join(prefix, "include", "node"), { recursive: true });
    writeFileSync(join(prefix, "include", "node", "node_api.h"), "");
    const env = { npm_config_nodedir: "/usr" };
    assert.equal(nodeHeadersDir(env, join(prefix, "bin", "node")), prefix);
    assert.equal(nodeHeadersDir(env, join(scratch, "no-headers", "bin", "node")), "/usr");
  });
});

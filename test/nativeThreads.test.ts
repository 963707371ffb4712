// Test tier: line (CI runs it on every Node.js line: .ci/run; the crash it guards against showed on each).
// TensorFlow's threads never call into Node. tfjs-node's tensors can share a JS typed array's memory, and the
// array is released through Node (napi_delete_reference) when TensorFlow drops that memory. A graph session that
// kept such memory in a variable dropped it on one of its own threads at the next Adam step: Node called from two
// threads at once corrupts its memory, and a lesson's kernel died later (a CHECK in ApplyAdam, on every Node.js
// line, now and then). This runs the lessons' trainings under gdb and counts those calls by thread.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../scripts/project.js";

const HAS_GDB = spawnSync("gdb", ["--version"], { stdio: "ignore" }).status === 0;
const PROGRAM = "test/support/lessonTrainings.ts";

/** gdb's commands: a line for every napi_delete_reference with its thread (1 is Node's), a backtrace off it. */
const GDB_COMMANDS = `set pagination off
set startup-with-shell off
handle SIGUSR1 SIGUSR2 SIGPIPE nostop noprint
break napi_delete_reference
commands
silent
printf "napi_delete_reference on thread %d\\n", $_thread
if $_thread != 1
bt 8
end
continue
end
run
`;

test(
  "training the lessons' models (graph and eager paths), no JS memory is released on a TensorFlow thread",
  { skip: !HAS_GDB && "gdb is not installed (Debian: apt-get install gdb; .ci/run installs it)" },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "ae-gdb-"));
    try {
      const commands = join(dir, "commands.gdb");
      writeFileSync(commands, GDB_COMMANDS);
      const run = spawnSync(
        "gdb",
        ["-q", "-batch", "-x", commands, "--args", process.execPath, "--import", "tsx", PROGRAM],
        { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 10 * 60 * 1000 },
      );
      const output = `${run.stdout}\n${run.stderr}`;
      assert.match(
        run.stdout,
        /tensors left: 0/,
        `${PROGRAM} ran to its end under gdb:\n${output.slice(-4000)}`,
      );
      const threads = [...run.stdout.matchAll(/^napi_delete_reference on thread (\d+)$/gm)].map((m) => m[1]);
      // Node's own thread releases the arrays of the tensors tfjs disposes: the breakpoint is live.
      assert.ok(
        threads.includes("1"),
        `gdb saw napi_delete_reference on Node's thread:\n${output.slice(-4000)}`,
      );
      const off = threads.filter((thread) => thread !== "1");
      const first = /^napi_delete_reference on thread (?!1$)\d+$[\s\S]{0,3000}/m.exec(run.stdout)?.[0];
      assert.equal(
        off.length,
        0,
        `napi_delete_reference on TensorFlow's threads ${off.length} times:\n${first}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

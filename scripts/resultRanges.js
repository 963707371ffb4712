// @ts-check
// Several recorded runs' result lines as one: what stays the same is said once, numbers that differ as ranges.
// The guide's tables (resultsTable.js) show each lesson's results so.

const NUMBER = /\d+(?:\.\d+)?/g;

/**
 * The result lines of several runs, line by line: runs whose line reads the same but for its numbers are merged,
 * each number that differs given as the lowest–highest of them as printed ("val_loss = 0.1118–0.1125"). Where
 * runs printed lines that differ in more than their numbers ("高 0.0017" in one run, "低 0.0012" in another),
 * each variant is given, merged the same way, with how many of the runs printed it ("（2 次）"): a result that
 * changes with the run is never shown as one run's. Runs that printed fewer lines count only where they have one.
 * @param {string[][]} lines per run, the newest first
 * @returns {string[]}
 */
export function mergeResults(lines) {
  const template = (/** @type {string} */ line) => line.replace(NUMBER, "#");
  const count = Math.max(0, ...lines.map((run) => run.length));
  return Array.from({ length: count }, (_, i) => {
    /** @type {Map<string, string[]>} the runs' line i, by template, in the order first printed */
    const variants = new Map();
    for (const run of lines) {
      const line = run[i];
      if (line === undefined) continue;
      variants.set(template(line), [...(variants.get(template(line)) ?? []), line]);
    }
    const merged = [...variants.values()].map((same) => mergeNumbers(same));
    if (merged.length === 1) return merged;
    return [...variants.values()].map((same, k) => `${merged[k]}（${same.length} 次）`);
  }).flat();
}

/**
 * Lines that read the same but for their numbers, as one: each number that differs as lowest–highest.
 * @param {string[]} same the newest first
 */
function mergeNumbers(same) {
  const [newest = ""] = same;
  const numbers = same.map((line) => line.match(NUMBER) ?? []);
  let k = 0;
  return newest.replace(NUMBER, (printed) => {
    const all = numbers.map((found) => found[k] ?? printed);
    k += 1;
    const sorted = [...all].sort((a, b) => Number(a) - Number(b));
    const [low, high] = [sorted[0] ?? printed, sorted[sorted.length - 1] ?? printed];
    return Number(low) === Number(high) ? printed : `${low}–${high}`;
  });
}

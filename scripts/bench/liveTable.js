// @ts-check
// `npm run bench -- --live`'s table: what drawing the live reconstructions costs an epoch, from one fit whose
// epochs drew by turns (liveCost.js's drawsIn); the first epoch, with its start-up, counts for neither.
import { textTable } from "ae-shared/plain";

const f2 = (/** @type {number} */ n) => n.toFixed(2);
/** @param {number[]} values */
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * One row per model: the seconds of its epochs with and without drawing, their ratio, the redraws per epoch and
 * the ms each took, the share of a drawing epoch spent drawing, and the slowdown block by block (each block of four
 * epochs, on, off, off, on, against itself) with its standard error.
 * @param {import("./benchProcess.js").BenchResult[]} results
 */
export function liveCostTable(results) {
  const rows = results.flatMap((r) => {
    const live = r.live;
    if (!live) return [];
    const epochs = r.sec_per_epoch.map((sec, i) => ({ sec, i })).filter(({ i }) => i > 0);
    const drawing = epochs.filter(({ i }) => live.on[i]);
    const quiet = epochs.filter(({ i }) => !live.on[i]);
    if (drawing.length === 0 || quiet.length === 0) return [];
    const [withSec, withoutSec] = [mean(drawing.map((e) => e.sec)), mean(quiet.map((e) => e.sec))];
    const updates = drawing.map(({ i }) => live.updates[i] ?? 0);
    const updateMs = drawing.map(({ i }) => live.updateMs[i] ?? 0);
    const perUpdate = updates.some((n) => n > 0) ? mean(updateMs) / mean(updates) : NaN;
    // Each block of four epochs (on, off, off, on) compares its two halves: the mean and its standard error.
    /** @type {number[]} */
    const blocks = [];
    for (let b = 1; b + 3 < r.sec_per_epoch.length; b += 4) {
      const [on1, off1, off2, on2] = r.sec_per_epoch.slice(b, b + 4).map(Number);
      blocks.push(((on1 ?? 0) + (on2 ?? 0)) / ((off1 ?? 0) + (off2 ?? 0)) - 1);
    }
    const spread =
      blocks.length > 1
        ? Math.sqrt(
            blocks.reduce((a, x) => a + (x - mean(blocks)) ** 2, 0) / (blocks.length - 1) / blocks.length,
          )
        : NaN;
    const blockText =
      blocks.length === 0
        ? "-"
        : `${(mean(blocks) * 100).toFixed(1)} %` +
          (Number.isNaN(spread) ? "" : ` ± ${(spread * 100).toFixed(1)}`);
    return [
      [
        r.model,
        drawing.map((e) => f2(e.sec)).join(", "),
        quiet.map((e) => f2(e.sec)).join(", "),
        f2(withSec),
        f2(withoutSec),
        `${(withSec / withoutSec).toFixed(3)}x`,
        mean(updates).toFixed(1),
        Number.isNaN(perUpdate) ? "-" : perUpdate.toFixed(1),
        `${((mean(updateMs) / 1000 / withSec) * 100).toFixed(2)} %`,
        `${blocks.length}: ${blockText}`,
      ],
    ];
  });
  return textTable(
    [
      "model",
      "drawing: s/epoch, each",
      "not drawing: s/epoch, each",
      "s/epoch drawing",
      "s/epoch not drawing",
      "drawing / not",
      "redraws/epoch",
      "ms/redraw",
      "share of epoch drawing",
      "blocks of 4: slowdown ± standard error",
    ],
    rows,
    { style: "markdown", alignRight: [false, false, false, true, true, true, true, true, true, true] },
  );
}

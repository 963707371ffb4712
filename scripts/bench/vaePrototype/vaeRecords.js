// @ts-check
// PROTOTYPE (a VAE lesson, docs/vae-design.md): what the VAE runs' records (bench/vae-prototype/*.json) hold besides
// the measurements themselves: the lines the runs print, and each speed row's seconds per epoch and per step, so
// that docs/vae-design.md quotes numbers printed in a file it names (test/prose.test.ts checks them there).
// vaeSpeed.js and vaeQuality.js write them; run alone, this adds them to records written before they did:
//   node scripts/bench/vaePrototype/vaeRecords.js
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "../../project.js";

export const RECORDS = join(ROOT, "bench", "vae-prototype");

export const pct = (/** @type {number} */ v) => `${(v * 100).toFixed(1)} %`;

/**
 * One map's measures as vaeQuality.js prints them; measures a run did not take yet are left out.
 * @param {any} m
 */
export function measureLine(m) {
  const parts = [
    `inside 2σ ${pct(m.inside2sigma)}`,
    `empty cells ${m.empty10}/100, ${m.empty20}/400`,
    `k-NN ${pct(m.knn)}`,
    `grid recognised ${pct(m.grid30.recognised)} (${m.grid30.entropyBits.toFixed(2)} bits)`,
    `drawn recognised ${pct(m.drawn1000.recognised)} (${m.drawn1000.entropyBits.toFixed(2)} bits)`,
  ];
  if (m.drawnInEmpty10 !== undefined)
    parts.push(`drawn in empty cells ${pct(m.drawnInEmpty10)} / ${pct(m.drawnInEmpty20)}`);
  if (m.decodedTest) {
    parts.push(`decoded test codes recognised ${pct(m.decodedTest.recognised)}`);
    parts.push(`right label ${pct(m.decodedTestRightLabel)}`);
  }
  if (m.holes) {
    const { over005, over01, over02 } = m.holes;
    parts.push(
      `drawn with no test code within 0.05/0.1/0.2 σ ${pct(over005)} / ${pct(over01)} / ${pct(over02)}`,
    );
  }
  return parts.join(", ");
}

/**
 * The lines of a quality run, from its record.
 * @param {any} run
 */
export function qualityLines(run) {
  const lines = [
    `vae quality: ${run.machine.cpu}, ${run.machine.cores} cores, load ${run.machine.load}`,
    `classifier: test accuracy ${pct(run.classifier.testAccuracy)}, ${run.classifier.seconds.toFixed(1)} s`,
  ];
  if (run.ae) {
    const which = run.ae.saved ? "saved, 50" : "20";
    lines.push(`06's plain AE, ${which} epochs (${run.ae.seconds.toFixed(0)} s): ${measureLine(run.ae)}`);
  }
  for (const e of run.vae) {
    const head = `VAE ${run.options.vae} epoch ${e.epoch} (${e.seconds.toFixed(0)} s), recon ${e.recon.toFixed(1)}, KL ${e.kl.toFixed(2)}`;
    lines.push(e.knn === undefined ? head : `${head}: ${measureLine(e)}`);
  }
  if (run.keras) {
    const last = run.keras.epochs.at(-1);
    lines.push(
      `Keras vae-${run.options.vae}, ${run.keras.epochs.length} epochs: recon ${last.reconstruction_loss.toFixed(1)}, ` +
        `KL ${last.kl_loss.toFixed(2)}, inside 2σ ${pct(run.keras.inside2sigma)}, empty cells ` +
        `${run.keras.empty10}/100, ${run.keras.empty20}/400`,
    );
  }
  return lines;
}

/**
 * A speed row with its seconds: per epoch of 60,000 images, and the median step's.
 * @template {{median: number}} R
 * @param {R} row
 * @param {number} batch
 */
export const timedRow = (row, batch) => ({
  ...row,
  epoch_seconds: (row.median * Math.ceil(60000 / batch)) / 1000,
  median_step_seconds: row.median / 1000,
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const name of readdirSync(RECORDS).filter((n) => n.endsWith(".json"))) {
    const file = join(RECORDS, name);
    const run = JSON.parse(readFileSync(file, "utf8"));
    if (name.startsWith("speed-")) {
      const batch = Number(run.options.batch ?? 128);
      run.rows = run.rows.map((/** @type {{median: number}} */ row) => timedRow(row, batch));
    } else {
      run.lines = qualityLines(run);
    }
    writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
    process.stdout.write(`${relative(ROOT, file)}\n`);
  }
}

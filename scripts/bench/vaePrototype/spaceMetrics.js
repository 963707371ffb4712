// @ts-check
// PROTOTYPE (a VAE lesson, docs/vae-design.md): candidate measures of "the code space is filled", on the 2-D codes
// of the 10,000 test images, each computable in a notebook in well under a second (the classifier's in seconds):
// - inside2σ: the share of codes within 2 σ of the centre (a VAE's prior N(0, I); a plain autoencoder's own mean and
//   standard deviations per axis, as 06-latent's walk frames its grid);
// - emptyCells: 06-latent's count of grid points with no test code in their cell, on its ±2 σ box (10×10), and on a
//   finer 20×20 grid;
// - recognised: a small classifier's verdict on the decoded 30×30 grid over that box and on 1,000 codes drawn from
//   the prior (for the plain autoencoder: from the normal distribution with its codes' mean and σ per axis): the share
//   it calls some digit with probability ≥ 0.9, and how evenly those verdicts spread over the ten digits.

/**
 * The box of a code map: its centre and σ per axis (the prior's for a VAE, the codes' own for a plain autoencoder).
 * @typedef {{mean: [number, number], std: [number, number]}} Frame
 */

/**
 * The codes' own mean and standard deviation per axis.
 * @param {number[][]} codes
 * @returns {Frame}
 */
export function ownFrame(codes) {
  const n = codes.length;
  const mean = /** @type {[number, number]} */ (
    [0, 1].map((d) => codes.reduce((s, c) => s + (c[d] ?? 0), 0) / n)
  );
  const std = /** @type {[number, number]} */ (
    [0, 1].map((d) => Math.sqrt(codes.reduce((s, c) => s + ((c[d] ?? 0) - (mean[d] ?? 0)) ** 2, 0) / n))
  );
  return { mean, std };
}

/** @type {Frame} */
export const PRIOR = { mean: [0, 0], std: [1, 1] };

/**
 * Share of codes within `radius` σ of the frame's centre (distance in σ units per axis).
 * @param {number[][]} codes
 * @param {Frame} frame
 */
export function inside(codes, frame, radius = 2) {
  const r2 = radius * radius;
  const count = codes.filter((c) => {
    const u = ((c[0] ?? 0) - frame.mean[0]) / frame.std[0];
    const v = ((c[1] ?? 0) - frame.mean[1]) / frame.std[1];
    return u * u + v * v <= r2;
  }).length;
  return count / codes.length;
}

/**
 * 06-latent's walk: `steps`×`steps` grid points over ±2 σ, each with a cell one grid step wide around it; how many
 * cells hold no code.
 * @param {number[][]} codes
 * @param {Frame} frame
 * @param {number} steps
 */
export function emptyCells(codes, frame, steps) {
  const counts = new Array(steps * steps).fill(0);
  const step = 4 / (steps - 1); // grid points at -2, -2 + step, ..., 2 (σ units)
  for (const c of codes) {
    const col = Math.round(((c[0] ?? 0) - frame.mean[0]) / frame.std[0] / step + (steps - 1) / 2);
    const row = Math.round(((c[1] ?? 0) - frame.mean[1]) / frame.std[1] / step + (steps - 1) / 2);
    if (col >= 0 && col < steps && row >= 0 && row < steps) counts[row * steps + col] += 1;
  }
  return counts.filter((n) => n === 0).length;
}

/**
 * The `steps`×`steps` grid points over ±`extent` σ of the frame, row by row (second axis from top to bottom).
 * @param {Frame} frame
 * @param {number} steps
 */
export function gridCodes(frame, steps, extent = 2) {
  const t = Array.from({ length: steps }, (_, i) => -extent + (2 * extent * i) / (steps - 1));
  return t.flatMap((v) => t.map((u) => [frame.mean[0] + u * frame.std[0], frame.mean[1] - v * frame.std[1]]));
}

/**
 * `count` codes drawn from the normal distribution of the frame (independent axes), with a seeded generator.
 * @param {Frame} frame
 * @param {number} count
 */
export function drawCodes(frame, count, seed = 1) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return Array.from({ length: count }, () =>
    [0, 1].map((d) => (frame.mean[d] ?? 0) + (frame.std[d] ?? 1) * normal()),
  );
}

/**
 * A classifier's verdicts on decoded images: the share called some digit with probability ≥ `threshold`, the
 * counts per digit of those, and their entropy in bits (log2 10 = 3.32 when all ten digits come out equally).
 * @param {number[][]} probabilities one row of ten per image
 */
export function verdicts(probabilities, threshold = 0.9) {
  const perDigit = new Array(10).fill(0);
  for (const p of probabilities) {
    const best = Math.max(...p);
    if (best >= threshold) perDigit[p.indexOf(best)] += 1;
  }
  const sure = perDigit.reduce((a, b) => a + b, 0);
  const entropy = -perDigit.reduce((s, n) => (n === 0 ? s : s + (n / sure) * Math.log2(n / sure)), 0);
  return { recognised: sure / probabilities.length, perDigit, entropyBits: entropy };
}

/**
 * The share of `drawn` codes that land in a cell of the `steps`×`steps` grid over ±2 σ holding no test code, or
 * outside the box: where sampling asks the decoder for a code no image was given.
 * @param {number[][]} codes the test codes
 * @param {number[][]} drawn
 * @param {Frame} frame
 * @param {number} steps
 */
export function drawnInEmpty(codes, drawn, frame, steps) {
  const step = 4 / (steps - 1);
  const cell = (/** @type {number[]} */ c) => {
    const col = Math.round(((c[0] ?? 0) - frame.mean[0]) / frame.std[0] / step + (steps - 1) / 2);
    const row = Math.round(((c[1] ?? 0) - frame.mean[1]) / frame.std[1] / step + (steps - 1) / 2);
    return col >= 0 && col < steps && row >= 0 && row < steps ? row * steps + col : -1;
  };
  const filled = new Set(codes.map(cell));
  return (
    drawn.filter((c) => {
      const id = cell(c);
      return id < 0 || !filled.has(id);
    }).length / drawn.length
  );
}

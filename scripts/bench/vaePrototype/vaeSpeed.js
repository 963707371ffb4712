// @ts-check
// PROTOTYPE (a VAE lesson, docs/vae-design.md): ms per training step of the VAE, ours beside Keras's, in one run,
// interleaved: two long-lived workers (vaeWorker.js, vae_keras_worker.py) take turns, block by block, so that both
// see the machine in the same state; the idle one waits on its stdin. Batch 128, as Keras's VAE examples.
//   node scripts/bench/vaePrototype/vaeSpeed.js [--groups 512,06,conv] [--rounds 3] [--steps 60] [--conv-steps 20]
// A step's time is the time between two step ends (the first of each block left out), so it holds everything a
// step costs (data, callbacks' sync, the optimizer) but no once-per-call set-up. Ratios are taken round by round
// (ours / Keras in the same round), then their median. Writes bench/vae-prototype/speed-<date>.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "../../project.js";
import { MNIST_DIR, kerasWorker, machine, median, ourWorker } from "./workers.js";
import { RECORDS, timedRow } from "./vaeRecords.js";

/** Each group: Keras's model, and our variants of it (vaeWorker.js names them). */
const GROUPS = /** @type {Record<string, {keras: string, ours: string[]}[]>} */ ({
  512: [
    { keras: "vae-512", ours: ["vae-512:loop", "vae-512:fit-sum", "vae-512:fit-mean", "vae-512:session"] },
    { keras: "ae-512", ours: ["ae-512:graph", "ae-512:eager"] },
  ],
  "06": [
    { keras: "vae-06", ours: ["vae-06:loop", "vae-06:fit-sum", "vae-06:fit-mean", "vae-06:session"] },
    { keras: "ae-06", ours: ["ae-06:graph"] },
  ],
  conv: [{ keras: "vae-conv", ours: ["vae-conv:loop", "vae-conv:fit-mean"] }],
});

const { values } = parseArgs({
  options: {
    groups: { type: "string", default: "512,06,conv" },
    rounds: { type: "string", default: "3" },
    steps: { type: "string", default: "60" },
    "conv-steps": { type: "string", default: "20" },
    batch: { type: "string", default: "128" },
  },
});
const pairs = (values.groups ?? "").split(",").flatMap((g) => GROUPS[g] ?? []);
const rounds = Number(values.rounds);
const batch = Number(values.batch);
const stepsOf = (/** @type {string} */ name) =>
  Number(name.includes("conv") ? values["conv-steps"] : values.steps);

const run = { machine: machine(), options: values, keras: {}, ours: {}, blocks: /** @type {any[]} */ ([]) };
process.stdout.write(
  `vae speed: ${run.machine.cpu}, ${run.machine.cores} cores, AVX-512 ${run.machine.avx512}, load ${run.machine.load}\n`,
);
const ours = ourWorker("vaeWorker.js");
const keras = await kerasWorker();
try {
  run.ours = await ours.send({ op: "init", variants: pairs.flatMap((p) => p.ours) });
  run.keras = {
    ...keras.ready,
    ...(await keras.send({ op: "init", models: pairs.map((p) => p.keras), mnist_dir: MNIST_DIR })),
  };
  // Warm-up: traces Keras's functions, opens our graph sessions; not counted.
  for (const p of pairs) {
    await keras.send({ op: "run", model: p.keras, steps: 5, batch });
    for (const v of p.ours) await ours.send({ op: "run", variant: v, steps: 5, batch });
  }
  for (let round = 0; round < rounds; round++) {
    // Keras first in even rounds, last in odd ones, and the groups rotated, so that no one always follows another.
    const order = [...pairs.slice(round % pairs.length), ...pairs.slice(0, round % pairs.length)];
    for (const p of order) {
      const jobs = [
        () => keras.send({ op: "run", model: p.keras, steps: stepsOf(p.keras), batch }),
        ...p.ours.map((v) => () => ours.send({ op: "run", variant: v, steps: stepsOf(v), batch })),
      ];
      for (const job of round % 2 ? jobs.reverse() : jobs) {
        const result = await job();
        const name = result.variant ?? `keras ${result.model}`;
        run.blocks.push({ round, name, step_ms: result.step_ms, last: result.last, tensors: result.tensors });
        process.stdout.write(
          `  round ${round + 1} ${name}: median ${median(result.step_ms).toFixed(2)} ms/step\n`,
        );
      }
    }
  }
} finally {
  ours.quit();
  keras.quit();
}

/** Median ms/step of a name's blocks in one round. */
const roundMedian = (/** @type {string} */ name, /** @type {number} */ round) =>
  median(run.blocks.filter((b) => b.name === name && b.round === round).flatMap((b) => b.step_ms));
const rows = pairs.flatMap((p) => {
  const kerasName = `keras ${p.keras}`;
  return [kerasName, ...p.ours].map((name) => {
    const all = run.blocks.filter((b) => b.name === name).flatMap((b) => b.step_ms);
    const perRound = Array.from({ length: rounds }, (_, r) => roundMedian(name, r));
    const ratios = perRound.map((ms, r) => ms / roundMedian(kerasName, r));
    return timedRow(
      { name, steps: all.length, median: median(all), perRound, ratio: median(ratios), ratios },
      batch,
    );
  });
});
const f = (/** @type {number} */ n, d = 2) => n.toFixed(d);
const lines = [
  `| variant (batch ${batch}) | steps | median ms/step | per round | s/epoch (${Math.ceil(60000 / batch)} steps) | ours / Keras (median of rounds) |`,
  "| --- | --: | --: | --- | --: | --: |",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.steps} | ${f(r.median)} | ${r.perRound.map((v) => f(v, 1)).join(", ")} | ${f((r.median * Math.ceil(60000 / batch)) / 1000, 1)} | ${r.name.startsWith("keras") ? "1" : `${f(r.ratio)}x (${r.ratios.map((v) => f(v)).join(", ")})`} |`,
  ),
];
process.stdout.write(`\n${lines.join("\n")}\n`);
const dir = RECORDS;
mkdirSync(dir, { recursive: true });
const file = join(dir, `speed-b${batch}-${run.machine.date.slice(0, 16).replace(/[:T]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify({ ...run, rows }, null, 2)}\n`);
process.stdout.write(`\nwritten to ${relative(ROOT, file)}\n`);

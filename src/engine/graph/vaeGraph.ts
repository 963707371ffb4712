// The VAE's whole training step as one TensorFlow graph (vaePlan.ts reads the model): the encoder chain, the
// mean and log-variance heads, z = mean + exp(logVar / 2) · ε with ε fed (graphFit.ts draws it per step with
// tf.randomNormal, as the notebook's Sampling layer would), the decoder chain; the loss as tfjs's fit sums the two
// outputs' losses: c0 · BCE from the decoder sigmoid's logits (mean over the pixels and the batch) + c1 · KL (summed
// over the code, mean over the batch); the backward pass written out; Adam as for chains (graphTraining.ts).
// Fetches loss, reconstruction and kl, the logs of tfjs's fit (loss, <output 0>_loss, <output 1>_loss).
//   d logits = c0 (σ(z) - y) / (n · pixels);  dz from the decoder's backward pass;
//   d mean = dz + c1 · mean / n;  d logVar = dz · σε / 2 + c1 · (exp(logVar) - 1) / (2n);
//   dh = the two heads' input gradients, summed; then the encoder's backward pass.
import { DT } from "./graphDef";
import { backward, forward } from "./graphLayerOps";
import { backwardChain, crossEntropyFromLogits, forwardChain } from "./graphModel";
import { TrainingGraph } from "./graphTraining";
import type { VaePlan } from "./vaePlan";

const F = { type: DT.float };
const T = { T: F };

/** The names of the VAE train signature's own outputs, in tfjs's order of the logs. */
export const VAE_OUTPUTS = ["loss", "reconstruction", "kl"] as const;
/** The name of the train signature's ε input. */
export const VAE_NOISE = "noise";

/**
 * Writes the VAE's training graph as a SavedModel in `dir`: train (x, y, noise and Adam's hyperparameters ->
 * loss, reconstruction, kl), load and state. Its variables start unset: the load signature sets them.
 */
export function writeVaeGraph(dir: string, plan: VaePlan): void {
  const t = new TrainingGraph(plan.shapes);
  const g = t.g;
  const reads = (indices: number[]) => indices.map((i) => t.reads[i] ?? "");
  const [xShape, yShape, noiseShape] = [
    [-1, ...plan.input],
    [-1, ...plan.output],
    [-1, plan.latent],
  ];
  const x = t.placeholder("x", xShape);
  const y = t.placeholder("y", yShape);
  const noise = t.placeholder(VAE_NOISE, noiseShape);

  // Forward.
  const encoder = forwardChain(g, plan.encoder, x, reads(plan.weights.encoder));
  const h = encoder.at(-1)?.output ?? x;
  const meanHead = forward(g, plan.mean, h, reads(plan.weights.mean));
  const logVarHead = forward(g, plan.logVar, h, reads(plan.weights.logVar));
  const [mean, logVar] = [meanHead.output, logVarHead.output];
  const half = g.constant("half", 0.5);
  const sigma = g.node("Exp", "sigma", [g.node("Mul", "half_log_var", [logVar, half], T)], T);
  const sigmaNoise = g.node("Mul", "sigma_noise", [sigma, noise], T);
  const z = g.node("AddV2", "z", [mean, sigmaNoise], T);
  const decoder = forwardChain(g, plan.decoder, z, reads(plan.weights.decoder));

  // The losses, each the mean over the batch of its per-image value.
  const { lossAt, logits, bce, error } = crossEntropyFromLogits(g, decoder, y);
  const c0 = g.constant("c0", plan.reconstruction);
  const reconstruction = g.node("Mul", "reconstruction_loss", [t.mean(bce, "mean_bce"), c0], T);
  // KL per image: -1/2 Σ (1 + logVar - mean² - exp(logVar)) over the code; its batch mean is latent times the
  // mean over all values.
  const variance = g.node("Exp", "variance", [logVar], T);
  const terms = g.node(
    "Sub",
    "kl_terms",
    [
      g.node(
        "Sub",
        "kl_terms_1",
        [
          g.node("AddV2", "one_plus_log_var", [t.one, logVar], T),
          g.node("Square", "mean_squared", [mean], T),
        ],
        T,
      ),
      variance,
    ],
    T,
  );
  const kl = g.node(
    "Mul",
    "kl_loss",
    [t.mean(terms, "mean_kl_terms"), g.constant("kl_scale", -0.5 * plan.latent * plan.kl)],
    T,
  );
  const loss = g.node("AddV2", "total_loss", [reconstruction, kl], T);

  // Backward.
  const dLogits = g.node(
    "Mul",
    "d_logits",
    [error, g.node("RealDiv", "bce_scale", [c0, t.size(logits, "pixels_n")], T)],
    T,
  );
  const decoded = backwardChain(g, decoder, lossAt, dLogits, { needInput: true });
  const dz = decoded.dInput ?? "";
  // c1 / n, n the batch: c1 · latent / (n · latent).
  const klScale = g.node(
    "RealDiv",
    "kl_over_n",
    [g.constant("c1_latent", plan.kl * plan.latent), t.size(mean, "mean_n")],
    T,
  );
  const dMean = g.node("AddV2", "d_mean", [dz, g.node("Mul", "kl_d_mean", [mean, klScale], T)], T);
  const dLogVar = g.node(
    "AddV2",
    "d_log_var",
    [
      g.node("Mul", "dz_sigma_noise", [g.node("Mul", "dz_half", [dz, half], T), sigmaNoise], T),
      g.node(
        "Mul",
        "kl_d_log_var",
        [
          g.node("Sub", "variance_minus_one", [variance, t.one], T),
          g.node("Mul", "half_kl_scale", [klScale, half], T),
        ],
        T,
      ),
    ],
    T,
  );
  const needH = encoder.length > 0;
  const meanBack = backward(g, meanHead, dMean, needH);
  const logVarBack = backward(g, logVarHead, dLogVar, needH);
  const encoded =
    needH && meanBack.dInput && logVarBack.dInput
      ? backwardChain(
          g,
          encoder,
          encoder.length - 1,
          g.node("AddV2", "d_h", [meanBack.dInput, logVarBack.dInput], T),
          { atOutput: true },
        ).gradients
      : [];

  // The gradients in the model's order of its weights.
  const gradients: string[] = new Array<string>(plan.shapes.length).fill("");
  const place = (indices: number[], values: string[]) =>
    indices.forEach((i, k) => (gradients[i] = values[k] ?? ""));
  place(plan.weights.encoder, encoded);
  place(plan.weights.mean, meanBack.gradients);
  place(plan.weights.logVar, logVarBack.gradients);
  place(plan.weights.decoder, decoded.gradients);

  const updates = t.adam(gradients);
  const fetched = [loss, reconstruction, kl];
  const outputs = Object.fromEntries(
    VAE_OUTPUTS.map((name, i) => [name, t.port(t.after(`${name}_out`, fetched[i] ?? "", updates), [])]),
  );
  t.save(dir, {
    inputs: { x: t.port(x, xShape), y: t.port(y, yShape), [VAE_NOISE]: t.port(noise, noiseShape) },
    outputs,
  });
}

"""PROTOTYPE (a VAE lesson, docs/vae-design.md): what option (c), the VAE on the engine's graph path, would run.

Writes one VAE training step (forward, sampling with the reparameterisation trick, reconstruction + KL, gradients,
Adam as tfjs computes it) as a TensorFlow SavedModel signature, the way the engine's graph path runs a chain model's
step: one session call per batch from tfjs-node (`tf.node.loadSavedModel`), the weights and Adam's moments living in
the session between calls. The engine writes its graphs itself (src/engine/graph/); this one is written by Python's
TensorFlow with its own gradients, as a stand-in to time, before any engine work, the step that work would produce.
vaeWorker.js runs it as the variant "vae-06:session" (and "vae-512:session").

  .cache/keras-venv/bin/python scripts/bench/vaePrototype/export_vae_step.py --hidden 128,64 --out DIR
"""
import argparse

import numpy as np
import tensorflow as tf

PIXELS, LATENT = 784, 2


def glorot_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype("float32")


class VaeStep(tf.Module):
    """Encoder 784-hidden-(2 + 2), sampling, decoder 2-reversed(hidden)-784 (sigmoid), Adam (lr 0.001)."""

    def __init__(self, hidden, seed=1):
        super().__init__()
        rng = np.random.default_rng(seed)
        sizes = [PIXELS, *hidden]
        self.encoder = [self.dense(a, b, rng) for a, b in zip(sizes, sizes[1:])]
        self.z_mean = self.dense(sizes[-1], LATENT, rng)
        self.z_log_var = self.dense(sizes[-1], LATENT, rng)
        back = [LATENT, *reversed(hidden), PIXELS]
        self.decoder = [self.dense(a, b, rng) for a, b in zip(back, back[1:])]
        self.weights = [w for layer in [*self.encoder, self.z_mean, self.z_log_var, *self.decoder] for w in layer]
        self.m = [tf.Variable(tf.zeros_like(w)) for w in self.weights]
        self.v = [tf.Variable(tf.zeros_like(w)) for w in self.weights]
        self.t = tf.Variable(0.0)

    @staticmethod
    def dense(fan_in, fan_out, rng):
        return [tf.Variable(glorot_uniform(fan_in, fan_out, rng)), tf.Variable(tf.zeros([fan_out]))]

    @tf.function(input_signature=[tf.TensorSpec([None, PIXELS], tf.float32)])
    def train(self, x):
        with tf.GradientTape() as tape:
            h = x
            for w, b in self.encoder:
                h = tf.nn.relu(tf.matmul(h, w) + b)
            z_mean = tf.matmul(h, self.z_mean[0]) + self.z_mean[1]
            z_log_var = tf.matmul(h, self.z_log_var[0]) + self.z_log_var[1]
            z = z_mean + tf.exp(0.5 * z_log_var) * tf.random.normal(tf.shape(z_mean))
            g = z
            for w, b in self.decoder[:-1]:
                g = tf.nn.relu(tf.matmul(g, w) + b)
            logits = tf.matmul(g, self.decoder[-1][0]) + self.decoder[-1][1]
            recon = tf.reduce_mean(tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits), 1))
            kl = tf.reduce_mean(tf.reduce_sum(-0.5 * (1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var)), 1))
            loss = recon + kl
        grads = tape.gradient(loss, self.weights)
        t = self.t.assign_add(1.0)
        lr, b1, b2, eps = 0.001, 0.9, 0.999, 1e-7
        updates = []
        for w, g, m, v in zip(self.weights, grads, self.m, self.v):
            m1 = m.assign(b1 * m + (1 - b1) * g)
            v1 = v.assign(b2 * v + (1 - b2) * tf.square(g))
            m_hat, v_hat = m1 / (1 - tf.pow(b1, t)), v1 / (1 - tf.pow(b2, t))
            updates.append(w.assign_sub(lr * m_hat / (tf.sqrt(v_hat) + eps)))
        with tf.control_dependencies(updates):
            return {"loss": tf.identity(loss), "recon": tf.identity(recon), "kl": tf.identity(kl)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hidden", default="128,64")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    step = VaeStep([int(units) for units in args.hidden.split(",")])
    tf.saved_model.save(step, args.out, signatures={"serving_default": step.train})
    print("saved", args.out)


if __name__ == "__main__":
    main()

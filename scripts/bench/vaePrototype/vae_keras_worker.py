"""PROTOTYPE (issue: a VAE lesson, docs/vae-design.md): Keras's side of the VAE speed and quality measurements.

A long-lived worker driven by scripts/bench/vaePrototype/vaeSpeed.js and vaeQuality.js: it reads one JSON command a
line on stdin and answers one line `RESULT {json}` on stdout, so that the driver can interleave blocks of Keras
steps with blocks of ours in the same run while the idle worker waits on its stdin (no CPU).

The VAE is Keras's own example, keras-io examples/generative/vae.py (fchollet, 2020): its Sampling layer and its
VAE class with the custom train_step, unchanged. Changes are marked "# Changed:". The encoder and decoder are
vae.py's (conv) or the older Keras example's dense ones (keras examples/variational_autoencoder.py: 784-512-2)
or lesson 06-latent's shape (784-128-64-2), all on vae.py's (28, 28, 1) images. The plain autoencoders (the
graph path's upper bound) are the course's style: compile("adam", "binary_crossentropy") and fit(x, x).

Commands: {"op": "init", "models": [...], "mnist_dir": DIR}; {"op": "run", "model": M, "steps": N, "batch": 128}
(N training steps on the next images of a shuffled epoch, timed between batch ends); {"op": "epoch", "model": M,
"epochs": E} (E whole epochs, then the metrics of vaeQuality.js on the test set); {"op": "quit"}.
"""
import json
import os
import struct
import sys
import time

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = tf.shape(z_mean)[0]
        dim = tf.shape(z_mean)[1]
        epsilon = tf.keras.backend.random_normal(shape=(batch, dim))
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


latent_dim = 2


def conv_encoder_decoder():
    encoder_inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")
    latent_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(7 * 7 * 64, activation="relu")(latent_inputs)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(x)
    decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")
    return encoder, decoder


def dense_encoder_decoder(hidden):
    # Changed: dense layers (the older Keras example's 512, or 06-latent's 128-64) instead of vae.py's convs, on
    # the same (28, 28, 1) images: Flatten in front, Reshape behind, so that vae.py's train_step stays unchanged.
    encoder_inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Flatten()(encoder_inputs)
    for units in hidden:
        x = layers.Dense(units, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")
    latent_inputs = keras.Input(shape=(latent_dim,))
    x = latent_inputs
    for units in reversed(hidden):
        x = layers.Dense(units, activation="relu")(x)
    x = layers.Dense(784, activation="sigmoid")(x)
    decoder_outputs = layers.Reshape((28, 28, 1))(x)
    decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")
    return encoder, decoder


class VAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super(VAE, self).__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(data)
            reconstruction = self.decoder(z)
            reconstruction_loss = tf.reduce_mean(
                tf.reduce_sum(keras.losses.binary_crossentropy(data, reconstruction), axis=(1, 2))
            )
            kl_loss = -0.5 * (1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var))
            kl_loss = tf.reduce_mean(tf.reduce_sum(kl_loss, axis=1))
            total_loss = reconstruction_loss + kl_loss
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {
            "loss": self.total_loss_tracker.result(),
            "reconstruction_loss": self.reconstruction_loss_tracker.result(),
            "kl_loss": self.kl_loss_tracker.result(),
        }

    def call(self, x):
        z_mean, z_log_var, z = self.encoder(x)
        return self.decoder(z)


def plain_autoencoder(hidden):
    """The course's style of autoencoder with a linear 2-D code (as 06-latent's mapModels)."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Flatten()(inputs)
    for units in hidden:
        x = layers.Dense(units, activation="relu")(x)
    x = layers.Dense(latent_dim)(x)
    for units in reversed(hidden):
        x = layers.Dense(units, activation="relu")(x)
    x = layers.Reshape((28, 28, 1))(layers.Dense(784, activation="sigmoid")(x))
    model = keras.Model(inputs, x)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


HIDDEN = {"512": [512], "06": [128, 64]}


def build(name):
    kind, shape = name.split("-")  # "vae-512", "vae-06", "vae-conv", "ae-512", "ae-06"
    if kind == "ae":
        return plain_autoencoder(HIDDEN[shape])
    encoder, decoder = conv_encoder_decoder() if shape == "conv" else dense_encoder_decoder(HIDDEN[shape])
    vae = VAE(encoder, decoder)
    vae.compile(optimizer=keras.optimizers.Adam())
    return vae


def read_idx(path, header, shape):
    with open(path, "rb") as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def load(mnist_dir):
    x_train = read_idx(os.path.join(mnist_dir, "train-images-idx3-ubyte"), 16, (60000, 28, 28, 1))
    x_test = read_idx(os.path.join(mnist_dir, "t10k-images-idx3-ubyte"), 16, (10000, 28, 28, 1))
    y_test = read_idx(os.path.join(mnist_dir, "t10k-labels-idx1-ubyte"), 8, (10000,))
    return x_train.astype("float32") / 255, x_test.astype("float32") / 255, y_test


class StepTimer(keras.callbacks.Callback):
    """Times between batch ends (each step's whole cost, the first step of a call left out), and the logs."""

    def __init__(self):
        super().__init__()
        self.ends, self.logs = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append(time.perf_counter())
        self.logs.append({k: float(v) for k, v in (logs or {}).items()})


class Worker:
    def __init__(self, mnist_dir, names):
        self.x_train, self.x_test, self.y_test = load(mnist_dir)
        self.models = {name: build(name) for name in names}
        self.cursor = {name: 0 for name in names}
        self.order = {name: np.random.permutation(60000) for name in names}

    def next_images(self, name, count):
        order, start = self.order[name], self.cursor[name]
        if start + count > len(order):
            order, start = np.random.permutation(60000), 0
            self.order[name] = order
        self.cursor[name] = start + count
        return self.x_train[order[start : start + count]]

    def fit(self, name, x, batch):
        model, timer = self.models[name], StepTimer()
        y = x if name.startswith("ae-") else None
        model.fit(x, y, epochs=1, batch_size=batch, shuffle=False, verbose=0, callbacks=[timer])
        return timer

    def run(self, name, steps, batch):
        timer = self.fit(name, self.next_images(name, steps * batch), batch)
        ms = [(b - a) * 1000 for a, b in zip(timer.ends, timer.ends[1:])]
        return {"model": name, "step_ms": ms, "last": timer.logs[-1]}

    def epochs(self, name, epochs, batch):
        model, per_epoch = self.models[name], []
        for _ in range(epochs):
            t0 = time.perf_counter()
            x = self.x_train[np.random.permutation(60000)]
            timer = self.fit(name, x, batch)
            per_epoch.append({"sec": time.perf_counter() - t0, **timer.logs[-1]})
        encoder = model.encoder
        z_mean, z_log_var, _ = encoder.predict(self.x_test, batch_size=1000, verbose=0)
        return {"model": name, "epochs": per_epoch, "z_mean": z_mean.tolist(), "z_log_var": z_log_var.tolist()}


def main():
    worker = None
    print("READY " + json.dumps({"tensorflow": tf.__version__, "keras": keras.__version__,
                                 "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS")}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        op = command["op"]
        if op == "init":
            worker = Worker(command["mnist_dir"], command["models"])
            result = {"ok": True}
        elif op == "run":
            result = worker.run(command["model"], command["steps"], command.get("batch", 128))
        elif op == "epoch":
            result = worker.epochs(command["model"], command["epochs"], command.get("batch", 128))
        elif op == "quit":
            break
        else:
            result = {"error": "unknown op %s" % op}
        print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()

"""Keras's own VAE example beside lesson 09-vae, for `npm run bench -- --models vae --keras`.

The code is keras-io's examples/generative/vae.py (fchollet, 2020-05-03, the tf.keras version;
https://github.com/keras-team/keras-io/blob/master/examples/generative/vae.py): its
Sampling layer and its VAE class with the custom train_step, unchanged. Each change is marked "# Changed:". The
encoder and decoder are the lesson's dense layers (06-latent's 784-128-64 and 64-128-784 around the 2-D code)
instead of vae.py's convolutions, on vae.py's (28, 28, 1) images, so that the train_step stays as it is.
Prints Keras's usual progress output, then, as the last line of stdout, `BENCH_RESULT {json}`.
Usage: python keras_vae.py --mnist-dir DIR [--epochs 3] [--train-size 60000] [--seed S]
"""
import argparse
import json
import os
import platform
import resource
import sys

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

# Changed: MNIST from the IDX files (no internet for mnist.load_data) and the bench's epoch timer, shared with the
# course's models.
from keras_course import EpochTimer, read_mnist

BATCH_SIZE = 128  # vae.py's batch size, and the lesson's.


class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = tf.shape(z_mean)[0]
        dim = tf.shape(z_mean)[1]
        epsilon = tf.keras.backend.random_normal(shape=(batch, dim))
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


latent_dim = 2

encoder_inputs = keras.Input(shape=(28, 28, 1))
# Changed: the lesson's dense encoder, 784-128-64 (relu), instead of vae.py's Conv2D 32, Conv2D 64 and Dense 16.
x = layers.Flatten()(encoder_inputs)
x = layers.Dense(128, activation="relu")(x)
x = layers.Dense(64, activation="relu")(x)
z_mean = layers.Dense(latent_dim, name="z_mean")(x)
z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
z = Sampling()([z_mean, z_log_var])
encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")

latent_inputs = keras.Input(shape=(latent_dim,))
# Changed: the lesson's dense decoder, 64-128-784 (relu, relu, sigmoid), instead of vae.py's Dense 7*7*64 and
# Conv2DTranspose 64, 32, 1; a Reshape gives vae.py's (28, 28, 1) images back.
x = layers.Dense(64, activation="relu")(latent_inputs)
x = layers.Dense(128, activation="relu")(x)
x = layers.Dense(784, activation="sigmoid")(x)
decoder_outputs = layers.Reshape((28, 28, 1))(x)
decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")


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
        return [
            self.total_loss_tracker,
            self.reconstruction_loss_tracker,
            self.kl_loss_tracker,
        ]

    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(data)
            reconstruction = self.decoder(z)
            reconstruction_loss = tf.reduce_mean(
                tf.reduce_sum(
                    keras.losses.binary_crossentropy(data, reconstruction), axis=(1, 2)
                )
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


def main():
    parser = argparse.ArgumentParser(description="Keras's VAE example with the lesson's dense layers, timed.")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--mnist-dir", required=True)
    parser.add_argument("--train-size", type=int, default=60000)
    parser.add_argument("--seed", type=int)
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error("--epochs must be 1 or more, found %d" % args.epochs)
    if not 1 <= args.train_size <= 60000:
        parser.error("--train-size must be between 1 and 60000 (MNIST's training images), found %d" % args.train_size)
    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)

    # Changed: the IDX files, and the training images only (vae.py trains on the training and test images
    # together); the first --train-size of them.
    (x_train, _), _ = read_mnist(args.mnist_dir)
    mnist_digits = np.expand_dims(x_train[:args.train_size], -1).astype("float32") / 255

    vae = VAE(encoder, decoder)
    vae.compile(optimizer=keras.optimizers.Adam())
    timer = EpochTimer()  # Changed: the bench's timing callback.
    # Changed: --epochs instead of 30, the timing callback, and the History kept; shuffle=True is fit's default.
    history = vae.fit(mnist_digits, epochs=args.epochs, batch_size=BATCH_SIZE, callbacks=[timer])

    result = {
        "model": "vae",
        "impl": "keras",
        "epochs": args.epochs,
        "n_train": len(mnist_digits),
        "batch_size": BATCH_SIZE,
        "sec_per_epoch": timer.sec_per_epoch,
        "ms_per_batch": timer.ms_per_batch,
        "median_batch_ms": timer.median_batch_ms,
        "loss": [float(v) for v in history.history["loss"]],
        "val_loss": [],  # vae.py validates nothing
        "reconstruction_loss": [float(v) for v in history.history["reconstruction_loss"]],
        "kl_loss": [float(v) for v in history.history["kl_loss"]],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "tensors": None,
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__,
                     "python": platform.python_version(), "numpy": np.__version__},
        "threads": {"intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
                    "inter_op": tf.config.threading.get_inter_op_parallelism_threads()},
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
    }
    sys.stdout.flush()
    sys.stderr.flush()
    print("\nBENCH_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()

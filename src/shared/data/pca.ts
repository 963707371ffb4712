// PCA, the linear baseline an autoencoder is measured against (lesson 05): the covariance matrix is a matmul on
// TensorFlow's kernels, its eigenvectors come from ml-pca (ml-matrix's symmetric eigensolver; 4.6 s in all for
// 60,000 MNIST images on 2 cores), and encoding and decoding are matmuls again, like a linear autoencoder's.
import * as tf from "@tensorflow/tfjs-node";
import { PCA } from "ml-pca";
import { checkWholeNumber } from "../checks";
import { localize } from "../language";

/** A fitted PCA: the mean image and the strongest directions, all tensors the caller disposes with `dispose()`. */
export interface Pca {
  /** The training images' mean, `[d]`: PCA works on images minus this. */
  readonly mean: tf.Tensor1D;
  /** The principal directions as unit columns, `[d, k]`, the one explaining the most variance first. */
  readonly components: tf.Tensor2D;
  /** Each component's share of the training images' total variance, strongest first (k numbers). */
  readonly explainedVariance: number[];
  /** The code of each row of `x` (`[n, d]`): `(x - mean) · components`, `[n, k]`. */
  encode(x: tf.Tensor2D): tf.Tensor2D;
  /** Rows back from their codes (`[n, k]`): `code · componentsᵀ + mean`, `[n, d]`. Not clipped. */
  decode(code: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

function checkRows(who: string, x: tf.Tensor, columns?: number): asserts x is tf.Tensor2D {
  if (x.rank === 2 && (columns === undefined || x.shape[1] === columns)) return;
  const [shape, width] = [`[${x.shape.join(", ")}]`, columns ?? "d"];
  throw new RangeError(
    localize({
      en: `${who}: expected a 2-D tensor of shape [n, ${width}], found shape ${shape}`,
      zh: `${who}：应为形状 [n, ${width}] 的二维张量，实际形状为 ${shape}`,
    }),
  );
}

/**
 * Fits PCA with `components` directions to the rows of `x` (`[n, d]`, e.g. flattened images), like
 * scikit-learn's `PCA(n_components).fit(x)`. The codes it gives are uncorrelated, ordered by variance; the
 * reconstruction from k of them is the closest (in squared error) that any k-dimensional linear code gives.
 *
 * ```ts
 * const pca = fitPca(xTrain, 32);
 * const reconstructed = tf.tidy(() => pca.decode(pca.encode(xTest)));
 * ```
 */
export function fitPca(x: tf.Tensor2D, components: number): Pca {
  checkRows("fitPca: x", x);
  const [n, d] = x.shape;
  checkWholeNumber("fitPca: components", components, 1, d);
  if (n < 2) {
    throw new RangeError(
      localize({
        en: `fitPca: x must have at least 2 rows (one row has no variance), found ${n}`,
        zh: `fitPca：x 至少要有 2 行（一行数据没有方差），实际为 ${n} 行`,
      }),
    );
  }
  const mean = tf.tidy(() => tf.mean(x, 0) as tf.Tensor1D);
  // (x - mean)ᵀ(x - mean) / (n - 1): the sample covariance, [d, d], as one matmul on TensorFlow's kernels.
  const covariance = tf.tidy(() => {
    const centred = tf.sub(x, mean);
    return tf.div(tf.matMul(centred, centred, true, false), n - 1) as tf.Tensor2D;
  });
  const covarianceRows = covariance.arraySync();
  covariance.dispose();
  const fitted = new PCA(covarianceRows, { isCovarianceMatrix: true });
  const eigenvalues = fitted.getEigenvalues();
  // Rounding leaves the smallest eigenvalues of a rank-deficient covariance slightly below 0.
  const total = eigenvalues.reduce((sum, value) => sum + Math.max(value, 0), 0);
  const explainedVariance = eigenvalues
    .slice(0, components)
    .map((value) => (total > 0 ? Math.max(value, 0) / total : 0));
  const vectors = fitted
    .getEigenvectors()
    .subMatrix(0, d - 1, 0, components - 1)
    .to1DArray();
  const directions = tf.tensor2d(vectors, [d, components], "float32");

  return {
    mean,
    components: directions,
    explainedVariance,
    encode(rows: tf.Tensor2D): tf.Tensor2D {
      checkRows("pca.encode: x", rows, d);
      return tf.tidy(() => tf.matMul(tf.sub(rows, mean), directions));
    },
    decode(code: tf.Tensor2D): tf.Tensor2D {
      checkRows("pca.decode: code", code, components);
      return tf.tidy(() => tf.add(tf.matMul(code, directions, false, true), mean));
    },
    dispose(): void {
      tf.dispose([mean, directions]);
    },
  };
}

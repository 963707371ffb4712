// How to read a reconstruction loss. "val_loss 0.0914" means little alone: binary cross-entropy is not 0 even
// for a perfect copy (MNIST pixels are grey at the strokes' edges, and a grey target has entropy), and a model
// that learned nothing but the average digit already scores about 0.26. These baselines, computed on the same
// test images with the same loss, give the scale a student reads a model's loss on.
import * as tf from "@tensorflow/tfjs-node";
import { describeValue, mustBe } from "../checks";
import { IMAGE_SIZE, PIXELS } from "../data/data";
import { showTable } from "../display/display";
import { localize } from "../language";

/** Binary cross-entropy on the test images of three reconstructions that need no model. */
export interface LossBaselines {
  /** A perfect reconstruction (output = input): the floor no model goes below on these images. */
  readonly perfect: number;
  /** Always outputting the mean training image: what a model that learned only the average digit scores. */
  readonly meanImage: number;
  /**
   * Outputting the mean training image of each test image's digit; only when the labels were given and every
   * digit of the test labels has a training image.
   */
  readonly digitMeans?: number;
  /**
   * The digits of the test labels that have no training image (a small AE_TRAIN_SIZE: 1 image has 1 digit), in
   * order; given only then, and then there is no `digitMeans`: a digit without images has no mean image.
   */
  readonly unseenDigits?: readonly number[];
}

/** The training images the mean images come from, and the labels for each digit's mean (both or neither). */
export interface LossBaselineData {
  xTrain: tf.Tensor;
  yTrain?: ArrayLike<number>;
  yTest?: ArrayLike<number>;
}

const WHO = "lossBaselines";
const SHAPES = `[n, ${PIXELS}] or [n, ${IMAGE_SIZE}, ${IMAGE_SIZE}, 1]`;

/** Checks that `x` is a batch of MNIST images in either layout, values in [0, 1]; returns the image count. */
function checkImages(name: string, x: unknown): number {
  const subject = `${WHO}: ${name}`;
  if (!(x instanceof tf.Tensor)) {
    throw new TypeError(
      mustBe(subject, localize({ en: `a tensor of shape ${SHAPES}`, zh: `形状为 ${SHAPES} 的张量` }), x),
    );
  }
  const [n = 0, ...rest] = x.shape;
  const layout = rest.join(",");
  if (n < 1 || (layout !== `${PIXELS}` && layout !== `${IMAGE_SIZE},${IMAGE_SIZE},1`)) {
    const shape = `[${x.shape.join(", ")}]`;
    throw new RangeError(
      localize({
        en: `${subject} must be a tensor of shape ${SHAPES} with n >= 1, found shape ${shape}`,
        zh: `${subject} 应为形状 ${SHAPES} 且 n >= 1 的张量，实际形状为 ${shape}`,
      }),
    );
  }
  // Targets outside [0, 1] make binary cross-entropy meaningless; images not divided by 255 are the usual cause.
  const [low = NaN, high = NaN] = tf.tidy(() => Array.from(tf.stack([tf.min(x), tf.max(x)]).dataSync()));
  if (!(low >= 0 && high <= 1)) {
    throw new RangeError(
      localize({
        en: `${subject} must hold pixels in [0, 1] (images / 255), found values from ${low} to ${high}`,
        zh: `${subject} 的像素应在 [0, 1] 之间（图片 / 255），实际取值从 ${low} 到 ${high}`,
      }),
    );
  }
  return n;
}

/** Checks that `labels` are digits 0-9, one per image of `images` (`count` of them); returns them as int32. */
function checkLabels(name: string, labels: unknown, images: string, count: number): Int32Array {
  const subject = `${WHO}: ${name}`;
  if (
    labels === null ||
    typeof labels !== "object" ||
    typeof (labels as { length?: unknown }).length !== "number"
  ) {
    const expected = localize({
      en: "labels (a Uint8Array or an array of numbers)",
      zh: "标签（Uint8Array 或数字数组）",
    });
    throw new TypeError(mustBe(subject, expected, labels));
  }
  const list = labels as ArrayLike<unknown>;
  if (list.length !== count) {
    throw new RangeError(
      localize({
        en: `${subject} must have one label per image of ${images} (${count}), found ${list.length} labels`,
        zh: `${subject} 应为 ${images} 每张图片一个标签（${count} 个），实际为 ${list.length} 个`,
      }),
    );
  }
  const digits = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = list[i];
    if (typeof label !== "number" || !Number.isInteger(label) || label < 0 || label > 9) {
      const found = describeValue(label);
      throw new RangeError(
        localize({
          en: `${subject} must hold digits 0-9, found ${found} at index ${i}`,
          zh: `${subject} 应为 0-9 的数字，第 ${i} 个（从 0 数起）实际为 ${found}`,
        }),
      );
    }
    digits[i] = label;
  }
  return digits;
}

/** The mean binary cross-entropy over pixels and images, by tfjs's own function for loss "binaryCrossentropy". */
function meanBinaryCrossentropy(target: tf.Tensor, output: tf.Tensor): number {
  // tf.metrics.binaryCrossentropy is the function compile({ loss: "binaryCrossentropy" }) looks up: the same
  // clipping to [ε, 1 - ε]; its mean over the last axis, then over the images, is the val_loss fit reports.
  return tf.tidy(() => tf.mean(tf.metrics.binaryCrossentropy(target, output)).dataSync()[0] ?? NaN);
}

/**
 * The binary cross-entropy on `xTest` (the images the loss compares with: for the denoising lesson, the clean
 * ones) of a perfect reconstruction, of always outputting the mean image of `xTrain`, and, given `yTrain` and
 * `yTest`, of outputting each test image's digit's mean training image. Computed as the model's loss is, so that
 * a model's val_loss can be read against them. Images flat `[n, 784]` or `[n, 28, 28, 1]`, in [0, 1].
 * When a digit of `yTest` has no training image (a few training images), there is no `digitMeans`, and
 * `unseenDigits` lists those digits: showLossScale says why its row is missing.
 *
 * ```ts
 * const data = loadMnist();
 * const baselines = lossBaselines(data.xTest, data); // { perfect, meanImage, digitMeans }
 * ```
 */
export function lossBaselines(xTest: tf.Tensor, data: LossBaselineData): LossBaselines {
  const { xTrain, yTrain, yTest } = (data ?? {}) as Partial<LossBaselineData>;
  const testCount = checkImages("xTest", xTest);
  const trainCount = checkImages("xTrain", xTrain);
  if ((yTrain === undefined) !== (yTest === undefined)) {
    const [given, missing] = yTrain === undefined ? ["yTest", "yTrain"] : ["yTrain", "yTest"];
    throw new TypeError(
      localize({
        en: `${WHO}: yTrain and yTest must be given together (each digit's mean image needs both), found only ${given} (${missing} is missing)`,
        zh: `${WHO}：yTrain 和 yTest 应同时给出（各数字的平均图像两者都要），实际只有 ${given}（缺少 ${missing}）`,
      }),
    );
  }
  const trainDigits = yTrain === undefined ? undefined : checkLabels("yTrain", yTrain, "xTrain", trainCount);
  const testDigits = yTest === undefined ? undefined : checkLabels("yTest", yTest, "xTest", testCount);
  const counts = new Array<number>(10).fill(0);
  for (const digit of trainDigits ?? []) counts[digit] = (counts[digit] ?? 0) + 1;
  // A digit of the test labels without a training image has no mean image: no digit-means baseline then.
  const unseenDigits = [...new Set(testDigits ?? [])]
    .filter((digit) => counts[digit] === 0)
    .sort((a, b) => a - b);

  return tf.tidy(() => {
    // One layout for both: the loss is a mean over all pixels, so [n, 784] gives the same number as images.
    const target = tf.reshape(xTest, [testCount, PIXELS]);
    const train = tf.reshape(xTrain as tf.Tensor, [trainCount, PIXELS]);
    const perfect = meanBinaryCrossentropy(target, target);
    const mean = tf.broadcastTo(tf.mean(train, 0, true), [testCount, PIXELS]);
    const meanImage = meanBinaryCrossentropy(target, mean);
    if (trainDigits === undefined || testDigits === undefined) return { perfect, meanImage };
    if (unseenDigits.length > 0) return { perfect, meanImage, unseenDigits };
    // Each digit's sum in one pass over the training images, then each test image's digit's mean, by gather.
    const sums = tf.unsortedSegmentSum(train, tf.tensor1d(trainDigits, "int32"), 10);
    const means = tf.div(sums, tf.tensor2d(counts, [10, 1]));
    const digitMeans = meanBinaryCrossentropy(target, tf.gather(means, tf.tensor1d(testDigits, "int32")));
    return { perfect, meanImage, digitMeans };
  });
}

/**
 * Where `loss` lies between always outputting the mean image (0) and a perfect reconstruction (1): the share of
 * the way from the one to the other. Below 0 is worse than the mean image.
 */
export function lossScalePosition(baselines: LossBaselines, loss: number): number {
  return (baselines.meanImage - loss) / (baselines.meanImage - baselines.perfect);
}

function checkFinite(subject: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(
      mustBe(subject, localize({ en: "a finite number >= 0", zh: "不小于 0 的有限数" }), value),
    );
  }
  return value;
}

/** A model's loss to place on the scale: its name as the table shows it, and its val_loss (or any BCE). */
export interface ScaledLoss {
  name: string;
  loss: number;
}

/**
 * Shows a small table that reads the losses of `models` against `baselines` (from `lossBaselines` on the same
 * test images): each row's binary cross-entropy, and where it lies between always outputting the mean image
 * (0%) and a perfect copy (100%), rows ordered by loss. `title` goes before the caption's how-to-read line.
 *
 * ```ts
 * showLossScale(baselines, [{ name: "dense, 5 epochs", loss: history.history.val_loss.at(-1) as number }]);
 * ```
 */
export function showLossScale(
  baselines: LossBaselines,
  models: readonly ScaledLoss[],
  options: { title?: string } = {},
): void {
  const who = "showLossScale";
  if (baselines === null || typeof baselines !== "object") {
    const expected = localize({ en: "the result of lossBaselines", zh: "lossBaselines 的结果" });
    throw new TypeError(mustBe(`${who}: baselines`, expected, baselines));
  }
  const perfect = checkFinite(`${who}: baselines.perfect`, baselines.perfect);
  const meanImage = checkFinite(`${who}: baselines.meanImage`, baselines.meanImage);
  if (baselines.digitMeans !== undefined) checkFinite(`${who}: baselines.digitMeans`, baselines.digitMeans);
  if (!(meanImage > perfect)) {
    // The scale runs from one to the other; equal ends would divide by 0.
    throw new RangeError(
      localize({
        en: `${who}: baselines.meanImage must be above baselines.perfect, found ${meanImage} and ${perfect}`,
        zh: `${who}：baselines.meanImage 应大于 baselines.perfect，实际为 ${meanImage} 和 ${perfect}`,
      }),
    );
  }
  if (!Array.isArray(models)) {
    const expected = localize({ en: "an array of { name, loss }", zh: "{ name, loss } 的数组" });
    throw new TypeError(mustBe(`${who}: models`, expected, models));
  }
  const rows = models.map((model: unknown, i) => {
    const { name, loss } = (model ?? {}) as Partial<ScaledLoss>;
    if (typeof name !== "string" || name === "") {
      const expected = localize({ en: "a non-empty string", zh: "非空字符串" });
      throw new TypeError(mustBe(`${who}: models[${i}].name`, expected, name));
    }
    return { name, loss: checkFinite(`${who}: models[${i}].loss`, loss) };
  });
  const baselineRows: ScaledLoss[] = [
    { name: localize({ en: "perfect copy (output = input)", zh: "完美复制（输出 = 输入）" }), loss: perfect },
    ...(baselines.digitMeans === undefined
      ? []
      : [
          {
            name: localize({ en: "each digit's mean training image", zh: "输出该数字的平均训练图像" }),
            loss: baselines.digitMeans,
          },
        ]),
    { name: localize({ en: "always the mean training image", zh: "始终输出平均训练图像" }), loss: meanImage },
  ];
  // Sorted by loss, the rows read as a ladder from the floor down; a stable sort keeps ties as given.
  const ladder = [...baselineRows, ...rows].sort((a, b) => a.loss - b.loss);
  const unseen = baselines.unseenDigits ?? [];
  const missing =
    unseen.length === 0
      ? ""
      : localize({
          en: `\nNo training image of digit ${unseen.join(", ")}: a digit without images has no mean image, so the row "each digit's mean training image" is left out`,
          zh: `\n训练图片里没有数字 ${unseen.join("、")}：没有图片的数字没有平均图像，“输出该数字的平均训练图像”一行略去`,
        });
  const percent = (loss: number) => `${(100 * lossScalePosition(baselines, loss)).toFixed(1)}%`;
  const how = localize({
    en: "How to read a loss: binary cross-entropy on the same test images; 0% is always the mean training image, 100% a perfect copy (its loss is not 0: MNIST pixels are not all 0 or 1)",
    zh: "怎样读损失：同一批测试图片上的二元交叉熵；始终输出平均训练图像为 0%，完美复制为 100%（其损失不是 0：MNIST 的像素并非全是 0 或 1）",
  });
  showTable(
    [
      localize({ en: "reconstruction", zh: "重建" }),
      localize({ en: "loss (BCE)", zh: "损失（BCE）" }),
      localize({ en: "mean image → perfect", zh: "平均图像 → 完美" }),
    ],
    ladder.map(({ name, loss }) => [name, loss.toFixed(4), percent(loss)]),
    {
      caption: `${options.title ? `${options.title}${localize({ en: ": ", zh: "：" })}` : ""}${how}${missing}`,
    },
  );
}

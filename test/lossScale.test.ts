// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// lossScale.ts: the binary cross-entropy of a perfect copy, of the mean image and of each digit's mean image,
// and the table that reads a model's loss between them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-node";
import { loadMnist, lossBaselines, lossScalePosition, showLossScale, type LossBaselines } from "ae-shared";
import { captureStdout, inFakeKernel } from "./support/kernel.js";
import { inLanguage } from "./support/language.js";

// tfjs clips outputs to [ε, 1 - ε] in float32 before taking logs.
const EPSILON = Math.fround(1e-7);
const ONE_MINUS_EPSILON = Math.fround(1 - 1e-7);

/** Binary cross-entropy of one pixel, in plain JS (float64), clipped as tfjs clips. */
function pixelBce(target: number, output: number): number {
  const y = Math.min(Math.max(output, EPSILON), ONE_MINUS_EPSILON);
  return -(target * Math.log(y) + (1 - target) * Math.log(1 - y));
}

/** The mean over all pixels of all images of `pixelBce`, `outputs(i)` being image i's output. */
function meanBce(targets: Float32Array[], outputs: (i: number) => ArrayLike<number>): number {
  let sum = 0;
  targets.forEach((target, i) => {
    const output = outputs(i);
    target.forEach((t, j) => (sum += pixelBce(t, output[j]!)));
  });
  return sum / (targets.length * 784);
}

/**
 * Images of 784 pixels k / 255, one per label, from a seeded generator: mostly 0 with some 1 and some grey, as
 * in MNIST, and inked mostly where (pixel % 3) is the label's, so that each digit's mean image says something.
 */
function knownImages(labels: number[], seed: number): Float32Array[] {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return labels.map((label) =>
    Float32Array.from({ length: 784 }, (_, j) => {
      const inked = next() < (j % 3 === label % 3 ? 0.7 : 0.1);
      return !inked ? 0 : next() < 0.5 ? 1 : Math.round(next() * 255) / 255;
    }),
  );
}

const flat = (images: Float32Array[]) =>
  tf.tensor2d(
    images.flatMap((image) => Array.from(image)),
    [images.length, 784],
  );
const asImages = (images: Float32Array[]) =>
  tf.tensor4d(
    images.flatMap((image) => Array.from(image)),
    [images.length, 28, 28, 1],
  );

const close = (found: number | undefined, expected: number, what: string, tolerance = 1e-6) =>
  assert.ok(
    found !== undefined && Math.abs(found - expected) < tolerance,
    `${what}: ${found} vs ${expected}`,
  );

describe("lossBaselines on small sets with known pixels", () => {
  const yTrain = [0, 1, 2, 0, 1, 2, 2];
  const trainImages = knownImages(yTrain, 1);
  const yTest = [2, 0, 1, 0];
  const testImages = knownImages(yTest, 2);

  test("the floor is the images' mean binary entropy: ln 2 / 2 for one grey image and one of 0s and 1s", () => {
    const grey = new Float32Array(784).fill(0.5);
    const blackWhite = Float32Array.from({ length: 784 }, (_, j) => j % 2);
    const x = flat([grey, blackWhite]);
    try {
      const { perfect } = lossBaselines(x, { xTrain: x });
      close(
        perfect,
        meanBce([grey, blackWhite], (i) => [grey, blackWhite][i]!),
        "plain JS",
      );
      close(perfect, Math.log(2) / 2, "ln 2 / 2", 1e-5);
    } finally {
      x.dispose();
    }
  });

  test("perfect, mean image and digit means equal a plain-JS computation, in both layouts", () => {
    const mean = Array.from(
      { length: 784 },
      (_, j) => trainImages.reduce((sum, image) => sum + image[j]!, 0) / 7,
    );
    const digitMean = (digit: number) => {
      const ofDigit = trainImages.filter((_, i) => yTrain[i] === digit);
      return Array.from(
        { length: 784 },
        (_, j) => ofDigit.reduce((s, image) => s + image[j]!, 0) / ofDigit.length,
      );
    };
    const expected = {
      perfect: meanBce(testImages, (i) => testImages[i]!),
      meanImage: meanBce(testImages, () => mean),
      digitMeans: meanBce(testImages, (i) => digitMean(yTest[i]!)),
    };
    // The three differ enough that a mix-up would show.
    const values = Object.values(expected);
    assert.ok(
      values.every((a, i) => values.every((b, j) => i === j || Math.abs(a - b) > 0.01)),
      JSON.stringify(expected),
    );
    const tensors = [
      flat(testImages),
      flat(trainImages),
      asImages(testImages),
      asImages(trainImages),
    ] as const;
    const [xTestFlat, xTrainFlat, xTestImages, xTrainImages] = tensors;
    try {
      for (const [layout, xTest, xTrain] of [
        ["flat", xTestFlat, xTrainFlat],
        ["image", xTestImages, xTrainImages],
        ["image test, flat train", xTestImages, xTrainFlat],
      ] as const) {
        const found = lossBaselines(xTest, { xTrain, yTrain: Uint8Array.from(yTrain), yTest });
        for (const key of ["perfect", "meanImage", "digitMeans"] as const) {
          close(found[key], expected[key], `${layout}: ${key}`);
        }
        const unlabelled = lossBaselines(xTest, { xTrain });
        assert.deepEqual(Object.keys(unlabelled), ["perfect", "meanImage"], "no digitMeans without labels");
        close(unlabelled.meanImage, expected.meanImage, `${layout}: meanImage without labels`);
      }
    } finally {
      tf.dispose([...tensors]);
    }
  });

  test("a test digit with no training image (AE_TRAIN_SIZE=1): no digitMeans, the unseen digits instead", () => {
    const xTest = flat(testImages);
    const one = flat(trainImages.slice(0, 1)); // one training image, a 0: the test's 1 and 2 have none
    const three = flat(trainImages.slice(0, 3)); // a 0, a 1 and a 2
    try {
      const before = tf.memory().numTensors;
      const found = lossBaselines(xTest, { xTrain: one, yTrain: [0], yTest });
      assert.equal(tf.memory().numTensors, before, "no tensor left behind");
      assert.deepEqual(Object.keys(found), ["perfect", "meanImage", "unseenDigits"]);
      assert.deepEqual(found.unseenDigits, [1, 2], "each once, in order");
      const unlabelled = lossBaselines(xTest, { xTrain: one });
      close(found.perfect, unlabelled.perfect, "perfect");
      close(
        found.meanImage,
        meanBce(testImages, () => trainImages[0]!),
        "the one image is the mean image",
      );
      // Every test digit seen, however few the images: the digit means are there, and no unseenDigits.
      const seen = lossBaselines(xTest, { xTrain: three, yTrain: [0, 1, 2], yTest });
      assert.deepEqual(Object.keys(seen), ["perfect", "meanImage", "digitMeans"]);
    } finally {
      tf.dispose([xTest, one, three]);
    }
  });

  test("the mean image's value is the val_loss a model always outputting it gets from evaluate", async () => {
    const xTest = flat(testImages);
    const xTrain = flat(trainImages);
    // Zero weights and a bias of logit(mean): the model outputs the mean image whatever it is given.
    const mean = tf.tidy(() => tf.clipByValue(tf.mean(xTrain, 0), EPSILON, ONE_MINUS_EPSILON));
    const logit = tf.tidy(() => tf.log(tf.div(mean, tf.sub(1, mean))));
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [784], units: 784, activation: "sigmoid" })],
    });
    try {
      const kernel = tf.zeros([784, 784]);
      model.layers[0]!.setWeights([kernel, logit]);
      kernel.dispose();
      model.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
      const evaluated = model.evaluate(xTest, xTest, { batchSize: 2 }) as tf.Scalar;
      const valLoss = (await evaluated.data())[0];
      evaluated.dispose();
      close(lossBaselines(xTest, { xTrain }).meanImage, valLoss!, "evaluate", 1e-5);
    } finally {
      model.dispose();
      tf.dispose([xTest, xTrain, mean, logit]);
    }
  });

  test("leaves no tensor behind, with or without labels, and when it refuses", () => {
    const xTest = asImages(testImages);
    const xTrain = flat(trainImages);
    const before = tf.memory().numTensors;
    lossBaselines(xTest, { xTrain });
    lossBaselines(xTest, { xTrain, yTrain, yTest });
    assert.throws(() => lossBaselines(xTest, { xTrain, yTrain, yTest: [1] }));
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([xTest, xTrain]);
  });
});

describe("lossBaselines refuses what it cannot score, saying what was expected and found", () => {
  test("shapes, pixel ranges, labels", async () => {
    const x = tf.fill([2, 784], 0.5);
    const wrong = [tf.zeros([3, 10]), tf.zeros([2, 28, 28]), tf.zeros([0, 784]), tf.fill([2, 784], 255)];
    const [narrow, rank3, empty, unscaled] = wrong;
    const shapes = "[n, 784] or [n, 28, 28, 1]";
    try {
      const refusals: [() => unknown, string | RegExp][] = [
        [
          () => lossBaselines(narrow!, { xTrain: x }),
          `lossBaselines: xTest must be a tensor of shape ${shapes} with n >= 1, found shape [3, 10]`,
        ],
        [
          () => lossBaselines(x, { xTrain: rank3! }),
          `lossBaselines: xTrain must be a tensor of shape ${shapes} with n >= 1, found shape [2, 28, 28]`,
        ],
        [
          () => lossBaselines(empty!, { xTrain: x }),
          `lossBaselines: xTest must be a tensor of shape ${shapes} with n >= 1, found shape [0, 784]`,
        ],
        [
          () => lossBaselines([[0.5]] as unknown as tf.Tensor, { xTrain: x }),
          `lossBaselines: xTest must be a tensor of shape ${shapes}, found an array`,
        ],
        [
          () => lossBaselines(x, {} as { xTrain: tf.Tensor }),
          `lossBaselines: xTrain must be a tensor of shape ${shapes}, found undefined`,
        ],
        [
          () => lossBaselines(unscaled!, { xTrain: x }),
          "lossBaselines: xTest must hold pixels in [0, 1] (images / 255), found values from 255 to 255",
        ],
        [
          () => lossBaselines(x, { xTrain: x, yTrain: [0, 1], yTest: [0, 1, 1] }),
          "lossBaselines: yTest must have one label per image of xTest (2), found 3 labels",
        ],
        [
          () => lossBaselines(x, { xTrain: x, yTrain: [0, 10], yTest: [0, 0] }),
          "lossBaselines: yTrain must hold digits 0-9, found 10 at index 1",
        ],
        [
          () => lossBaselines(x, { xTrain: x, yTrain: "01" as unknown as number[], yTest: [0, 0] }),
          'lossBaselines: yTrain must be labels (a Uint8Array or an array of numbers), found "01"',
        ],
        [
          () => lossBaselines(x, { xTrain: x, yTrain: [0, 1] }),
          "lossBaselines: yTrain and yTest must be given together (each digit's mean image needs both), found only yTrain (yTest is missing)",
        ],
      ];
      for (const [call, message] of refusals) assert.throws(call, { message });
      await inLanguage("zh", () => {
        assert.throws(() => lossBaselines(narrow!, { xTrain: x }), {
          message: `lossBaselines: xTest 应为形状 ${shapes} 且 n >= 1 的张量，实际形状为 [3, 10]`,
        });
        assert.throws(() => lossBaselines(unscaled!, { xTrain: x }), {
          message: "lossBaselines: xTest 的像素应在 [0, 1] 之间（图片 / 255），实际取值从 255 到 255",
        });
        assert.throws(() => lossBaselines(x, { xTrain: x, yTrain: [0, 1], yTest: [0] }), {
          message: "lossBaselines: yTest 应为 xTest 每张图片一个标签（2 个），实际为 1 个",
        });
        assert.throws(() => lossBaselines(x, { xTrain: x, yTest: [0, 1] }), {
          message:
            "lossBaselines：yTrain 和 yTest 应同时给出（各数字的平均图像两者都要），实际只有 yTest（缺少 yTrain）",
        });
      });
    } finally {
      tf.dispose([x, ...wrong]);
    }
  });
});

describe("showLossScale", () => {
  const baselines: LossBaselines = { perfect: 0.05, meanImage: 0.25, digitMeans: 0.2 };
  const models = [
    { name: "dense", loss: 0.1 },
    { name: "untrained", loss: 0.65 },
  ];

  test("lossScalePosition: 0 at the mean image, 1 at a perfect copy, below 0 when worse than the mean", () => {
    close(lossScalePosition(baselines, 0.25), 0, "mean image");
    close(lossScalePosition(baselines, 0.05), 1, "perfect");
    close(lossScalePosition(baselines, 0.1), 0.75, "dense");
    close(lossScalePosition(baselines, 0.65), -2, "untrained");
  });

  test("in a script: the baselines and the models ordered by loss, with a caption on how to read them", async () => {
    const { text } = await captureStdout(() => showLossScale(baselines, models, { title: "01-dense" }));
    assert.equal(
      text,
      [
        "01-dense: How to read a loss: binary cross-entropy on the same test images; 0% is always the mean training image, 100% a perfect copy (its loss is not 0: MNIST pixels are not all 0 or 1)",
        "reconstruction                    loss (BCE)  mean image → perfect",
        "--------------------------------  ----------  --------------------",
        "perfect copy (output = input)         0.0500                100.0%",
        "dense                                 0.1000                 75.0%",
        "each digit's mean training image      0.2000                 25.0%",
        "always the mean training image        0.2500                  0.0%",
        "untrained                             0.6500               -200.0%",
        "",
      ].join("\n"),
    );
  });

  test("in Chinese after useLanguage('zh'); without labels, no digit-means row; no models, the baselines alone", async () => {
    const { text } = await inLanguage("zh", () =>
      captureStdout(() => showLossScale(baselines, [{ name: "普通自编码器", loss: 0.0915 }])),
    );
    assert.equal(
      text,
      [
        "怎样读损失：同一批测试图片上的二元交叉熵；始终输出平均训练图像为 0%，完美复制为 100%（其损失不是 0：MNIST 的像素并非全是 0 或 1）",
        "重建                      损失（BCE）  平均图像 → 完美",
        "------------------------  -----------  ---------------",
        "完美复制（输出 = 输入）        0.0500           100.0%",
        "普通自编码器                   0.0915            79.3%",
        "输出该数字的平均训练图像       0.2000            25.0%",
        "始终输出平均训练图像           0.2500             0.0%",
        "",
      ].join("\n"),
    );
    const { text: bare } = await captureStdout(() => showLossScale({ perfect: 0.05, meanImage: 0.25 }, []));
    assert.deepEqual(bare.split("\n").slice(3, -1), [
      "perfect copy (output = input)       0.0500                100.0%",
      "always the mean training image      0.2500                  0.0%",
    ]);
  });

  test("digits without a training image: no digit-means row, and a line under the caption says why", async () => {
    const unseen: LossBaselines = { perfect: 0.05, meanImage: 0.25, unseenDigits: [1, 2, 7] };
    const { text } = await captureStdout(() => showLossScale(unseen, models));
    const lines = text.split("\n");
    assert.equal(
      lines[1],
      'No training image of digit 1, 2, 7: a digit without images has no mean image, so the row "each digit\'s mean training image" is left out',
    );
    assert.ok(!text.includes("each digit's mean training image   "), "no such row");
    assert.equal(lines.length, 2 + 2 + 4 + 1, "caption, note, header, rule, 4 rows, end");
    const { text: zh } = await inLanguage("zh", () => captureStdout(() => showLossScale(unseen, [])));
    assert.equal(
      zh.split("\n")[1],
      "训练图片里没有数字 1、2、7：没有图片的数字没有平均图像，“输出该数字的平均训练图像”一行略去",
    );
    const { sent } = await inFakeKernel(() => showLossScale(unseen, models));
    assert.match(
      sent[0]?.message.data["text/html"] ?? "",
      /<caption style="text-align:left;white-space:pre-line">How to read[^<]*\nNo training image of digit 1, 2, 7:/,
    );
  });

  test("in a notebook: one HTML table with the caption, numbers on the right", async () => {
    const { sent, stdout } = await inFakeKernel(() => showLossScale(baselines, models));
    assert.equal(stdout, "");
    assert.equal(sent.length, 1);
    const html = sent[0]?.message.data["text/html"] ?? "";
    assert.match(html, /<caption[^>]*>How to read a loss: binary cross-entropy/);
    assert.match(
      html,
      /<td style="text-align:left[^"]*">dense<\/td><td style="text-align:right[^"]*">0\.1000<\/td>/,
    );
    assert.match(html, /<td style="text-align:right[^"]*">75\.0%<\/td>/);
  });

  test("refuses baselines that make no scale and models it cannot place", async () => {
    const refusals: [() => void, string][] = [
      [
        () => showLossScale({ perfect: 0.2, meanImage: 0.2 }, []),
        "showLossScale: baselines.meanImage must be above baselines.perfect, found 0.2 and 0.2",
      ],
      [
        () => showLossScale({ perfect: NaN, meanImage: 0.2 }, []),
        "showLossScale: baselines.perfect must be a finite number >= 0, found NaN",
      ],
      [
        () => showLossScale(undefined as unknown as LossBaselines, []),
        "showLossScale: baselines must be the result of lossBaselines, found undefined",
      ],
      [
        () => showLossScale(baselines, [{ name: "dense", loss: NaN }]),
        "showLossScale: models[0].loss must be a finite number >= 0, found NaN",
      ],
      [
        () => showLossScale(baselines, [models[0]!, { name: "", loss: 0.1 }]),
        'showLossScale: models[1].name must be a non-empty string, found ""',
      ],
      [
        () => showLossScale(baselines, { name: "dense", loss: 0.1 } as unknown as []),
        "showLossScale: models must be an array of { name, loss }, found object",
      ],
    ];
    for (const [call, message] of refusals) assert.throws(call, { message });
    await inLanguage("zh", () =>
      assert.throws(() => showLossScale(baselines, [{ name: "dense", loss: -1 }]), {
        message: "showLossScale: models[0].loss 应为不小于 0 的有限数，实际为 -1",
      }),
    );
  });
});

test("on the real MNIST test set: the floor below the digit means below the mean image, each in its range", () => {
  const data = loadMnist();
  try {
    const before = tf.memory().numTensors;
    const { perfect, meanImage, digitMeans } = lossBaselines(data.xTest, data);
    assert.equal(tf.memory().numTensors, before);
    assert.ok(perfect > 0.05 && perfect < 0.065, `perfect ${perfect}`);
    assert.ok(digitMeans !== undefined && digitMeans > 0.2 && digitMeans < 0.24, `digitMeans ${digitMeans}`);
    assert.ok(meanImage > 0.24 && meanImage < 0.28, `meanImage ${meanImage}`);
    assert.ok(perfect < digitMeans && digitMeans < meanImage);
  } finally {
    tf.dispose([data.xTrain, data.xTest]);
  }
});

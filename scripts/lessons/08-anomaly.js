// @ts-check
// 08-anomaly, past the course: anomaly detection from reconstruction error, as TensorFlow's autoencoder tutorial
// does it on ECGs, on MNIST with digit 4 as the normal class, beside PCA. Its entry in the lesson registry.
/** @type {import("../lessons.js").Lesson} */
export default {
  // The tutorial's 20 epochs; the normal training images are only the 4s, about a tenth of the steps of 01's epoch.
  epochs: 20,
  training: { optimizer: "adam", loss: "binaryCrossentropy", batchSize: 256 },
  code: [
    "shuffle: true",
    "validationData: [data.xTest, data.xTest]",
    ".summary()",
    "progressBar()",
    "lossPlot(",
    "fitPca(xNormal, encodingDim)",
    "tf.metrics.meanAbsoluteError(x, rebuild(x))",
    "threshold: mean + std",
    "showCharts(",
    "showDigits(",
  ],
  // The score distributions of the two methods side by side, and the ROC chart; grids of the extremes and mistakes.
  shows: { fits: 1, comparisonCharts: 3, digitGrids: 2 },
  severalOutputs: false,
  lossScale: null,
  timedBy: "dense",
  plan: {
    学习目标: 2,
    "回顾：自编码器只会还原见过的那类图片": 4,
    "1、获取数据：正常的只有数字 4": 2,
    "2、只用数字 4 训练自编码器": 4,
    "3、PCA 作对照": 2,
    "4、异常分数和阈值": 5,
    "5、准确率、精确率、召回率和 F1": 8,
    "6、ROC 曲线和 AUC": 7,
    "7、最异常和最不异常的测试图片": 3,
    总结: 3,
  },
  skippable: [],
  // Trained on the 4s only; the optional cell loads it only while normalDigits is [4].
  saved: [
    {
      name: "anomaly",
      model: "autoEncoder",
      history: "history",
      build: { fn: "autoEncoderModel", layout: "flat" },
    },
  ],
  models: {},
  // Its metrics at the threshold, the ROC AUC of both methods, and the anomalous digit each lets through most.
  // It trains on the 4s of the training images it loads.
  trainsOn: "中的数字 4",
  resultLines: [/^(自编码器|PCA)：准确率 \d/, /^ROC AUC：/, /^判为异常最少的异常数字：/],
};

// @ts-check
// 01-dense, the course's 5.2.2: the 784-32-784 autoencoder. Its entry in the lesson registry (scripts/lessons.js).
/** @type {import("../lessons.js").Lesson} */
export default {
  epochs: 5,
  training: { optimizer: "adam", loss: "binaryCrossentropy", batchSize: 256 },
  code: [
    "shuffle: true",
    "validationData: [",
    ".summary()",
    "progressBar()",
    "lossPlot(",
    "liveReconstructions(xTest)",
    "showDigits(",
  ],
  shows: { fits: 1, comparisonCharts: 0, digitGrids: 1, liveGrids: 1 },
  severalOutputs: false,
  lossScale: "training images",
  timedBy: "dense",
  plan: {
    学习目标: 2,
    "5.2.1 自动编码器是什么、有什么用": 5,
    "5.2.2.2 流程": 3,
    "5.2.2.3 代码编写": 20,
    "5.2.5 总结": 5,
  },
  skippable: [
    "给学过 Keras 的同学：Python 与 TypeScript 对照",
    '权重的初始值：为什么写 `kernelInitializer: "glorotUniform"`',
  ],
  // 02-deep's shallow model is this one, so 01 saves it.
  saved: [
    {
      name: "dense",
      model: "autoEncoder",
      history: "history",
      build: { fn: "autoEncoderModel", layout: "flat" },
    },
  ],
  models: { dense: { fn: "autoEncoderModel", layout: "flat" } },
  resultLines: [/val_loss = \d/], // the final val_loss
};

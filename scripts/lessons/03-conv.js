// @ts-check
// 03-conv, the course's 5.2.4: the convolutional autoencoder. Its entry in the lesson registry.
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
  timedBy: "conv",
  plan: {
    学习目标: 2,
    "回顾：自动编码器的三个部分": 3,
    "1、获取数据": 2,
    "2、初始化卷积自编码器": 12,
    "3、训练": 6,
    "4、显示自编码前后的效果对比": 3,
    总结: 5,
  },
  skippable: ["课程说的“反卷积”是什么"],
  saved: [
    {
      name: "conv",
      model: "autoEncoder",
      history: "history",
      build: { fn: "convAutoEncoder", layout: "image" },
    },
  ],
  models: { conv: { fn: "convAutoEncoder", layout: "image" } },
  resultLines: [/val_loss = \d/], // the final val_loss
};

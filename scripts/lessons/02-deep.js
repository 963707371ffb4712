// @ts-check
// 02-deep, the course's 5.2.3: the deep autoencoder beside 01's. Its entry in the lesson registry.
/** @type {import("../lessons.js").Lesson} */
export default {
  epochs: 5,
  training: { optimizer: "adam", loss: "binaryCrossentropy", batchSize: 256 },
  code: ["shuffle: true", "validationData: [", ".summary()", "progressBar()", "lossPlot(", "showDigits("],
  // Both models' losses, compared on one chart.
  shows: { fits: 2, comparisonCharts: 1, digitGrids: 1 },
  severalOutputs: false,
  lossScale: "training images",
  timedBy: "dense",
  plan: {
    学习目标: 2,
    "回顾：自动编码器的三个部分": 3,
    "1、获取数据": 2,
    "2、两个模型": 10,
    "3、训练": 4,
    "4、效果对比": 10,
    总结: 5,
  },
  skippable: ["怎样读一个损失值"],
  saved: [
    { name: "deep", model: "deep", history: "deepHistory", build: { fn: "deepModel", layout: "flat" } },
  ],
  models: { deep: { fn: "deepModel", layout: "flat" } },
  resultLines: [/val_loss = \d/], // each model's final val_loss
};

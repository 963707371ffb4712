// @ts-check
// 05-pca, past the course: the autoencoders of 01-03 against PCA. It trains nothing: it loads their saved models.
// Its entry in the lesson registry (scripts/lessons.js).
/** @type {import("../lessons.js").Lesson} */
export default {
  // Its exercise 2's linear autoencoder trains for these epochs; the lesson itself trains nothing.
  epochs: 5,
  training: null,
  code: ["showDigits("],
  // Grids: the first 10 components; originals and 4 reconstructions; PCA's best 10.
  shows: { fits: 0, comparisonCharts: 0, digitGrids: 3 },
  severalOutputs: false,
  lossScale: "all images",
  timedBy: "dense",
  plan: {
    学习目标: 2,
    "回顾：PCA 是一个线性的自编码器": 8,
    "1、获取数据": 2,
    "2、PCA：32 个主成分": 4,
    "3、三个自编码器": 3,
    "4、同一把尺子：测试集上的重建误差": 14,
    总结: 5,
  },
  skippable: ["PCA 还在哪里赢？"],
  saved: [],
  models: {},
  resultLines: [/的 MSE 最小/], // which 32-number code rebuilds the test images best
};

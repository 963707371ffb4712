// @ts-check
// 06-latent, past the course: a 2-D code, mapped beside PCA's. Its entry in the lesson registry (scripts/lessons.js).
/** @type {import("../lessons.js").Lesson} */
export default {
  epochs: 20,
  training: { optimizer: "adam", loss: "binaryCrossentropy", batchSize: 256 },
  code: ["shuffle: true", "validationData: [", ".summary()", "progressBar()", "lossPlot(", "showDigits("],
  // The two code maps, side by side; the grid of the walk over the code plane.
  shows: { fits: 1, comparisonCharts: 2, digitGrids: 1 },
  severalOutputs: false,
  lossScale: "all images",
  timedBy: "dense",
  plan: {
    学习目标: 2,
    "回顾：PCA 的 2 维编码": 3,
    "1、获取数据": 2,
    "2、PCA 的前 2 个主成分": 2,
    "3、编码只有 2 维的自编码器": 6,
    "4、两种 2 维编码": 10,
    "5、在编码平面上走一走": 6,
    总结: 5,
  },
  skippable: [],
  // It trains only its 2-D map; mapModels returns it with its encoder and decoder.
  saved: [
    {
      name: "latent-2d",
      model: "mapAutoEncoder",
      history: "mapHistory",
      build: { fn: "mapModels", pick: "autoEncoder", layout: "flat" },
    },
  ],
  models: {},
  resultLines: [/2 维编码猜对/], // the k-NN scores of the two 2-D maps
};

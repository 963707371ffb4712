// @ts-check
// 04-denoise, the course's 5.2.4: the denoising autoencoder, at two noise levels. Its entry in the lesson registry.
/** @type {import("../lessons.js").Lesson} */
export default {
  epochs: 5,
  training: { optimizer: "adam", loss: "binaryCrossentropy", batchSize: 256 },
  code: ["shuffle: true", "validationData: [", ".summary()", "progressBar()", "lossPlot(", "showDigits("],
  // A fit per noise level, their losses compared on one chart; grids of the noisy inputs, the course's display,
  // and the reconstructions.
  shows: { fits: 2, comparisonCharts: 1, digitGrids: 4 },
  severalOutputs: false,
  lossScale: "training images",
  timedBy: "conv",
  plan: {
    学习目标: 2,
    "回顾：自动编码器的三个部分": 2,
    "1、添加噪声：噪声该有多强？": 7,
    "2、生成训练数据": 2,
    "3、初始化卷积自编码器": 4,
    "4、训练：加噪的输入 → 干净的目标": 2,
    "5、效果": 5,
    "6、先预测，再运行：噪声和训练时不一样": 4,
    "5.2.5 总结": 4,
  },
  skippable: ["课程显示的图"],
  // Validated on the test images with the noise its cell adds: σ, and seed 101 + i.
  saved: [
    {
      name: "denoise-0.5",
      model: "denoisers[0]",
      history: "histories[0]",
      build: { fn: "convAutoEncoder", layout: "image" },
      noise: { stddev: 0.5, seed: 101 },
    },
    {
      name: "denoise-3.0",
      model: "denoisers[1]",
      history: "histories[1]",
      build: { fn: "convAutoEncoder", layout: "image" },
      noise: { stddev: 3.0, seed: 102 },
    },
  ],
  models: { denoise: { fn: "convAutoEncoder", layout: "image" } },
  resultLines: [/val_loss = \d/], // each noise level's final val_loss
};

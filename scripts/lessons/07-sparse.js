// @ts-check
// 07-sparse, past the course: the sparse autoencoder beside the plain one. Its entry in the lesson registry.
/** @type {import("../lessons.js").Lesson} */
export default {
  epochs: 5,
  training: { optimizer: "adam", loss: "binaryCrossentropy", batchSize: 256 },
  code: ["shuffle: true", "validationData: [", ".summary()", "progressBar()", "lossPlot(", "showDigits("],
  // A fit per model; grids of the reconstructions and of the codes.
  shows: { fits: 2, comparisonCharts: 0, digitGrids: 2 },
  // The sparse model's L1 penalty is its second output's loss.
  severalOutputs: true,
  // So its sparse model trains on tfjs's own path, and the progress line says so once.
  offGraphPath: "模型不是只有一个输入和一个输出",
  lossScale: "training images",
  timedBy: "dense",
  plan: {
    学习目标: 2,
    "回顾：自动编码器的三个部分": 5,
    "1、获取数据": 1,
    "2、Keras 的写法：`activity_regularizer`": 7,
    "3、训练": 4,
    "4、在测试集上测量：重建损失和编码的稀疏程度": 10,
    "5、显示效果": 4,
    稀疏的编码有什么用: 5,
  },
  skippable: ["编码长什么样"],
  saved: [
    {
      name: "sparse",
      model: "sparseAutoEncoder",
      history: "sparseHistory",
      build: { fn: "sparseModels", pick: "autoEncoder", layout: "flat" },
    },
  ],
  models: {},
  // The final val_loss, and plain against sparse: the answers to its predict-first questions.
  resultLines: [/val_loss = \d/, /^[1-3]\. (重建 BCE|编码的平均值|每张图片的)/],
};

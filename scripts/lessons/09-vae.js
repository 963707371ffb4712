// @ts-check
// 09-vae, past the course: 06-latent's 2-D autoencoder made variational (Keras's examples/generative/vae.py: its
// Sampling layer and losses, 06's dense layers), its code plane beside 06's, how much of the plane is filled, new
// digits drawn from the prior. Its entry in the lesson registry (scripts/lessons.js); design: docs/vae-design.md.
/** @type {import("../lessons.js").Lesson} */
export default {
  // vae.py's batch of 128; 20 epochs as 06 (docs/vae-design.md, section 1: recon 155, 147, 141 at 5, 10, 20).
  epochs: 20,
  training: { optimizer: "adam", loss: "[reconstructionLoss, klLoss]", batchSize: 128 },
  code: [
    "class Sampling extends tf.layers.Layer",
    "tf.serialization.registerClass(Sampling)",
    "vae.fit(xTrain, [xTrain, klTargets]",
    'series: ["reconstruction_loss", "kl_loss"], rightAxis: ["kl_loss"]',
    "shuffle: true",
    ".summary()",
    "progressBar()",
    'tryLoadSavedWeights(mapAutoEncoder, "latent-2d")',
    "showCharts(",
    "showDigits(",
  ],
  // The two code maps side by side; the decoded plane, and digits drawn from each model's frame.
  shows: { fits: 1, comparisonCharts: 2, digitGrids: 3 },
  // The KL is the loss of its second output (mean and log-variance side by side), as 07's L1 penalty. The engine's
  // graph path takes this shape (src/engine/README.md: the VAE of this lesson), so no progress line says otherwise.
  severalOutputs: true,
  lossScale: "training images",
  timedBy: "dense",
  plan: {
    学习目标: 2,
    "回顾：普通自编码器的编码平面有空白": 3,
    "1、获取数据": 1,
    "2、变分自编码器：编码是一个分布": 7,
    "3、训练：两个输出，两个损失": 5,
    "4、在测试集上测量": 3,
    "5、两张编码图：变分自编码器和普通自编码器": 4,
    "6、编码平面上还有多少空白": 4,
    "7、生成新的数字": 4,
    总结: 2,
  },
  skippable: [],
  // The single-output model (input, sampling, reconstruction) holds every weight; the optional cell loads it only
  // while klWeight is 1.
  saved: [
    {
      name: "vae",
      model: "vaeAutoEncoder",
      history: "vaeHistory",
      build: { fn: "vaeModels", pick: "autoEncoder", layout: "flat" },
    },
  ],
  // The bench trains the two-output trainer beside keras-io's vae.py with these layers (scripts/bench/keras_vae.py).
  models: { vae: { fn: "vaeModels", pick: "vae", layout: "flat" } },
  // The test set's two losses, and the two measures of the filled plane, the VAE's against 06's autoencoder's.
  resultLines: [
    /^测试集上：重建损失 \d/,
    /^没有测试图片编码的格点/,
    /^周围 0\.1σ 内没有测试图片编码的随机点/,
  ],
};

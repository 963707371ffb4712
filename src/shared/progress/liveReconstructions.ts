// See it learn: a fit callback that shows a few test digits and the model's reconstructions of them as one
// output, redrawn in place every few dozen batches, so students watch the reconstructions sharpen while the
// loss falls. Each redraw reads the model's current weights mid-epoch; on the engine's graph path that read
// copies the session's weights into the model (src/engine/graph/graphSession.ts, HandOver), the cost that
// `npm run bench -- --live` measures. A saved or exported notebook keeps the last redraw: the trained model.
import * as tf from "@tensorflow/tfjs-node";
import { fitLength } from "./fitLength";
import { checkWholeNumber, mustBe } from "../checks";
import { LiveOutput } from "../display/display";
import { inKernel } from "../display/kernel";
import { localize } from "../language";
import { showDigits } from "../plots/showDigits";

export interface LiveReconstructionsOptions {
  /** How many images to show, the first of `images` (default 10, one row). */
  count?: number;
  /** Redraw after this many batches at the least (default 25)... */
  everyBatches?: number;
  /**
   * ...and only when drawing has taken at most this share of the time since the last redraw began (default
   * 0.02): a fast model, whose batches take a few ms, redraws less often than every `everyBatches`.
   */
  maxShare?: number;
}

/** When a redraw happens: before the first batch, after a batch, or when the fit has ended. */
type Moment = { kind: "before" } | { kind: "during"; epoch: number; batch: number } | { kind: "after" };

/**
 * A `model.fit` callback: the first `count` of `images` (the model's input layout, e.g. `xTest`) above the
 * model's reconstructions of them, one output redrawn in place before training, every `everyBatches` batches
 * or more (so that drawing takes at most `maxShare` of the time) and when training ends. Outside a kernel it draws nothing: a script
 * shows its reconstructions after training. Its tensors live only while it draws.
 */
export class LiveReconstructions extends tf.Callback {
  /** How many times it drew in the last fit (before training and after it included). */
  updates = 0;
  private readonly count: number;
  private readonly everyBatches: number;
  private readonly maxShare: number;
  private readonly output = new LiveOutput();
  private epochs = 1;
  private steps = 1;
  private epoch = 0;
  private batchesDone = 0;
  private sinceDrawn = 0;
  /** When the next redraw may begin (performance.now()), from the last one's cost and maxShare. */
  private nextAllowed = 0;

  constructor(
    private readonly images: tf.Tensor,
    options: LiveReconstructionsOptions = {},
  ) {
    super();
    const who = "liveReconstructions";
    const expected = localize({
      en: "images as the model takes them, e.g. xTest",
      zh: "模型所用形状的图片，例如 xTest",
    });
    if (!(images instanceof tf.Tensor)) throw new TypeError(mustBe(`${who}: images`, expected, images));
    if (images.isDisposed || images.rank < 2 || images.shape[0] === 0) {
      const shape = `[${images.shape.join(", ")}]`;
      const found = images.isDisposed
        ? localize({ en: "a disposed tensor", zh: "已经释放的张量" })
        : localize({ en: `a tensor of shape ${shape}`, zh: `形状为 ${shape} 的张量` });
      throw new RangeError(
        localize({
          en: `${who}: images must be ${expected} (at least one image), found ${found}`,
          zh: `${who}：images 应为${expected}（至少一张），实际为${found}`,
        }),
      );
    }
    this.count = Math.min(checkWholeNumber(`${who}: count`, options.count ?? 10), images.shape[0]!);
    this.everyBatches = checkWholeNumber(`${who}: everyBatches`, options.everyBatches ?? 25);
    const maxShare = options.maxShare ?? 0.02;
    if (typeof maxShare !== "number" || !(maxShare > 0 && maxShare <= 1)) {
      const expected = localize({ en: "a number above 0, at most 1", zh: "大于 0、不超过 1 的数" });
      throw new RangeError(mustBe(`${who}: maxShare`, expected, maxShare));
    }
    this.maxShare = maxShare;
  }

  override async onTrainBegin(): Promise<void> {
    ({ epochs: this.epochs, steps: this.steps } = fitLength(this.params));
    this.updates = 0;
    this.batchesDone = 0;
    await this.draw({ kind: "before" });
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number): Promise<void> {
    this.batchesDone += 1;
    this.sinceDrawn += 1;
    if (this.sinceDrawn < this.everyBatches || performance.now() < this.nextAllowed) return;
    await this.draw({ kind: "during", epoch: this.epoch, batch: batch + 1 });
  }

  override async onTrainEnd(): Promise<void> {
    await this.draw({ kind: "after" });
  }

  private caption(moment: Moment): string {
    const shown = localize({
      en: `top: the first ${this.count} images; bottom: the model's reconstructions of them`,
      zh: `上为前 ${this.count} 张图片，下为模型此刻的重建`,
    });
    if (moment.kind === "before") {
      return localize({
        en: `Before this fit: ${shown}`,
        zh: `开始训练前：${shown}`,
      });
    }
    if (moment.kind === "after") {
      const [epochs, batches] = [this.epoch + 1, this.batchesDone];
      return localize({
        en: `After training (${epochs} epochs, ${batches} batches): ${shown}`,
        zh: `训练结束（${epochs} 个 epoch，共 ${batches} 批）：${shown}`,
      });
    }
    const { epoch, batch } = moment;
    const [epochs, steps] = [this.epochs, this.steps];
    return localize({
      en: `Training: epoch ${epoch + 1}/${epochs}, batch ${batch}/${steps}: ${shown}`,
      zh: `训练中：第 ${epoch + 1}/${epochs} 个 epoch，第 ${batch}/${steps} 批。${shown}`,
    });
  }

  private async draw(moment: Moment): Promise<void> {
    this.sinceDrawn = 0;
    if (!inKernel()) return;
    const start = performance.now();
    const model = this.model;
    const [originals, reconstructed] = tf.tidy(() => {
      const first = this.images.slice(0, this.count);
      const output = model.predict(first);
      if (Array.isArray(output)) {
        throw new TypeError(
          localize({
            en: `liveReconstructions: expected a model with one output, found ${output.length}`,
            zh: `liveReconstructions：模型应只有一个输出，实际有 ${output.length} 个`,
          }),
        );
      }
      return [first, output];
    });
    try {
      const rows = [
        { label: localize({ en: "originals", zh: "原图" }), images: originals },
        { label: localize({ en: "reconstructed", zh: "重建" }), images: reconstructed },
      ];
      await showDigits(rows, { caption: this.caption(moment), output: this.output });
      this.updates += 1;
    } finally {
      tf.dispose([originals, reconstructed]);
      // Drawing for d ms, then training for at least d (1 − share) / share: drawing is at most `share` of it.
      // The drawing before training is not counted: it warms up the drawing code, and the first batches teach most.
      const took = performance.now() - start;
      this.nextAllowed = moment.kind === "before" ? 0 : start + took / this.maxShare;
    }
  }
}

/**
 * Reconstructions that sharpen while the model trains, for `model.fit(..., { callbacks: [...,
 * liveReconstructions(xTest)] })`: see LiveReconstructions.
 */
export function liveReconstructions(
  images: tf.Tensor,
  options: LiveReconstructionsOptions = {},
): LiveReconstructions {
  return new LiveReconstructions(images, options);
}

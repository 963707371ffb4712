// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// progressLine.ts: Keras's progress line, formatted as its Progbar draws it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatEta, formatMetricValue, formatProgressLine, formatStepTime } from "ae-shared";
import { inLanguage } from "./support/language.js";

describe("formatting, as Keras's Progbar", () => {
  test("live line: bar with a '>' head, ETA and values", () => {
    const line = formatProgressLine({
      step: 96,
      steps: 235,
      elapsed: 1.2,
      perStep: 0.0125,
      final: false,
      values: [["loss", 0.27134]],
    });
    assert.equal(line, " 96/235 [===========>..................] - ETA: 1s - loss: 0.2713");
  });

  test("final line: full bar, total time and time per step, validation values", () => {
    const line = formatProgressLine({
      step: 235,
      steps: 235,
      elapsed: 2.9,
      perStep: 0.01234,
      final: true,
      values: [
        ["loss", 0.09251],
        ["val_loss", 0.09139],
      ],
    });
    assert.equal(
      line,
      "235/235 [==============================] - 3s 12ms/step - loss: 0.0925 - val_loss: 0.0914",
    );
  });

  test("bar edges: empty at step 0, no head below one cell, unknown number of steps", () => {
    const base = { elapsed: 0, perStep: 0, final: false, values: [] };
    assert.equal(
      formatProgressLine({ ...base, step: 0, steps: 10 }),
      " 0/10 [..............................] - ETA: 0s",
    );
    assert.equal(
      formatProgressLine({ ...base, step: 1, steps: 100 }).slice(0, 40),
      "  1/100 [..............................]",
    );
    assert.equal(formatProgressLine({ ...base, step: 4, steps: 100 }).slice(8, 12), "[>..");
    assert.equal(
      formatProgressLine({
        ...base,
        step: 96,
        steps: null,
        elapsed: 2.2,
        perStep: 0.021,
        values: [["loss", 1]],
      }),
      "     96/Unknown - 2s 21ms/step - loss: 1.0000",
    );
  });

  test("time per step: s from 1 s, ms from 1 ms, else us", () => {
    assert.equal(formatStepTime(3.4), "3s/step");
    assert.equal(formatStepTime(1), "1s/step");
    assert.equal(formatStepTime(0.012), "12ms/step");
    assert.equal(formatStepTime(0.001), "1ms/step");
    assert.equal(formatStepTime(0.00085), "850us/step");
    assert.equal(formatStepTime(0), "0s/step");
  });

  test("ETA: seconds, then m:ss, then h:mm:ss, rounded down", () => {
    assert.equal(formatEta(2.9), "2s");
    assert.equal(formatEta(60), "60s");
    assert.equal(formatEta(65.5), "1:05");
    assert.equal(formatEta(3725), "1:02:05");
  });

  test("values: 4 decimals, exponent form near zero, nan and inf as Python prints them", () => {
    assert.equal(formatMetricValue(0.092512), "0.0925");
    assert.equal(formatMetricValue(-12.5), "-12.5000");
    assert.equal(formatMetricValue(1.23456e-5), "1.2346e-05");
    assert.equal(formatMetricValue(0), "0.0000e+00");
    assert.equal(formatMetricValue(Number.NaN), "nan");
    assert.equal(formatMetricValue(Number.POSITIVE_INFINITY), "inf");
  });

  test("bad input is refused with what was expected", () => {
    assert.throws(() => formatStepTime(-1), /formatStepTime: seconds must be a finite number >= 0, found -1/);
    assert.throws(() => formatEta(Number.NaN), /formatEta: seconds must be a finite number >= 0, found NaN/);
    const line = { elapsed: 0, perStep: 0, final: false, values: [] };
    assert.throws(
      () => formatProgressLine({ ...line, step: 5, steps: 4 }),
      /formatProgressLine: steps must be null or a whole number >= 5, found 4/,
    );
    assert.throws(
      () => formatProgressLine({ ...line, step: 1.5, steps: 4 }),
      /formatProgressLine: step must be a whole number >= 0, found 1.5/,
    );
  });
});

describe("in Chinese", () => {
  test("the words change, the bar, numbers and metric names stay", async () => {
    await inLanguage("zh", () => {
      const base = {
        step: 96,
        steps: 235,
        elapsed: 2.9,
        perStep: 0.0125,
        values: [["loss", 0.27134]] as const,
      };
      assert.equal(
        formatProgressLine({ ...base, final: false }),
        " 96/235 [===========>..................] - 剩余 1s - loss: 0.2713",
      );
      assert.equal(
        formatProgressLine({ ...base, step: 235, final: true }),
        "235/235 [==============================] - 3s 13ms/批 - loss: 0.2713",
      );
      assert.equal(
        formatProgressLine({ ...base, steps: null, final: false }),
        "     96/未知 - 3s 13ms/批 - loss: 0.2713",
      );
      assert.throws(() => formatProgressLine({ ...base, steps: 4, final: false }), {
        message: "formatProgressLine: steps 应为 null 或不小于 96 的整数，实际为 4",
      });
    });
  });
});

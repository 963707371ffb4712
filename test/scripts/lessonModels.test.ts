// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { format } from "node:util";
import * as tf from "@tensorflow/tfjs-node";
import {
  LESSON_MODELS,
  lessonFunctions,
  lessonModel,
  lessonModelBuilder,
  savedModelShape,
  type LessonModelKey,
} from "../../scripts/lessonModels.js";
import { ROOT } from "../../scripts/project.js";
import { savedModels } from "../../scripts/lessons.js";

const quiet = { log() {} };
const build = (key: LessonModelKey) => lessonModel(key, { tf, console: quiet });

/** One layer as the course describes it: kind, size, activation, kernel or pool size, padding. */
function describeLayer(layer: tf.layers.Layer): string {
  const c = layer.getConfig() as Record<string, unknown>;
  const size = (v: unknown) => (v as number[]).join("x");
  switch (layer.getClassName()) {
    case "Dense":
      return `dense ${c.units} ${c.activation}`;
    case "Conv2D":
      return `conv2d ${c.filters} ${size(c.kernelSize)} ${c.activation} ${c.padding}`;
    case "MaxPooling2D":
      return `maxPooling2d ${size(c.poolSize)} ${c.padding}`;
    case "UpSampling2D":
      return `upSampling2d ${size(c.size)}`;
    default:
      return layer.getClassName();
  }
}
const CONV_LAYERS = [
  "InputLayer",
  "conv2d 32 3x3 relu same",
  "maxPooling2d 2x2 same",
  "conv2d 32 3x3 relu same",
  "maxPooling2d 2x2 same",
  "conv2d 32 3x3 relu same",
  "upSampling2d 2x2",
  "conv2d 32 3x3 relu same",
  "upSampling2d 2x2",
  "conv2d 1 3x3 sigmoid same",
];
/** What the course's model summaries say: layers and parameter counts (as in Keras). */
const COURSE: Record<Exclude<LessonModelKey, "vae">, { layers: string[]; params: number }> = {
  dense: { layers: ["InputLayer", "dense 32 relu", "dense 784 sigmoid"], params: 50992 },
  deep: {
    layers: [
      "InputLayer",
      "dense 128 relu",
      "dense 64 relu",
      "dense 32 relu",
      "dense 64 relu",
      "dense 128 relu",
      "dense 784 sigmoid",
    ],
    params: 222384,
  },
  conv: { layers: CONV_LAYERS, params: 28353 },
  denoise: { layers: CONV_LAYERS, params: 28353 },
};

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "ae-lessoncode-"));
  tempDirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A notebook in a fresh temporary folder, one code cell per source. Returns the folder. */
function tempNotebook(name: string, sources: string[]): string {
  const dir = tempDir();
  const cells = sources.map((source) => ({ cell_type: "code", source, metadata: {}, outputs: [] }));
  writeFileSync(
    join(dir, `${name}.ipynb`),
    JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }),
  );
  return dir;
}

describe("the lesson models, built by the notebooks' own functions", () => {
  test("the lessons' entries name the course's four models and 09's VAE (scripts/lessons/, `models`)", () => {
    assert.deepEqual(Object.keys(LESSON_MODELS), [...Object.keys(COURSE), "vae"]);
  });

  test("vae (09-vae vaeModels, its two-output trainer): the layers keras_vae.py gives Keras's vae.py", () => {
    const model = build("vae");
    try {
      const layers = model.layers.map(describeLayer);
      assert.deepEqual(layers, [
        "InputLayer",
        "dense 128 relu",
        "dense 64 relu",
        "dense 2 linear",
        "dense 2 linear",
        "Sampling",
        "dense 64 relu",
        "dense 128 relu",
        "dense 784 sigmoid",
        "Concatenate",
      ]);
      // The Keras side, read from its script: the same Dense layers in the same order (the heads' units are
      // latent_dim = 2), so that the bench compares one model.
      const script = readFileSync(join(ROOT, "scripts", "bench", "keras_vae.py"), "utf8");
      assert.match(script, /^latent_dim = 2$/m);
      const keras = [...script.matchAll(/layers\.Dense\((\d+|latent_dim)(?:, activation="(\w+)")?/g)].map(
        (m) => `dense ${m[1] === "latent_dim" ? 2 : m[1]} ${m[2] ?? "linear"}`,
      );
      assert.deepEqual(
        keras,
        layers.filter((layer) => layer.startsWith("dense")),
      );
      assert.deepEqual(
        model.outputs.map((output) => output.shape),
        [
          [null, 784],
          [null, 4],
        ],
      );
      assert.equal(model.optimizer.getClassName(), "Adam");
    } finally {
      model.dispose();
    }
  });

  for (const key of Object.keys(COURSE) as (keyof typeof COURSE)[]) {
    test(`${key} (${LESSON_MODELS[key].lesson} ${LESSON_MODELS[key].fn}): the course's layers, compiled with adam and binaryCrossentropy`, () => {
      const model = build(key);
      try {
        assert.deepEqual(model.layers.map(describeLayer), COURSE[key].layers);
        assert.equal(model.countParams(), COURSE[key].params);
        assert.equal(model.optimizer.getClassName(), "Adam");
        assert.equal(model.loss, "binaryCrossentropy");
        const input = LESSON_MODELS[key].layout === "flat" ? [null, 784] : [null, 28, 28, 1];
        assert.deepEqual(model.inputs[0]?.shape, input);
        assert.deepEqual(model.outputs[0]?.shape, input);
      } finally {
        model.dispose();
      }
    });
  }

  // tfjs-layers' default kernel initializer is glorotNormal, a normal truncated at 2σ without Keras's correction:
  // its weights are about 12 % smaller than Keras's glorot_uniform, and the deep model then trailed Keras's
  // val_loss by 4 to 7 % after 5 epochs (bench/RESULTS.md). The lessons name Keras's default.
  for (const key of Object.keys(LESSON_MODELS) as LessonModelKey[]) {
    test(`${key}: every Dense and Conv2D starts as Keras's do, glorot_uniform weights and zero biases`, () => {
      const model = build(key);
      try {
        const weighted = model.layers.filter((l) => ["Dense", "Conv2D"].includes(l.getClassName()));
        assert.ok(weighted.length >= 2, `layers with weights: ${weighted.length}`);
        for (const layer of weighted) {
          const [kernel, bias] = layer.getWeights() as [tf.Tensor, tf.Tensor];
          // Glorot: uniform on ±sqrt(6 / (fanIn + fanOut)), fans counted over the receptive field for convs.
          const field = kernel.shape.slice(0, -2).reduce((a, b) => a * b, 1);
          const [fanIn, fanOut] = [field * kernel.shape.at(-2)!, field * kernel.shape.at(-1)!];
          const limit = Math.sqrt(6 / (fanIn + fanOut));
          const [min, max, std] = tf.tidy(() => [
            tf.min(kernel).dataSync()[0]!,
            tf.max(kernel).dataSync()[0]!,
            tf.moments(kernel).variance.sqrt().dataSync()[0]!,
          ]);
          const where = `${key} ${layer.name} ${kernel.shape.join("x")}`;
          assert.ok(min >= -limit && max <= limit, `${where}: weights in [${min}, ${max}], limit ${limit}`);
          // A uniform's standard deviation is limit / sqrt(3); glorotNormal's would be 12 % less.
          const expected = limit / Math.sqrt(3);
          // Four standard errors of a uniform sample's standard deviation (relative: sqrt(0.8 / 4n)), so that a
          // small kernel (the VAE's 64x2 heads) does not fail by chance; glorotNormal's 12 % stays far outside.
          const tolerance = 4 * Math.sqrt(0.8 / (4 * kernel.size));
          assert.ok(Math.abs(std / expected - 1) < tolerance, `${where}: std ${std}, expected ${expected}`);
          assert.equal(
            tf.tidy(() => tf.any(tf.notEqual(bias, 0)).dataSync()[0]),
            0,
            `${where}: bias not zero`,
          );
        }
      } finally {
        model.dispose();
      }
    });
  }

  test("the conv models encode 28x28x1 to 7x7x32 after the second pooling, and decode back", () => {
    const model = build("conv");
    try {
      assert.deepEqual(
        model.layers.map((layer) => layer.outputShape),
        [
          [null, 28, 28, 1],
          [null, 28, 28, 32],
          [null, 14, 14, 32],
          [null, 14, 14, 32],
          [null, 7, 7, 32],
          [null, 7, 7, 32],
          [null, 14, 14, 32],
          [null, 14, 14, 32],
          [null, 28, 28, 32],
          [null, 28, 28, 1],
        ],
      );
    } finally {
      model.dispose();
    }
  });

  test("03-conv's and 04-denoise's convAutoEncoder build identical layers", () => {
    const configs = (key: LessonModelKey) => {
      const model = build(key);
      const result = model.layers.map((layer) => {
        const config = Object.entries(layer.getConfig()).filter(([key]) => key !== "name");
        return { className: layer.getClassName(), config };
      });
      model.dispose();
      return result;
    };
    const conv = configs("conv");
    assert.equal(conv.length, 10);
    assert.deepEqual(configs("denoise"), conv);
  });

  test("each call builds a new model, and dispose() frees all its tensors", () => {
    for (const key of Object.keys(LESSON_MODELS) as LessonModelKey[]) {
      const before = tf.memory().numTensors;
      const model = build(key);
      assert.ok(tf.memory().numTensors > before, `${key} holds its weights`);
      model.dispose();
      assert.equal(tf.memory().numTensors, before, `${key} left no tensors`);
    }
    const makeDeep = lessonModelBuilder("deep", { tf });
    const before = tf.memory().numTensors;
    const [a, b] = [makeDeep(), makeDeep()];
    assert.notEqual(a, b);
    assert.notEqual(a.layers[1]?.getWeights()[0], b.layers[1]?.getWeights()[0]);
    a.dispose();
    b.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test("what the notebook's function prints goes to the console given: 03 prints its shapes, 04 nothing", () => {
    const lines: string[] = [];
    const console = { log: (...args: unknown[]) => void lines.push(format(...args)) };
    lessonModel("conv", { tf, console }).dispose();
    assert.deepEqual(lines, ["encoded 的形状： [ null, 7, 7, 32 ]", "decoded 的形状： [ null, 28, 28, 1 ]"]);
    lines.length = 0;
    lessonModel("denoise", { tf, console }).dispose();
    assert.deepEqual(lines, []);
  });

  test("02-deep declares both of its models in one cell; both are built", () => {
    const { shallowModel, deepModel } = lessonFunctions("02-deep", ["shallowModel", "deepModel"], { tf });
    const shallow = shallowModel() as tf.LayersModel;
    const deep = deepModel() as tf.LayersModel;
    assert.deepEqual(shallow.layers.map(describeLayer), COURSE.dense.layers);
    assert.deepEqual(deep.layers.map(describeLayer), COURSE.deep.layers);
    shallow.dispose();
    deep.dispose();
  });
});

describe("what lessonFunctions keeps of a cell", () => {
  test("functions and consts of plain literals, typed TypeScript; the cell's other statements do not run", () => {
    const dir = tempNotebook("kept", [
      'import * as tf from "@tensorflow/tfjs-node";\nthrow new Error("the import cell is not kept");',
      [
        "const size: number = 3; // 一个注释",
        "const label = `n=${size}`;",
        "const sizes = [1, -2, { three: 3 }] as const;",
        'const dropped = keep("x", twice(size));',
        "function twice(n: number): number {",
        "  return n * 2;",
        "}",
        "function summary(): string {",
        "  console.log(`shape ${tf.getBackend()}`);",
        "  return `${twice(size)} ${JSON.stringify(sizes)}`;",
        "}",
        'throw new Error("not kept either");',
      ].join("\n"),
    ]);
    const lines: unknown[][] = [];
    const { summary } = lessonFunctions("kept", ["summary"], {
      tf,
      console: { log: (...a) => lines.push(a) },
      dir,
    });
    assert.equal(summary(), '6 [1,-2,{"three":3}]');
    assert.deepEqual(lines, [["shape tensorflow"]]);
  });

  test("a layer class of the cell, and its registration for serialization, are kept (09-vae's Sampling)", () => {
    const dir = tempNotebook("layered", [
      [
        "class Doubling extends tf.layers.Layer {",
        '  static className = "DoublingForTest";',
        "  call(inputs: tf.Tensor | tf.Tensor[]) {",
        "    return tf.mul(2, Array.isArray(inputs) ? inputs[0]! : inputs);",
        "  }",
        "}",
        "tf.serialization.registerClass(Doubling);",
        "tf.serialization.registerClass(undefined as never); // not a class name: not kept",
        "function doubled(): number {",
        "  const x = tf.input({ shape: [1] });",
        "  const model = tf.model({ inputs: x, outputs: new Doubling({}).apply(x) as tf.SymbolicTensor });",
        "  const y = model.predict(tf.ones([1, 1])) as tf.Tensor;",
        "  return y.dataSync()[0]!;",
        "}",
      ].join("\n"),
    ]);
    const { doubled } = lessonFunctions("layered", ["doubled"], { tf, dir });
    assert.equal(doubled(), 2);
    assert.ok(tf.serialization.SerializationMap.getMap().classNameMap["DoublingForTest"], "registered");
  });

  test("09-vae's models, as the doctor and the tests build them: the saved one samples; all disposed once", () => {
    const [saved] = savedModels().filter((entry) => entry.lesson === "09-vae");
    assert.ok(saved, "09-vae saves its VAE");
    const before = tf.memory().numTensors;
    const { model, dispose } = savedModelShape(saved, { tf, console: quiet });
    assert.deepEqual(
      model.layers.map((l) => l.getClassName()),
      ["InputLayer", "Dense", "Dense", "Dense", "Dense", "Sampling", "Dense", "Dense", "Dense"],
    );
    const x = tf.ones([2, 784]);
    const [a, b] = [model.predict(x), model.predict(x)] as tf.Tensor[];
    const differ = tf.tidy(() => tf.any(tf.notEqual(a!, b!)).dataSync()[0]);
    assert.ok(differ, "two predictions of one image differ: z is sampled");
    tf.dispose([x, a!, b!]);
    dispose(); // the trainer holds every layer of the saved model and one of its own: disposed in its place
    assert.equal(tf.memory().numTensors, before, "every weight freed, none twice");
  });

  test("a name from a statement that is not kept: the call says what exists outside the notebook", () => {
    const dir = tempNotebook("uses", [
      "const { epochs } = { epochs: 5 };",
      "const factor = Math.PI;\nconst n = 2;\nfunction scaled(): number {\n  return n * factor;\n}",
    ]);
    const { scaled } = lessonFunctions("uses", ["scaled"], { tf, dir });
    assert.throws(
      () => scaled(),
      /lessonCode: scaled from uses\.ipynb failed: factor is not defined\. Outside the notebook only the function declarations and consts of plain literals of cell 1 exist, with tf and console/,
    );
  });
});

describe("errors say what was expected and what was found", () => {
  test("a function the notebook does not declare: names the notebook and lists the functions it does", () => {
    assert.throws(
      () => lessonFunctions("01-dense", ["denseModel"], { tf }),
      /^Error: lessonCode: expected 01-dense\.ipynb to declare a top-level function denseModel in a code cell, but it does not; the functions it declares are: autoEncoderModel \(cell 7\)$/,
    );
    const dir = tempNotebook("few", ["function a() {}\nconst b = () => 1;", "function c() {}", "a();"]);
    assert.throws(
      () => lessonFunctions("few", ["a", "b"], { tf, dir }),
      /expected few\.ipynb to declare a top-level function b in a code cell, but it does not; the functions it declares are: a \(cell 0\), c \(cell 1\)$/,
    );
    const empty = tempNotebook("empty", ["const x = 1;"]);
    assert.throws(
      () => lessonFunctions("empty", ["x"], { tf, dir: empty }),
      /the functions it declares are: \(none\)$/,
    );
  });

  test("a notebook that does not exist: its path, and the notebooks there are", () => {
    const dir = tempNotebook("present", ["function f() {}"]);
    assert.throws(
      () => lessonFunctions("05-missing", ["f"], { tf, dir }),
      (error: Error) => {
        assert.equal(
          error.message,
          `lessonCode: expected the notebook ${join(dir, "05-missing.ipynb")} for lesson "05-missing", but it does not exist; the notebooks in ${dir} are: present.ipynb`,
        );
        return true;
      },
    );
    assert.throws(
      () => lessonFunctions("01-dense", ["f"], { tf, dir: join(dir, "nowhere") }),
      /01-dense\.ipynb for lesson "01-dense", but it does not exist; the folder .*nowhere does not exist$/,
    );
    // A folder with a space is printed so that it can be pasted into a shell as it is.
    assert.throws(
      () => lessonFunctions("01-dense", ["f"], { tf, dir: join(dir, "My 课程") }),
      (error: Error) => {
        assert.ok(
          error.message.endsWith(`the folder '${join(dir, "My 课程")}' does not exist`),
          error.message,
        );
        return true;
      },
    );
    assert.throws(
      () => lessonFunctions("02-dep", ["deepModel"], { tf }),
      /the notebooks in .*notebooks'? are: 01-dense\.ipynb, 02-deep\.ipynb, 03-conv\.ipynb, 04-denoise\.ipynb, 05-pca\.ipynb, 06-latent\.ipynb, 07-sparse\.ipynb, 08-anomaly\.ipynb, 09-vae\.ipynb$/,
    );
  });

  test("a file that is not JSON", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "broken.ipynb"), "{ not json");
    assert.throws(
      () => lessonFunctions("broken", ["f"], { tf, dir }),
      /lessonCode: .*broken\.ipynb is not a notebook \(JSON\)/,
    );
  });

  test("a function declared in more than one cell, or a kept name declared twice", () => {
    const dir = tempNotebook("twice", [
      "function f() {\n  return 1;\n}",
      "f();",
      "function f() {\n  return 2;\n}",
    ]);
    assert.throws(
      () => lessonFunctions("twice", ["f"], { tf, dir }),
      /^Error: lessonCode: expected one code cell of twice\.ipynb to declare f, but cells 0, 2 all do$/,
    );
    const shared = tempNotebook("shared", [
      "const n = 1;\nfunction f() {\n  return n;\n}",
      "const n = 2;\nfunction g() {\n  return n;\n}",
    ]);
    assert.throws(
      () => lessonFunctions("shared", ["f", "g"], { tf, dir: shared }),
      /expected the code cells of shared\.ipynb that declare f, g to declare each name once, but n is declared in cells 0 and 1$/,
    );
    assert.equal(lessonFunctions("shared", ["g"], { tf, dir: shared }).g(), 2);
  });

  test("a cell that does not compile", () => {
    const dir = tempNotebook("syntax", ["function f() {\n  return (1;\n}"]);
    assert.throws(
      () => lessonFunctions("syntax", ["f"], { tf, dir }),
      /lessonCode: cell 0 of syntax\.ipynb does not compile: '\)' expected/,
    );
  });

  test("a lesson model that is not one, or a function that does not return a compiled model", () => {
    assert.throws(
      () => lessonModel("sparse" as LessonModelKey, { tf }),
      /^Error: lessonCode: expected a lesson model, one of dense, deep, conv, denoise, vae; got sparse$/,
    );
    const dir = tempNotebook("01-dense", ["function autoEncoderModel() {\n  return 42;\n}"]);
    assert.throws(
      () => lessonModel("dense", { tf, dir }),
      /^Error: lessonCode: expected autoEncoderModel\(\) of 01-dense\.ipynb to return a compiled tf\.LayersModel, got 42$/,
    );
    const uncompiled = tempNotebook("01-dense", [
      "function autoEncoderModel() {\n  const input = tf.input({ shape: [2] });\n  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(input) });\n}",
    ]);
    const before = tf.memory().numTensors;
    assert.throws(() => lessonModel("dense", { tf, dir: uncompiled }), /got a model that is not compiled$/);
    assert.equal(tf.memory().numTensors, before, "the model that was not returned is disposed");
  });
});

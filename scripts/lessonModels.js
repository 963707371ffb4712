// @ts-check
// The lesson models, built by the functions the notebooks themselves declare, so that scripts and tests outside
// a notebook use the notebook's own code rather than a copy that can drift from it. A notebook cell is parsed
// with the TypeScript compiler; its top-level functions and its consts of plain literals are kept, the rest of
// the cell (fit, keep(), .summary()) is dropped, and what is kept is transpiled and evaluated with the caller's tf.
import { loadTypeScript, readNotebook, transpileCells } from "./lessonCode.js";
import { LESSONS } from "./lessons.js";
import { joinText } from "./notebook.js";
import { NOTEBOOKS } from "./project.js";

/**
 * @typedef {typeof import("@tensorflow/tfjs-node")} Tf
 * @typedef {import("./lessonCode.js").TypeScript} TypeScript
 * @typedef {(...args: any[]) => unknown} LessonFunction
 * @typedef {{tf: Tf, console?: Pick<Console, "log">, dir?: string}} LessonOptions
 *   `console` is what the notebook's functions print with (03-conv's prints shapes); `dir` holds the notebooks.
 */

/**
 * The course's models by a short name ("dense", "conv"): the notebook and function that build each, and the loadMnist
 * layout it trains on; the bench, the doctor and the tests build them. From the lessons' entries (`models`).
 * test/scripts/lessonModels.test.ts holds them to the course's four.
 */
export const LESSON_MODELS = Object.freeze(
  /** @type {Record<LessonModelKey, {lesson: string} & import("./lessons.js").Builder>} */ (
    Object.fromEntries(
      Object.entries(LESSONS).flatMap(([lesson, entry]) =>
        Object.entries(entry.models).map(([key, builder]) => [key, { lesson, ...builder }]),
      ),
    )
  ),
);
/** @typedef {import("./lessons.js").ModelKey} LessonModelKey */

/**
 * "cell 7", "cells 6, 9": for messages.
 * @param {{index: number}[]} cells
 */
const cellList = (cells) =>
  `${cells.length === 1 ? "cell" : "cells"} ${cells.map((c) => c.index).join(", ")}`;

/**
 * A const whose value is data written out in the cell: numbers, strings, booleans, null, and arrays and
 * objects of those (`const encodingDim = 32;`). Anything computed is left to the notebook.
 * @param {TypeScript} ts
 * @param {import("typescript").Expression} node
 * @returns {boolean}
 */
function isPlainLiteral(ts, node) {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) {
    return isPlainLiteral(ts, node.expression);
  }
  if (ts.isPrefixUnaryExpression(node)) {
    return node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand);
  }
  if (ts.isArrayLiteralExpression(node)) return node.elements.every((element) => isPlainLiteral(ts, element));
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.every(
      (property) =>
        ts.isPropertyAssignment(property) &&
        !ts.isComputedPropertyName(property.name) &&
        isPlainLiteral(ts, property.initializer),
    );
  }
  return (
    ts.isNumericLiteral(node) ||
    ts.isStringLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    node.kind === ts.SyntaxKind.NullKeyword
  );
}

/**
 * A statement `tf.serialization.registerClass(Name);`, which registers a layer class of the cell for serialization.
 * @param {TypeScript} ts
 * @param {import("typescript").Statement} statement
 */
function isRegistration(ts, statement) {
  if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) return false;
  const call = statement.expression;
  return (
    call.expression.getText() === "tf.serialization.registerClass" &&
    call.arguments.length === 1 &&
    ts.isIdentifier(/** @type {import("typescript").Expression} */ (call.arguments[0]))
  );
}

/**
 * What one code cell declares at top level: its functions, its classes (with their registration for
 * serialization), and the statements lessonFunctions keeps.
 * @param {TypeScript} ts
 * @param {string} source
 */
function declarationsOf(ts, source) {
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  /** @type {string[]} */
  const functions = [];
  /** @type {string[]} */
  const names = [];
  /** @type {string[]} */
  const kept = [];
  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) {
      // Overload signatures have no body; the implementation is the declaration.
      if (statement.body) functions.push(statement.name.text);
      names.push(statement.name.text);
      kept.push(statement.getFullText(file));
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      // A layer class of the lesson's own (09-vae's Sampling), which its functions build models with.
      names.push(statement.name.text);
      kept.push(statement.getFullText(file));
    } else if (isRegistration(ts, statement)) {
      // `tf.serialization.registerClass(Sampling);`: so that a saved model with that layer loads.
      kept.push(statement.getFullText(file));
    } else if (
      ts.isVariableStatement(statement) &&
      statement.declarationList.flags & ts.NodeFlags.Const &&
      statement.declarationList.declarations.every(
        (d) => ts.isIdentifier(d.name) && d.initializer && isPlainLiteral(ts, d.initializer),
      )
    ) {
      for (const d of statement.declarationList.declarations) names.push(d.name.getText(file));
      kept.push(statement.getFullText(file));
    }
  }
  return { functions, names: [...new Set(names)], code: kept.join("\n") };
}

/**
 * The named top-level functions of a lesson notebook, built from its code cells and bound to `tf`.
 * Each cell that declares one of them contributes its function declarations and its consts of plain literals.
 * Throws, naming the notebook, if it is missing, if a name is declared by no cell (listing the functions that
 * are) or by more than one, or if a kept cell does not parse.
 * @template {string} N
 * @param {string} lesson notebook name without `.ipynb`, e.g. "01-dense"
 * @param {readonly N[]} names
 * @param {LessonOptions} options
 * @returns {Record<N, LessonFunction>}
 */
export function lessonFunctions(lesson, names, { tf, console = globalThis.console, dir = NOTEBOOKS }) {
  const ts = loadTypeScript();
  const { file, notebook } = readNotebook(lesson, dir);
  const cells = (notebook.cells ?? []).flatMap((cell, index) =>
    cell.cell_type === "code" ? [{ index, ...declarationsOf(ts, joinText(cell.source)) }] : [],
  );
  /** @type {Set<(typeof cells)[number]>} */
  const used = new Set();
  for (const name of names) {
    const declaring = cells.filter((cell) => cell.functions.includes(name));
    if (declaring.length === 0) {
      const found = cells.flatMap((cell) => cell.functions.map((fn) => `${fn} (cell ${cell.index})`));
      throw new Error(
        `lessonCode: expected ${file} to declare a top-level function ${name} in a code cell, ` +
          `but it does not; the functions it declares are: ${found.join(", ") || "(none)"}`,
      );
    }
    if (declaring.length > 1) {
      throw new Error(
        `lessonCode: expected one code cell of ${file} to declare ${name}, ` +
          `but ${cellList(declaring)} all do`,
      );
    }
    used.add(/** @type {(typeof cells)[number]} */ (declaring[0]));
  }
  // The kept cells share one scope, as in the notebook: a name they declare twice would not evaluate.
  const sorted = [...used].sort((a, b) => a.index - b.index);
  /** @type {Map<string, number>} */
  const declaredIn = new Map();
  for (const cell of sorted) {
    for (const name of cell.names) {
      const earlier = declaredIn.get(name);
      if (earlier !== undefined) {
        throw new Error(
          `lessonCode: expected the code cells of ${file} that declare ${names.join(", ")} to declare each ` +
            `name once, but ${name} is declared in cells ${earlier} and ${cell.index}`,
        );
      }
      declaredIn.set(name, cell.index);
    }
  }
  const { code, problems } = transpileCells(sorted.map((cell) => cell.code).join("\n"));
  if (problems.length > 0) {
    throw new Error(
      `lessonCode: ${cellList(sorted)} of ${file} ${sorted.length === 1 ? "does" : "do"} not compile: ${problems.join("; ")}`,
    );
  }
  const body = `"use strict";\n${code}\nreturn { ${names.join(", ")} };\n//# sourceURL=${file}`;
  const built = /** @type {Record<N, LessonFunction>} */ (new Function("tf", "console", body)(tf, console));
  return /** @type {Record<N, LessonFunction>} */ (
    Object.fromEntries(names.map((name) => [name, explained(built[name], name, file, sorted)]))
  );
}

/**
 * `fn`, with a ReferenceError (a name from a cell lessonFunctions does not keep) explained.
 * @param {LessonFunction} fn
 * @param {string} name
 * @param {string} file
 * @param {{index: number}[]} cells
 * @returns {LessonFunction}
 */
function explained(fn, name, file, cells) {
  return (...args) => {
    try {
      return fn(...args);
    } catch (error) {
      if (!(error instanceof ReferenceError)) throw error;
      throw new Error(
        `lessonCode: ${name} from ${file} failed: ${error.message}. Outside the notebook only the function ` +
          `declarations and consts of plain literals of ${cellList(cells)} ` +
          `exist, with tf and console`,
        { cause: error },
      );
    }
  };
}

/**
 * A builder of one lesson model: each call returns a new compiled model, made by the notebook's function.
 * Reading and compiling the notebook happens here, once, so that timing a call times only the model.
 * @param {LessonModelKey} key
 * @param {LessonOptions} options
 * @returns {() => import("@tensorflow/tfjs-node").LayersModel}
 */
export function lessonModelBuilder(key, options) {
  const entry = Object.hasOwn(LESSON_MODELS, key) ? LESSON_MODELS[key] : undefined;
  if (!entry) {
    throw new Error(
      `lessonCode: expected a lesson model, one of ${Object.keys(LESSON_MODELS).join(", ")}; got ${String(key)}`,
    );
  }
  return () => {
    const built = savedModelShape({ lesson: entry.lesson, build: entry }, options);
    const model = built.model;
    if (!(model instanceof options.tf.LayersModel) || !model.optimizer) {
      if (model instanceof options.tf.LayersModel) built.dispose();
      throw new Error(
        `lessonCode: expected ${entry.fn}() of ${entry.lesson}.ipynb to return a compiled tf.LayersModel, ` +
          `got ${model instanceof options.tf.LayersModel ? "a model that is not compiled" : String(model)}`,
      );
    }
    if (entry.pick) {
      // The caller disposes the model it is given: the models built beside it (sharing its layers) go with it.
      const own = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (model));
      own.dispose = () => {
        delete own.dispose;
        built.dispose();
        return { refCountAfterDispose: 0, numDisposedVariables: 0 };
      };
    }
    return model;
  };
}

/**
 * A new compiled lesson model, built by the notebook's own function.
 * @param {LessonModelKey} key
 * @param {LessonOptions} options
 */
export const lessonModel = (key, options) => lessonModelBuilder(key, options)();

/**
 * A saved model's model as its notebook builds it (its entry's `build`, scripts/lessons/), to load the saved
 * weights into, with a function that disposes of it and of the other models its function returned.
 * @param {{lesson: string, build: import("./lessons.js").Builder}} saved
 * @param {LessonOptions} options
 * @returns {{model: import("@tensorflow/tfjs-node").LayersModel, dispose: () => void}}
 */
export function savedModelShape({ lesson, build }, options) {
  /** @typedef {import("@tensorflow/tfjs-node").LayersModel} Model */
  const built = /** @type {LessonFunction} */ (lessonFunctions(lesson, [build.fn], options)[build.fn])();
  if (!build.pick)
    return { model: /** @type {Model} */ (built), dispose: () => /** @type {Model} */ (built).dispose() };
  const all = /** @type {Record<string, Model>} */ (built);
  const model = /** @type {Model} */ (all[build.pick]);
  // Disposed: the models no other one contains. Models made of the picked one's layers (06's encoder) go with
  // it; one with layers of its own (06's decoder, on an input of its own) holds a count on the shared ones and is
  // disposed after it; one that contains the picked one (09's trainer, with its KL output) is disposed in its
  // place, since disposing both would dispose their shared layers twice.
  const contains = (/** @type {Model} */ a, /** @type {Model} */ b) =>
    b.layers.every((l) => a.layers.includes(l));
  /** @type {Model[]} */
  const disposed = [];
  for (const m of [model, ...Object.values(all).filter((m) => m !== model)]) {
    if (disposed.some((kept) => contains(kept, m))) continue;
    disposed.splice(0, disposed.length, ...disposed.filter((kept) => !contains(m, kept)), m);
  }
  return { model, dispose: () => disposed.forEach((m) => m.dispose()) };
}

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// What students and teachers read: the markdown of every lesson (notebooks/*.ipynb, notebooks/answers/*.ipynb),
// docs/*.md and README.md.
// 1. No measured number typed by hand: every number of the markdown or of a code comment that looks measured (a
//    decimal with 2 or more places, a percentage, a duration, a size in KB/MB/GB, a decimal ratio such as 1.6x or
//    0.54 倍) is found, at the precision printed, in a source the repository keeps: weights/weights.json (written by `npm run weights`),
//    results/export.json (`npm run record`'s record of exports at the defaults: the lessons' runs, and under
//    `answers` the answer notebooks' runs of `npm run export -- --answers`), results/checks.json (the times of
//    `npm test` and `npm run doctor`, recorded with AE_RECORD=1), results/course.json (the course's own
//    logged numbers, each with its line; quoted with the course named), or, for sizes, the disk room set-up's
//    steps count (scripts/setup/); a note in docs/ may also quote the bench records it names by path (a JSON file
//    or folder under bench/, e.g. docs/vae-design.md's bench/vae-prototype/). Numbers structural to a lesson (784, 32, 60000, σ 0.5 and 3.0, 28×28) are
//    integers or have one decimal place, so they are not taken for measurements. README's generated parts
//    (set-up's step times, the lessons' totals) are left to test/scripts/resultsTable.test.ts, which holds each
//    to the files it is made of.
// 2. Chinese punctuation: in Chinese prose, ，：；？！（） and “” rather than ASCII; ASCII stays inside code spans,
//    code blocks, URLs and formulas, and between Latin letters and digits. The same holds for the Chinese strings
//    the lessons' code prints, the comments beside it, and the library's Chinese messages (src/shared).
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { readCheckTimes } from "../scripts/checkTimes.js";
import { markers } from "../scripts/markedSections.js";
import { joinText, type Notebook } from "../scripts/notebook.js";
import { ROOT } from "../scripts/project.js";
import { freshRooms } from "../scripts/readmeTables.js";
import { CHINESE_FONT } from "../scripts/setup/headlessChromium.js";

const COURSE_TEXT = process.env.AE_COURSE_TEXT ?? join(ROOT, "..", "shared", "course", "5.2-autoencoder.txt");

// ---------------------------------------------------------------------------------------------------------------
// What is read

interface Prose {
  /** Where, for a failure message: "notebooks/01-dense.ipynb cell 10". */
  where: string;
  text: string;
  /** The text whose numbers are checked, where it differs: README's with its generated parts blanked. */
  numbersText?: string;
  /**
   * Whether decimal ratios ("1.6x") count as measured: in README they are speeds; in a lesson "1.5 倍" is
   * arithmetic (three models' training against two).
   */
  ratios?: boolean;
  /** Where its numbers may come from, when more than the common sources: a doc's cited bench records. */
  sources?: Sources;
}

interface Document {
  file: string;
  /** Markdown cells, or a whole .md file. */
  markdown: Prose[];
  /** The Chinese string literals of the code cells (what they print), `${...}` blanked out. */
  strings: Prose[];
}

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff]/;
/** Stands for text that is not prose (code, a URL, a template expression): same length, never Chinese. */
const BLANK = "\uE000";

/**
 * The Chinese of TypeScript code: its string literals (what it prints), template expressions blanked, and its
 * comments (what a student reads beside the code), each piece that contains Chinese.
 */
function chineseText(code: string): { strings: string[]; comments: string[] } {
  const found: string[] = [];
  const comments: string[] = [];
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    if (c === "/" && (code[i + 1] === "/" || code[i + 1] === "*")) {
      const [close, skip] = code[i + 1] === "/" ? ["\n", 0] : ["*/", 2];
      const end = code.indexOf(close, i + 2) < 0 ? code.length : code.indexOf(close, i + 2) + skip;
      const comment = code.slice(i + 2, end - skip);
      if (HAN.test(comment)) comments.push(comment);
      i = end;
    } else if (c === '"' || c === "'" || c === "`") {
      let text = "";
      let j = i + 1;
      while (j < code.length && code[j] !== c) {
        if (code[j] === "\\") {
          text += code.slice(j, j + 2);
          j += 2;
        } else if (c === "`" && code[j] === "$" && code[j + 1] === "{") {
          // A template expression: blanked (it may hold strings and braces of its own).
          let depth = 0;
          const start = j;
          for (j += 1; j < code.length; j++) {
            if (code[j] === "{") depth++;
            else if (code[j] === "}" && --depth === 0) break;
          }
          text += BLANK.repeat(j + 1 - start);
          j += 1;
        } else {
          text += code[j];
          j += 1;
        }
      }
      if (HAN.test(text)) found.push(text);
      i = j + 1;
    } else {
      i += 1;
    }
  }
  return { strings: found, comments };
}

/** String literals of TypeScript code that contain Chinese; comments skipped, template expressions blanked. */
const chineseStrings = (code: string): string[] => chineseText(code).strings;

function readDocuments(): Document[] {
  const documents: Document[] = [];
  for (const folder of ["notebooks", join("notebooks", "answers")]) {
    if (!existsSync(join(ROOT, folder))) continue;
    for (const name of readdirSync(join(ROOT, folder))
      .filter((n) => n.endsWith(".ipynb"))
      .sort()) {
      const file = join(folder, name);
      const notebook = JSON.parse(readFileSync(join(ROOT, file), "utf8")) as Notebook;
      const markdown: Prose[] = [];
      const strings: Prose[] = [];
      notebook.cells.forEach((cell, index) => {
        const text = joinText(cell.source);
        if (cell.cell_type === "markdown") markdown.push({ where: `${file} cell ${index}`, text });
        if (cell.cell_type === "code") {
          const { strings: literals, comments } = chineseText(text);
          for (const literal of literals)
            strings.push({ where: `${file} cell ${index} (a string its code prints)`, text: literal });
          for (const comment of comments)
            strings.push({ where: `${file} cell ${index} (a comment)`, text: comment });
        }
      });
      documents.push({ file, markdown, strings });
    }
  }
  // The library's Chinese messages: what a lesson prints when it reports, captions a chart or explains an error.
  const library = join("src", "shared");
  for (const name of readdirSync(join(ROOT, library))
    .filter((n) => n.endsWith(".ts"))
    .sort()) {
    const file = join(library, name);
    const strings = chineseStrings(readFileSync(join(ROOT, file), "utf8")).map((text) => ({
      where: `${file} (a string it prints)`,
      text,
    }));
    documents.push({ file, markdown: [], strings });
  }
  if (existsSync(join(ROOT, "docs"))) {
    for (const name of readdirSync(join(ROOT, "docs"))
      .filter((n) => n.endsWith(".md"))
      .sort()) {
      const file = join("docs", name);
      const text = readFileSync(join(ROOT, file), "utf8");
      // The guide's plans and quick setting: planned minutes and the scale's 0% and 100% are not measurements;
      // the server's sizes are computed from results/usage.json; like every generated section they are held to
      // their files by test/scripts/resultsTable.test.ts.
      const numbersText = withoutSections(text, ["lesson-plan", "quick-setting", "server-sizing"]);
      const sources = withCitedRecords(text);
      documents.push({ file, markdown: [{ where: file, text, numbersText, sources }], strings: [] });
    }
  }
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  documents.push({
    file: "README.md",
    markdown: [
      { where: "README.md", text: readme, numbersText: withoutGeneratedParts(readme), ratios: true },
    ],
    strings: [],
  });
  return documents;
}

/**
 * `text` with what lies between each pair of generated-section markers blanked, same length and lines: what
 * scripts/resultsTable.js writes there is held to its files by test/scripts/resultsTable.test.ts.
 */
function withoutGeneratedParts(text: string): string {
  return withoutSections(
    text,
    [...text.matchAll(/<!-- (\S+) start: /g)].map((m) => m[1] ?? ""),
  );
}

/** `text` with the generated sections `names` blanked, same length and lines. */
function withoutSections(text: string, names: string[]): string {
  let blanked = text;
  for (const name of names) {
    const { start, end } = markers(name);
    const from = blanked.indexOf(start);
    const to = blanked.indexOf(end, from);
    if (from < 0 || to < 0) continue;
    blanked = blanked.slice(0, from) + blanked.slice(from, to).replace(/[^\n]/g, " ") + blanked.slice(to);
  }
  return blanked;
}

// ---------------------------------------------------------------------------------------------------------------
// The sources

interface CourseNumber {
  section: string;
  model: string;
  what: string;
  value: string;
  line: string;
}
type Run = { seconds: number; results: string[] };

const weights = JSON.parse(readFileSync(join(ROOT, "weights", "weights.json"), "utf8")) as unknown;
const course = JSON.parse(readFileSync(join(ROOT, "results", "course.json"), "utf8")) as {
  numbers: Record<string, CourseNumber>;
};
const EXPORT = join(ROOT, "results", "export.json");
const exported = existsSync(EXPORT)
  ? (JSON.parse(readFileSync(EXPORT, "utf8")) as {
      lessons: Record<string, Run[]>;
      answers?: Record<string, Run[]>;
    })
  : undefined;

type SourceName =
  | "weights/weights.json"
  | "results/export.json"
  | "results/checks.json"
  | "results/course.json"
  | "scripts/setup/"
  | "bench/ (a record the document names)";
interface Sources {
  /** Any number: losses, results. */
  numbers: { value: number; source: SourceName }[];
  /** Numbers printed with a % in a source's text. */
  percents: { value: number; source: SourceName }[];
  /** Times in seconds: the fields named ...seconds / ...Seconds. */
  seconds: { value: number; source: SourceName }[];
  /** Sizes in MB: the disk room set-up's steps count (each room, and the totals) and the font's. */
  sizes: { value: number; source: SourceName }[];
}

/** The numbers in a source's text: "loss: 0.0925", "低 52%". */
function numbersInText(text: string, source: SourceName, into: Sources) {
  for (const m of text.matchAll(/(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]*\d)(\s?[%％])?/g)) {
    (m[2] ? into.percents : into.numbers).push({ value: Number(m[1]), source });
  }
}

/** Every numeric field of a JSON value (its key naming seconds makes it a time), and numbers in its strings. */
function collect(value: unknown, source: SourceName, into: Sources, key = "") {
  if (typeof value === "number") {
    into.numbers.push({ value, source });
    if (/seconds$/i.test(key)) into.seconds.push({ value, source });
  } else if (typeof value === "string") {
    if (key !== "about" && !/^[0-9a-f]{64}$/.test(value)) numbersInText(value, source, into);
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, source, into, key);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) collect(v, source, into, k);
  }
}

const SOURCES: Sources = { numbers: [], percents: [], seconds: [], sizes: [] };
collect(weights, "weights/weights.json", SOURCES);
{
  const { perStep, inCheckout, inAll } = freshRooms();
  for (const mb of [...perStep.flat().map((room) => room.mb), inCheckout, inAll]) {
    SOURCES.sizes.push({ value: mb, source: "scripts/setup/" });
  }
  for (const mb of [CHINESE_FONT.sizeMB, CHINESE_FONT.downloadMB]) {
    SOURCES.sizes.push({ value: mb, source: "scripts/setup/" });
  }
}
if (exported) collect(exported, "results/export.json", SOURCES);
collect(readCheckTimes(), "results/checks.json", SOURCES);
for (const entry of Object.values(course.numbers)) {
  SOURCES.numbers.push({ value: Number(entry.value), source: "results/course.json" });
}

/**
 * The common sources and the bench records a document names by path (`bench/…/run.json`, or a folder of them), or
 * undefined when it names none: a design note quotes the runs it cites, each number where the run printed it.
 */
function withCitedRecords(text: string, base: Sources = SOURCES): Sources | undefined {
  const paths = new Set([...text.matchAll(/\bbench\/[\w./-]*[\w/]/g)].map((m) => m[0]));
  const files = [...paths].flatMap((path) => {
    const full = join(ROOT, path);
    if (!existsSync(full)) return [];
    if (statSync(full).isDirectory())
      return readdirSync(full)
        .filter((name) => name.endsWith(".json"))
        .map((name) => join(full, name));
    return full.endsWith(".json") ? [full] : [];
  });
  if (files.length === 0) return undefined;
  const cited: Sources = { numbers: [], percents: [], seconds: [], sizes: [] };
  for (const file of files) {
    collect(JSON.parse(readFileSync(file, "utf8")), "bench/ (a record the document names)", cited);
  }
  return {
    numbers: [...base.numbers, ...cited.numbers],
    percents: [...base.percents, ...cited.percents],
    seconds: [...base.seconds, ...cited.seconds],
    sizes: base.sizes,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers in prose

interface Quoted {
  /** As printed: "0.0914", "37%", "3 分钟". */
  text: string;
  index: number;
  /** The sources that back it (none: the failure). */
  backers: SourceName[];
  /** Why it cannot be backed, when no source could. */
  unbackable?: string;
}

const decimals = (printed: string) => printed.split(".")[1]?.length ?? 0;
/** Sources holding a number that prints as `printed` at its own precision (after `scale`). */
function backersOf(printed: string, pool: { value: number; source: SourceName }[], scale = 1): SourceName[] {
  const places = decimals(printed);
  return [...new Set(pool.filter((s) => (s.value / scale).toFixed(places) === printed).map((s) => s.source))];
}

const SIZE_IN_MB: Record<string, number> = { KB: 0.001, MB: 1, GB: 1000 };
const UNIT_SECONDS: Record<string, number> = { 秒: 1, s: 1, ms: 0.001, 分钟: 60, min: 60, 小时: 3600 };
const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const UNIT = String.raw`(秒钟?|分钟|小时|ms|min|s)(?![A-Za-z])`;

/**
 * The measured-looking numbers of a text, each with the sources that back it. Durations first (a compound
 * "2 分 51 秒", a range "19–32 秒", one "70 秒"), then percentages, then decimals with 2 or more places; each
 * part of the text is taken once. A duration in Chinese numerals ("一两分钟") cannot be checked at all.
 */
function quotedNumbers(text: string, sources: Sources = SOURCES, { ratios = false } = {}): Quoted[] {
  const taken = new Array<boolean>(text.length).fill(false);
  const found: Quoted[] = [];
  const scan = (pattern: RegExp, take: (m: RegExpMatchArray) => Omit<Quoted, "text" | "index">) => {
    for (const m of text.matchAll(pattern)) {
      const start = m.index!;
      if (taken.slice(start, start + m[0].length).some(Boolean)) continue;
      taken.fill(true, start, start + m[0].length);
      found.push({ text: m[0], index: start, ...take(m) });
    }
  };
  const unit = (name: string) => UNIT_SECONDS[name] ?? UNIT_SECONDS[name.replace(/钟$/, "")] ?? Number.NaN;
  scan(/[一二两三四五六七八九十百半]+\s*个?半?(?:秒钟?|分钟|小时)/g, () => ({
    backers: [],
    unbackable:
      "a duration in Chinese numerals cannot be checked: give it in digits from a source, or leave it out",
  }));
  scan(new RegExp(String.raw`(\d+)\s*(?:分钟?|min)\s*(\d+)\s*(?:秒钟?|s)(?![A-Za-z])`, "g"), (m) => {
    const total = Number(m[1]) * 60 + Number(m[2]);
    return {
      backers: [
        ...new Set(sources.seconds.filter((s) => Math.round(s.value) === total).map((s) => s.source)),
      ],
    };
  });
  scan(new RegExp(String.raw`${NUMBER}\s*(?:–|—|-|~|～|到|至)\s*${NUMBER}\s*${UNIT}`, "g"), (m) => {
    const [low, high] = [
      backersOf(m[1]!, sources.seconds, unit(m[3]!)),
      backersOf(m[2]!, sources.seconds, unit(m[3]!)),
    ];
    return { backers: low.length > 0 && high.length > 0 ? [...new Set([...low, ...high])] : [] };
  });
  scan(new RegExp(String.raw`(?<![\d.])${NUMBER}\s*${UNIT}`, "g"), (m) => ({
    backers: backersOf(m[1]!, sources.seconds, unit(m[2]!)),
  }));
  scan(/(?<![\d.])(\d+(?:\.\d+)?)\s?[%％]/g, (m) => ({ backers: backersOf(m[1]!, sources.percents) }));
  scan(/(?<![\d.])(\d+(?:\.\d+)?)\s?([KMG]B)(?![A-Za-z])/g, (m) => ({
    backers: backersOf(m[1]!, sources.sizes, SIZE_IN_MB[m[2]!]),
  }));
  // A measured ratio has decimals: "1.6x", "2.3×", "0.54 倍"; "255 倍" (0–255 against 0–1) is structural, and
  // "28×28", "10 × 10" are shapes.
  if (ratios) {
    scan(/(?<![\d.])(\d+\.\d+)\s?(?:x|×|倍)(?![A-Za-z0-9_]|\s*\d)/g, (m) => ({
      backers: backersOf(m[1]!, sources.numbers),
    }));
  }
  scan(/(?<![\d.])\d+\.\d{2,}(?!\.?\d)/g, (m) => ({ backers: backersOf(m[0], sources.numbers) }));
  return found.sort((a, b) => a.index - b.index);
}

/** URLs are not prose: their digits are not quoted numbers. */
const withoutUrls = (text: string) =>
  text.replace(/\bhttps?:\/\/[^\s)>\]]+/g, (url) => " ".repeat(url.length));

const lineAt = (text: string, index: number) =>
  text.slice(
    text.lastIndexOf("\n", index - 1) + 1,
    text.indexOf("\n", index) < 0 ? undefined : text.indexOf("\n", index),
  );

/** The numbers of one piece of prose that no source backs, or that are the course's without the course named. */
function unbackedNumbers(prose: Prose, sources: Sources = SOURCES): { quoted: Quoted; problem: string }[] {
  return quotedNumbers(withoutUrls(prose.text), sources, { ratios: prose.ratios }).flatMap((quoted) => {
    const line = lineAt(prose.text, quoted.index);
    if (quoted.unbackable) return [{ quoted, problem: quoted.unbackable }];
    if (quoted.backers.length === 0) {
      const problem =
        "is in no source at the precision printed (weights/weights.json, results/export.json, " +
        "results/checks.json, results/course.json, set-up's rooms for sizes, and in docs/ the bench records the " +
        "note names): take it from one, generate it, or point to where it is printed";
      return [{ quoted, problem }];
    }
    if (quoted.backers.every((s) => s === "results/course.json") && !line.includes("课程")) {
      return [{ quoted, problem: "is the course's number: name the course (课程) on its line" }];
    }
    return [];
  });
}

/** "notebooks/01-dense.ipynb cell 10, line 3": where in a piece of prose an index is. */
const at = (prose: Prose, index: number) =>
  `${prose.where}, line ${prose.text.slice(0, index).split("\n").length}`;

/** What is wrong with the numbers of one piece of prose, a line each. */
const numberProblems = (prose: Prose) =>
  unbackedNumbers({ ...prose, text: prose.numbersText ?? prose.text }, prose.sources).map(
    ({ quoted, problem }) =>
      `${at(prose, quoted.index)}: "${quoted.text}" ${problem}: ${lineAt(prose.text, quoted.index).trim()}`,
  );

// ---------------------------------------------------------------------------------------------------------------
// Chinese punctuation

/** Chinese text and the full-width punctuation and quotes that go with it. */
const CHINESE = /[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”‘’]/;
const FULL_WIDTH: Record<string, string> = {
  ",": "，",
  ":": "：",
  ";": "；",
  "?": "？",
  "!": "！",
  "(": "（",
  ")": "）",
  '"': "“ ”",
};

/** `text` with what is not prose blanked, same length: code blocks and spans, URLs, link targets, formulas, tags. */
function blankNonProse(text: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, BLANK);
  return text
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, blank)
    .replace(/(`+)[^`]*?\1/g, blank)
    .replace(/\bhttps?:\/\/[^\s)>\]]+/g, blank)
    .replace(/\]\([^)\s]*\)/g, (m) => `]${blank(m.slice(1))}`)
    .replace(/\$\$[\s\S]*?\$\$|\$[^$\n]+\$/g, blank)
    .replace(/<\/?[A-Za-z][^>\n]*>/g, blank);
}

/** A blockquote's ">" at the start of a line: markup, not text. */
const quoteMarker = (text: string, i: number) =>
  text[i] === ">" && /(^|\n)[\s>]*$/.test(text.slice(Math.max(0, i - 20), i));

/** The nearest character on one side, past spaces, line breaks, emphasis and quote markers and blanked text. */
function neighbour(text: string, index: number, step: -1 | 1): string {
  for (let i = index + step; i >= 0 && i < text.length; i += step) {
    if (!/[\s*\uE000]/.test(text[i]!) && !quoteMarker(text, i)) return text[i]!;
  }
  return "";
}
const chineseAt = (text: string, index: number, step: -1 | 1) => CHINESE.test(neighbour(text, index, step));

/** A tuple or interval such as (0, 1) or (3, 3): a formula, ASCII whatever surrounds it. */
const isFormula = (content: string) => /^[\s\d.,+\-−–×]*$/.test(content) && content.includes(",");

/** ASCII punctuation in Chinese prose: each as the offending character and its index in `text`. */
function asciiInChinese(text: string): { char: string; index: number }[] {
  const prose = blankNonProse(text);
  const found: { char: string; index: number }[] = [];
  const hasChinese = HAN.test(prose);
  const open: number[] = [];
  const quotes: number[] = [];
  for (let i = 0; i < prose.length; i++) {
    const c = prose[i]!;
    if (",:;?!".includes(c)) {
      const besideChinese = chineseAt(prose, i, -1) || chineseAt(prose, i, 1);
      // "0.1174,dense", "API:`Input`", "PCA:32": run into what follows, as English does not write it (1,000
      // and 10:30 between digits excepted).
      const next = prose[i + 1] ?? " ";
      const digits = /\d/.test(prose[i - 1] ?? "") && /\d/.test(next);
      const runOn = hasChinese && ",:;".includes(c) && !/\s/.test(next) && !digits;
      if (besideChinese || runOn) found.push({ char: c, index: i });
    } else if (c === "(") {
      open.push(i);
    } else if (c === ")" && open.length > 0) {
      const start = open.pop()!;
      const content = prose.slice(start + 1, i).replace(/\uE000/g, "");
      // Conv2D(32, (3, 3)) is a call: Latin, whatever surrounds it, unless it holds Chinese.
      const call = /[A-Za-z0-9_]/.test(prose[start - 1] ?? "");
      const besideChinese = chineseAt(prose, start, -1) || chineseAt(prose, i, 1);
      if (HAN.test(content) || (besideChinese && !call && !isFormula(content))) {
        found.push({ char: "(", index: start }, { char: ")", index: i });
      }
    } else if (c === '"') {
      quotes.push(i);
    }
  }
  for (let q = 0; q + 1 < quotes.length; q += 2) {
    const [start, end] = [quotes[q]!, quotes[q + 1]!];
    if (HAN.test(prose.slice(start + 1, end)) || chineseAt(prose, start, -1) || chineseAt(prose, end, 1)) {
      found.push({ char: '"', index: start }, { char: '"', index: end });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** What is wrong with the punctuation of one piece of prose, a line each, with the text around it. */
function punctuationProblems(prose: Prose): string[] {
  return asciiInChinese(prose.text).map(({ char, index }) => {
    const around = `${prose.text.slice(Math.max(0, index - 15), index)}【${char}】${prose.text.slice(index + 1, index + 16)}`;
    return `${at(prose, index)}: ASCII ${char} in Chinese prose, write ${FULL_WIDTH[char]}: …${around.replace(/\n/g, "⏎").replace(/\uE000/g, "·")}…`;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The checks

const failIfAny = (problems: string[]) => {
  if (problems.length > 0) assert.fail(`${problems.length} to fix:\n${problems.join("\n")}`);
};

describe("the rules, by example", () => {
  const sources: Sources = {
    numbers: [
      { value: 0.08351222425699234, source: "weights/weights.json" },
      { value: 0.086, source: "results/course.json" },
    ],
    percents: [{ value: 52, source: "results/export.json" }],
    seconds: [
      { value: 232, source: "weights/weights.json" },
      { value: 171, source: "results/export.json" },
    ],
    sizes: [
      { value: 3045, source: "scripts/setup/" },
      { value: 275, source: "scripts/setup/" },
    ],
  };
  const failing = (text: string) =>
    unbackedNumbers({ where: "x", text }, sources).map(({ quoted, problem }) =>
      problem.startsWith("is the course's") ? `${quoted.text} (course unnamed)` : quoted.text,
    );

  test("numbers: found at the precision printed, or a problem", () => {
    assert.deepEqual(failing("深度自编码器 0.0835,低 52%,约 4 分钟,2 分 51 秒,3–4 分钟,几秒钟"), []);
    assert.deepEqual(failing("深度自编码器 0.0855,低 37%,约 9 分钟,一两分钟,0.08"), [
      "0.0855",
      "37%",
      "9 分钟",
      "一两分钟",
    ]);
    assert.deepEqual(failing("深度模型 `loss: 0.0860`"), ["0.0860 (course unnamed)"]);
    assert.deepEqual(failing("课程中深度模型 `loss: 0.0860`"), []);
    // Structural numbers and versions are not measurements.
    assert.deepEqual(failing("784 → 32,σ 0.5 和 3.0,5.2.2.1 节,TensorFlow 2.21.0,[0, 1],7×7×32"), []);
  });

  test("sizes, and in README decimal ratios: found in a source at the precision printed", () => {
    assert.deepEqual(
      failing("about 3.0 GB in all, the wheel 275 MB; the wheel 274 MB, node_modules 1.4 GB"),
      ["274 MB", "1.4 GB"],
    );
    const inReadme = (text: string) =>
      unbackedNumbers({ where: "README.md", text, ratios: true }, sources).map(({ quoted }) => quoted.text);
    assert.deepEqual(inReadme("0.0835 倍, 255 倍, 28×28, 7×7×32, a 10 × 10 grid; 1.6x faster, 2.3 倍"), [
      "1.6x",
      "2.3 倍",
    ]);
    assert.deepEqual(failing("三个模型的训练时间是两个的 1.5 倍"), [], "in a lesson, a ratio is arithmetic");
  });

  test("a note in docs/ quotes the bench records it names, and only those", () => {
    // docs/vae-design.md's run of 00:35: its VAE's share of drawn codes with no test code within 0.1 σ, as printed.
    const quote = "VAE 3.2 % (bench/vae-prototype/quality-06-2026-12-07-00-35.json)";
    // Over no other source, so that a lesson's record printing the same number does not back it here
    const none: Sources = { numbers: [], percents: [], seconds: [], sizes: [] };
    const unbacked = (text: string) =>
      unbackedNumbers({ where: "docs/x.md", text }, withCitedRecords(text, none) ?? none).map(
        ({ quoted }) => quoted.text,
      );
    assert.deepEqual(unbacked(quote), []);
    assert.deepEqual(unbacked("VAE 3.2 % (bench/vae-prototype/quality-06-2026-12-07-00-17.json)"), ["3.2 %"]);
    assert.deepEqual(unbacked("VAE 3.2 %"), ["3.2 %"]);
    assert.equal(withCitedRecords("no bench record here, nor bench/no-such-folder/"), undefined);
  });

  test("README: its generated parts are left to the test that holds them to their files", () => {
    const { start, end } = markers("setup-steps");
    const text = `hand-typed 274 MB\n${start}\n| npm packages | about 40 s | 700 MB |\n${end}\n`;
    const blanked = withoutGeneratedParts(text);
    assert.equal(blanked.length, text.length);
    assert.equal(blanked.split("\n").length, text.split("\n").length);
    assert.deepEqual(
      quotedNumbers(blanked, sources).map((quoted) => quoted.text),
      ["274 MB"],
    );
  });

  test("punctuation: ASCII beside Chinese is found; code, formulas and Latin text keep theirs", () => {
    const marked = (text: string) => asciiInChinese(text).map(({ char }) => char);
    assert.deepEqual(marked('**定义**:自动编码器(Autoencoder),把"压缩"学会?'), [
      ":",
      "(",
      ")",
      ",",
      '"',
      '"',
      "?",
    ]);
    assert.deepEqual(marked("二元交叉熵也一样，PCA 0.1174,dense 0.0914"), [","]);
    assert.deepEqual(marked("## 2、PCA:32 个主成分；函数式 API:`Input`；1,000 张，10:30"), [":", ":"]);
    assert.deepEqual(marked("（像素值 0–255,\n> 而模型"), [","]);
    assert.deepEqual(marked("解码器的输出是 sigmoid 值 (0, 1)，交叉熵"), []);
    assert.deepEqual(
      marked("用 `Model(inputs=..., outputs=...)`：Conv2D(32, (3, 3), relu, same)，[0, 1]"),
      [],
    );
    assert.deepEqual(marked("see https://example.com/a?b=1,c 中文"), []);
    assert.deepEqual(marked("x_train: [60000, 784]"), []);
  });

  test("the Chinese of code: strings with template expressions blanked, and comments, apart", () => {
    const code =
      '// 注释,也查\nconsole.log(`epochs = ${f("a")},训练图片`, "plain", "原图"); /* 块注释 */ // plain';
    assert.deepEqual(chineseText(code), {
      strings: [`epochs = ${BLANK.repeat(9)},训练图片`, "原图"],
      comments: [" 注释,也查", " 块注释 "],
    });
    assert.deepEqual(chineseStrings(code), chineseText(code).strings);
  });
});

describe("results/course.json: the course's numbers, each with its line", () => {
  test("each value is in the line it comes from", () => {
    const entries = Object.entries(course.numbers);
    assert.ok(entries.length > 0);
    for (const [name, entry] of entries)
      assert.ok(entry.line.includes(entry.value), `${name}: ${entry.line}`);
  });

  test("each line is in the course text", (t) => {
    if (!existsSync(COURSE_TEXT)) {
      t.skip(`the course text is not at ${COURSE_TEXT} (set AE_COURSE_TEXT): its lines were not checked`);
      return;
    }
    const lines = new Set(
      readFileSync(COURSE_TEXT, "utf8")
        .split(/\r?\n/)
        .map((line) => line.trim()),
    );
    for (const [name, entry] of Object.entries(course.numbers)) {
      assert.ok(lines.has(entry.line.trim()), `${name}: not a line of ${COURSE_TEXT}: ${entry.line}`);
    }
  });
});

test(
  "results/export.json, where npm run record wrote an export at the defaults: each lesson's and answer notebook's runs",
  { skip: !exported && "not written yet (npm run record writes it from an export at the defaults)" },
  () => {
    const all = { ...exported?.lessons, ...objectWithKeysPrefixed(exported?.answers ?? {}, "answers/") };
    for (const [lesson, runs] of Object.entries(all)) {
      assert.ok(runs.length > 0, lesson);
      for (const run of runs) {
        assert.ok(Number.isFinite(run.seconds) && run.seconds >= 0, `${lesson}: seconds ${run.seconds}`);
        assert.ok(Array.isArray(run.results), `${lesson}: results`);
      }
    }
  },
);

/** `record` with each key prefixed: the answer notebooks' runs beside the lessons' of the same name. */
function objectWithKeysPrefixed<T>(record: Record<string, T>, prefix: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [`${prefix}${key}`, value]));
}

const DOCUMENTS = readDocuments();

describe("every measured-looking number in the prose has a source", () => {
  for (const document of DOCUMENTS) {
    // The markdown, and the comments beside the code (a reader takes "在两核 … 上 0.0713" there as measured too).
    const comments = document.strings.filter((prose) => prose.where.endsWith("(a comment)"));
    test(document.file, () =>
      failIfAny([...document.markdown, ...comments].flatMap((p) => numberProblems(p))),
    );
  }
});

describe("Chinese prose has Chinese punctuation", () => {
  for (const document of DOCUMENTS) {
    test(`${document.file}: markdown`, () => failIfAny(document.markdown.flatMap(punctuationProblems)));
    if (document.strings.length > 0) {
      test(`${document.file}: the Chinese in its code (what it prints, and comments)`, () =>
        failIfAny(document.strings.flatMap(punctuationProblems)));
    }
  }
});

// ---------------------------------------------------------------------------------------------------------------
// One vocabulary: the guide's term list (part 八), held here. Each entry is a way of writing a term that the
// lessons, answers, guide, README and the library's Chinese avoid; quotations of the course (in “”) keep its words.

const VOCABULARY: { avoid: RegExp; listed: string[]; use: string }[] = [
  { avoid: /轮(?!廓)/g, listed: ["轮", "轮次"], use: "epoch" },
  { avoid: /迭代/g, listed: ["迭代"], use: "步 (a step), or epoch" },
  {
    avoid: /隐空间|隐变量|潜在空间/g,
    listed: ["隐空间", "隐变量", "潜在空间"],
    use: "编码空间 / 编码（潜在表示）",
  },
  { avoid: /过滤器|滤波器/g, listed: ["过滤器", "滤波器"], use: "卷积核" },
  { avoid: /(?<!平均训练|平均)图像/g, listed: ["图像"], use: "图片" },
  { avoid: /先猜/g, listed: ["先猜再运行", "先猜"], use: "先预测，再运行" },
];

/** The guide's term list, which itself names the words avoided. */
const TERM_LIST = /## 八、用词表\n[\s\S]*?(?=\n## )/;

/** `text` without the course's words quoted in “” and without the guide's term list. */
const withoutQuotesAndTermList = (text: string) =>
  text.replace(TERM_LIST, "").replace(/“[^”\n]*”/g, (quoted) => " ".repeat(quoted.length));

function vocabularyProblems(prose: Prose): string[] {
  const text = withoutQuotesAndTermList(prose.text);
  return VOCABULARY.flatMap(({ avoid, use }) =>
    [...text.matchAll(avoid)].map(
      (m) =>
        `${prose.where}: "${m[0]}" is not in the term list's words, write ${use}: …${text.slice(Math.max(0, (m.index ?? 0) - 20), (m.index ?? 0) + 20).replace(/\n/g, "⏎")}…`,
    ),
  );
}

describe("one vocabulary: the guide's term list", () => {
  test("the guide's term list names every word the prose avoids", () => {
    const guide = readFileSync(join(ROOT, "docs", "teacher-guide.zh.md"), "utf8");
    const list = TERM_LIST.exec(guide)?.[0] ?? "";
    assert.ok(list, "the guide has its term list (## 八、用词表)");
    for (const word of VOCABULARY.flatMap((entry) => entry.listed)) assert.ok(list.includes(word), word);
  });

  test("a word the term list avoids is found; quotations of the course and 轮廓 are not", () => {
    const problems = (text: string) => vocabularyProblems({ where: "x", text });
    assert.equal(problems("训练 5 轮，每轮 235 步").length, 2);
    assert.equal(problems("32 个过滤器，先猜再运行").length, 2);
    assert.equal(problems("这张图像的编码").length, 1);
    assert.deepEqual(problems("始终输出平均训练图像；数字的轮廓；课程说“迭代50次效果”"), []);
  });

  for (const document of DOCUMENTS) {
    test(`${document.file}`, () =>
      failIfAny([...document.markdown, ...document.strings].flatMap(vocabularyProblems)));
  }
});

// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// The architecture's rules hold by tools, not by a hand-kept table: dependency-cruiser checks the import rules
// (.dependency-cruiser.cjs, in `npm run check`) and ESLint the file-size cap. Here each rule must catch a wrong
// import planted in a small tree of the same shape, and ARCHITECTURE.md stays a ten-minute read that names only
// files that exist.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { ESLint } from "eslint";
import { ROOT } from "../scripts/project.js";

const PAGE_FILE = join(ROOT, "ARCHITECTURE.md");
const PAGE = readFileSync(PAGE_FILE, "utf8");
/** "ARCHITECTURE.md at 15 KB or less": a page a newcomer reads in ten minutes. */
const PAGE_BYTES = 15 * 1024;

/** A tree of the project's shape, each file with its text; every wrong import in it is planted on purpose. */
const PLANTED: Record<string, string> = {
  "package.json": '{ "type": "module" }\n',
  "tsconfig.json":
    '{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext", "allowJs": true } }\n',
  "src/shared/data.ts": "export const loadMnist = 1;\n",
  "src/shared/index.ts": 'export { loadMnist } from "./data";\n', // allowed: a module of its own package
  "src/engine/graph/graphFit.ts": "export const graphFit = 1;\n",
  "src/engine/index.ts": 'export { graphFit } from "./graph/graphFit";\n', // allowed
  // The engine imports a lesson helper.
  "src/engine/graph/progressNotice.ts":
    'import { loadMnist } from "../../shared/data";\nexport const n = loadMnist;\n',
  // The engine's tests import a lesson's script.
  "src/engine/test/models.test.ts": 'import { a } from "../../../scripts/a.js";\nexport const m = a;\n',
  // The library takes a module from inside the engine instead of its entry.
  "src/shared/training.ts":
    'import { graphFit } from "../engine/graph/graphFit";\nexport const t = graphFit;\n',
  // A package imports a script.
  "src/shared/paths.ts": 'import { b } from "../../scripts/b.js";\nexport const p = b;\n',
  // A script takes a library file instead of an entry.
  "scripts/export.js": 'import { loadMnist } from "../src/shared/data.ts";\nexport const e = loadMnist;\n',
  // Two scripts import each other.
  "scripts/a.js": 'import { b } from "./b.js";\nexport const a = 1;\nexport const ab = b;\n',
  "scripts/b.js": 'import { a } from "./a.js";\nexport const b = 2;\nexport const ba = a;\n',
};

/** The rule each planted wrong import must break, as dependency-cruiser names it: "rule: from -> to". */
const EXPECTED = [
  "engine-apart-from-lessons: src/engine/graph/progressNotice.ts -> src/shared/data.ts",
  "engine-apart-from-lessons: src/engine/test/models.test.ts -> scripts/a.js",
  "library-through-engine-entries: src/shared/training.ts -> src/engine/graph/graphFit.ts",
  "no-cycles: scripts/a.js -> scripts/b.js", // a cycle is named once, at its first edge
  "packages-not-into-scripts: src/engine/test/models.test.ts -> scripts/a.js",
  "packages-not-into-scripts: src/shared/paths.ts -> scripts/b.js",
  "scripts-through-entries: scripts/export.js -> src/shared/data.ts",
];

const work = mkdtempSync(join(tmpdir(), "ae-architecture-"));
after(() => rmSync(work, { recursive: true, force: true }));

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** dependency-cruiser run as `npm run deps` runs it, with the project's own rules, on `dir`. */
function cruise(dir: string): Violation[] {
  const result = spawnSync(
    join(ROOT, "node_modules", ".bin", "depcruise"),
    ["src", "scripts", "--config", ".dependency-cruiser.cjs", "--output-type", "json"],
    { cwd: dir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  assert.ok(result.stdout, `depcruise printed nothing: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe("the import rules (dependency-cruiser)", () => {
  test("each rule names the wrong import planted for it, and nothing else", () => {
    const tree = join(work, "planted");
    for (const [file, text] of Object.entries(PLANTED)) {
      mkdirSync(dirname(join(tree, file)), { recursive: true });
      writeFileSync(join(tree, file), text);
    }
    copyFileSync(join(ROOT, ".dependency-cruiser.cjs"), join(tree, ".dependency-cruiser.cjs"));
    const found = cruise(tree).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    assert.deepEqual([...new Set(found)].sort(), EXPECTED);
  });

  test("the project's own tree keeps them, and npm run check runs them", () => {
    assert.deepEqual(
      cruise(ROOT).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`),
      [],
    );
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    assert.match(pkg.scripts.check ?? "", /npm run deps\b/);
    assert.match(pkg.scripts.deps ?? "", /^depcruise .*--config \.dependency-cruiser\.cjs/);
  });
});

describe("the file-size cap (ESLint's max-lines)", () => {
  const eslint = new ESLint({ cwd: ROOT });
  const tooLong = `${Array.from({ length: 301 }, (_, i) => `export const line${i} = ${i};`).join("\n")}\n`;
  const rulesBroken = async (file: string, text: string) =>
    (await eslint.lintText(text, { filePath: join(ROOT, file) })).flatMap((r) =>
      r.messages.map((m) => m.ruleId),
    );

  test("a module of a package or a script over 300 lines fails the lint", async () => {
    for (const file of ["src/engine/graph/planted.ts", "src/shared/planted.ts", "scripts/setup/planted.js"]) {
      assert.deepEqual(await rulesBroken(file, tooLong), ["max-lines"], file);
      assert.deepEqual(
        await rulesBroken(file, tooLong.split("\n").slice(1).join("\n")),
        [],
        `${file}, 300 lines`,
      );
    }
  });

  test("tests may be longer", async () => {
    assert.deepEqual(await rulesBroken("src/engine/test/planted.test.ts", tooLong), []);
    assert.deepEqual(await rulesBroken("test/planted.test.ts", tooLong), []);
  });
});

describe("ARCHITECTURE.md", () => {
  test(`is a ten-minute read: ${PAGE_BYTES / 1024} KB or less`, () => {
    const bytes = statSync(PAGE_FILE).size;
    assert.ok(bytes <= PAGE_BYTES, `ARCHITECTURE.md has ${bytes} bytes`);
  });

  test("every file and folder it names exists", () => {
    const named = [
      // A path with a placeholder (`test/<module>.test.ts`) names a kind of file, not one file.
      ...PAGE.matchAll(/`((?:src|scripts|test|docs|bench|notebooks|results|weights)\/[^`\s<>]*)`/g),
    ].map((m) => m[1] ?? "");
    assert.ok(named.length > 10, `the page names the files it speaks of (found ${named.length})`);
    for (const path of named) {
      assert.ok(
        existsSync(join(ROOT, path.replace(/\*.*$/, ""))),
        `ARCHITECTURE.md names ${path}, which is not there`,
      );
    }
  });

  test("the TypeScript configs cite tests that exist", () => {
    for (const config of ["tsconfig.json", "src/shared/tsconfig.json", "src/engine/tsconfig.json"]) {
      const text = readFileSync(join(ROOT, config), "utf8");
      for (const [path] of text.matchAll(/test\/[\w/.-]+\.test\.ts/g)) {
        assert.ok(existsSync(join(ROOT, path)), `${config} cites ${path}, which is not there`);
      }
    }
  });
});

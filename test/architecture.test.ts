// Test tier: unit (npm run test:unit: no kernel, no browser, no training).
// ARCHITECTURE.md tells the truth: its tables list every module of src/shared/ and scripts/ with the modules
// each one imports, and the code imports exactly those; scripts reach the library only through its public
// entries; every file the page names exists; no module is over 300 lines.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, posix } from "node:path";
import { describe, test } from "node:test";
import { ROOT } from "../scripts/project.js";

const PAGE = readFileSync(join(ROOT, "ARCHITECTURE.md"), "utf8");
/** The library's public entries, as scripts may name them: the lessons' and the one without TensorFlow. */
const ENTRIES = ["ae-shared", "ae-shared/plain"];
const MAX_LINES = 300;

/** The folders the page documents module by module, and how to find their modules. */
const FOLDERS = [
  { folder: "src/shared", ending: ".ts", recursive: false },
  { folder: "scripts", ending: ".js", recursive: true },
];

/** Files below `dir` (relative to it, POSIX separators) that end in `ending`; `dist` and dot-folders left out. */
function modulesIn(dir: string, ending: string, recursive: boolean, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const name = prefix + entry.name;
    if (entry.isDirectory()) {
      return recursive && entry.name !== "dist" && !entry.name.startsWith(".")
        ? modulesIn(join(dir, entry.name), ending, recursive, `${name}/`)
        : [];
    }
    return entry.name.endsWith(ending) ? [name] : [];
  });
}

/** Code without its comments: a `//` line or a line of a `/* ... *\/` block says nothing about what runs. */
const withoutComments = (code: string) =>
  code
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n")
    .filter((line) => !/^\s*\/\//.test(line))
    .join("\n");

/**
 * What a module imports when it runs, as the page names it: sibling modules by their path in the folder, the
 * library by its entry. Packages and Node's own modules are left out.
 */
function importsOf(folder: string, module: string): string[] {
  const code = withoutComments(readFileSync(join(ROOT, folder, module), "utf8"));
  const found = new Set<string>();
  const specifiers = [
    ...code.matchAll(/\bfrom\s+"([^"]+)"/g),
    ...code.matchAll(/\bimport\s+"([^"]+)"/g),
    ...code.matchAll(/\b(?:require|import)\(\s*"([^"]+)"\s*,?\s*\)/g),
    ...code.matchAll(/\)\(\s*"(ae-shared[^"]*)"\s*,?\s*\)/g), // createRequire(...)("ae-shared/plain")
  ].map((match) => match[1] ?? "");
  for (const specifier of specifiers) {
    if (specifier.startsWith(".")) {
      const path = posix.normalize(posix.join(posix.dirname(module), specifier));
      found.add(path.endsWith(".js") || path.endsWith(".ts") ? path : `${path}.ts`);
    } else if (specifier === "ae-shared" || specifier.startsWith("ae-shared/")) {
      found.add(specifier);
    }
  }
  return [...found].sort();
}

/** The page's table under the heading that names `folder`: module -> the imports its last column lists. */
function documentedImports(folder: string): Map<string, string[]> {
  const heading = new RegExp(`^#{2,3} .*\`${folder}/\``, "m");
  const start = PAGE.search(heading);
  assert.ok(start >= 0, `ARCHITECTURE.md has a heading naming \`${folder}/\``);
  const rest = PAGE.slice(start).split("\n").slice(1);
  const table = rest.slice(rest.findIndex((line) => line.startsWith("|")));
  const rows = table
    .slice(
      0,
      table.findIndex((line) => !line.startsWith("|")),
    )
    .slice(2);
  const names = (cell: string | undefined) => [...(cell ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? "");
  const listed = rows.map((row) => row.split("|").slice(1, -1));
  const all = listed.flatMap((cells) => names(cells[0]));
  const modules = new Map<string, string[]>();
  for (const cells of listed) {
    const imports = cells.at(-1) ?? "";
    for (const module of names(cells[0])) {
      // An entry point's row may say "every module but `a`, `b`" (itself left out too).
      const but = /^\s*every module but\b/.exec(imports);
      const except = new Set([module, ...names(imports)]);
      modules.set(module, (but ? all.filter((m) => !except.has(m)) : names(imports)).sort());
    }
  }
  return modules;
}

describe("ARCHITECTURE.md", () => {
  for (const { folder, ending, recursive } of FOLDERS) {
    test(`lists every module of ${folder}/ with the modules it imports, as the code imports them`, () => {
      const documented = documentedImports(folder);
      const modules = modulesIn(join(ROOT, folder), ending, recursive).sort();
      assert.deepEqual([...documented.keys()].sort(), modules, `the modules of ${folder}/ in its table`);
      for (const module of modules) {
        assert.deepEqual(
          documented.get(module),
          importsOf(folder, module),
          `${folder}/${module}: the imports its row lists (last column), against its code`,
        );
      }
    });
  }

  test("scripts reach the library only through its public entries, never its files", () => {
    for (const module of modulesIn(join(ROOT, "scripts"), ".js", true)) {
      const code = withoutComments(readFileSync(join(ROOT, "scripts", module), "utf8"));
      for (const [, specifier] of code.matchAll(/"(ae-shared[^"]*)"/g)) {
        assert.ok(ENTRIES.includes(specifier ?? ""), `scripts/${module} names "${specifier}"`);
      }
      for (const [, specifier] of code.matchAll(/(?:\bfrom\s+|\b(?:require|import)\(\s*)"([^"]+)"/g)) {
        assert.doesNotMatch(
          specifier ?? "",
          /src\/shared/,
          `scripts/${module} imports a file of the library`,
        );
      }
    }
  });

  test("every file and folder it names exists", () => {
    const named = [
      // A path with a placeholder (`test/<module>.test.ts`) names a kind of file, not one file.
      ...PAGE.matchAll(/`((?:src|scripts|test|docs|bench|notebooks|results|weights)\/[^`\s<>]*)`/g),
    ].map((m) => m[1] ?? "");
    assert.ok(named.length > 20, `the page names the files it speaks of (found ${named.length})`);
    for (const path of named) {
      // The scripts table names its modules from scripts/ (`bench/trainTfjs.js`, `setup/room.js`).
      const where = [ROOT, join(ROOT, "scripts")].map((dir) => join(dir, path.replace(/\*.*$/, "")));
      assert.ok(where.some(existsSync), `ARCHITECTURE.md names ${path}, which is not there`);
    }
  });

  test(`no module of src/shared/ or scripts/ is over ${MAX_LINES} lines`, () => {
    for (const { folder, ending, recursive } of FOLDERS) {
      for (const module of modulesIn(join(ROOT, folder), ending, recursive)) {
        const lines = readFileSync(join(ROOT, folder, module), "utf8").split("\n").length - 1;
        assert.ok(lines <= MAX_LINES, `${folder}/${module} has ${lines} lines`);
      }
    }
  });

  test("the TypeScript configs cite tests that exist", () => {
    for (const config of ["tsconfig.json", "src/shared/tsconfig.json"]) {
      const text = readFileSync(join(ROOT, config), "utf8");
      for (const [path] of text.matchAll(/test\/[\w/.-]+\.test\.ts/g)) {
        assert.ok(existsSync(join(ROOT, path)), `${config} cites ${path}, which is not there`);
      }
    }
  });
});

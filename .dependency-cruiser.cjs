// The import rules of ARCHITECTURE.md, checked by dependency-cruiser on every `npm run check`
// (test/architecture.test.ts plants a wrong import of each kind and expects the rule to name it).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment:
        "No two modules import each other, directly or round a loop: a cycle has no order to read it in.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "engine-apart-from-lessons",
      comment:
        "The training engine (src/engine) never imports the lesson library, the scripts, the tests or the notebooks: " +
        "the library imports the engine, never the reverse, and the engine's tests use their own models.",
      severity: "error",
      from: { path: "^src/engine/" },
      to: { path: "^(src/shared|scripts|test|notebooks)/" },
    },
    {
      name: "library-through-engine-entries",
      comment: "The lesson library reaches the engine only through its entries (ae-engine, ae-engine/plain).",
      severity: "error",
      from: { path: "^src/shared/" },
      to: { path: "^src/engine/", pathNot: "^src/engine/dist/(index|plain)\\.js$" },
    },
    {
      name: "scripts-through-entries",
      comment:
        "Scripts reach the packages only through their public entries: ae-shared, ae-shared/plain, ae-engine, " +
        "ae-engine/plain and ae-engine/bench.",
      severity: "error",
      from: { path: "^scripts/" },
      to: {
        path: "^src/(shared|engine)/",
        pathNot: "^src/shared/dist/(index|plain)\\.js$|^src/engine/dist/(index|plain|bench)\\.js$",
      },
    },
    {
      name: "packages-not-into-scripts",
      comment: "The packages never import a script: scripts use the packages, not the other way round.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^scripts/" },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules", "^src/[^/]+/dist/"] },
    exclude: { path: ["^src/[^/]+/dist/.*\\.d\\.ts$", "\\.cache/", "test/\\.output/", "test/fixtures/"] },
    // Scripts load the packages with createRequire (a plain script loads no TensorFlow until it asks).
    exoticRequireStrings: ["requireHere"],
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
      mainFields: ["main"],
    },
  },
};

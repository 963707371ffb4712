// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".venv/", ".cache/", "dist/", "src/*/dist/", "test/.output/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The file-size cap of ARCHITECTURE.md: a module over 300 lines is doing more than one job.
    files: ["src/**/*.ts", "scripts/**/*.js"],
    ignores: ["src/*/test/**"],
    rules: { "max-lines": ["error", { max: 300, skipBlankLines: false, skipComments: false }] },
  },
  {
    // node --test reports through the test process's stdout: a test that swaps process.stdout.write across an
    // await swallows the reports of other tests, which then neither pass nor fail. captureStdout passes them on.
    files: ["test/**/*.ts", "src/*/test/**/*.ts"],
    ignores: ["test/support/kernel.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "AssignmentExpression[left.object.object.name='process'][left.object.property.name='stdout']",
          message:
            "Capture output with captureStdout (test/support/kernel.ts), which passes the test runner's reports on.",
        },
      ],
    },
  },
  {
    languageOptions: { globals: globals.node },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
);

// @ts-check
// Set-up's browser for the browser tests, only where the machine has no Chromium: the one @sparticuz/chromium
// ships, unpacked into .cache/chromium with the NSS libraries it lacks, and a Chinese font (Noto Sans SC, checked
// against its SHA-512) with a fontconfig configuration that lists it, so JupyterLab's Chinese lessons show glyphs.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { BUNDLED_CHROMIUM, chromiumForChecks } from "../project.js";
import { NODE_MODULES, SetupError, log, npmCache, readIfExists, run } from "./common.js";

const CHROMIUM_STAMP = join(BUNDLED_CHROMIUM, ".ae-sparticuz-chromium-version");
/** The installed @sparticuz/chromium's version; undefined before npm has installed it (set-up plans first). */
const sparticuzVersion = () => {
  const text = readIfExists(join(NODE_MODULES, "@sparticuz", "chromium", "package.json"));
  return text === undefined ? undefined : String(JSON.parse(text).version);
};

/**
 * The font that gives the unpacked Chromium Chinese (and Latin) glyphs: @sparticuz/chromium ships Open Sans
 * only, and a fresh machine may have no fonts at all, so JupyterLab's Chinese lessons would show nothing or
 * boxes. Noto Sans SC Regular (SIL OFL), as TrueType, from the npm package that Expo keeps for Google Fonts:
 * fetched with `npm pack` (the registry set-up already uses), checked against its SHA-512, one file kept.
 */
export const CHINESE_FONT = {
  spec: "@expo-google-fonts/noto-sans-sc@0.4.3",
  sha512:
    "f6b0307454c51db3bfbba0acd208f68d96d6ef84c62226853509d7607dace700356f3564c1b6af88be2df18515eb8d9e1988e0f3a787e8390011099f3470e771",
  file: "package/400Regular/NotoSansSC_400Regular.ttf",
  /** The tarball's size (what `npm pack` downloads) and the kept font's, in MB, for the README and the plan. */
  downloadMB: 57,
  sizeMB: 11,
};

/**
 * fontconfig's configuration for the unpacked Chromium in `dir`: the fonts it ships (Open Sans) and the Chinese
 * font set-up adds, and a cache of its own. The package's own fonts.conf lists AWS Lambda's folders
 * (/var/task/fonts, /tmp/fonts...), which exist nowhere else: with it the browser had no font at all.
 * @param {string} dir
 */
export function chromiumFontsConf(dir) {
  /** @param {string} path */
  const xml = (path) => path.replace(/[&<>"']/g, (c) => `&#${/** @type {number} */ (c.codePointAt(0))};`);
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    // Kept word for word: done() compares the whole file, so a changed line redoes the step on every checkout.
    "<!-- Written by the lesson pack's set-up (scripts/setup.js): the fonts the test browser may use. -->",
    "<fontconfig>",
    `  <dir>${xml(join(dir, "fonts", "fonts"))}</dir>`,
    `  <dir>${xml(join(dir, "fonts", "chinese"))}</dir>`,
    `  <cachedir>${xml(join(dir, "fonts", "cache"))}</cachedir>`,
    "</fontconfig>",
    "",
  ].join("\n");
}

/** What the stamp records: the browser's package version and the font's, so a change of either redoes the step. */
const chromiumStampText = () => `${sparticuzVersion()} ${CHINESE_FONT.spec}`;

/** @type {import("./common.js").Step} */
export const headlessChromium = {
  name: "headless Chromium (for the browser tests)",
  needs: [],
  time: "about 10 s",
  room: (env) => [
    { where: BUNDLED_CHROMIUM, mb: 290, what: ".cache/chromium (the browser, its font)" },
    { where: npmCache(env), mb: 60, what: "npm's cache (the font's package)" },
  ],
  done() {
    if (chromiumForChecks().source !== "@sparticuz/chromium") return true;
    return (
      sparticuzVersion() !== undefined &&
      readIfExists(CHROMIUM_STAMP) === chromiumStampText() &&
      // Written with the checkout's path: a moved checkout writes it anew.
      readIfExists(join(BUNDLED_CHROMIUM, "fonts", "fonts.conf")) === chromiumFontsConf(BUNDLED_CHROMIUM)
    );
  },
  run(env) {
    // Unpacked in another folder (a moved checkout, the offline bundle): only the fonts' paths are stale.
    if (readIfExists(CHROMIUM_STAMP) === chromiumStampText() && chineseFontKept()) {
      log("    unpacked before, in another folder: its fonts' configuration written for this one");
      writeFileSync(join(BUNDLED_CHROMIUM, "fonts", "fonts.conf"), chromiumFontsConf(BUNDLED_CHROMIUM));
      return;
    }
    log(
      "    no Chromium here (CHROMIUM_PATH unset, no /usr/bin/chromium): unpacking the one @sparticuz/chromium ships",
    );
    log(
      `    with ${CHINESE_FONT.spec}'s Noto Sans SC (${CHINESE_FONT.downloadMB} MB download, keeps ${CHINESE_FONT.sizeMB} MB)`,
    );
    unpackBundledChromium(env);
    writeFileSync(CHROMIUM_STAMP, chromiumStampText());
  },
};

/** Whether the unpacked browser and the Chinese font set-up added are in .cache/chromium. */
function chineseFontKept() {
  return (
    existsSync(join(BUNDLED_CHROMIUM, "chromium")) &&
    existsSync(join(BUNDLED_CHROMIUM, "fonts", "chinese", basename(CHINESE_FONT.file)))
  );
}

/**
 * Unpacks the Chromium that @sparticuz/chromium ships (inside its npm tarball, brotli-compressed) into `target`:
 * the browser, its fonts and software GL, and the NSS libraries a machine without a Chromium lacks; adds the
 * Chinese font and a fontconfig configuration that lists both fonts.
 * @param {NodeJS.ProcessEnv} env
 */
export function unpackBundledChromium(env, target = BUNDLED_CHROMIUM) {
  const partial = `${target}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  // The package unpacks into the temporary folder; it adds the NSS libraries only where it believes it runs
  // on Amazon Linux 2023, which AWS_LAMBDA_JS_RUNTIME tells it.
  run(
    process.execPath,
    ["--input-type=module", "-e", 'await (await import("@sparticuz/chromium")).default.executablePath();'],
    {
      env: { ...env, TMPDIR: partial, AWS_LAMBDA_JS_RUNTIME: "nodejs22.x" },
      what: "unpacking @sparticuz/chromium",
      fix: "re-run set-up; if it repeats, remove node_modules and re-run, or set CHROMIUM_PATH to a Chromium.",
    },
  );
  fetchChineseFont(env, join(partial, "fonts", "chinese"));
  rmSync(target, { recursive: true, force: true });
  renameSync(partial, target);
  // fontconfig reads the final path, so the configuration is written once the folder is in place.
  writeFileSync(join(target, "fonts", "fonts.conf"), chromiumFontsConf(target));
}

/**
 * Downloads CHINESE_FONT's package with `npm pack` into `dest`, checks it, and keeps only the font file there.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} dest
 */
function fetchChineseFont(env, dest) {
  mkdirSync(dest, { recursive: true });
  const [packed] = JSON.parse(
    run("npm", ["pack", CHINESE_FONT.spec, "--json", "--silent", "--pack-destination", dest], {
      env,
      what: `npm pack ${CHINESE_FONT.spec}`,
      fix: "check that the npm registry is reachable (npm ping), or set CHROMIUM_PATH to a Chromium that has fonts.",
    }),
  );
  const tarball = join(dest, packed.filename);
  const bytes = readFileSync(tarball);
  const found = createHash("sha512").update(bytes).digest("hex");
  rmSync(tarball);
  if (found !== CHINESE_FONT.sha512) {
    throw new SetupError(
      `${CHINESE_FONT.spec} from the registry is not the one set-up was written for: expected SHA-512 ${CHINESE_FONT.sha512}, found ${found}.`,
      "check your npm registry (npm config get registry); it should serve the public package unchanged.",
    );
  }
  writeFileSync(join(dest, basename(CHINESE_FONT.file)), fileFromTarball(bytes, CHINESE_FONT.file));
}

/**
 * One file's bytes from a .tgz (npm's tarballs: gzip over ustar), so that no system `tar` is needed.
 * @param {Buffer} tgz
 * @param {string} name
 */
export function fileFromTarball(tgz, name) {
  const tar = gunzipSync(tgz);
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    const field = (/** @type {number} */ start, /** @type {number} */ length) =>
      header
        .subarray(start, start + length)
        .toString("utf8")
        .replace(/\0.*$/s, "");
    if (field(0, 100) === "") break; // the two empty blocks that end an archive
    const path = [field(345, 155), field(0, 100)].filter(Boolean).join("/");
    const size = parseInt(field(124, 12).trim() || "0", 8);
    if (path === name) return tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new SetupError(
    `${name} is not in the package's tarball.`,
    "check CHINESE_FONT in scripts/setup/headlessChromium.js.",
  );
}

// The browser checks' Chromium: the system's where there is one, else the one @sparticuz/chromium ships, which
// set-up unpacks. That one must run on a machine with no Chromium and none of its libraries.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, test } from "node:test";
import { BUNDLED_CHROMIUM, ROOT, chromiumForChecks, unpackedChromium } from "../../scripts/project.js";
import {
  CHINESE_FONT,
  chromiumFontsConf,
  unpackBundledChromium,
} from "../../scripts/setup/headlessChromium.js";
import { CHROMIUM_ARGS } from "../support/browser.js";

test("CHROMIUM_PATH first, then the system's, then the one set-up unpacks, with its libraries", () => {
  assert.deepEqual(
    chromiumForChecks({ CHROMIUM_PATH: "/opt/chrome" }, [process.execPath]).path,
    "/opt/chrome",
  );
  assert.equal(chromiumForChecks({}, [process.execPath]).path, process.execPath);
  assert.equal(
    chromiumForChecks({}, ["/dev/null", ROOT]).source,
    "@sparticuz/chromium",
    "not a device or a folder",
  );
  const bundled = chromiumForChecks({}, ["/no/such/chromium"]);
  assert.equal(bundled.source, "@sparticuz/chromium");
  assert.equal(bundled.path, join(BUNDLED_CHROMIUM, "chromium"));
  assert.equal(bundled.env.LD_LIBRARY_PATH, join(BUNDLED_CHROMIUM, "al2023", "lib"));
});

// Under a path with a space and Chinese characters, as a teacher's checkout may be: fontconfig reads it from XML.
const target = join(mkdtempSync(join(tmpdir(), "ae chromium 字体 ")), "chromium");
after(() => rmSync(join(target, ".."), { recursive: true, force: true }));

/** What the child prints for each glyph drawn: its dark pixels, as a count and as a bit string. */
interface Glyph {
  char: string;
  ink: number;
  bits: string;
}

test("on a machine with no Chromium, no NSS libraries and no fonts, the unpacked one draws Latin and Chinese glyphs", () => {
  unpackBundledChromium(process.env, target);
  const unpacked = unpackedChromium(target, {});
  assert.ok(existsSync(unpacked.path), "the browser");
  assert.ok(existsSync(join(target, "al2023", "lib", "libnss3.so")), "its NSS libraries");
  assert.equal(
    readFileSync(join(target, "fonts", "fonts.conf"), "utf8"),
    chromiumFontsConf(target),
    "fontconfig lists the fonts set-up put beside the browser, and only those",
  );
  // The sizes README gives for the font are the ones set-up has.
  const font = readFileSync(join(target, "fonts", "chinese", basename(CHINESE_FONT.file)));
  assert.equal(Math.round(font.length / 1e6), CHINESE_FONT.sizeMB, "the kept font's size");
  const [name] = CHINESE_FONT.spec.split(/(?<=.)@/);
  assert.ok(
    readFileSync(join(ROOT, "README.md"), "utf8").includes(
      `(${CHINESE_FONT.sizeMB} MB, from the npm package \`${name}\`, a ${CHINESE_FONT.downloadMB} MB download`,
    ),
    "README says what set-up adds for the browser, and its size",
  );
  // A small playwright run in a child, as the browser tests launch it. Each character is drawn in the page's
  // default sans-serif on a canvas, and its pixels read back: with no font it draws nothing, and with no Chinese
  // font every Chinese character draws the same box ("tofu"). U+10FFFD is a private-use code point no font has.
  const chars = ["自", "编", "码", "器", "A", "B", "g", "\u{10FFFD}"];
  const script = `
    const { chromium } = require("playwright-core");
    (async () => {
      const browser = await chromium.launch({
        executablePath: ${JSON.stringify(unpacked.path)},
        env: { ...process.env, ...${JSON.stringify(unpacked.env)} },
        args: ${JSON.stringify(CHROMIUM_ARGS)},
      });
      const page = await browser.newPage();
      await page.setContent('<p><span id=t style="font: 32px sans-serif">自编码器 autoencoder</span></p>');
      const width = await page.evaluate(() => document.getElementById("t").getBoundingClientRect().width);
      const glyphs = await page.evaluate((chars) => chars.map((char) => {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 64;
        const ctx = canvas.getContext("2d");
        ctx.fillStyle = "#fff";
        ctx.fillRect(0, 0, 64, 64);
        ctx.fillStyle = "#000";
        ctx.font = "48px sans-serif";
        ctx.textBaseline = "top";
        ctx.fillText(char, 8, 4);
        const data = ctx.getImageData(0, 0, 64, 64).data;
        let bits = "";
        for (let i = 0; i < data.length; i += 4) bits += data[i] < 128 ? "1" : "0";
        return { char, ink: bits.split("1").length - 1, bits };
      }), ${JSON.stringify(chars)});
      console.log(JSON.stringify({ width, glyphs }));
      await browser.close();
    })().catch((e) => { console.error(e); process.exit(1); });`;
  // Debian's Chromium, the system's NSS libraries and its fonts hidden in a mount namespace of its own (root
  // only; elsewhere the same launch runs without hiding them, and says so).
  const hide = [
    "/usr/bin/chromium",
    ...["libnss3.so", "libnspr4.so", "libnssutil3.so", "libplc4.so", "libplds4.so", "libsoftokn3.so"].map(
      (lib) => `/usr/lib/x86_64-linux-gnu/${lib}`,
    ),
  ].filter((path) => existsSync(path));
  const hideFonts = ["/usr/share/fonts", "/usr/local/share/fonts"].filter((path) => existsSync(path));
  const canHide = process.getuid?.() === 0 && spawnSync("unshare", ["-m", "true"]).status === 0;
  const mounts = [
    ...hide.map((path) => `mount --bind /dev/null ${path}`),
    ...hideFonts.map((path) => `mount -t tmpfs none ${path}`),
  ].join(" && ");
  const result = canHide
    ? spawnSync(
        "unshare",
        ["-m", "sh", "-c", `${mounts || "true"} && exec node -e '${script.replaceAll("'", "'\\''")}'`],
        { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
      )
    : spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  assert.equal(
    result.status,
    0,
    `${canHide ? "with" : "WITHOUT"} the system's Chromium, libraries and fonts hidden:\n${result.stderr}`,
  );
  const { width, glyphs } = JSON.parse(result.stdout) as { width: number; glyphs: Glyph[] };
  assert.ok(width > 200, `the text takes room on the page (width ${width} px)`);
  const [tofu, ...drawn] = [glyphs.at(-1)!, ...glyphs.slice(0, -1)];
  for (const glyph of drawn) {
    assert.ok(glyph.ink >= 20, `"${glyph.char}" is drawn (${glyph.ink} dark pixels)`);
    assert.notEqual(glyph.bits, tofu.bits, `"${glyph.char}" is a glyph, not the missing-glyph box`);
  }
  for (const [i, a] of drawn.entries()) {
    for (const b of drawn.slice(i + 1)) {
      assert.notEqual(a.bits, b.bits, `"${a.char}" and "${b.char}" draw differently`);
    }
  }
});

// The browser checks' Chromium: the system's where there is one, else the one @sparticuz/chromium ships, which
// set-up unpacks. That one must run on a machine with no Chromium and none of its libraries.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BUNDLED_CHROMIUM, ROOT, chromiumForChecks, unpackedChromium } from "../../scripts/project.js";
import { unpackBundledChromium } from "../../scripts/setup.js";
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

const target = join(mkdtempSync(join(tmpdir(), "ae-chromium-")), "chromium");
after(() => rmSync(join(target, ".."), { recursive: true, force: true }));

test("on a machine with no Chromium and no NSS libraries, the unpacked one renders a page", () => {
  unpackBundledChromium(process.env, target);
  const unpacked = unpackedChromium(target, {});
  assert.ok(existsSync(unpacked.path), "the browser");
  assert.ok(existsSync(join(target, "al2023", "lib", "libnss3.so")), "its NSS libraries");
  // A small playwright run in a child, as the browser tests launch it.
  const script = `
    const { chromium } = require("playwright-core");
    (async () => {
      const browser = await chromium.launch({
        executablePath: ${JSON.stringify(unpacked.path)},
        env: { ...process.env, ...${JSON.stringify(unpacked.env)} },
        args: ${JSON.stringify(CHROMIUM_ARGS)},
      });
      const page = await browser.newPage();
      await page.setContent("<p id=p>自编码器 autoencoder</p>");
      console.log("rendered:", await page.textContent("#p"));
      await browser.close();
    })().catch((e) => { console.error(e); process.exit(1); });`;
  // Debian's Chromium and the system's NSS libraries hidden in a mount namespace of its own (root only;
  // elsewhere the same launch runs without hiding them, and says so).
  const hide = [
    "/usr/bin/chromium",
    ...["libnss3.so", "libnspr4.so", "libnssutil3.so", "libplc4.so", "libplds4.so", "libsoftokn3.so"].map(
      (lib) => `/usr/lib/x86_64-linux-gnu/${lib}`,
    ),
  ].filter((path) => existsSync(path));
  const canHide = process.getuid?.() === 0 && spawnSync("unshare", ["-m", "true"]).status === 0;
  const mounts = hide.map((path) => `mount --bind /dev/null ${path}`).join(" && ");
  const result = canHide
    ? spawnSync(
        "unshare",
        ["-m", "sh", "-c", `${mounts || "true"} && exec node -e '${script.replaceAll("'", "'\\''")}'`],
        {
          cwd: ROOT,
          encoding: "utf8",
          timeout: 120_000,
        },
      )
    : spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  assert.equal(
    result.status,
    0,
    `${canHide ? "with" : "WITHOUT"} the system's Chromium hidden:\n${result.stderr}`,
  );
  assert.match(result.stdout, /rendered: 自编码器 autoencoder/);
});

// Charts outside a notebook, in a plain Node script: nodeplotlib serves them to a browser window, a live
// stream for a curve that grows while a model trains. Where no browser can open (CI, ssh) callers write an
// HTML file instead (chart.ts), so a script never waits for a window nobody sees.
import { spawnSync } from "node:child_process";
import { localize } from "../language";
import { LIBRARY_FENCES, fenceHolds } from "../overrides";

/**
 * Whether a browser window can be opened for nodeplotlib: not on CI, and on Linux only with a display and
 * xdg-open. NODEPLOTLIB_PORT means the user will open the page themselves.
 */
export function browserCanOpen(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NODEPLOTLIB_PORT) return true;
  if (env.CI && env.CI !== "false" && env.CI !== "0") return false;
  if (process.platform !== "linux") return true;
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return false;
  return !spawnSync("xdg-open", ["--version"], { env, stdio: "ignore" }).error;
}

interface NodePlotLib {
  plot(data: unknown, layout?: unknown, config?: unknown): void;
}

/** A chart's lines that can be replaced while the window shows them. */
export interface WindowStream<T> {
  next(value: T): void;
}

interface PlotsServiceClass {
  prototype: { readBuffer(buffer: object[]): void };
}

let eachPlotReadOnce = false;

/**
 * nodeplotlib 1.1.2 keeps every `plot()` in one growing list, and once its server runs it reads the whole list
 * again for each new plot: a chart drawn after the server started brought all earlier ones back (05-pca's
 * loss chart and two maps showed as six). Its server reads each entry once here. The entries are the same
 * objects in every copy of the list, so a WeakSet tells new ones from old.
 */
function readEachPlotOnce(): void {
  if (eachPlotReadOnce || !fenceHolds(LIBRARY_FENCES.chartWindow)) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- nodeplotlib's module, loaded with it
  const { PlotsService } = require("nodeplotlib/src/lib/server/plots/plots.service") as {
    PlotsService?: PlotsServiceClass;
  };
  const read = PlotsService?.prototype.readBuffer;
  if (!PlotsService || typeof read !== "function") {
    throw new Error(
      localize({
        en: "chartWindow: nodeplotlib's PlotsService.readBuffer is not where nodeplotlib 1.1.2 has it; check the nodeplotlib version in package-lock.json",
        zh: "chartWindow：nodeplotlib 的 PlotsService.readBuffer 不在 1.1.2 版的位置；请检查 package-lock.json 里 nodeplotlib 的版本",
      }),
    );
  }
  const seen = new WeakSet<object>();
  PlotsService.prototype.readBuffer = function (this: unknown, buffer: object[]) {
    const fresh = buffer.filter((plot) => !seen.has(plot));
    fresh.forEach((plot) => seen.add(plot));
    read.call(this, fresh);
  };
  eachPlotReadOnce = true;
}

function nodeplotlib(): NodePlotLib {
  // Loaded only in scripts that plot: it brings a web server (NestJS) along.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, only where a script plots
  const lib = require("nodeplotlib") as NodePlotLib;
  readEachPlotOnce();
  return lib;
}

/** Shows a finished chart (plotly traces and layout) in nodeplotlib's browser window. */
export function plotInWindow(traces: unknown, layout: unknown): void {
  nodeplotlib().plot(traces, layout);
}

/**
 * Shows a chart that is redrawn each time the returned stream gets new traces. Never complete it: a
 * completed stream shows nothing to a browser that connects after training.
 */
export function streamInWindow<T>(traces: T, layout: unknown): WindowStream<T> {
  // nodeplotlib draws an rxjs Observable as a live chart; it must be nodeplotlib's own rxjs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded with nodeplotlib, only in scripts
  const { BehaviorSubject } = require("rxjs") as { BehaviorSubject: new (value: T) => WindowStream<T> };
  const subject = new BehaviorSubject(traces);
  nodeplotlib().plot(subject, layout);
  return subject;
}

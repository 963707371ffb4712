// Stopping `model.fit` cleanly when the teacher presses Stop (Kernel > Interrupt sends SIGINT to the kernel).
// tslab's own SIGINT listener fails the running cell at once but cancels nothing: fit keeps training in the
// background and its output leaks into later cells. While a guard is held we take SIGINT over instead: the
// first one sets `model.stopTraining`, so fit returns after the current batch and the cell ends normally.
// The listeners we found (tslab's, or none in a plain script) get SIGINT back when the last guard ends.
import type * as tf from "@tensorflow/tfjs-node";
import { inKernel } from "../display/kernel";
import { localize } from "../language";
import { LIBRARY_FENCES, fenceHolds } from "../overrides";

type SigintListener = (...args: unknown[]) => void;

/** One user of the SIGINT hold, e.g. a fit callback; see `guardInterrupts`. */
export interface InterruptGuard {
  /** True once a SIGINT arrived while this guard was held (training was asked to stop). */
  readonly interrupted: boolean;
  /** Ends this guard; safe to call twice. The last guard to end gives SIGINT back to its listeners. */
  release(): void;
}

/** Process-wide state: SIGINT listeners are per process, so even two copies of this module share it. */
interface SigintHold {
  saved: SigintListener[];
  guards: Set<Guard>;
  listener: SigintListener;
  watchdog: ReturnType<typeof setInterval>;
}

const HOLD_KEY = Symbol.for("ae-shared.sigint-hold");
const store = globalThis as unknown as Record<symbol, SigintHold | undefined>;

// How often to look for guards whose fit ended without onTrainEnd (tfjs skips it when a batch throws).
const WATCHDOG_MS = 200;

class Guard implements InterruptGuard {
  interrupted = false;
  released = false;
  constructor(readonly model: tf.LayersModel) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    const hold = store[HOLD_KEY];
    if (!hold) return;
    hold.guards.delete(this);
    if (hold.guards.size === 0) endHold(hold);
  }
}

/**
 * False once the model's fit has returned or thrown. A tf.Sequential trains through an inner LayersModel,
 * and both keep `isTraining` (protected in the types, so read it loosely). Unknown objects count as training.
 */
function stillTraining(model: tf.LayersModel): boolean {
  const outer = model as unknown as { isTraining?: unknown; model?: { isTraining?: unknown } };
  if (outer.isTraining === true || outer.model?.isTraining === true) return true;
  return outer.isTraining === undefined;
}

function pruneFinished(hold: SigintHold): void {
  for (const guard of [...hold.guards]) if (!stillTraining(guard.model)) guard.release();
}

function endHold(hold: SigintHold): void {
  if (store[HOLD_KEY] !== hold) return;
  store[HOLD_KEY] = undefined;
  clearInterval(hold.watchdog);
  for (const guard of hold.guards) guard.released = true;
  hold.guards.clear();
  // Put the original listeners back first, in their order, so SIGINT is never without a handler.
  const present = process.rawListeners("SIGINT");
  for (const listener of [...hold.saved].reverse()) {
    if (!present.includes(listener)) process.prependListener("SIGINT", listener);
  }
  process.removeListener("SIGINT", hold.listener);
}

/** What SIGINT would have done without us: the original listeners, or Node's default (exit). */
function forward(hold: SigintHold, args: unknown[]): void {
  endHold(hold);
  if (hold.saved.length > 0) {
    for (const listener of hold.saved) listener(...args);
  } else {
    // No listener is left, so Node has restored the default action: end the process as Ctrl+C does.
    process.kill(process.pid, "SIGINT");
  }
}

function onSigint(hold: SigintHold, args: unknown[]): void {
  pruneFinished(hold);
  // Pass the signal on when every guarded fit has already ended (e.g. it threw), or when it is a second
  // SIGINT while the stop is pending (a slow batch): the teacher is never stuck (tslab fails the cell, a
  // plain script exits).
  if (store[HOLD_KEY] !== hold || [...hold.guards].some((guard) => guard.interrupted)) {
    forward(hold, args);
    return;
  }
  for (const guard of hold.guards) {
    guard.interrupted = true;
    guard.model.stopTraining = true;
  }
}

function startHold(): SigintHold {
  // Raw: a `once` listener is kept as its wrapper, so it stays a `once` listener when put back.
  const saved = process.rawListeners("SIGINT") as SigintListener[];
  const hold: SigintHold = {
    saved,
    guards: new Set(),
    listener: (...args: unknown[]) => onSigint(hold, args),
    watchdog: setInterval(() => pruneFinished(hold), WATCHDOG_MS),
  };
  // Must not keep a script alive after training.
  hold.watchdog.unref();
  for (const listener of saved) process.removeListener("SIGINT", listener);
  process.on("SIGINT", hold.listener);
  store[HOLD_KEY] = hold;
  return hold;
}

/**
 * Node quirk: a SIGINT listener added while a tslab cell's synchronous part runs (inside
 * `vm.runInThisContext({breakOnSigint: true})`) loses its OS handler when that call returns, and the next
 * SIGINT kills the kernel. That part of a cell is the only time runInThisContext is on the stack.
 */
function inCellSynchronousPart(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Infinity;
  try {
    return /\brunInThisContext\b/.test(new Error().stack ?? "");
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Makes SIGINT (Stop in Jupyter, Ctrl+C in a terminal) stop `model`'s training after the current batch
 * instead of failing the cell while fit goes on in the background. Call it from a fit callback's
 * `onTrainBegin` with the callback's `this.model`, and call `release()` in `onTrainEnd`:
 *
 * ```ts
 * class LossPlot extends tf.Callback {
 *   private guard?: InterruptGuard;
 *   override async onTrainBegin() { this.guard = guardInterrupts(this.model); }
 *   override async onTrainEnd() { this.guard?.release(); }
 * }
 * ```
 *
 * Guards are counted: several callbacks of one fit may each hold one. A second SIGINT while the stop is
 * pending does what SIGINT did before (tslab fails the cell; a plain script exits). If fit throws, tfjs skips
 * `onTrainEnd`; the guard then ends by itself within a fraction of a second, or at the next SIGINT, which
 * is passed on. A fit callback gets control at least once per batch only if it yields to the event loop
 * (`progressBar` does): SIGINT is handled only then.
 */
export function guardInterrupts(model: tf.LayersModel): InterruptGuard {
  const trainable = model as unknown;
  // `in`, not a read: stopTraining is undefined until fit's first batch, and tf.Sequential's getter throws early.
  if (trainable === null || typeof trainable !== "object" || !("stopTraining" in trainable)) {
    const found =
      trainable === null || typeof trainable !== "object"
        ? String(trainable)
        : localize({ en: "an object without stopTraining", zh: "没有 stopTraining 的对象" });
    throw new TypeError(
      localize({
        en:
          "guardInterrupts: expected the tf.LayersModel being trained (a callback's this.model, set when fit " +
          `starts), found ${found}`,
        zh: `guardInterrupts：应为正在训练的 tf.LayersModel（回调的 this.model，fit 开始时设置），实际为 ${found}`,
      }),
    );
  }
  if (inKernel() && inCellSynchronousPart()) {
    throw new Error(
      localize({
        en:
          "guardInterrupts: call it from a fit callback (onTrainBegin) or after an `await` in the cell, not in " +
          "the cell's synchronous code: a SIGINT listener added there would make the next interrupt kill the kernel",
        zh:
          "guardInterrupts：请在 fit 的回调（onTrainBegin）里或单元中的 `await` 之后调用它，不要在单元的同步代码里调用：" +
          "在那里添加的 SIGINT 监听器会让下一次中断直接结束内核",
      }),
    );
  }
  // Another tslab than the one this was written for: its own SIGINT handling stays (see overrides.ts).
  if (inKernel() && !fenceHolds(LIBRARY_FENCES.guardInterrupts)) return { interrupted: false, release() {} };
  let hold = store[HOLD_KEY];
  if (hold) pruneFinished(hold);
  hold = store[HOLD_KEY] ?? startHold();
  const guard = new Guard(model);
  hold.guards.add(guard);
  return guard;
}

// How long a fit runs, from the params tfjs hands its callbacks: shared by the callbacks that draw progress.

/** The fit's epochs and batches per epoch (1 each when tfjs does not say), from a callback's `params`. */
export function fitLength(params: unknown): { epochs: number; steps: number } {
  const { epochs, samples, batchSize } = (params ?? {}) as {
    epochs?: number;
    samples?: number;
    batchSize?: number;
  };
  return { epochs: epochs ?? 1, steps: samples && batchSize ? Math.ceil(samples / batchSize) : 1 };
}

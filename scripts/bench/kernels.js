// @ts-check
// One run of `npm run bench -- --kernels`, in a process of its own: the graph path's own forms beside TensorFlow's
// usual kernels (src/engine/graph/graphKernels.ts), reported as one BENCH_RESULT line.
import { kernelTimings } from "ae-engine/bench";

const timings = await kernelTimings();
process.stdout.write(`BENCH_RESULT ${JSON.stringify({ kernels: timings })}\n`);

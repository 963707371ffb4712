// The bench's entry, kept out of the lessons' API: timings of the graph path's own kernel forms.
export { kernelTimings, type KernelTiming } from "./graph/graphKernels";

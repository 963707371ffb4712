// The engine's entry for plain Node scripts, `require("ae-engine/plain")`: the levers' names and the fences, without
// loading TensorFlow, so that the bench's parent process and the fence table's script start fast.
export * from "./levers";
export * from "./fences";

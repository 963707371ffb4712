// A TensorFlow graph written from TypeScript, and saved as a SavedModel that tfjs-node's loadSavedModel runs in
// one TensorFlow session: the graph training path's way to run a whole training step per call, with TensorFlow's
// optimiser (Grappler) over it, instead of one tfjs-node call per op. The protocol buffers are the ones tfjs-node
// ships to read SavedModels (dist/proto/api_pb.js). Variables are resource variables that a signature of the graph
// sets (or its init op), so a SavedModel needs no checkpoint: TensorFlow's loader skips the restore when there is
// no variables/ folder, then runs the init op.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/* eslint-disable @typescript-eslint/no-require-imports -- tfjs-node ships these protos without types. */
const pb = require("@tensorflow/tfjs-node/dist/proto/api_pb") as Protos;

/** The few setters of google-protobuf messages used here. */
interface Message {
  serializeBinary(): Uint8Array;
  [setter: string]: unknown;
}
type MessageClass = new () => Message & Record<string, (...args: never[]) => unknown>;
interface Protos {
  GraphDef: MessageClass;
  NodeDef: MessageClass;
  AttrValue: MessageClass & { ListValue: MessageClass };
  TensorShape: MessageClass & { Dim: MessageClass };
  Tensor: MessageClass;
  VersionDef: MessageClass;
  MetaGraphDef: MessageClass & { MetaInfoDef: MessageClass };
  SignatureDef: MessageClass;
  TensorInfo: MessageClass;
  SavedModel: MessageClass;
}

/** TensorFlow's DataType numbers (types.proto). */
export const DT = { float: 1, int32: 3 } as const;

/** An attribute value of a node. */
export type Attr =
  | { type: number }
  | { bool: boolean }
  | { float: number }
  | { string: string }
  | { shape: number[] }
  | { ints: number[] }
  | { tensor: Message };

// The generated classes' setters take their own message types; these calls pass the right ones.
type Setter = (...args: unknown[]) => unknown;
const call = (message: Message, method: string, ...args: unknown[]) => (message[method] as Setter)(...args);

function shapeOf(dims: readonly number[]): Message {
  const shape = new pb.TensorShape();
  for (const size of dims) {
    const dim = new pb.TensorShape.Dim();
    call(dim, "setSize", size);
    call(shape, "addDim", dim);
  }
  return shape;
}

function attrValue(value: Attr): Message {
  const attr = new pb.AttrValue();
  if ("type" in value) call(attr, "setType", value.type);
  else if ("bool" in value) call(attr, "setB", value.bool);
  else if ("float" in value) call(attr, "setF", value.float);
  else if ("string" in value) call(attr, "setS", new TextEncoder().encode(value.string));
  else if ("shape" in value) call(attr, "setShape", shapeOf(value.shape));
  else if ("ints" in value) {
    const list = new pb.AttrValue.ListValue();
    call(list, "setIList", value.ints);
    call(attr, "setList", list);
  } else call(attr, "setTensor", value.tensor);
  return attr;
}

/** A constant's value: float32 or int32 numbers in row-major order, with their shape. */
export function tensorValue(values: Float32Array | Int32Array, dims: readonly number[]): Message {
  const tensor = new pb.Tensor();
  call(tensor, "setDtype", values instanceof Int32Array ? DT.int32 : DT.float);
  call(tensor, "setTensorShape", shapeOf(dims));
  call(tensor, "setTensorContent", new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return tensor;
}

/** A signature's input or output: a node's first output, its dtype and shape (-1: any size). */
export interface Port {
  node: string;
  dtype: number;
  shape: number[];
}

/** A graph under construction: nodes by unique name, each the output of one op. */
export class GraphBuilder {
  private readonly graph = new pb.GraphDef();
  private readonly names = new Set<string>();

  /**
   * Adds a node running `op` on `inputs` (node names; "^name" for a control input) and returns its unique name,
   * `name` or `name_1`, `name_2`, ...
   */
  node(op: string, name: string, inputs: string[] = [], attrs: Record<string, Attr> = {}): string {
    let unique = name;
    for (let i = 1; this.names.has(unique); i++) unique = `${name}_${i}`;
    this.names.add(unique);
    const node = new pb.NodeDef();
    call(node, "setName", unique);
    call(node, "setOp", op);
    for (const input of inputs) call(node, "addInput", input);
    const map = call(node, "getAttrMap") as Map<string, Message>;
    for (const [key, value] of Object.entries(attrs)) map.set(key, attrValue(value));
    call(this.graph, "addNode", node);
    return unique;
  }

  /** A float32 constant. */
  constant(name: string, values: Float32Array | number, dims: readonly number[] = []): string {
    const data = typeof values === "number" ? Float32Array.of(values) : values;
    return this.node("Const", name, [], {
      dtype: { type: DT.float },
      value: { tensor: tensorValue(data, dims) },
    });
  }

  /** An int32 constant (axes, shapes). */
  intConstant(name: string, values: number[], dims: readonly number[] = [values.length]): string {
    return this.node("Const", name, [], {
      dtype: { type: DT.int32 },
      value: { tensor: tensorValue(Int32Array.from(values), dims) },
    });
  }

  /**
   * Writes the graph as a SavedModel into `dir` (tag "serve"): its signatures by name, each inputs -> outputs,
   * and `init`, the node the loader runs once after loading (the variables' first values).
   */
  save(
    dir: string,
    signatures: Record<string, { inputs: Record<string, Port>; outputs: Record<string, Port> }>,
    init: string,
  ): void {
    const versions = new pb.VersionDef();
    call(versions, "setProducer", 1700); // a GraphDef version TensorFlow 2.x reads (its own is above 1700)
    call(this.graph, "setVersions", versions);
    const meta = new pb.MetaGraphDef();
    const info = new pb.MetaGraphDef.MetaInfoDef();
    call(info, "addTags", "serve");
    call(meta, "setMetaInfoDef", info);
    call(meta, "setGraphDef", this.graph);
    const defs = call(meta, "getSignatureDefMap") as Map<string, Message>;
    const port = ({ node, dtype, shape }: Port) => {
      const tensorInfo = new pb.TensorInfo();
      call(tensorInfo, "setName", `${node}:0`);
      call(tensorInfo, "setDtype", dtype);
      call(tensorInfo, "setTensorShape", shapeOf(shape));
      return tensorInfo;
    };
    for (const [name, { inputs, outputs }] of Object.entries(signatures)) {
      const def = new pb.SignatureDef();
      const inputMap = call(def, "getInputsMap") as Map<string, Message>;
      const outputMap = call(def, "getOutputsMap") as Map<string, Message>;
      for (const [key, value] of Object.entries(inputs)) inputMap.set(key, port(value));
      for (const [key, value] of Object.entries(outputs)) outputMap.set(key, port(value));
      call(def, "setMethodName", "tensorflow/serving/predict");
      defs.set(name, def);
    }
    // The init op, where TensorFlow 2's loader looks for it.
    const initDef = new pb.SignatureDef();
    const initInfo = new pb.TensorInfo();
    call(initInfo, "setName", init);
    (call(initDef, "getOutputsMap") as Map<string, Message>).set("__saved_model_init_op", initInfo);
    defs.set("__saved_model_init_op", initDef);
    const savedModel = new pb.SavedModel();
    call(savedModel, "setSavedModelSchemaVersion", 1);
    call(savedModel, "addMetaGraphs", meta);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "saved_model.pb"), savedModel.serializeBinary());
  }
}

// What every training graph of the graph path shares (graphModel.ts for chains, vaeGraph.ts for the VAE): the
// state as resource variables (weights, Adam's moments, the step count and β powers), each set by the load
// signature and read by the state signature, so that the model and the graph can hand it to each other during a
// fit; Adam as ResourceApplyAdam on the weights with its hyperparameters fed at each step; and the SavedModel's
// signatures. A graph's own part is its forward pass, loss and gradients, written between.
import { DT, GraphBuilder, type Port } from "./graphDef";

/** What the graph's signatures take and give. */
export const SIGNATURES = {
  /** x, y (and a graph's own inputs), learning_rate, beta1, beta2, epsilon -> loss (and its parts): one step. */
  train: "train",
  /** x, y -> loss as tfjs computes it on the probabilities (validation); no update. */
  evaluate: "evaluate",
  /** STATE_INPUTS -> done: sets every variable. */
  load: "load",
  /** dummy -> every variable, by the names of STATE_INPUTS. */
  state: "state",
} as const;

/**
 * The names of the state's parts, in the load signature's inputs and the state signature's outputs: weight i,
 * its first and second moments, the step count and Adam's β powers.
 */
export const STATE = {
  weight: (i: number) => `w${i}`,
  m: (i: number) => `m${i}`,
  v: (i: number) => `v${i}`,
  step: "step",
  beta1Power: "beta1_power",
  beta2Power: "beta2_power",
} as const;

/** The names of Adam's hyperparameters in the train signature's inputs. */
export const HYPERPARAMETERS = ["learning_rate", "beta1", "beta2", "epsilon"] as const;

const F = { type: DT.float };
const T = { T: F };

type Signature = { inputs: Record<string, Port>; outputs: Record<string, Port> };

/** A training graph under construction: its state's variables made, the weights read once before any update. */
export class TrainingGraph {
  readonly g = new GraphBuilder();
  /** The weights' variable handles, in the model's order. */
  readonly weights: string[];
  /** Each weight's value at the step's start. */
  readonly reads: string[];
  readonly one: string;
  private readonly m: string[];
  private readonly v: string[];
  private readonly step: string;
  private readonly beta1Power: string;
  private readonly beta2Power: string;
  private readonly loads: string[] = [];
  private readonly loadInputs: Record<string, Port> = {};
  private readonly stateOutputs: Record<string, Port> = {};
  private readonly hyperparameters: Record<string, Port> = {};

  constructor(shapes: number[][]) {
    this.weights = shapes.map((shape, i) => this.variable(STATE.weight(i), shape));
    this.m = shapes.map((shape, i) => this.variable(STATE.m(i), shape));
    this.v = shapes.map((shape, i) => this.variable(STATE.v(i), shape));
    this.step = this.variable(STATE.step, []);
    this.beta1Power = this.variable(STATE.beta1Power, []);
    this.beta2Power = this.variable(STATE.beta2Power, []);
    this.one = this.g.constant("one", 1);
    this.reads = this.weights.map((w) => this.read(w));
  }

  port(node: string, shape: number[]): Port {
    return { node, dtype: DT.float, shape };
  }

  placeholder(name: string, shape: number[]): string {
    return this.g.node("Placeholder", name, [], { dtype: F, shape: { shape } });
  }

  private read(handle: string): string {
    return this.g.node("ReadVariableOp", `${handle}/read`, [handle], { dtype: F });
  }

  /** A variable, with the load signature's input that sets it and the state signature's output that reads it. */
  private variable(name: string, shape: number[]): string {
    const g = this.g;
    const handle = g.node("VarHandleOp", name, [], {
      dtype: F,
      shape: { shape },
      shared_name: { string: name },
      container: { string: "" },
    });
    const value = this.placeholder(`${name}/value`, shape);
    // A fed tensor may share a JS typed array's memory (tfjs-node's createTensor); assigned as it is, the variable
    // would free it on a TensorFlow thread at its next update, calling into Node off its thread (a crash). A copy.
    const copy = g.node("DeepCopy", `${name}/copy`, [value], T);
    this.loads.push(g.node("AssignVariableOp", `${name}/load`, [handle, copy], { dtype: F }));
    this.loadInputs[name] = this.port(value, shape);
    this.stateOutputs[name] = this.port(g.node("Identity", `${name}/out`, [this.read(handle)], T), shape);
    return handle;
  }

  /** The mean of all the values of `value`. */
  mean(value: string, name: string): string {
    const g = this.g;
    const flat = g.node("Reshape", `${name}/flat`, [value, g.intConstant(`${name}/all`, [-1])], {
      T: F,
      Tshape: { type: DT.int32 },
    });
    return g.node("Mean", name, [flat, g.intConstant(`${name}/axis`, [0])], {
      T: F,
      Tidx: { type: DT.int32 },
      keep_dims: { bool: false },
    });
  }

  /** How many values `tensor` holds, as a float. */
  size(tensor: string, name: string): string {
    const g = this.g;
    return g.node(
      "Cast",
      name,
      [g.node("Size", `${name}/size`, [tensor], { T: F, out_type: { type: DT.int32 } })],
      {
        SrcT: { type: DT.int32 },
        DstT: F,
        Truncate: { bool: false },
      },
    );
  }

  /**
   * Adam on `gradients` (one per weight, in the model's order), as fastAdam.ts runs it: ResourceApplyAdam with
   * ε·sqrt(1 - β2^t), which is tfjs's update. The hyperparameters are fed; β^t is tfjs's accBeta, multiplied by
   * β after each step. Gives the nodes a step's outputs must wait for.
   */
  adam(gradients: string[]): string[] {
    const g = this.g;
    const [lr = "", beta1 = "", beta2 = "", adamEpsilon = ""] = HYPERPARAMETERS.map((name) => {
      const node = this.placeholder(name, []);
      this.hyperparameters[name] = this.port(node, []);
      return node;
    });
    const beta1PowerNow = this.read(this.beta1Power);
    const beta2PowerNow = this.read(this.beta2Power);
    const oneMinus = g.node("Sub", "one_minus_beta2_power", [this.one, beta2PowerNow], T);
    const epsilon = g.node("Mul", "epsilon_t", [adamEpsilon, g.node("Sqrt", "sqrt", [oneMinus], T)], T);
    const updates = gradients.map((gradient, i) =>
      g.node(
        "ResourceApplyAdam",
        `w${i}/adam`,
        [
          this.weights[i] ?? "",
          this.m[i] ?? "",
          this.v[i] ?? "",
          beta1PowerNow,
          beta2PowerNow,
          lr,
          beta1,
          beta2,
          epsilon,
          gradient,
        ],
        { T: F, use_locking: { bool: false }, use_nesterov: { bool: false } },
      ),
    );
    const assign = (name: string, variable: string, value: string) =>
      g.node("AssignVariableOp", name, [variable, value], { dtype: F });
    return [
      ...updates,
      g.node("AssignAddVariableOp", "step/add", [this.step, this.one], { dtype: F }),
      assign("beta1_power/next", this.beta1Power, g.node("Mul", "beta1_next", [beta1PowerNow, beta1], T)),
      assign("beta2_power/next", this.beta2Power, g.node("Mul", "beta2_next", [beta2PowerNow, beta2], T)),
    ];
  }

  /** `value`, once the nodes `after` have run. */
  after(name: string, value: string, after: string[]): string {
    return this.g.node("Identity", name, [value, ...after.map((a) => `^${a}`)], T);
  }

  /**
   * Writes the SavedModel into `dir`: the train signature takes `train`'s inputs and Adam's hyperparameters,
   * the evaluate signature (when given) its own; load and state are the state's.
   */
  save(dir: string, train: Signature, evaluate?: Signature): void {
    const g = this.g;
    const loaded = this.after("loaded", this.one, this.loads);
    const dummy = this.placeholder("dummy", []);
    g.save(
      dir,
      {
        [SIGNATURES.train]: { inputs: { ...train.inputs, ...this.hyperparameters }, outputs: train.outputs },
        ...(evaluate ? { [SIGNATURES.evaluate]: evaluate } : {}),
        [SIGNATURES.load]: { inputs: this.loadInputs, outputs: { done: this.port(loaded, []) } },
        [SIGNATURES.state]: { inputs: { dummy: this.port(dummy, []) }, outputs: this.stateOutputs },
      },
      g.node("NoOp", "init"),
    );
  }
}

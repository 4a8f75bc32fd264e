/**
 * A small ONNX graph builder over the `onnx-proto` protobuf classes: typed inputs and outputs
 * with symbolic dimensions, initializers from typed arrays (raw little-endian bytes), nodes with
 * generated value names, and the model wrapper (IR 8, opset 17, producer and metadata). Only
 * what the generator export needs; it does not check ops or shapes — onnxruntime does when it
 * opens the model, and the tests open every graph we build.
 */
import { endianness } from 'node:os';
import onnxProto from 'onnx-proto';
import { AppError } from '../../../common/errors.js';

const { onnx } = onnxProto;

/** The ONNX version the graphs target: IR 8 with the default domain's opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

/** Element types used here (TensorProto.DataType). */
export const DType = {
  FLOAT: onnx.TensorProto.DataType.FLOAT,
  INT64: onnx.TensorProto.DataType.INT64,
  INT32: onnx.TensorProto.DataType.INT32,
  DOUBLE: onnx.TensorProto.DataType.DOUBLE,
  BOOL: onnx.TensorProto.DataType.BOOL,
} as const;
export type DType = (typeof DType)[keyof typeof DType];

/** A dimension: a fixed size, or a name for a size chosen at run time ("N"). */
export type Dim = number | string;

/** One node attribute, tagged with its ONNX type. */
export type Attribute =
  | { int: number }
  | { float: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { string: string };

/** What a model carries besides its graph. */
export interface ModelInfo {
  producerVersion: string;
  docString?: string;
  /** Written as metadata_props, in this order. */
  metadata: Record<string, string>;
}

/** A constant's values: float32, float64 or int64 (given as numbers, exact up to 2^53). */
export type ConstantValues =
  | { type: typeof DType.FLOAT; values: Float32Array | readonly number[] }
  | { type: typeof DType.DOUBLE; values: Float64Array | readonly number[] }
  | { type: typeof DType.INT64; values: BigInt64Array | readonly number[] };

export class GraphBuilder {
  readonly #nodes: onnxProto.onnx.INodeProto[] = [];
  readonly #initializers: onnxProto.onnx.ITensorProto[] = [];
  readonly #inputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #outputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #names = new Set<string>();
  #counter = 0;

  constructor(readonly name: string) {
    if (endianness() !== 'LE') {
      throw new AppError('INTERNAL', 'ONNX export needs a little-endian machine');
    }
  }

  /** Declares a graph input; returns its name. */
  input(name: string, type: DType, dims: readonly Dim[]): string {
    this.#claim(name);
    this.#inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declares an existing value as a graph output. */
  output(name: string, type: DType, dims: readonly Dim[]): void {
    this.#outputs.push(valueInfo(name, type, dims));
  }

  /** A constant tensor (an initializer) of the given shape; returns its name. */
  constant(hint: string, constant: ConstantValues, dims: readonly number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (constant.values.length !== count) {
      throw new AppError('INTERNAL', `constant ${hint}: ${constant.values.length} values for shape [${dims.join(', ')}]`);
    }
    const name = this.#fresh(hint);
    this.#initializers.push({ name, dataType: constant.type, dims: [...dims], rawData: rawBytes(constant) });
    return name;
  }

  /** A float32 constant; a plain number gives a scalar (shape []). */
  floats(hint: string, values: number | Float32Array | readonly number[], dims?: readonly number[]): string {
    const list = typeof values === 'number' ? [values] : values;
    return this.constant(hint, { type: DType.FLOAT, values: list }, dims ?? (typeof values === 'number' ? [] : [list.length]));
  }

  /** A float64 constant; a plain number gives a scalar. */
  doubles(hint: string, values: number | Float64Array | readonly number[], dims?: readonly number[]): string {
    const list = typeof values === 'number' ? [values] : values;
    return this.constant(hint, { type: DType.DOUBLE, values: list }, dims ?? (typeof values === 'number' ? [] : [list.length]));
  }

  /** An int64 constant; a plain number gives a scalar. */
  int64s(hint: string, values: number | readonly number[], dims?: readonly number[]): string {
    const list = typeof values === 'number' ? [values] : values;
    return this.constant(hint, { type: DType.INT64, values: list }, dims ?? (typeof values === 'number' ? [] : [list.length]));
  }

  /** Adds a node with one output; returns the output's name (`output` names it explicitly). */
  op(opType: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}, output?: string): string {
    const [name] = this.ops(opType, inputs, 1, attributes, output === undefined ? undefined : [output]);
    return name as string;
  }

  /** Adds a node with `count` outputs; returns their names. */
  ops(
    opType: string,
    inputs: readonly string[],
    count: number,
    attributes: Record<string, Attribute> = {},
    outputs?: readonly string[],
  ): string[] {
    const names = outputs ? outputs.map((n) => (this.#claim(n), n)) : Array.from({ length: count }, () => this.#fresh(opType));
    this.#nodes.push({
      opType,
      name: `${opType}_${this.#nodes.length}`,
      input: [...inputs],
      output: names,
      attribute: Object.entries(attributes).map(([key, value]) => attributeProto(key, value)),
    });
    return names;
  }

  /** The serialised ModelProto. */
  build(info: ModelInfo): Uint8Array {
    const model: onnxProto.onnx.IModelProto = {
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: 'Eureka',
      producerVersion: info.producerVersion,
      docString: info.docString ?? '',
      graph: {
        name: this.name,
        node: this.#nodes,
        initializer: this.#initializers,
        input: this.#inputs,
        output: this.#outputs,
      },
      metadataProps: Object.entries(info.metadata).map(([key, value]) => ({ key, value })),
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }

  #fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.#counter++}`;
    while (this.#names.has(name));
    this.#names.add(name);
    return name;
  }

  #claim(name: string): void {
    if (this.#names.has(name)) throw new AppError('INTERNAL', `ONNX value ${name} is defined twice`);
    this.#names.add(name);
  }
}

function valueInfo(name: string, type: DType, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: type,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attributeProto(name: string, value: Attribute): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('int' in value) return { name, type: T.INT, i: value.int };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: T.INTS, ints: [...value.ints] };
  if ('floats' in value) return { name, type: T.FLOATS, floats: [...value.floats] };
  return { name, type: T.STRING, s: new TextEncoder().encode(value.string) };
}

/** The values as little-endian bytes (this machine's order, checked in the constructor). */
function rawBytes(constant: ConstantValues): Uint8Array {
  let array: Float32Array | Float64Array | BigInt64Array;
  if (constant.type === DType.FLOAT) array = Float32Array.from(constant.values);
  else if (constant.type === DType.DOUBLE) array = Float64Array.from(constant.values);
  else array = constant.values instanceof BigInt64Array ? constant.values : BigInt64Array.from(constant.values, (v) => BigInt(v));
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

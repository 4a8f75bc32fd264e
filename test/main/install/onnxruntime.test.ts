/**
 * onnxruntime-node is installed with its CPU binaries even where its CUDA download is
 * impossible (see .npmrc and scripts/postinstall.js): load it and run a real model on the CPU
 * execution provider. The model (Y = X + X) is encoded by hand in the ONNX protobuf format:
 * the exporter that writes real models arrives with generation.
 */
import * as ort from 'onnxruntime-node';

/** Minimal protobuf writer: varints and length-delimited fields are all ModelProto needs here. */
function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}
const intField = (field: number, value: number) => [...varint(field << 3), ...varint(value)];
const bytesField = (field: number, bytes: number[]) => [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
const stringField = (field: number, text: string) => bytesField(field, [...Buffer.from(text, 'utf8')]);

/** ValueInfoProto for a float tensor of shape [n]. */
function floatVector(name: string, n: number): number[] {
  const shape = bytesField(2, bytesField(1, intField(1, n))); // TensorShapeProto { dim { dim_value } }
  const tensorType = bytesField(1, [...intField(1, 1), ...shape]); // TypeProto.Tensor { elem_type FLOAT, shape }
  return [...stringField(1, name), ...bytesField(2, tensorType)];
}

function addModel(): Uint8Array {
  const node = [...stringField(1, 'X'), ...stringField(1, 'X'), ...stringField(2, 'Y'), ...stringField(4, 'Add')];
  const graph = [...bytesField(1, node), ...stringField(2, 'double'), ...bytesField(11, floatVector('X', 3)), ...bytesField(12, floatVector('Y', 3))];
  const opset = [...stringField(1, ''), ...intField(2, 17)];
  return new Uint8Array([...intField(1, 8), ...bytesField(7, graph), ...bytesField(8, opset)]);
}

describe('onnxruntime-node', () => {
  it('lists the CPU backend as bundled', () => {
    expect(ort.listSupportedBackends()).toEqual(expect.arrayContaining([{ name: 'cpu', bundled: true }]));
  });

  it('runs a model on the CPU execution provider', async () => {
    const session = await ort.InferenceSession.create(addModel(), { executionProviders: ['cpu'] });
    try {
      const result = await session.run({ X: new ort.Tensor('float32', Float32Array.from([1, -2, 0.25]), [3]) });
      expect(Array.from(result.Y!.data as Float32Array)).toEqual([2, -4, 0.5]);
    } finally {
      await session.release();
    }
  });
});

import { decodeFrame, encodeFrame } from '../../../src-main/common/wire.js';

describe('web-mode wire frames', () => {
  it('round-trips JSON with Uint8Arrays at any depth, bytes intact', () => {
    const a = new Uint8Array([0, 1, 2, 255]);
    const b = new Uint8Array(70_000).map((_, i) => (i * 7) & 0xff);
    const value = { type: 'invoke', id: 3, request: { files: [{ name: 'a.wav', data: a }, { name: 'b.flac', data: b }], n: null } };
    const decoded = decodeFrame(encodeFrame(value)) as typeof value;
    expect(decoded.type).toBe('invoke');
    expect(decoded.request.n).toBeNull();
    expect(decoded.request.files[0]!.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(decoded.request.files[0]!.data)).toEqual([0, 1, 2, 255]);
    expect(Buffer.from(decoded.request.files[1]!.data).equals(Buffer.from(b))).toBe(true);
  });

  it('rejects truncated, overrunning and padded frames', () => {
    const frame = encodeFrame({ data: new Uint8Array([1, 2, 3]) });
    expect(() => decodeFrame(frame.subarray(0, 2))).toThrow(/length prefix/);
    expect(() => decodeFrame(frame.subarray(0, frame.length - 1))).toThrow(/overruns/);
    const padded = new Uint8Array(frame.length + 1);
    padded.set(frame);
    expect(() => decodeFrame(padded)).toThrow(/trailing/);
    const lying = frame.slice();
    new DataView(lying.buffer).setUint32(0, 1_000_000, true);
    expect(() => decodeFrame(lying)).toThrow(/overruns/);
  });

  it('rejects a header that names a missing attachment', () => {
    const header = new TextEncoder().encode(JSON.stringify({ body: { x: { $bin: 4 } }, bins: [] }));
    const frame = new Uint8Array(4 + header.length);
    new DataView(frame.buffer).setUint32(0, header.length, true);
    frame.set(header, 4);
    expect(() => decodeFrame(frame)).toThrow(/missing attachment/);
  });
});

/**
 * The facade's half of the device event (src-main/addon/facade.ts): the addon's one progress
 * stream carries `{ kind: 'device', … }` once before the first epoch; the facade hands it to
 * onDevice, parsed, and the epochs to onProgress, and refuses a malformed one. A stand-in raw
 * addon plays the native side, so this runs without a build.
 */
import { tmpdir } from 'node:os';
import { createFacade } from '../../../src-main/addon/facade.js';
import type { RawAddon } from '../../../src-main/addon/schemas.js';
import type { TrainingDevice, TrainingProgress } from '../../../src-main/addon/binding.js';

const EPOCH = {
  scale: 0,
  scales: 1,
  epoch: 1,
  epochs: 1,
  losses: { dReal: 0, dFake: 0, gp: 0, errG: 0, rec: 0, mse: 0, mss: Number.NaN },
  epochSeconds: 0.1,
};
const RESULT = { scalesTotal: 1, scalesDone: 1, resumedAt: 0, cancelled: false };

/** A raw addon whose train() sends `events` through onProgress and resolves. */
function rawWith(events: unknown[], seen: { options?: unknown }): RawAddon {
  const train = (_signal: unknown, _rate: unknown, options: unknown, _dir: unknown, _resume: unknown, onProgress: unknown) => {
    seen.options = options;
    for (const event of events) (onProgress as (value: unknown) => void)(event);
    return { promise: Promise.resolve(RESULT), cancel: () => undefined };
  };
  return { train } as unknown as RawAddon;
}

describe('the facade and the device event', () => {
  it('passes options.device on and routes the device event to onDevice, the epochs to onProgress', async () => {
    const seen: { options?: unknown } = {};
    const device = { kind: 'device', device: 'cpu', name: 'CPU', reason: 'no CUDA device found' };
    const addon = createFacade('/fake.node', rawWith([device, EPOCH], seen));
    const devices: TrainingDevice[] = [];
    const epochs: TrainingProgress[] = [];
    const run = addon.train(new Float32Array(8), 1000, { mode: 'normal', device: 'cuda' }, tmpdir(), false, (p) => epochs.push(p), (d) => devices.push(d));
    await expect(run.promise).resolves.toEqual(RESULT);
    expect(seen.options).toMatchObject({ device: 'cuda' });
    expect(devices).toEqual([device]);
    expect(epochs).toHaveLength(1);
  });

  it('without onDevice the event is dropped, not mistaken for progress', async () => {
    const epochs: TrainingProgress[] = [];
    const addon = createFacade('/fake.node', rawWith([{ kind: 'device', device: 'cuda', name: 'NVIDIA H100 80GB HBM3', reason: '' }, EPOCH], {}));
    await addon.train(new Float32Array(8), 1000, { mode: 'normal' }, tmpdir(), false, (p) => epochs.push(p)).promise;
    expect(epochs).toHaveLength(1);
  });

  it('a malformed device event fails the run with an INTERNAL error', async () => {
    const addon = createFacade('/fake.node', rawWith([{ kind: 'device', device: 'tpu', name: 'x', reason: '' }], {}));
    const run = addon.train(new Float32Array(8), 1000, { mode: 'normal' }, tmpdir(), false, () => undefined, () => undefined);
    await expect(run.promise).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('refuses a device outside auto, cpu and cuda before calling the addon', () => {
    const seen: { options?: unknown } = {};
    const addon = createFacade('/fake.node', rawWith([], seen));
    expect(() => addon.train(new Float32Array(8), 1000, { mode: 'normal', device: 'gpu' as 'cuda' }, tmpdir(), false, () => undefined)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/^train: options\.device: /) }) as unknown as Error,
    );
    expect(seen.options).toBeUndefined();
  });
});

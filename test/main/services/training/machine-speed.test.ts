/**
 * The stored measurement of this machine (a real file in a temp folder): what a run may reuse
 * (fresh for half an hour), what a forecast may fall back on, per preset and device, and a broken
 * file read as empty rather than an error.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  FRESH_FOR_RUN_MS,
  MACHINE_SPEED_FILE,
  MachineSpeedStore,
  speedRecord,
} from '../../../../src-main/services/training/machine-speed.js';
import { loadPreset } from '../../../../src-main/services/training/presets.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const NOW = Date.UTC(2026, 11, 7, 1, 0, 0);
const quick = loadPreset('quick');
const studio = loadPreset('studio');
const BF16 = { available: true, why: 'this CPU has AVX512_BF16' };
const speed = (measuredAt: number) => speedRecord(new Map([[16, { fixed: 0.01, perSample: 2e-6 }], [64, { fixed: 0.02, perSample: 9e-6 }]]), 'bf16', BF16, measuredAt, 12.5);

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

describe('MachineSpeedStore', () => {
  it('keeps a measurement per preset and device across instances, fresh for a run for half an hour', async () => {
    await new MachineSpeedStore(dir).write(quick, 'cpu', speed(NOW));
    const store = new MachineSpeedStore(dir);
    expect(await store.read(quick, 'cpu')).toEqual(speed(NOW));
    expect(await store.read(quick, 'cuda')).toBeNull();
    expect(await store.read(studio, 'cpu')).toBeNull();
    expect(await store.fresh(quick, 'cpu', NOW + FRESH_FOR_RUN_MS)).toEqual(speed(NOW));
    expect(await store.fresh(quick, 'cpu', NOW + FRESH_FOR_RUN_MS + 1)).toBeNull();
    // A clock set back is not "fresh" either.
    expect(await store.fresh(quick, 'cpu', NOW - 1)).toBeNull();
    // What this process has read is known without the disk.
    expect(store.freshKnown(quick, 'cpu', NOW + 1000)).toEqual(speed(NOW));
    expect(new MachineSpeedStore(dir).freshKnown(quick, 'cpu', NOW + 1000)).toBeNull();
  });

  it('keeps the other entries when one is written, also when two writes race', async () => {
    const store = new MachineSpeedStore(dir);
    await Promise.all([store.write(quick, 'cpu', speed(NOW)), store.write(studio, 'cpu', speed(NOW + 1))]);
    const again = new MachineSpeedStore(dir);
    expect((await again.read(quick, 'cpu'))?.measuredAt).toBe(NOW);
    expect((await again.read(studio, 'cpu'))?.measuredAt).toBe(NOW + 1);
    const file = JSON.parse(await readFile(path.join(dir, MACHINE_SPEED_FILE), 'utf8')) as { entries: object };
    expect(Object.keys(file.entries)).toHaveLength(2);
  });

  it('reads a broken or foreign file as empty, and a write replaces it', async () => {
    const file = path.join(dir, MACHINE_SPEED_FILE);
    for (const text of ['{ not json', '{"version":2,"entries":{}}', '[]']) {
      await writeFile(file, text);
      expect(await new MachineSpeedStore(dir).read(quick, 'cpu')).toBeNull();
    }
    await new MachineSpeedStore(dir).write(quick, 'cpu', speed(NOW));
    expect(await new MachineSpeedStore(dir).read(quick, 'cpu')).toEqual(speed(NOW));
  });
});

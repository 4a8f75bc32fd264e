/**
 * Makes this machine look `factor` times slower to the training service, where the service reads
 * it: the stored measurement in the data folder (machine-speed.ts). On a quiet machine even quick's
 * shortest budget fits any allowed clip; a budget is refused on a slow or busy one, and this is
 * how the refusal is tested with the real store and the real planner. Resolves with the undo.
 */
import { MachineSpeedStore } from '../../src-main/services/training/machine-speed.js';
import { loadPreset } from '../../src-main/services/training/presets.js';

export async function slowDownMachine(dataDir: string, factor: number): Promise<() => Promise<void>> {
  const store = new MachineSpeedStore(dataDir);
  const preset = loadPreset('quick');
  const measured = await store.read(preset, 'cpu');
  if (!measured) throw new Error('this machine was not measured for quick yet: ask for a forecast first');
  const costs = measured.costs.map(([channels, cost]) => [channels, { fixed: cost.fixed * factor, perSample: cost.perSample * factor }] as [number, typeof cost]);
  await store.write(preset, 'cpu', { ...measured, costs, measuredAt: Date.now() });
  return () => store.write(preset, 'cpu', measured);
}

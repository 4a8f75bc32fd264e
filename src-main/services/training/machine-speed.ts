/**
 * This machine's measured training speed (the probe's cost model, probe.ts), kept in the data
 * folder so the Train form and `eureka train --forecast` can tell the plan, its time and what it
 * buys before anything starts, and so the run that follows trains exactly the plan it was shown
 * instead of measuring again.
 *
 * One entry per preset and precision, keyed also by what changes the speed (the CPU, its core
 * count, Eureka's version and the preset's shape), so a new machine, a new build or an edited
 * preset measures again. A run reuses an entry only while it is fresh (FRESH_FOR_RUN_MS): the
 * machine's load changes over hours. A broken or foreign file is ignored, never an error: it is
 * a cache, the probe can always measure again.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { trainPrecisionSchema, type TrainPrecision } from '../../common/training.js';
import { APP_VERSION } from '../../version.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import type { Bf16Support, CostModel } from './planner.js';
import type { Preset } from './presets.js';

/** The file in the data folder. */
export const MACHINE_SPEED_FILE = 'machine-speed.json';
/** A run trains on a measurement at most this old (the forecast shown is then the plan trained). */
export const FRESH_FOR_RUN_MS = 30 * 60 * 1000;

const channelCostSchema = z.object({ fixed: z.number().nonnegative().finite(), perSample: z.number().nonnegative().finite() });

/** One measurement, as the worker reports it and the file keeps it. */
export const measuredSpeedSchema = z.object({
  /** Channel count → seconds per epoch: fixed + perSample · samples (empty for a preset that does not probe). */
  costs: z.array(z.tuple([z.number().int().positive(), channelCostSchema])),
  /** The precision it was measured in (the one the run trains in). */
  precision: trainPrecisionSchema,
  bf16: z.object({ available: z.boolean(), why: z.string() }),
  /** Milliseconds since the epoch. */
  measuredAt: z.number().int().nonnegative(),
  /** Seconds the measurement took. */
  seconds: z.number().nonnegative(),
});
export type MeasuredSpeed = z.infer<typeof measuredSpeedSchema>;

const fileSchema = z.object({ version: z.literal(1), entries: z.record(z.string(), measuredSpeedSchema) });

/** The key of a preset's measurement on this machine, build and device. */
export function speedKey(preset: Preset, device: 'cpu' | 'cuda'): string {
  const shape = JSON.stringify([preset.kernelSize, preset.layers, preset.mode, preset.alpha2, preset.mssConfigs, preset.precision, preset.channelsFirst, preset.channelsRest, preset.budget?.ladder ?? null]);
  const machine = `${cpus()[0]?.model ?? 'cpu'}×${cpus().length}`;
  const hash = createHash('sha256').update(`${machine}|${APP_VERSION}|${device}|${shape}`).digest('hex').slice(0, 16);
  return `${preset.name}:${hash}`;
}

/** The planner's cost model of a measurement, or null for a preset that measured nothing (no probe). */
export function costModelOf(speed: MeasuredSpeed): CostModel | null {
  return speed.costs.length > 0 ? new Map(speed.costs) : null;
}

/** A cost model as the file and the protocol carry it. */
export function speedRecord(costs: CostModel, precision: TrainPrecision, bf16: Bf16Support, measuredAt: number, seconds: number): MeasuredSpeed {
  return { costs: [...costs.entries()].map(([channels, cost]) => [channels, { ...cost }]), precision, bf16, measuredAt, seconds };
}

function isFresh(speed: MeasuredSpeed | null, now: number): MeasuredSpeed | null {
  return speed && now - speed.measuredAt >= 0 && now - speed.measuredAt <= FRESH_FOR_RUN_MS ? speed : null;
}

export class MachineSpeedStore {
  readonly #file: string;
  /** What this process last read or wrote, for the queue's synchronous look-up. */
  readonly #known = new Map<string, MeasuredSpeed>();
  /** Writes one at a time, each over the latest contents (two forecasts may measure two presets). */
  #writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    this.#file = path.join(dataDir, MACHINE_SPEED_FILE);
  }

  /** The preset's measurement on this machine, whatever its age, or null. */
  async read(preset: Preset, device: 'cpu' | 'cuda'): Promise<MeasuredSpeed | null> {
    return (await this.#entries())[speedKey(preset, device)] ?? null;
  }

  /** The measurement if a run may still train on it at `now`. */
  async fresh(preset: Preset, device: 'cpu' | 'cuda', now = Date.now()): Promise<MeasuredSpeed | null> {
    return isFresh(await this.read(preset, device), now);
  }

  /** `fresh` from what this process has read or written, without touching the disk (the queue starts a run synchronously). */
  freshKnown(preset: Preset, device: 'cpu' | 'cuda', now = Date.now()): MeasuredSpeed | null {
    return isFresh(this.#known.get(speedKey(preset, device)) ?? null, now);
  }

  async write(preset: Preset, device: 'cpu' | 'cuda', speed: MeasuredSpeed): Promise<void> {
    const next = this.#writing.then(async () => {
      const entries = { ...(await this.#entries()), [speedKey(preset, device)]: speed };
      this.#known.set(speedKey(preset, device), speed);
      await writeFileAtomic(this.#file, `${JSON.stringify({ version: 1, entries }, null, 2)}\n`, "this machine's measured training speed");
    });
    // A failed write leaves the old file; the next write starts from it.
    this.#writing = next.catch(() => undefined);
    return next;
  }

  async #entries(): Promise<Record<string, MeasuredSpeed>> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch {
      return {};
    }
    try {
      const parsed = fileSchema.safeParse(JSON.parse(text));
      if (!parsed.success) return {};
      for (const [key, speed] of Object.entries(parsed.data.entries)) this.#known.set(key, speed);
      return parsed.data.entries;
    } catch {
      return {};
    }
  }
}

/**
 * Measures this machine for a forecast: a training worker process runs the preset's probe
 * (probe.ts, the same measurement a run makes) and leaves; the result goes to the machine-speed
 * store so the run that follows trains the plan the forecast showed. One measurement at a time,
 * shared by every forecast asking for the same preset meanwhile; the training queue waits for it
 * (a run beside it would slow both and spoil the measurement), and it never starts while a model
 * trains.
 */
import { AppError } from '../../common/errors.js';
import type { WorkerLauncher } from '../../node/worker-process.js';
import { type MachineSpeedStore, type MeasuredSpeed, speedKey } from './machine-speed.js';
import type { Preset } from './presets.js';
import { workerMessageSchema } from './protocol.js';

/** How long a worker that answered gets to exit by itself. */
const EXIT_GRACE_MS = 1000;

export interface SpeedMeterOptions {
  launch: WorkerLauncher;
  workerScript: string;
  store: MachineSpeedStore;
  /** Called when a measurement ends, so the queue can go on. */
  onIdle(): void;
}

export class SpeedMeter {
  readonly #options: SpeedMeterOptions;
  #running: { key: string; done: Promise<MeasuredSpeed> } | null = null;

  constructor(options: SpeedMeterOptions) {
    this.#options = options;
  }

  /** A measurement is running (the training queue waits for it). */
  get busy(): boolean {
    return this.#running !== null;
  }

  /**
   * The preset's speed for a forecast: a fresh stored one, else a new measurement when the
   * machine is free (`training` false), else the last stored one whatever its age, else null.
   */
  async speedFor(preset: Preset, device: 'cpu' | 'cuda', training: boolean): Promise<MeasuredSpeed | null> {
    const fresh = await this.#options.store.fresh(preset, device);
    if (fresh) return fresh;
    if (training) return this.#options.store.read(preset, device);
    const key = speedKey(preset, device);
    if (this.#running?.key === key) return this.#running.done;
    // Another preset is being measured: wait for it, then measure this one.
    if (this.#running) await this.#running.done.catch(() => undefined);
    if (this.#running?.key === key) return this.#running.done;
    const done = this.#measure(preset, device);
    const running = { key, done };
    this.#running = running;
    try {
      const speed = await done;
      await this.#options.store.write(preset, device, speed);
      return speed;
    } finally {
      if (this.#running === running) this.#running = null;
      this.#options.onIdle();
    }
  }

  #measure(preset: Preset, device: 'cpu' | 'cuda'): Promise<MeasuredSpeed> {
    return new Promise<MeasuredSpeed>((resolve, reject) => {
      let worker;
      try {
        worker = this.#options.launch(this.#options.workerScript);
      } catch (error) {
        reject(new AppError('INTERNAL', `cannot start the training worker to measure this machine: ${(error as Error).message}`));
        return;
      }
      let answer: MeasuredSpeed | AppError | null = null;
      worker.onMessage((raw) => {
        const parsed = workerMessageSchema.safeParse(raw);
        if (!parsed.success) return;
        const message = parsed.data;
        if (message.type === 'ready') return worker.send({ type: 'measure', preset: preset.name, device });
        if (message.type === 'measured') answer = message.speed;
        else if (message.type === 'failed') answer = new AppError('INTERNAL', `measuring this machine failed: ${message.error.message}`);
        else return;
        // A fork worker leaves by itself after its answer; a utilityProcess (which cannot disconnect) is ended here.
        setTimeout(() => worker.kill(), EXIT_GRACE_MS).unref();
      });
      worker.onExit((reason) => {
        if (answer === null) reject(new AppError('INTERNAL', `measuring this machine failed: ${reason ?? 'the worker stopped without a word'}`));
        else if (answer instanceof AppError) reject(answer);
        else resolve(answer);
      });
    });
  }
}

/**
 * One training job, as the worker process runs it: plan (measuring the machine first when the
 * preset asks), prepare the training signal at the plan's top rate, train through the native
 * addon, and after every finished scale write that scale's previews (a generated take and the
 * reconstruction, as WAV). Reports through `emit`; the parent owns the database.
 *
 * Files in the model folder (services/models/model-files.ts): source.f32 + source.json (written
 * by the service), signal.f32 and plan.json (written here once, reused by a resume), the native
 * trainer's scale-<s>.ckpt and manifest.json, previews/scale-<s>-{fake,rec}.wav, and once every
 * scale is trained the generators' ONNX export in onnx/ (services/models/onnx/export.ts).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { NativeAddon, TrainingDevice, TrainOptions, TrainingProgress } from '../../addon/binding.js';
import { AppError } from '../../common/errors.js';
import type { EpochLosses, PresetName, ScaleRecord, TrainingPlan } from '../../common/training.js';
import { resample } from '../audio/resample.js';
import { encodeWav } from '../audio/wav.js';
import { readFloat32File, writeFloat32File } from '../models/float32-file.js';
import { MODEL_FILES } from '../models/model-files.js';
import { readSourceInfo } from '../models/model-source.js';
import { exportOnnx } from '../models/onnx/export.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { costModelOf, speedRecord, type MeasuredSpeed } from './machine-speed.js';
import { channelsToProbe, cropRuleOf, makePlan, trainedShape, type Bf16Support, type CostModel } from './planner.js';
import { bf16Support } from './precision.js';
import { loadPreset, type Preset } from './presets.js';
import { measureCosts, ProbeCancelled, ProbeOffDevice } from './probe.js';
import type { WorkerJob, WorkerMessage } from './protocol.js';

/** Previews below this rate are upsampled to it, so every browser plays them. */
const PREVIEW_MIN_RATE = 16_000;

export interface JobControl {
  /** Set by the worker when the parent asks to cancel (or goes away). */
  readonly cancelled: boolean;
  /** Registers the native run's cancel, called at once if cancelled already. */
  onCancel(cancel: () => void): void;
}

export async function runTrainingJob(
  job: WorkerJob,
  addon: NativeAddon,
  control: JobControl,
  emit: (message: WorkerMessage) => void,
): Promise<void> {
  const started = performance.now();
  const info = await readSourceInfo(job.modelDir);
  let plan = job.plan;
  let signal: Float32Array;
  if (plan === null) {
    const preset = loadPreset(job.preset);
    // A measurement handed over with the job is the one the forecast was made with: the run trains
    // the plan it showed. Otherwise measure now, and tell the parent (machine-speed.ts), so the
    // next forecast need not measure again.
    let speed = job.speed ?? null;
    const handedOver = speed !== null;
    if (!speed) {
      const measured = await measureMachine(addon, preset, job.device, control, emit);
      if (measured === 'cancelled') return emit({ type: 'finished', cancelled: true, scalesDone: 0, scalesTotal: 1 });
      emit({ type: 'measured', speed: measured });
      speed = measured;
    }
    const bf16 = speed.bf16;
    const costs = costModelOf(speed);
    plan = makePlan({
      preset,
      clip: { seconds: info.samples / info.sampleRate, sourceRate: info.sampleRate, hole: info.hole },
      seed: job.seed,
      device: job.device,
      deviceReason: job.deviceReason,
      bf16,
      costs,
      budgetSeconds: job.budgetSeconds,
      ...(job.overBudget === undefined ? {} : { overBudget: job.overBudget }),
      mode: job.mode,
      // Only a probe run here spends the budget before planning. With the forecast's measurement the
      // plan is made from the forecast's own inputs (spent 0), so it is the plan the forecast showed,
      // not one an epoch shorter because this process took a moment to start.
      spentSeconds: handedOver ? 0 : (performance.now() - started) / 1000,
    });
    const source = await readFloat32File(path.join(job.modelDir, MODEL_FILES.source));
    signal = await resample(source, info.sampleRate, plan.topRate);
    plan = withActualLengths(plan, signal.length);
    await writeFloat32File(path.join(job.modelDir, MODEL_FILES.signal), signal);
    await writeFileAtomic(path.join(job.modelDir, MODEL_FILES.plan), `${JSON.stringify(plan, null, 2)}\n`);
    emit({ type: 'planned', plan });
  } else {
    signal = await readFloat32File(path.join(job.modelDir, MODEL_FILES.signal));
  }
  if (control.cancelled) return emit({ type: 'finished', cancelled: true, scalesDone: 0, scalesTotal: plan.scales.length });

  const previews = new Previews(addon, job, plan, new Set(job.previewed), emit);
  const perScale = new Map<number, { seconds: number; losses: EpochLosses | null; firstReport: number; firstEpoch: number }>();
  let scalesTotal = plan.scales.length;
  let lastScale = -1;
  const options: TrainOptions = { ...trainOptions(plan), device: job.device };
  const onDevice = (choice: TrainingDevice) => emit({ type: 'device', device: choice.device, name: choice.name, reason: choice.reason });
  const run = addon.train(signal, plan.topRate, options, job.modelDir, job.resume, (progress: TrainingProgress) => {
    scalesTotal = progress.scales;
    // Reports arrive in order and the trainer writes scale s's checkpoint before it starts s+1,
    // so the first report of a new scale means the previous one is on disk.
    if (lastScale >= 0 && progress.scale > lastScale) previews.queue(lastScale, scalesTotal, perScale.get(lastScale));
    lastScale = progress.scale;
    const losses = toLosses(progress.losses);
    // Wall time of the scale: reports are throttled, so time from its first report (plus that
    // first epoch) rather than a sum of the reported epochs.
    const now = performance.now();
    const entry = perScale.get(progress.scale) ?? { seconds: 0, losses: null, firstReport: now, firstEpoch: progress.epochSeconds };
    entry.seconds = (now - entry.firstReport) / 1000 + entry.firstEpoch;
    entry.losses = losses;
    perScale.set(progress.scale, entry);
    emit({ type: 'progress', ...progress, losses });
  }, onDevice);
  control.onCancel(() => run.cancel());
  const result = await run.promise;
  // Every finished scale gets its previews, including those of a run cancelled mid-way.
  for (let scale = result.resumedAt; scale < result.scalesDone; scale++) {
    previews.queue(scale, result.scalesTotal, perScale.get(scale));
  }
  await previews.drain();
  if (!result.cancelled && result.scalesDone === result.scalesTotal) await exportForGeneration(addon, job.modelDir);
  emit({ type: 'finished', cancelled: result.cancelled, scalesDone: result.scalesDone, scalesTotal: result.scalesTotal });
}

/** The worker's `measure` job: this machine's speed for a preset, answered as `measured` (nothing when cancelled). */
export async function runMeasureJob(
  preset: PresetName,
  device: 'cpu' | 'cuda',
  addon: NativeAddon,
  control: Pick<JobControl, 'cancelled'>,
  emit: (message: WorkerMessage) => void,
): Promise<void> {
  const measured = await measureMachine(addon, loadPreset(preset), device, control, emit);
  if (measured !== 'cancelled') emit({ type: 'measured', speed: measured });
}

/**
 * This machine's speed for a preset: whether it trains in bf16 and, when the preset probes, the
 * cost model (probe.ts) measured in the precision the run will train in. A preset that does not
 * probe gets an empty cost model (its plan has no forecast). 'cancelled' when stopped mid-probe.
 */
export async function measureMachine(
  addon: NativeAddon,
  preset: Preset,
  device: 'cpu' | 'cuda',
  control: Pick<JobControl, 'cancelled'>,
  emit: (message: WorkerMessage) => void,
): Promise<MeasuredSpeed | 'cancelled'> {
  const started = performance.now();
  // Only a preset that asks for bf16 asks the addon whether this CPU has it.
  const bf16: Bf16Support = preset.precision === 'bf16' ? bf16Support(addon, device) : { available: false, why: 'not asked for' };
  const precision = preset.precision === 'bf16' && bf16.available ? 'bf16' : 'fp32';
  let costs: CostModel = new Map();
  // On a GPU only a budget (quick) needs the measurement before training; the other presets
  // train without a time forecast until their first scale has run on it (no made-up GPU figure,
  // and no minute of probing a run that is fast anyway).
  if (preset.probe && (device === 'cpu' || preset.budget !== null)) {
    try {
      costs = await measureCosts(
        addon,
        preset,
        channelsToProbe(preset),
        precision,
        { cancelled: () => control.cancelled, onFraction: (fraction) => emit({ type: 'probing', fraction }) },
        device,
      );
    } catch (error) {
      if (error instanceof ProbeCancelled) return 'cancelled';
      if (error instanceof ProbeOffDevice) {
        throw new AppError('INVALID_INPUT', `the GPU cannot be measured (${error.reason}); train with --device cpu`);
      }
      throw error;
    }
  }
  return speedRecord(costs, precision, bf16, Date.now(), (performance.now() - started) / 1000);
}

/**
 * The finished model's ONNX export, so its first take starts at once. A failure is only a
 * warning: generation re-exports on demand (ensureOnnx).
 */
async function exportForGeneration(addon: NativeAddon, modelDir: string): Promise<void> {
  try {
    await exportOnnx(addon, modelDir);
  } catch (error) {
    process.stderr.write(`warning: the ONNX export failed, generation will retry it (${error instanceof Error ? error.message : String(error)})\n`);
  }
}

/** The addon's options for a plan. */
export function trainOptions(plan: TrainingPlan): TrainOptions {
  return {
    mode: plan.mode,
    ...(plan.mode === 'inpainting' && plan.holes !== null ? { holes: plan.holes } : {}),
    channelsFirst: plan.channelsFirst,
    channelsRest: plan.channelsRest,
    kernelSize: plan.kernelSize,
    layers: plan.layers,
    epochsPerScale: plan.epochsPerScale,
    // Only what a plan turns on: plans without crops or bf16 train with the addon's defaults.
    ...(plan.cropSamples !== null ? { cropSamples: plan.cropSamples } : {}),
    ...(plan.cropSamples !== null && plan.fineEpochsPerScale !== null ? { fineEpochs: plan.fineEpochsPerScale } : {}),
    ...(plan.precision === 'bf16' ? { precision: plan.precision } : {}),
    learningRate: plan.learningRate,
    seed: BigInt(plan.seed),
    fsList: plan.fsList.length > 0 ? plan.fsList : [plan.topRate],
    ...(plan.alpha1 !== null ? { alpha1: plan.alpha1 } : {}),
    ...(plan.alpha2 !== null ? { alpha2: plan.alpha2 } : {}),
    ...(plan.mssConfigs !== null ? { mssConfigs: plan.mssConfigs } : {}),
  };
}

/**
 * The plan with its levels' lengths as resampled (the planner estimated them), and whether each
 * trains on crops decided again from the real length, as the trainer will.
 */
function withActualLengths(plan: TrainingPlan, samples: number): TrainingPlan {
  const crop = cropRuleOf(plan);
  const scales = plan.scales.map((scale) => {
    const length = scale.rate === plan.topRate ? samples : Math.ceil((samples * scale.rate) / plan.topRate);
    return { ...scale, length, ...trainedShape(length, crop, plan.epochsPerScale, plan.fineEpochsPerScale ?? plan.epochsPerScale) };
  });
  return { ...plan, scales };
}

function toLosses(losses: TrainingProgress['losses']): EpochLosses {
  return { ...losses, mss: Number.isFinite(losses.mss) ? losses.mss : null };
}

/**
 * Writes previews one scale at a time, in order, while training goes on (generation runs on
 * the addon's own thread). A scale's preview loads the checkpoints present when it starts; if a
 * later scale finished in between (possible only for tiny scales), the rate tells, and the
 * preview is generated from the folder's state anyway and labelled with the scale it shows.
 */
class Previews {
  #chain: Promise<void> = Promise.resolve();
  #failure: unknown = null;

  constructor(
    private readonly addon: NativeAddon,
    private readonly job: WorkerJob,
    private readonly plan: TrainingPlan,
    private readonly done: Set<number>,
    private readonly emit: (message: WorkerMessage) => void,
  ) {}

  queue(scale: number, scalesTotal: number, measured: { seconds: number; losses: EpochLosses | null } | undefined): void {
    if (this.done.has(scale)) return;
    this.done.add(scale);
    this.#chain = this.#chain.then(async () => {
      try {
        const record = await this.#write(scale, scalesTotal, measured);
        this.emit({ type: 'scale-done', record, scalesTotal });
      } catch (error) {
        this.#failure ??= error;
      }
    });
  }

  /** Waits for the queued previews; rethrows the first failure. */
  async drain(): Promise<void> {
    await this.#chain;
    if (this.#failure !== null) throw this.#failure;
  }

  async #write(scale: number, scalesTotal: number, measured: { seconds: number; losses: EpochLosses | null } | undefined): Promise<ScaleRecord> {
    const level = this.plan.scales[this.plan.scales.length - scalesTotal + scale];
    if (!level) throw new AppError('INTERNAL', `scale ${scale} is not in the plan`);
    const dir = path.join(this.job.modelDir, MODEL_FILES.previews);
    await mkdir(dir, { recursive: true });
    const seconds = level.length / level.rate;
    const fake = await this.addon.generate(this.job.modelDir, BigInt(this.plan.seed), seconds);
    const rec = await this.addon.reconstruct(this.job.modelDir);
    const previews: ScaleRecord['previews'] = [];
    for (const [kind, audio] of [['fake', fake], ['rec', rec]] as const) {
      if (audio.sampleRate !== level.rate) continue; // a later scale landed first: see the class note
      await writeFileAtomic(path.join(dir, MODEL_FILES.preview(scale, kind)), await previewWav(audio.samples, audio.sampleRate));
      previews.push(kind);
    }
    return {
      scale,
      rate: level.rate,
      length: level.length,
      // The first TRAINED scale has channelsFirst even when the energy rule skipped levels.
      channels: scale === 0 ? this.plan.channelsFirst : this.plan.channelsRest,
      seconds: measured?.seconds ?? 0,
      losses: measured?.losses ?? null,
      previews,
    };
  }
}

/** 16-bit WAV of normalised samples: peak-limited to 1 as the reference writes them, upsampled to a playable rate. */
async function previewWav(samples: Float32Array, rate: number): Promise<Uint8Array> {
  let peak = 0;
  for (const x of samples) peak = Math.max(peak, Math.abs(x));
  const scaled = peak > 1 ? samples.map((x) => x / peak) : samples;
  const outRate = Math.max(rate, PREVIEW_MIN_RATE);
  const playable = outRate === rate ? scaled : await resample(scaled, rate, outRate, 'medium');
  for (let i = 0; i < playable.length; i++) playable[i] = Math.max(-1, Math.min(1, playable[i]!));
  return encodeWav({ sampleRate: outRate, channels: [playable] }, { bitDepth: 16 });
}

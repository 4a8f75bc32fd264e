/**
 * Runs an exported generator pyramid (<modelDir>/onnx, see services/models/onnx/export.ts) with onnxruntime-node:
 * one InferenceSession per scale, created on first use and kept for the next takes. 'auto'
 * tries the CUDA execution provider (when onnxruntime's CUDA provider library is installed and a
 * session opens on it) and otherwise runs on the CPU, saying why in `providerReason`.
 * Noise is the caller's (addon.generationNoise for the native draws, zRec for reconstruction),
 * so a seed means the same audio here as in the native core.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { AppError, firstLine } from '../../../common/errors.js';
import { readFloat32File } from '../../models/float32-file.js';
import { MODEL_FILES } from '../../models/model-files.js';
import { readManifest, type PyramidManifest } from '../../models/onnx/manifest.js';

export type ExecutionProviderChoice = 'auto' | 'cpu' | 'cuda';

export interface OnnxPyramidOptions {
  /** 'auto' (default): CUDA when it works, else the CPU. 'cuda' also falls back, with the reason. */
  executionProvider?: ExecutionProviderChoice;
  /** CPU intra-op threads [the machine's cores]. */
  threads?: number;
}

export interface PyramidRunOptions {
  /** One per scale from startScale up (entries below it are ignored): noises[s] sets scale s's length. */
  noises: readonly Float32Array[];
  /** The first scale to run [0]. */
  startScale?: number;
  /** With startScale > 0: what scale startScale-1 would have output (any length). */
  entry?: Float32Array;
  /** After each scale, with every output so far. */
  onScale?: (s: number, outputs: readonly Float32Array[]) => void;
}

export class OnnxPyramid {
  readonly #sessions = new Map<number, Promise<ort.InferenceSession>>();
  readonly #zRec: (Float32Array | null)[];
  #disposed = false;

  private constructor(
    private readonly dir: string,
    readonly manifest: PyramidManifest,
    readonly executionProvider: 'cpu' | 'cuda',
    /** Why the CPU when 'auto' or 'cuda' was asked (one sentence), else null. */
    readonly providerReason: string | null,
    private readonly threads: number,
    zRec: (Float32Array | null)[],
    firstSession: ort.InferenceSession | null,
  ) {
    this.#zRec = zRec;
    if (firstSession !== null) this.#sessions.set(0, Promise.resolve(firstSession));
  }

  /** Opens the export in `onnxDir` (its manifest must be there: see ensureOnnx). */
  static async open(onnxDir: string, options: OnnxPyramidOptions = {}): Promise<OnnxPyramid> {
    const manifest = await readManifest(onnxDir);
    if (manifest === null) {
      throw new AppError('NOT_FOUND', `the model's ONNX export is missing or damaged (${path.join(onnxDir, MODEL_FILES.onnxManifest)})`);
    }
    const threads = options.threads ?? availableParallelism();
    const zRec = await Promise.all(manifest.zRec.map((file, s) => (file === null ? null : readNoise(onnxDir, file, manifest.scales[s]?.trainingLength ?? 0))));
    const choice = options.executionProvider ?? 'auto';
    let provider: 'cpu' | 'cuda' = 'cpu';
    let reason: string | null = null;
    let first: ort.InferenceSession | null = null;
    if (choice !== 'cpu') {
      const problem = cudaProviderProblem();
      if (problem !== null) {
        reason = problem;
      } else {
        try {
          first = await createSession(path.join(onnxDir, manifest.scales[0]?.file ?? ''), 'cuda', threads);
          provider = 'cuda';
        } catch (error) {
          reason = `the CUDA provider did not start (${firstLine(error instanceof Error ? error.message : String(error))}).`;
        }
      }
    }
    return new OnnxPyramid(onnxDir, manifest, provider, reason, threads, zRec, first);
  }

  /** Samples per scale for `seconds` of audio: round(rate · seconds), as the native core counts. */
  lengthsFor(seconds: number): number[] {
    return this.manifest.scales.map((scale) => Math.round(scale.rate * seconds));
  }

  /** Scale s's reconstruction noise (its training length; zeros when the export has none). */
  zRec(s: number): Float32Array {
    const scale = this.manifest.scales[s];
    if (!scale) throw new AppError('INVALID_INPUT', `the model has no scale ${s}`);
    const z = this.#zRec[s];
    return z ? Float32Array.from(z) : new Float32Array(scale.trainingLength);
  }

  /** G_s on noise (N samples) and, for s >= 1, the previous scale's output (any length). Returns (N). */
  async runScale(s: number, noise: Float32Array, prev: Float32Array | null): Promise<Float32Array> {
    if (this.#disposed) throw new AppError('INTERNAL', 'the generator was closed');
    if (!this.manifest.scales[s]) throw new AppError('INVALID_INPUT', `the model has no scale ${s}`);
    if (noise.length === 0) throw new AppError('INVALID_INPUT', `scale ${s}: the take is shorter than one sample`);
    if ((s === 0) !== (prev === null) || (prev !== null && prev.length === 0)) {
      throw new AppError('INTERNAL', `scale ${s}: ${s === 0 ? 'takes no input from below' : 'needs the output of the scale below'}`);
    }
    const session = await this.#session(s);
    const feeds: Record<string, ort.Tensor> = { noise: new ort.Tensor('float32', noise, [1, 1, noise.length]) };
    if (prev !== null) feeds.prev = new ort.Tensor('float32', prev, [1, 1, prev.length]);
    let out: ort.Tensor | undefined;
    try {
      out = (await session.run(feeds)).out;
    } catch (error) {
      throw new AppError('INTERNAL', `generation failed at scale ${s}: ${firstLine(error instanceof Error ? error.message : String(error))}`);
    }
    if (out?.type !== 'float32' || out.data.length !== noise.length) {
      throw new AppError('INTERNAL', `scale ${s} returned the wrong shape`);
    }
    return out.data as Float32Array;
  }

  /** The pyramid from startScale to the top; every scale's output (empty below startScale). */
  async run(options: PyramidRunOptions): Promise<Float32Array[]> {
    const start = options.startScale ?? 0;
    const S = this.manifest.scales.length;
    if (!Number.isInteger(start) || start < 0 || start >= S) throw new AppError('INVALID_INPUT', `the model has no scale ${start}`);
    if (options.noises.length < S) throw new AppError('INTERNAL', `${options.noises.length} noise arrays for ${S} scales`);
    if (start > 0 && (options.entry === undefined || options.entry.length === 0)) {
      throw new AppError('INTERNAL', `starting at scale ${start} needs the signal that enters it`);
    }
    const outputs: Float32Array[] = Array.from({ length: S }, () => new Float32Array(0));
    for (let s = start; s < S; s++) {
      const prev = s === 0 ? null : s === start ? (options.entry as Float32Array) : (outputs[s - 1] as Float32Array);
      outputs[s] = await this.runScale(s, options.noises[s] as Float32Array, prev);
      options.onScale?.(s, outputs);
    }
    return outputs;
  }

  /** Releases every session; the pyramid is unusable afterwards. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    for (const pending of sessions) {
      const session = await pending.catch(() => null);
      await session?.release();
    }
  }

  #session(s: number): Promise<ort.InferenceSession> {
    let pending = this.#sessions.get(s);
    if (pending === undefined) {
      const file = path.join(this.dir, (this.manifest.scales[s] as PyramidManifest['scales'][number]).file);
      pending = createSession(file, this.executionProvider, this.threads).catch((error: unknown) => {
        this.#sessions.delete(s);
        throw new AppError('INTERNAL', `cannot load scale ${s} of the generator: ${firstLine(error instanceof Error ? error.message : String(error))}`);
      });
      this.#sessions.set(s, pending);
    }
    return pending;
  }
}

function createSession(file: string, provider: 'cpu' | 'cuda', threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, {
    executionProviders: provider === 'cuda' ? [{ name: 'cuda', deviceId: 0 }] : ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
}

/** Why onnxruntime's CUDA provider cannot be used here, or null when its library is installed. */
function cudaProviderProblem(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `onnxruntime-node has no CUDA provider for ${process.platform}-${process.arch}.`;
  let root: string;
  try {
    root = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  } catch {
    return 'onnxruntime-node is not installed where expected.';
  }
  const library = path.join(root, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
  return existsSync(library) ? null : "onnxruntime's CUDA provider is not installed (it is a separate download).";
}

async function readNoise(dir: string, file: string, length: number): Promise<Float32Array> {
  return readFloat32File(path.join(dir, file), { samples: length, what: `the ONNX export's ${file}` });
}

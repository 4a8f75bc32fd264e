/**
 * The phrase models at inference, through onnxruntime-node on the CPU (docs/midi.md "Phrase
 * models in ONNX", "MIDI takes"): `continue`'s language model (lstm-lm-onnx.ts's graph, one
 * `lm.onnx`) primed with a context and stepped one token per run, and `vary`'s VAE (three
 * graphs: `vae-encoder.onnx`, `vae-init.onnx`, `vae-decoder.onnx`) encoding a phrase to its
 * latent mean and decoding a latent into a fixed number of bars.
 *
 * Drawing a token follows the native sampler (phrase-models/lm-sample.ts) rule for rule, so the
 * same model, context, temperature and seed give the same tokens here as there: the softmax of
 * the logits with PAD and BOS at 0; for a continuation EOS's probability given to BAR (the
 * model ends a phrase where its last bar ends; a continuation is asked to go on); the
 * probabilities raised to 1/temperature; one uniform draw from the seeded stream
 * 'lstm-lm-sample' per token, walked through the weights in token order. Temperature 0 takes
 * the likeliest token and draws nothing. With bars, a continuation stops just before the N-th
 * bar line it would write. The VAE decoder draws as phrase-models/vae.ts's decodeGreedy and
 * decodeSample do (the first likeliest token; or exp((logit − top)/temperature) walked with
 * one draw of the stream 'vae-sample:0'), PAD and BOS never chosen, EOS kept (its phrases are
 * fixed-length and end with it): it stops there, or before the bar line that would start bar
 * N + 1 (a decoded phrase writes a bar line at its start, as tokens.ts encodes one).
 *
 * Each run is asynchronous (onnxruntime works on its own threads), so an app's event loop stays
 * free while a take is written. A runtime counts its runs in flight and `close` waits for them
 * before releasing the sessions, so a model deleted mid-take never frees a session under a run.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { AppError, firstLine } from '../../../common/errors.js';
import { MAX_VARY_BEAM_WIDTH } from '../../../common/phrases.js';
import { seededRandom } from '../../../node/seeded-random.js';
import { BAR, BOS, EOS, PAD, VOCAB_SIZE, describeToken } from '../../phrases/tokens.js';
import { LSTM_LM_IO } from './lstm-lm-onnx.js';
import { VAE_ONNX_FILES, VAE_ONNX_IO as VAE_IO } from './vae-onnx.js';
import { BeamSearch, endAtBars, followParents } from '../../phrase-models/beam-search.js';

/** How long a continuation runs: a number of tokens, or of bars (as lm-sample.ts counts them). */
export type TokenLength = { tokens: number } | { bars: number };

/** The most tokens a bar may take before a sample that stops writing bar lines is cut off (lm-sample.ts's MAX_TOKENS_PER_BAR). */
export const MAX_TOKENS_PER_BAR = 256;
/** The longest continuation or decode, in bars. */
export const MAX_RUNTIME_BARS = 64;
/** The seeded stream a continuation draws from: lm-sample.ts's, so both samplers draw the same numbers. */
export const LM_SAMPLE_STREAM = 'lstm-lm-sample';
/** The seeded stream a VAE decode draws from: phrase-models/vae.ts decodeSample's for its first latent. */
export const VAE_SAMPLE_STREAM = 'vae-sample:0';

/**
 * A continuation's next token from `logits` (V floats), as lm-sample.ts draws it (see the file
 * comment): temperature 0 for the likeliest, else one draw of `random`.
 */
export function drawContinueToken(logits: ArrayLike<number>, temperature: number, random: () => number): number {
  const V = logits.length;
  let top = -Infinity;
  for (let j = 0; j < V; j++) top = Math.max(top, logits[j]!);
  const weights = new Float64Array(V);
  let sum = 0;
  for (let j = 0; j < V; j++) sum += weights[j] = j === PAD || j === BOS ? 0 : Math.exp(logits[j]! - top);
  weights[BAR] = weights[BAR]! + weights[EOS]!;
  weights[EOS] = 0;
  let likeliest = 0;
  for (let j = 1; j < V; j++) if (weights[j]! > weights[likeliest]!) likeliest = j;
  if (temperature === 0) return likeliest;
  let total = 0;
  for (let j = 0; j < V; j++) total += weights[j] = (weights[j]! / sum) ** (1 / temperature);
  let token = likeliest; // a temperature so low that every power underflowed: the likeliest
  if (total > 0 && Number.isFinite(total)) {
    let threshold = random() * total;
    for (let j = 0; j < V; j++) {
      if (weights[j] === 0) continue;
      token = j; // rounding may leave a sliver past the end: the last token with weight
      threshold -= weights[j]!;
      if (threshold < 0) break;
    }
  }
  return token;
}

/** The VAE decoder's next token, as phrase-models/vae.ts decodeGreedy / decodeSample choose it (see the file comment). */
export function drawDecoderToken(logits: ArrayLike<number>, temperature: number, random: () => number): number {
  const V = logits.length;
  const usable = (j: number): boolean => j !== PAD && j !== BOS;
  if (temperature === 0) {
    let best = -1;
    for (let j = 0; j < V; j++) if (usable(j) && (best < 0 || logits[j]! > logits[best]!)) best = j;
    return best;
  }
  let top = -Infinity;
  for (let j = 0; j < V; j++) if (usable(j)) top = Math.max(top, logits[j]!);
  const weights = new Float64Array(V);
  let sum = 0;
  for (let j = 0; j < V; j++) sum += weights[j] = usable(j) ? Math.exp((logits[j]! - top) / temperature) : 0;
  let draw = random() * sum;
  for (let j = 0; j < V; j++) {
    draw -= weights[j]!;
    if (draw < 0 && weights[j]! > 0) return j;
  }
  return EOS;
}

function checkTemperature(temperature: number): void {
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new AppError('INVALID_INPUT', `the temperature is a number from 0 up (got ${temperature})`);
}

function checkBars(bars: number): void {
  if (!Number.isInteger(bars) || bars < 1 || bars > MAX_RUNTIME_BARS) throw new AppError('INVALID_INPUT', `bars to write: a whole number in 1..${MAX_RUNTIME_BARS} (got ${bars})`);
}

function int64Tokens(tokens: readonly number[], T: number, B: number): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(tokens, (token) => BigInt(token)), [T, B]);
}

/** A dimension of a graph's input that the file fixes (L, H, Z), read from the session's metadata. */
function fixedDim(session: ort.InferenceSession, input: string, axis: number, what: string): number {
  const meta = session.inputMetadata.find((value) => value.name === input);
  const dim = meta?.isTensor ? meta.shape[axis] : undefined;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1) {
    throw new AppError('INVALID_INPUT', `${what}: its input ${input} has no fixed size on axis ${axis}; it is not a phrase model's graph`);
  }
  return dim;
}

async function openSession(file: string, what: string): Promise<ort.InferenceSession> {
  try {
    await access(file);
  } catch {
    throw new AppError('NOT_FOUND', `${what} is missing (${path.basename(file)}); export or train the model again`);
  }
  try {
    return await ort.InferenceSession.create(file, {
      executionProviders: ['cpu'],
      // Token-by-token runs of a small LSTM: one thread avoids waking a pool for microseconds of work.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
  } catch (error) {
    throw new AppError('INVALID_INPUT', `${what} cannot be opened: ${firstLine(error instanceof Error ? error.message : String(error))}`);
  }
}

function outputOf(result: ort.InferenceSession.ReturnType, name: string): Float32Array {
  const value = result[name] as ort.Tensor | undefined;
  if (!value) throw new AppError('INTERNAL', `the phrase model's graph gave no ${name}`);
  return value.data as Float32Array;
}

/** Runs in flight and a close that waits for them (see the file comment). */
class RunGate {
  #running = 0;
  #closed = false;
  #idle: (() => void) | null = null;

  async use<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new AppError('INVALID_INPUT', `${what} was closed (its model was deleted or changed)`);
    this.#running += 1;
    try {
      return await work();
    } finally {
      this.#running -= 1;
      if (this.#running === 0) this.#idle?.();
    }
  }

  async close(release: () => Promise<void>): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#running > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    await release();
  }
}

/** `continue`'s language model on onnxruntime. */
export class PhraseLmRuntime {
  readonly #session: ort.InferenceSession;
  readonly #gate = new RunGate();
  /** L and H: the state's layers and width, read from the graph. */
  readonly layers: number;
  readonly hidden: number;

  private constructor(session: ort.InferenceSession) {
    this.#session = session;
    this.layers = fixedDim(session, LSTM_LM_IO.h0, 0, 'the continue model');
    this.hidden = fixedDim(session, LSTM_LM_IO.h0, 2, 'the continue model');
  }

  /** Opens `lm.onnx` (lstm-lm-onnx.ts's graph). */
  static async open(file: string): Promise<PhraseLmRuntime> {
    return new PhraseLmRuntime(await openSession(file, "the continue model's ONNX file"));
  }

  /**
   * Up to `length` of tokens after `context` (which starts with BOS): the context primed in one
   * run from a zero state, then one run per drawn token with the state carried. Equal token for
   * token to lm-sample.ts's continueTokens for the same model, context, temperature and seed.
   */
  continueTokens(context: readonly number[], length: TokenLength, temperature: number, seed: string): Promise<number[]> {
    return this.#gate.use('the continue model', async () => {
      checkTemperature(temperature);
      if (context[0] !== BOS) throw new AppError('INVALID_INPUT', 'a context to continue starts with BOS');
      for (const token of context) describeToken(token);
      const bars = 'bars' in length ? length.bars : null;
      if (bars !== null) checkBars(bars);
      const limit = 'tokens' in length ? length.tokens : length.bars * MAX_TOKENS_PER_BAR;
      if (!Number.isInteger(limit) || limit < 0) throw new AppError('INVALID_INPUT', `tokens to continue: a whole number from 0 up (got ${limit})`);

      const stateDims = [this.layers, 1, this.hidden];
      const zeros = new Float32Array(this.layers * this.hidden);
      let result = await this.#session.run({
        [LSTM_LM_IO.tokens]: int64Tokens(context, context.length, 1),
        [LSTM_LM_IO.h0]: new ort.Tensor('float32', zeros, stateDims),
        [LSTM_LM_IO.c0]: new ort.Tensor('float32', zeros.slice(), stateDims),
      });
      let logits = outputOf(result, LSTM_LM_IO.logits).subarray((context.length - 1) * VOCAB_SIZE, context.length * VOCAB_SIZE);
      const random = seededRandom(seed, LM_SAMPLE_STREAM);
      const out: number[] = [];
      let barsWritten = 0;
      while (out.length < limit) {
        const token = drawContinueToken(logits, temperature, random);
        if (token === BAR && bars !== null && ++barsWritten === bars) break;
        out.push(token);
        result = await this.#session.run({
          [LSTM_LM_IO.tokens]: int64Tokens([token], 1, 1),
          [LSTM_LM_IO.h0]: new ort.Tensor('float32', outputOf(result, LSTM_LM_IO.hT), stateDims),
          [LSTM_LM_IO.c0]: new ort.Tensor('float32', outputOf(result, LSTM_LM_IO.cT), stateDims),
        });
        logits = outputOf(result, LSTM_LM_IO.logits);
      }
      return out;
    });
  }

  /** Releases the session once no run is in flight; later calls are refused. */
  close(): Promise<void> {
    return this.#gate.close(() => this.#session.release());
  }
}

/** `vary`'s VAE on onnxruntime: encoder, latent → initial state, and decoder. */
export class PhraseVaeRuntime {
  readonly #encoder: ort.InferenceSession;
  readonly #init: ort.InferenceSession;
  readonly #decoder: ort.InferenceSession;
  readonly #gate = new RunGate();
  /** Z: the latent's size; the decoder's state layers and width. */
  readonly latent: number;
  readonly layers: number;
  readonly hidden: number;

  private constructor(encoder: ort.InferenceSession, init: ort.InferenceSession, decoder: ort.InferenceSession) {
    this.#encoder = encoder;
    this.#init = init;
    this.#decoder = decoder;
    this.latent = fixedDim(init, VAE_IO.z, 1, 'the vary model');
    this.layers = fixedDim(decoder, VAE_IO.h0, 0, 'the vary model');
    this.hidden = fixedDim(decoder, VAE_IO.h0, 2, 'the vary model');
  }

  /** Opens the three graphs in `folder` (VAE_ONNX_FILES). */
  static async open(folder: string): Promise<PhraseVaeRuntime> {
    const sessions: ort.InferenceSession[] = [];
    try {
      for (const file of [VAE_ONNX_FILES.encoder, VAE_ONNX_FILES.init, VAE_ONNX_FILES.decoder]) {
        sessions.push(await openSession(path.join(folder, file), "the vary model's ONNX file"));
      }
      return new PhraseVaeRuntime(sessions[0]!, sessions[1]!, sessions[2]!);
    } catch (error) {
      await Promise.all(sessions.map((session) => session.release()));
      throw error;
    }
  }

  /** The latent mean of each token sequence (BOS..EOS, as phrases.ts's phraseTokens gives them), in one batched run. */
  encodeMean(sequences: readonly (readonly number[])[]): Promise<Float32Array[]> {
    return this.#gate.use('the vary model', async () => {
      if (sequences.length === 0) return [];
      const B = sequences.length;
      const T = Math.max(...sequences.map((tokens) => tokens.length));
      const ids = new Array<number>(T * B).fill(PAD);
      sequences.forEach((tokens, b) => {
        if (tokens[0] !== BOS || tokens.at(-1) !== EOS) throw new AppError('INVALID_INPUT', 'a phrase to encode runs from BOS to EOS');
        tokens.forEach((token, t) => {
          describeToken(token);
          ids[t * B + b] = token;
        });
      });
      const result = await this.#encoder.run({
        [VAE_IO.tokens]: int64Tokens(ids, T, B),
        [VAE_IO.lengths]: new ort.Tensor('int32', Int32Array.from(sequences, (tokens) => tokens.length), [B]),
      });
      const mu = outputOf(result, VAE_IO.mu);
      if (mu.length !== B * this.latent) throw new AppError('INTERNAL', `the vary model's encoder gave ${mu.length} numbers for ${B} × ${this.latent}`);
      return sequences.map((_, b) => mu.slice(b * this.latent, (b + 1) * this.latent));
    });
  }

  /**
   * The tokens `z` decodes into for a phrase of `bars` bars: from BOS with the state vae-init
   * gives, each chosen token fed back, until EOS or the bar line that would start bar bars + 1
   * (neither is returned). Temperature 0 is greedy; above, a draw from the seeded stream.
   */
  decode(z: Float32Array, bars: number, temperature: number, seed: string): Promise<number[]> {
    return this.#gate.use('the vary model', async () => {
      checkTemperature(temperature);
      checkBars(bars);
      this.#checkLatent(z);
      const latent = new ort.Tensor('float32', Float32Array.from(z), [1, this.latent]);
      const state = await this.#init.run({ [VAE_IO.z]: latent });
      const stateDims = [this.layers, 1, this.hidden];
      let h = outputOf(state, VAE_IO.h0);
      let c = outputOf(state, VAE_IO.c0);
      const random = seededRandom(seed, VAE_SAMPLE_STREAM);
      const out: number[] = [];
      let token = BOS;
      let barLines = 0;
      const limit = bars * MAX_TOKENS_PER_BAR;
      while (out.length < limit) {
        const result = await this.#decoder.run({
          [VAE_IO.tokens]: int64Tokens([token], 1, 1),
          [VAE_IO.z]: latent,
          [VAE_IO.h0]: new ort.Tensor('float32', h, stateDims),
          [VAE_IO.c0]: new ort.Tensor('float32', c, stateDims),
        });
        h = outputOf(result, VAE_IO.hT);
        c = outputOf(result, VAE_IO.cT);
        token = drawDecoderToken(outputOf(result, VAE_IO.logits), temperature, random);
        if (token === EOS) break;
        if (token === BAR && ++barLines > bars) break;
        out.push(token);
      }
      return out;
    });
  }

  /**
   * The likeliest tokens `z` decodes into by beam search (phrase-models/beam-search.ts: `width`
   * hypotheses as the lanes of one run; width 1 is decode at temperature 0), with decode's ends:
   * EOS, or the bar line that would start bar bars + 1 (neither is returned; beam-search.ts
   * endAtBars). vae-decode.ts's decodeBeam with `bars` runs the same search on the addon.
   */
  decodeBeam(z: Float32Array, bars: number, width: number): Promise<number[]> {
    return this.#gate.use('the vary model', async () => {
      checkBars(bars);
      if (!Number.isInteger(width) || width < 1 || width > MAX_VARY_BEAM_WIDTH) throw new AppError('INVALID_INPUT', `the beam's width is a whole number in 1..${MAX_VARY_BEAM_WIDTH} (got ${width})`);
      this.#checkLatent(z);
      const tiled = new Float32Array(width * this.latent);
      for (let b = 0; b < width; b++) tiled.set(z, b * this.latent);
      const latent = new ort.Tensor('float32', tiled, [width, this.latent]);
      const state = await this.#init.run({ [VAE_IO.z]: latent });
      const stateDims = [this.layers, width, this.hidden];
      let h = outputOf(state, VAE_IO.h0);
      let c = outputOf(state, VAE_IO.c0);
      const search = new BeamSearch(width, [BOS], endAtBars(bars));
      const limit = bars * MAX_TOKENS_PER_BAR;
      for (let t = 0; t < limit && !search.done; t++) {
        const result = await this.#decoder.run({
          [VAE_IO.tokens]: int64Tokens(search.inputs(), 1, width),
          [VAE_IO.z]: latent,
          [VAE_IO.h0]: new ort.Tensor('float32', h, stateDims),
          [VAE_IO.c0]: new ort.Tensor('float32', c, stateDims),
        });
        const parents = search.advance(outputOf(result, VAE_IO.logits));
        h = followParents(outputOf(result, VAE_IO.hT), parents, this.hidden);
        c = followParents(outputOf(result, VAE_IO.cT), parents, this.hidden);
      }
      const best = search.best();
      return best.slice(1, best[best.length - 1] === EOS ? -1 : undefined);
    });
  }

  #checkLatent(z: Float32Array): void {
    if (z.length !== this.latent) throw new AppError('INVALID_INPUT', `a latent of the vary model has ${this.latent} numbers (got ${z.length})`);
    for (const value of z) if (!Number.isFinite(value)) throw new AppError('INVALID_INPUT', 'a latent holds only finite numbers');
  }

  /** Releases the three sessions once no run is in flight; later calls are refused. */
  close(): Promise<void> {
    return this.#gate.close(async () => {
      await Promise.all([this.#encoder.release(), this.#init.release(), this.#decoder.release()]);
    });
  }
}

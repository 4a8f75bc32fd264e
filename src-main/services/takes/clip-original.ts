/**
 * The clip a gap fill is spliced into, as the generation worker loads it: the library's original
 * file, decoded as imported, cut to the clip's region — all its channels at its own rate — when
 * that region is still the audio the model learned; otherwise the model's own copy.
 *
 * "Still the audio the model learned" is checked, not assumed: a clip can be moved or trimmed
 * after training, and a fill spliced into other audio would be nonsense. The model's folder
 * keeps the clip as it was copied at training (source.f32: the region mixed to mono and
 * resampled to source.json's rate, by the library's training-audio path); the region is cut,
 * mixed and resampled the same way here (the same sample rounding, libsamplerate's best sinc)
 * and must equal that copy bit for bit.
 */
import { readFile } from 'node:fs/promises';
import { decodeAudio } from '../audio/decode.js';
import { mixToMono, resample } from '../audio/resample.js';
import { readSourceAudio } from '../models/model-source.js';
import type { ClipOriginal } from './protocol.js';
import type { ClipAudio } from './render/index.js';

/** The original's region when it matches the model's copy, else the model's copy (mono, its rate). */
export async function loadClipForSplice(modelDir: string, original: ClipOriginal | null): Promise<ClipAudio> {
  const copy = await readSourceAudio(modelDir);
  const region = original === null ? null : await originalRegion(original).catch(() => null);
  if (region !== null && sameAudio(await resample(mixToMono(region.channels), region.sampleRate, copy.rate, 'best'), copy.samples)) {
    return { channels: region.channels, sampleRate: region.sampleRate, from: 'original' };
  }
  return { channels: [copy.samples], sampleRate: copy.rate, from: 'model copy' };
}

/** The clip's region of the original, every channel, cut where the training audio is cut: [round(start · rate), round(end · rate)). */
async function originalRegion(original: ClipOriginal): Promise<{ channels: Float32Array[]; sampleRate: number } | null> {
  const audio = await decodeAudio(await readFile(original.path), original.name);
  const first = Math.round(original.start * audio.sampleRate);
  const last = Math.min(Math.round(original.end * audio.sampleRate), audio.channels[0]?.length ?? 0);
  if (first >= last) return null;
  return { channels: audio.channels.map((channel) => channel.slice(first, last)), sampleRate: audio.sampleRate };
}

function sameAudio(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

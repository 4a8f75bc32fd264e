/**
 * `eureka part <id> --wav out.wav [--clip <part-clip-id>]`: a MIDI part, or one of its clips,
 * rendered by the General MIDI synth (docs/midi.md "Hearing MIDI") into a 16-bit stereo WAV at
 * 44.1 kHz — the same file the UI plays, from the data folder's cache when it was rendered before.
 */
import path from 'node:path';
import { AppError } from '../../common/errors.js';
import { formatSeconds } from '../../common/format-time.js';
import type { Core } from '../../core.js';
import { printJson, printLines } from '../output.js';

export async function writePartWav(core: Core, partId: number, options: { wav: string; clip?: number }, json: boolean): Promise<void> {
  if (options.wav.trim() === '') throw new AppError('INVALID_INPUT', 'give --wav a file name, e.g. --wav part.wav');
  const part = core.parts.get(partId);
  if (options.clip !== undefined) {
    const clip = core.parts.getClip(options.clip);
    if (clip.partId !== part.id) throw new AppError('INVALID_INPUT', `part clip ${clip.id} is part ${clip.partId}'s, not part ${part.id}'s`);
  }
  const { music, options: how } = core.partSound(options.clip === undefined ? { partId } : { partClipId: options.clip });
  const file = path.resolve(options.wav);
  const { durationSeconds, sampleRate, rendered } = await core.partAudio.writeWav(music, file, how);
  if (json) {
    printJson({ partId, partClipId: options.clip ?? null, file, durationSeconds, sampleRate, rendered });
    return;
  }
  printLines(`wrote ${file}: ${music.name}, ${formatSeconds(durationSeconds)} (${sampleRate} Hz, 16-bit stereo)`);
}

/**
 * PartMusic → stereo float audio with a General MIDI SoundFont: every note at its tempo-map
 * second, on the part's channel and program (channel 9 is the drum kit), with its velocity,
 * the part's pitch bends and a release tail.
 *
 * Why a library and not our own synth: playing a SoundFont properly — sample loops, volume and
 * modulation envelopes, the resonant filter, modulators, key and velocity layers, reverb and
 * chorus — is a project of its own, and GeneralUser GS relies on all of it (SoundFont 2.01
 * modulators). spessasynth_core does it in plain JavaScript, offline, sample by sample, with
 * no native code and no audio device.
 *
 * Deterministic: a fresh synth per rendering over the once-loaded bank, events applied at
 * exact sample positions (the synth renders up to an event, then takes it), no randomness in
 * the synth's voice path — the same music and options give the same samples, bit for bit.
 */
import { MIDIControllers, SpessaSynthProcessor } from 'spessasynth_core';
import { AppError } from '../../common/errors.js';
import { GM_DRUM_CHANNEL, type PartMusic } from '../../common/midi.js';
import { secondsAtBeats } from '../../common/tempo-map.js';
import { loadSoundBank } from './soundfont.js';

export interface RenderOptions {
  /** Output rate in Hz [44100]. */
  sampleRate?: number;
  /** Where the audio starts, in beats from bar 1 [0]; a note sounding there starts at 0 s. */
  fromBeats?: number;
  /** Where the notes stop, in beats [the end of the last note]; notes still sounding are released there. */
  toBeats?: number;
  /** Seconds of audio after `toBeats` for releases and reverb to ring out [2]. */
  tailSeconds?: number;
}

export interface RenderedMusic {
  channels: [Float32Array, Float32Array];
  sampleRate: number;
}

export const DEFAULT_SYNTH_RATE = 44_100;
export const DEFAULT_TAIL_SECONDS = 2;
/** The tail's last moments fade to nothing, so a reverb cut short ends without a click. */
const END_FADE_SECONDS = 0.05;
/** Longer than any part a person previews; keeps a typo in a tempo map from asking for hours of audio. */
const MAX_RENDER_SECONDS = 30 * 60;
/** The synth takes at most this many frames per call. */
const BLOCK = 128;

type SynthEvent =
  | { frame: number; order: 0; kind: 'bend'; value: number }
  | { frame: number; order: 1; kind: 'off'; pitch: number }
  | { frame: number; order: 2; kind: 'on'; pitch: number; velocity: number };

/** Renders `music` (validated by the caller against partMusicSchema) between `fromBeats` and `toBeats` plus the tail. */
export function renderMusic(music: PartMusic, options: RenderOptions = {}): RenderedMusic {
  const sampleRate = options.sampleRate ?? DEFAULT_SYNTH_RATE;
  const tailSeconds = options.tailSeconds ?? DEFAULT_TAIL_SECONDS;
  if (!Number.isInteger(sampleRate) || sampleRate < 8_000 || sampleRate > 192_000) {
    throw new AppError('INVALID_INPUT', `the synth renders at 8000 to 192000 Hz, not ${sampleRate}`);
  }
  if (!(tailSeconds >= 0 && tailSeconds <= 30)) throw new AppError('INVALID_INPUT', `a release tail is 0 to 30 s, not ${tailSeconds}`);
  const lastEnd = music.notes.reduce((end, note) => Math.max(end, note.startBeats + note.durationBeats), 0);
  const fromBeats = options.fromBeats ?? 0;
  const toBeats = options.toBeats ?? Math.max(lastEnd, fromBeats);
  if (!(fromBeats >= 0 && toBeats >= fromBeats)) {
    throw new AppError('INVALID_INPUT', `cannot render from beat ${fromBeats} to beat ${toBeats}`);
  }
  const startSeconds = secondsAtBeats(music.tempoMap, fromBeats);
  const frameAt = (beats: number): number => Math.round((secondsAtBeats(music.tempoMap, beats) - startSeconds) * sampleRate);
  const seconds = secondsAtBeats(music.tempoMap, toBeats) - startSeconds + tailSeconds;
  if (seconds > MAX_RENDER_SECONDS) {
    throw new AppError('INVALID_INPUT', `the part lasts ${Math.round(seconds / 60)} minutes; the synth renders at most ${MAX_RENDER_SECONDS / 60}`);
  }
  const frames = Math.round(seconds * sampleRate);
  const events = scheduleEvents(music, fromBeats, toBeats, frameAt);

  const synth = new SpessaSynthProcessor(sampleRate, { maxBufferSize: BLOCK, effectsEnabled: true, eventsEnabled: false, initialTime: 0 });
  synth.soundBankManager.addSoundBank(loadSoundBank(), 'generaluser');
  const channel = music.channel;
  // The bend range General MIDI assumes (±2 semitones), said outright: RPN 0 = 2 semitones, 0 cents.
  synth.controllerChange(channel, MIDIControllers.registeredParameterMSB, 0);
  synth.controllerChange(channel, MIDIControllers.registeredParameterLSB, 0);
  synth.controllerChange(channel, MIDIControllers.dataEntryMSB, 2);
  synth.controllerChange(channel, MIDIControllers.dataEntryLSB, 0);
  if (channel !== GM_DRUM_CHANNEL) synth.programChange(channel, music.program);

  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  let done = 0;
  const renderUntil = (frame: number): void => {
    const end = Math.min(frame, frames);
    while (done < end) {
      const count = Math.min(BLOCK, end - done);
      synth.process(left, right, done, count);
      done += count;
    }
  };
  for (const event of events) {
    renderUntil(event.frame);
    if (event.kind === 'on') synth.noteOn(channel, event.pitch, event.velocity);
    else if (event.kind === 'off') synth.noteOff(channel, event.pitch);
    else synth.pitchWheel(channel, bendToWheel(event.value));
  }
  renderUntil(frames);
  // No destroySynthProcessor(): it destroys the sound banks too, and the bank is shared.
  fadeOut(left, right, Math.min(frames, Math.round(END_FADE_SECONDS * sampleRate)));
  return { channels: [left, right], sampleRate };
}

/**
 * The notes and bends between the two beats as frame-stamped events in the order the synth
 * takes them: at one frame a bend first (so a note starts at its pitch), then releases, then
 * onsets (a repeated note is released before it strikes again).
 */
function scheduleEvents(music: PartMusic, fromBeats: number, toBeats: number, frameAt: (beats: number) => number): SynthEvent[] {
  const events: SynthEvent[] = [];
  for (const note of music.notes) {
    const end = Math.min(note.startBeats + note.durationBeats, toBeats);
    if (end <= fromBeats || note.startBeats >= toBeats) continue;
    const onFrame = frameAt(Math.max(note.startBeats, fromBeats));
    events.push({ frame: onFrame, order: 2, kind: 'on', pitch: note.pitch, velocity: note.velocity });
    // At least one frame long, so the release never lands before its onset.
    events.push({ frame: Math.max(frameAt(end), onFrame + 1), order: 1, kind: 'off', pitch: note.pitch });
  }
  // The bend in force where the audio starts, then every later one up to the end.
  const bends = [...music.bends].sort((a, b) => a.beats - b.beats);
  const before = bends.filter((bend) => bend.beats <= fromBeats).at(-1);
  if (before) events.push({ frame: 0, order: 0, kind: 'bend', value: before.value });
  for (const bend of bends) {
    if (bend.beats > fromBeats && bend.beats < toBeats) events.push({ frame: frameAt(bend.beats), order: 0, kind: 'bend', value: bend.value });
  }
  // Array.prototype.sort is stable: events at one frame and of one kind keep the music's order.
  return events.sort((a, b) => a.frame - b.frame || a.order - b.order);
}

/** −1..1 of the bend range → the 14-bit pitch wheel, 8192 at rest. */
function bendToWheel(value: number): number {
  return Math.min(16_383, Math.max(0, Math.round(8192 + value * 8192)));
}

function fadeOut(left: Float32Array, right: Float32Array, frames: number): void {
  const first = left.length - frames;
  for (let i = 0; i < frames; i++) {
    const gain = 0.5 + 0.5 * Math.cos((Math.PI * (i + 1)) / frames);
    left[first + i]! *= gain;
    right[first + i]! *= gain;
  }
}

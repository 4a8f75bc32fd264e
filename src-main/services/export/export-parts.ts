/**
 * MIDI parts in an export: what the export reads of the library's parts (a port the core wires
 * to the parts service and the synth), and how a part or part clip becomes a plan item.
 *
 * A part item's notes stay at their beats: the MIDI track's clip in Live and the `.mid` file
 * hold them exactly. Its audio (Logic's stem and region) is the synth's rendering of the notes
 * at the tempo they play at in the exported song: the plan's tempo map from the item's start,
 * not the part's own map, so the stem lines up with Tempo.mid and with the other stems.
 */
import { AppError } from '../../common/errors.js';
import { instrumentName } from '../../common/gm-programs.js';
import type { PartClipDto, PartDto, PartMusic } from '../../common/midi.js';
import { barAtBeats, beatsAtBar, mapFrom } from '../../common/tempo-map.js';
import { resample } from '../audio/resample.js';
import { conductorOf, planSecondsAtBeats, type ExportItem, type ExportPlan } from './export-plan.js';

export type PartTarget = { partId: number } | { partClipId: number };

/** A part or part clip as the export needs it. */
export interface ExportPart {
  /** The part's name ("bass line"), or the clip's. */
  name: string;
  songId: number;
  /** Its music (PartsService.musicOf: a clip's notes and maps shifted to start at its beat 0, cut at its end). */
  music: PartMusic;
  /** Beats it spans from its beat 0: a clip's bars; a whole part's length. */
  lengthBeats: number;
  /**
   * For eureka-takes.json: the part (id, name, source) and where it came from (its MIDI file and
   * track, or the clip or take it was transcribed from and the transcription's settings) and,
   * for a part clip, the clip (id, label, start bar, length in bars).
   */
  provenance: Record<string, unknown>;
}

/** What the export reads of the library's MIDI parts (wired in core.ts). */
export interface ExportPartSources {
  /** The part or part clip (AppError NOT_FOUND when there is none). */
  part(target: PartTarget): ExportPart;
  /**
   * The synth: `music` from `fromBeats` to `toBeats` plus `tailSeconds` of release as stereo
   * float32 at `sampleRate` (or a rate it says; the export resamples).
   */
  render(
    music: PartMusic,
    options: { sampleRate: number; fromBeats: number; toBeats: number; tailSeconds: number },
  ): Promise<{ channels: Float32Array[]; sampleRate: number }>;
}

/**
 * The export's view of a part or part clip from what the parts library answers: its music
 * (musicOf), the part, and for a clip the clip (the core passes them; see core.ts).
 */
export function exportPartOf(music: PartMusic & { name: string; songId: number }, part: PartDto, clip: PartClipDto | null): ExportPart {
  const { name, songId, ...rest } = music;
  return {
    name,
    songId,
    music: rest,
    lengthBeats: clip ? clip.endBeats - clip.startBeats : part.lengthBeats,
    provenance: {
      part: {
        id: part.id,
        name: part.name,
        source: part.source,
        program: part.program,
        channel: part.channel,
        midiFileId: part.midiFileId,
        sourceClipId: part.sourceClipId,
        sourceTakeId: part.sourceTakeId,
        settings: part.settings,
      },
      partClip: clip ? { id: clip.id, label: clip.label, startBar: clip.startBar, lengthBars: clip.lengthBars } : null,
    },
  };
}

/** The request's parts, then its part clips, each once, in the order asked. */
export function partTargets(request: { partIds: readonly number[]; partClipIds: readonly number[] }): PartTarget[] {
  return [
    ...[...new Set(request.partIds)].map((partId) => ({ partId })),
    ...[...new Set(request.partClipIds)].map((partClipId) => ({ partClipId })),
  ];
}

/** The item of a part, not yet placed and without audio (renderPartItem adds it once placed). */
export function partItem(part: ExportPart, target: PartTarget): Omit<ExportItem, 'startSeconds' | 'startBeats'> {
  const { music } = part;
  const lastNoteEnd = Math.max(0, ...music.notes.map((note) => note.startBeats + note.durationBeats));
  // Whole bars of the part's own meter, at least one, so the clip ends on a bar line.
  const span = Math.max(part.lengthBeats, lastNoteEnd);
  const lengthBeats = Math.max(beatsAtBar(music.meterMap, 2), beatsAtBar(music.meterMap, Math.ceil(barAtBeats(music.meterMap, span) - 1e-9)));
  const what = 'partId' in target ? `MIDI part ${target.partId}` : `MIDI part clip ${target.partClipId}`;
  return {
    name: `${part.name} (${instrumentName(music.program, music.channel)})`,
    kind: 'part',
    channels: [],
    comment: `${what} · ${part.name} · ${music.notes.length} notes`,
    provenance: { kind: 'part', ...part.provenance, song: part.provenance.song ?? { id: part.songId }, ratings: [] },
    midi: { program: music.program, channel: music.channel, notes: music.notes, bends: music.bends, lengthBeats },
  };
}

/**
 * The part's audio for Logic: rendered at the plan's tempo from the item's start (see the
 * module comment), at the plan's rate, exactly as many frames as the clip lasts in the song.
 */
export async function renderPartItem(item: ExportItem, plan: ExportPlan, parts: ExportPartSources): Promise<Float32Array[]> {
  const midi = item.midi;
  if (!midi) throw new AppError('INTERNAL', `"${item.name}" is not a MIDI part`);
  const music: PartMusic = {
    program: midi.program,
    channel: midi.channel,
    notes: midi.notes,
    bends: midi.bends,
    tempoMap: mapFrom(conductorOf(plan).tempoMap, item.startBeats),
    meterMap: [{ beats: 0, timeSignature: conductorOf(plan).meterMap[0]!.timeSignature }],
  };
  // No tail: the stem holds the clip, as the MIDI clip does (a note still sounding is released at its end).
  const rendered = await parts.render(music, { sampleRate: plan.sampleRate, fromBeats: 0, toBeats: midi.lengthBeats, tailSeconds: 0 });
  const seconds = planSecondsAtBeats(plan, item.startBeats + midi.lengthBeats) - item.startSeconds;
  const frames = Math.round(seconds * plan.sampleRate);
  const channels = await Promise.all(rendered.channels.map((channel) => resample(channel, rendered.sampleRate, plan.sampleRate, 'best')));
  // Exactly the clip: a release tail past its end is cut, a short rendering padded with silence.
  return channels.map((channel) => {
    const out = new Float32Array(frames);
    out.set(channel.subarray(0, frames));
    return out;
  });
}


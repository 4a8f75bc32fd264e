/**
 * Builds the ExportPlan of a request: loads the takes' WAVs and their source clips, resamples
 * every item to the export rate with libsamplerate's best sinc, names the items uniquely, takes
 * the song's grid (the request's tempo and signature, else the first take's song's — its tempo
 * estimated at import or set by the user, see common/musical-time.ts —, else 120 BPM in 4/4)
 * and places the items on it, on exact bar lines (export-plan.ts beatsPerBar):
 *   sequence: item 0 at bar 1; each next one at the first bar line after the previous ends
 *             (strictly after, so an item that ends exactly on a bar line is followed by one
 *             bar of silence; never more than a bar of gap otherwise);
 *   stack:    every item at bar 1.
 * Several takes of models of the same clip share one source item; takes of different clips
 * bring one source each. Sources come first (items[0] is the source when included).
 *
 * The source clip is the user's audio: the clip's region of the library's original file, decoded
 * as imported, in its own channels (mono or stereo; more than two are mixed to mono, as the
 * library's playback copy does) and its full band. The model's copy (source.f32: mono, at the
 * model's rate, nothing above half of it) is what the model learned, not what the user recorded;
 * it stands in only when the clip was deleted, and the item's comment says so.
 *
 * MIDI parts and part clips (export-parts.ts) follow the takes, each an item with its notes in
 * beats and a clip of whole bars. The song's grid with parts: when takes are exported too, the
 * takes' one tempo and signature (the parts' notes keep their beats, so their bar positions
 * hold wherever the meter agrees; a part's own tempo changes are not carried over); an export of
 * parts alone takes the first part's tempo map and meter map (the request's tempo or signature
 * replaces the map with that one value). Placement counts bars through the meter map and
 * seconds through the tempo map.
 *
 * MIDI takes of the phrase models (export-phrase-takes.ts) come last, each a MIDI item like a
 * part. When every one is of the same song and items go one after another, each sits at its
 * own beat of that song (so a continuation lands right after the bars it carries on), while
 * the other items still follow each other from bar 1; takes of several songs follow the other
 * items like parts. An export of MIDI alone takes its grid from the first part, else the first
 * take (whose maps are its song's).
 */
import { readFile } from 'node:fs/promises';
import type { Clip, Song } from '../../common/dto.js';
import type { MusicalTime } from '../../common/musical-time.js';
import { AppError } from '../../common/errors.js';
import { FALLBACK_TEMPO, type ParsedExportRequest } from '../../common/export.js';
import { formatSeconds } from '../../common/format-time.js';
import type { Take } from '../../common/generation.js';
import type { MeterPoint, TempoPoint } from '../../common/midi.js';
import { barAtBeats, beatsAtBar } from '../../common/tempo-map.js';
import type { Model } from '../../common/training.js';
import { decodeAudio } from '../audio/decode.js';
import { mixToMono, resample } from '../audio/resample.js';
import { readSourceAudio } from '../models/model-source.js';
import { uniqueNames } from './export-names.js';
import { partItem, partTargets, renderPartItem, type ExportPart, type ExportPartSources } from './export-parts.js';
import { exportableTake, phraseTakeItem, pinnedStarts, type ExportPhraseTake, type ExportPhraseTakeSources } from './export-phrase-takes.js';
import { conductorOf, itemFrames, planBeatsAtSeconds, planSecondsAtBeats, type ExportItem, type ExportPlan } from './export-plan.js';

/** What the builder reads, from the core's services. */
export interface ExportSources {
  take(takeId: number): Take;
  /** The take's WAV (NOT_FOUND while it has none). */
  takeFile(takeId: number): string;
  model(modelId: number): Model;
  modelDir(modelId: number): string;
  /** The clip, or null once it was deleted. */
  clip(clipId: number): Clip | null;
  song(songId: number): Song | null;
  /** The song's tempo, signature and key (analysed first when it never was), or null once it is gone. */
  musicalTime(songId: number): Promise<MusicalTime | null>;
  /** The library's original of a file (the bytes as imported) and the name it was imported as. */
  originalFile(fileId: number): { path: string; name: string };
  /** MIDI parts and the synth (absent: this core exports no parts). */
  parts?: ExportPartSources;
  /** The phrase models' MIDI takes (absent: this core has none); rendered by `parts.render`. */
  phraseTakes?: ExportPhraseTakeSources;
}

export type TempoSource = 'user' | 'song' | 'estimate' | 'fallback' | 'part';

export interface BuiltPlan {
  plan: ExportPlan;
  tempoSource: TempoSource;
}

/** `onStep(label)` is called before each item is loaded (for progress). */
export async function buildExportPlan(
  request: ParsedExportRequest,
  sources: ExportSources,
  onStep: (label: string, index: number, count: number) => void = () => undefined,
  createdAt = new Date(),
): Promise<BuiltPlan> {
  const takes = [...new Set(request.takeIds)].map((id) => readyTake(sources, id));
  const targets = partTargets(request);
  const parts = targets.map((target) => partsOf(sources).part(target));
  const phraseTakes = [...new Set(request.phraseTakeIds)].map((id) => exportableTake(phraseTakesOf(sources).take(id)));
  const groups = sourceGroups(takes, sources);
  const needed = request.includeSource ? groups : [];
  const renders = request.format === 'ableton' ? 0 : parts.length + phraseTakes.length;
  const count = takes.length + needed.length + renders;
  let step = 0;

  const sourceAudio: { group: SourceGroup; audio: SourceAudio }[] = [];
  for (const group of needed) {
    onStep('source clip', step++, count);
    sourceAudio.push({ group, audio: await readSourceClip(group, sources) });
  }
  const songId = takes[0]?.songId ?? parts[0]?.songId ?? phraseTakes.find((take) => take.songId !== null)?.songId ?? null;
  const songTime = songId === null ? null : await sources.musicalTime(songId);
  // MIDI alone: the first part's maps are the song's, else the first MIDI take's (see the module comment).
  const partMaps = takes.length === 0 ? (parts[0]?.music ?? phraseTakes[0]?.music ?? null) : null;
  const tempoMap: TempoPoint[] | null = partMaps && request.tempo === undefined ? partMaps.tempoMap : null;
  const meterMap: MeterPoint[] | null = partMaps && request.timeSignature === undefined ? partMaps.meterMap : null;
  const tempo = request.tempo ?? tempoMap?.[0]!.bpm ?? songTime?.tempo ?? FALLBACK_TEMPO;
  const tempoSource: TempoSource =
    request.tempo !== undefined ? 'user' : tempoMap ? 'part' : songTime ? SONG_TEMPO_SOURCE[songTime.tempoSource] : 'fallback';

  const items: Omit<ExportItem, 'startSeconds' | 'startBeats'>[] = [];
  if (request.includeSource) {
    for (const { group, audio } of sourceAudio) {
      const { rate, from } = audio;
      const copyNote = from === 'model copy' ? ` (the model's ${formatKilohertz(rate)} copy: the clip was deleted)` : '';
      items.push({
        name: groups.length === 1 ? 'Source clip' : `Source clip · model ${group.model.id}`,
        kind: 'source',
        channels: await Promise.all(audio.channels.map((channel) => resample(channel, rate, request.sampleRate, 'best'))),
        comment: `source clip ${group.range}${copyNote}`,
        provenance: { kind: 'source', ...group.provenance, mode: null, seed: null, sourceAudio: from, sourceSampleRate: rate, ratings: [] },
        midi: null,
      });
    }
  }
  const nameCounts = countBy(takes.map((take) => take.name));
  for (const take of takes) {
    onStep(take.name, step++, count);
    const group = groups.find((g) => g.takeIds.has(take.id))!;
    const decoded = await decodeAudio(await readFile(sources.takeFile(take.id)), take.name);
    items.push({
      name: (nameCounts.get(take.name) ?? 0) > 1 ? `${take.name} · model ${take.modelId}` : take.name,
      kind: 'take',
      // A gap fill is its clip, in the clip's channels: kept like the source's (more than two mixed to mono).
      channels: await Promise.all(
        (decoded.channels.length <= 2 ? decoded.channels : [mixToMono(decoded.channels)]).map((channel) =>
          resample(channel, decoded.sampleRate, request.sampleRate, 'best'),
        ),
      ),
      comment: `model ${take.modelId} · ${take.settings.mode} · seed ${take.seed}`,
      provenance: {
        kind: 'take',
        takeId: take.id,
        take: take.name,
        ...group.provenance,
        mode: take.settings.mode,
        seed: take.seed,
        settings: take.settings,
        checkpoint: take.checkpoint,
        takeSampleRate: decoded.sampleRate,
        generatedAt: take.finishedAt,
        verdict: take.verdict,
        starred: take.starred,
        ratings: [],
      },
      midi: null,
    });
  }
  targets.forEach((target, i) => items.push(partItem(parts[i]!, target)));
  for (const take of phraseTakes) items.push(phraseTakeItem(take));
  const pinned = [...items.slice(phraseTakes.length).map(() => null), ...pinnedStarts(phraseTakes, request.placement)];
  const names = uniqueNames(items.map((item) => item.name));
  const plan: ExportPlan = {
    songName:
      request.songName ??
      (takes.length > 0 ? songNameOf(takes, sources) : parts.length > 0 ? partsSongName(parts, sources) : phraseTakesSongName(phraseTakes, sources)),
    tempo,
    timeSignature: request.timeSignature ?? meterMap?.[0]!.timeSignature ?? songTime?.timeSignature ?? { numerator: 4, denominator: 4 },
    ...(tempoMap && tempoMap.length > 1 ? { tempoMap } : {}),
    ...(meterMap && meterMap.length > 1 ? { meterMap } : {}),
    sampleRate: request.sampleRate,
    bitDepth: request.bitDepth,
    placement: request.placement,
    items: [],
    createdAt,
  };
  plan.items = placeItems(
    items.map((item, i) => ({ ...item, name: names[i]!, startSeconds: 0, startBeats: 0 })),
    plan,
    pinned,
  );
  if (renders > 0) {
    for (const item of plan.items) {
      if (!item.midi) continue;
      onStep(item.name, step++, count);
      item.channels = await renderPartItem(item, plan, partsOf(sources, 'MIDI takes'));
    }
  }
  return { plan, tempoSource };
}

function partsOf(sources: ExportSources, what = 'MIDI parts'): ExportPartSources {
  if (!sources.parts) throw new AppError('INVALID_INPUT', `this Eureka cannot export ${what} (it has no parts library)`);
  return sources.parts;
}

function phraseTakesOf(sources: ExportSources): ExportPhraseTakeSources {
  if (!sources.phraseTakes) throw new AppError('INVALID_INPUT', 'this Eureka cannot export MIDI takes (it has no phrase models)');
  return sources.phraseTakes;
}

/** An export of MIDI takes alone is named after the first take's song, else its model. */
function phraseTakesSongName(takes: ExportPhraseTake[], sources: ExportSources): string {
  const withSong = takes.find((take) => take.songId !== null);
  return (withSong ? sources.song(withSong.songId!)?.name : null) ?? takes[0]!.modelName;
}

/** An export of parts alone is named after the first part's song, else the part. */
function partsSongName(parts: ExportPart[], sources: ExportSources): string {
  const first = parts[0]!;
  return sources.song(first.songId)?.name ?? first.name;
}

/**
 * Start times per the plan's placement (see the module comment). Positions are counted in whole
 * bars of the meter map and turned into beats by one exact product and into seconds by one
 * division (at one tempo), so a bar line lands on its exact beat (a float sum of bar lengths
 * would drift below it). An audio item lasts its seconds, a MIDI part its clip's beats. An item
 * with a `pinned` beat (a MIDI take at its place in its song) starts there and leaves the
 * others' sequence as it is.
 */
export function placeItems(
  items: ExportItem[],
  plan: Pick<ExportPlan, 'tempo' | 'timeSignature' | 'tempoMap' | 'meterMap' | 'sampleRate' | 'placement'>,
  pinned: readonly (number | null)[] = [],
): ExportItem[] {
  if (plan.placement === 'stack') return items.map((item) => ({ ...item, startSeconds: 0, startBeats: 0 }));
  const { meterMap } = conductorOf(plan);
  let nextBar = 1;
  return items.map((item, i) => {
    const at = pinned[i] ?? null;
    if (at !== null) return { ...item, startBeats: at, startSeconds: planSecondsAtBeats(plan, at) };
    const startBeats = beatsAtBar(meterMap, nextBar);
    const startSeconds = planSecondsAtBeats(plan, startBeats);
    const endBeats = item.midi
      ? startBeats + item.midi.lengthBeats
      : planBeatsAtSeconds(plan, startSeconds + itemFrames(item) / plan.sampleRate);
    // The tolerance keeps float error from adding a bar to an item that ends on a bar line.
    nextBar = Math.floor(barAtBeats(meterMap, endBeats) + 1e-9) + 1;
    return { ...item, startBeats, startSeconds };
  });
}

/** The export's name for where the song's tempo came from. */
const SONG_TEMPO_SOURCE: Record<MusicalTime['tempoSource'], TempoSource> = {
  user: 'song',
  estimated: 'estimate',
  default: 'fallback',
};

interface SourceGroup {
  model: Model;
  /** The clip the model learned, null once it was deleted. */
  clip: Clip | null;
  takeIds: Set<number>;
  range: string;
  provenance: Record<string, unknown>;
}

/** A source clip's audio at its own rate: the original's region, or the model's copy. */
interface SourceAudio {
  channels: Float32Array[];
  rate: number;
  from: 'original' | 'model copy';
}

function readyTake(sources: ExportSources, takeId: number): Take {
  const take = sources.take(takeId);
  if (take.status !== 'ready' || !take.hasFile) {
    const why = take.status !== 'ready' ? `it is ${take.status}` : 'its file was deleted';
    throw new AppError('INVALID_INPUT', `take ${takeId} cannot be exported: ${why}`);
  }
  return take;
}

/** One group per distinct source clip (per model when its clip is gone), in order of first take. */
function sourceGroups(takes: Take[], sources: ExportSources): SourceGroup[] {
  const groups = new Map<string, SourceGroup>();
  for (const take of takes) {
    const key = take.clipId !== null ? `clip ${take.clipId}` : `model ${take.modelId}`;
    const existing = groups.get(key);
    if (existing) {
      existing.takeIds.add(take.id);
      continue;
    }
    const model = sources.model(take.modelId);
    const clip = take.clipId !== null ? sources.clip(take.clipId) : null;
    const song = take.songId !== null ? sources.song(take.songId) : null;
    const range = clip ? `${clipTime(clip.start)}–${clipTime(clip.end)}` : (model.name.split(' · ').at(-1) ?? '');
    groups.set(key, {
      model,
      clip,
      takeIds: new Set([take.id]),
      range,
      provenance: {
        song: song ? { id: song.id, name: song.name } : null,
        clip: clip ? { id: clip.id, start: clip.start, end: clip.end, label: clip.label } : null,
        model: { id: model.id, name: model.name },
        preset: model.preset,
      },
    });
  }
  return [...groups.values()];
}

/**
 * The source clip's audio (see the module comment): the clip's region of the original, cut at
 * the same samples the trainer cuts (start and end rounded to the original's rate), else the
 * model's copy.
 */
async function readSourceClip(group: SourceGroup, sources: ExportSources): Promise<SourceAudio> {
  const { clip } = group;
  if (!clip) {
    const copy = await readModelSource(sources.modelDir(group.model.id));
    return { channels: [copy.samples], rate: copy.rate, from: 'model copy' };
  }
  const original = sources.originalFile(clip.fileId);
  const bytes = await readFile(original.path).catch(() => {
    throw new AppError('NOT_FOUND', `the library's copy of ${original.name} is missing; import it again to export its clip`);
  });
  const decoded = await decodeAudio(bytes, original.name);
  const first = Math.round(clip.start * decoded.sampleRate);
  const last = Math.min(Math.round(clip.end * decoded.sampleRate), decoded.channels[0]?.length ?? 0);
  if (first >= last) throw new AppError('INVALID_INPUT', `the clip ${group.range} lies outside ${original.name}`);
  const region = decoded.channels.map((channel) => channel.subarray(first, last));
  return { channels: region.length <= 2 ? region : [mixToMono(region)], rate: decoded.sampleRate, from: 'original' };
}

/** The audio a model learned: source.f32 at source.json's rate (services/models/model-source.ts). */
async function readModelSource(modelDir: string): Promise<{ samples: Float32Array; rate: number }> {
  try {
    return await readSourceAudio(modelDir);
  } catch {
    throw new AppError('NOT_FOUND', "the model's copy of its source clip is missing or damaged");
  }
}

function songNameOf(takes: Take[], sources: ExportSources): string {
  const first = takes[0]!;
  const song = first.songId !== null ? sources.song(first.songId) : null;
  if (song) return song.name;
  // A model is named "<song> · <clip range>" when it is made.
  const parts = sources.model(first.modelId).name.split(' · ');
  return (parts.length > 1 ? parts.slice(0, -1).join(' · ') : parts[0]) || 'Eureka export';
}

/** "16 kHz", "22.05 kHz". */
function formatKilohertz(rate: number): string {
  return `${rate / 1000} kHz`;
}

/** "0:04", "1:02.5": formatSeconds without the trailing zeros of its milliseconds. */
function clipTime(seconds: number): string {
  return formatSeconds(seconds).replace(/\.?0+$/, '');
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

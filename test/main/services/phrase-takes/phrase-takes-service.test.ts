/**
 * MIDI takes through the core and the contract (a real library, a real tiny `continue` model
 * trained by the addon and run by onnxruntime): a continuation of a part's bars lands right
 * after them in the part's beats, its notes on the grid; the same model, settings and seed give
 * the same notes (and a regenerate the same settings with a new seed); verdicts and stars;
 * deleting discarded takes; a take added to its song as a part (once); a take as audio and as a
 * MIDI file; refusals in one line (a model not done, a phrase past its part's end, sliders on a
 * continue model, identical takes at temperature 0); the copy check names a copied training phrase.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { dispatch } from '../../../../src-main/api/dispatch.js';
import { loadNativeAddon } from '../../../../src-main/addon/binding.js';
import type { Envelope } from '../../../../src-main/common/ipc-contract.js';
import { phraseTakeDetailSchema, phraseTakeSchema, VARY_SLIDER_COUNT, type PhraseRef } from '../../../../src-main/common/phrases.js';
import { measure } from '../../../../src-main/services/phrase-takes/phrase-generation.js';
import { CopyIndex } from '../../../../src-main/services/phrases/phrase-metrics.js';
import { openTestLibrary, type TestLibrary } from '../../../helpers/library.js';
import { installTinyLm, trainTinyLm, type TinyPhraseModel } from '../../../helpers/phrase-model.js';
import { songType1 } from '../parts/midi-fixtures.js';

let tiny: TinyPhraseModel;
let lib: TestLibrary;
let modelId: number;
let songId: number;
let partId: number;

beforeAll(async () => {
  tiny = trainTinyLm(loadNativeAddon().sequence);
  lib = await openTestLibrary();
  const { parts } = await lib.core.library.importFiles([{ name: 'Night Drive.mid', data: songType1() }]);
  songId = parts[0]!.songId;
  // A 4/4 corpus piece as the songwriter's own part: the model has heard its phrases.
  const piece = tiny.pieces.find((p) => p.timeSignature.numerator === 4 && p.timeSignature.denominator === 4)!;
  partId = lib.core.parts.addPart({ songId, name: 'Arpeggio', source: 'model', settings: {}, music: piece.music }).id;
  modelId = await installTinyLm(lib.dir, tiny);
}, 120_000);

afterAll(async () => {
  await lib?.close();
});

async function call(channel: string, request: unknown): Promise<Envelope> {
  return dispatch(lib.core.handlers, channel, request);
}

async function refused(channel: string, request: unknown): Promise<string> {
  const envelope = await call(channel, request);
  if (envelope.ok) throw new Error(`${channel} was not refused`);
  expect(envelope.error.message).not.toContain('\n');
  return envelope.error.message;
}

const from: PhraseRef = { partId: 0, startBar: 1, bars: 4 };

describe('MIDI takes of a continue model', () => {
  it('continues a phrase right after it, on the grid, in the part’s beats; the same seed gives the same notes', async () => {
    const request = { modelId, mode: 'continue', from: { ...from, partId }, bars: 2, count: 3, seed: '41', quantize: { grid: '1/16' } };
    const envelope = await call('phrase-takes:generate', request);
    if (!envelope.ok) throw new Error(envelope.error.message);
    const { batchId, takes } = envelope.value as { batchId: string; takes: unknown[] };
    const parsed = takes.map((take) => phraseTakeSchema.parse(take));
    expect(parsed.map((take) => [take.seed, take.status, take.name, take.songId, take.verdict])).toEqual([
      ['41', 'ready', 'Take 1', songId, 'undecided'],
      ['42', 'ready', 'Take 2', songId, 'undecided'],
      ['43', 'ready', 'Take 3', songId, 'undecided'],
    ]);
    expect(new Set(parsed.map((take) => take.batchId))).toEqual(new Set([batchId]));
    const music = lib.core.parts.musicOf({ partId });
    const beatsPerBar = (music.meterMap[0]!.timeSignature.numerator * 4) / music.meterMap[0]!.timeSignature.denominator;
    for (const take of parsed) {
      expect(take.settings).toEqual({ mode: 'continue', from: { ...from, partId }, to: null, bars: 2, temperature: 1, sliders: null, fraction: null, quantize: { grid: '1/16', toKey: false } });
      expect([take.startBeats, take.lengthBeats]).toEqual([4 * beatsPerBar, 2 * beatsPerBar]);
      const got = await call('phrase-takes:get', { takeId: take.id });
      if (!got.ok) throw new Error(got.error.message);
      const detail = phraseTakeDetailSchema.parse(got.value);
      const notes = detail.music!.notes;
      expect(notes.length).toBe(take.noteCount);
      expect(take.noteCount).toBeGreaterThan(0);
      for (const note of notes) {
        expect(note.startBeats).toBeGreaterThanOrEqual(take.startBeats);
        expect(note.startBeats + note.durationBeats).toBeLessThanOrEqual(take.startBeats + take.lengthBeats + 1e-9);
        expect(Math.abs(note.startBeats * 4 - Math.round(note.startBeats * 4))).toBeLessThan(1e-6);
        expect(note.durationBeats).toBeGreaterThan(0);
      }
      expect(detail.music!.tempoMap).toEqual(music.tempoMap);
      expect([detail.music!.program, detail.music!.channel]).toEqual([music.program, music.channel]);
      expect(take.metrics).toMatchObject({ notesPerBar: take.noteCount / 2 });
    }
    // Seeds 41..43 are different takes; asking again with seed 42 makes take 2's notes exactly.
    const notesOf = (id: number) => lib.core.phraseTakes.get(id).music!.notes;
    expect(notesOf(parsed[0]!.id)).not.toEqual(notesOf(parsed[1]!.id));
    const again = await lib.core.phraseTakes.generate({ ...request, count: 1, seed: '42' } as never);
    expect(again.takes[0]!.name).toBe('Take 4');
    expect(notesOf(again.takes[0]!.id)).toEqual(notesOf(parsed[1]!.id));
    expect(again.takes[0]!.metrics).toEqual(parsed[1]!.metrics);

    // Regenerate: the same settings, another seed.
    const regenerated = await lib.core.phraseTakes.regenerate(parsed[0]!.id);
    expect(regenerated.takes[0]!.settings).toEqual(parsed[0]!.settings);
    expect(regenerated.takes[0]!.seed).not.toBe('41');
    expect(lib.core.phraseTakes.list(modelId).map((take) => take.name)).toEqual(['Take 5', 'Take 4', 'Take 3', 'Take 2', 'Take 1']);
  });

  it('keeps, stars, discards; deletes the discarded; adds a take to its song once', async () => {
    const { takes } = await lib.core.phraseTakes.generate({ modelId, mode: 'continue', from: { ...from, partId }, count: 2, seed: '7', temperature: 0.8 });
    const [keep, drop] = takes as [(typeof takes)[0], (typeof takes)[0]];
    const events: unknown[] = [];
    const unsubscribe = lib.core.subscribe((event, payload) => event === 'phrase-takes:did-change' && events.push(payload));
    expect(lib.core.phraseTakes.update(keep.id, { verdict: 'kept', starred: true })).toMatchObject({ verdict: 'kept', starred: true });
    lib.core.phraseTakes.update(drop.id, { verdict: 'discarded' });
    const envelope = await call('phrase-takes:add-to-song', { takeId: keep.id });
    if (!envelope.ok) throw new Error(envelope.error.message);
    const part = envelope.value as { id: number; songId: number; source: string; name: string; noteCount: number };
    expect(part).toMatchObject({ songId, source: 'model', name: `Tiny continue · ${keep.name}`, noteCount: keep.noteCount });
    expect(lib.core.parts.musicOf({ partId: part.id }).notes).toEqual(lib.core.phraseTakes.get(keep.id).music!.notes);
    expect(lib.core.phraseTakes.get(keep.id).partId).toBe(part.id);
    expect(await refused('phrase-takes:add-to-song', { takeId: keep.id })).toBe(`take ${keep.id} is in its song already, as part ${part.id}`);
    expect(await call('phrase-takes:delete-discarded', { modelId })).toEqual({ ok: true, value: { deleted: 1 } });
    expect(await refused('phrase-takes:get', { takeId: drop.id })).toBe(`there is no MIDI take ${drop.id}`);
    unsubscribe();
    expect(events).toEqual([
      { takeIds: [keep.id], modelIds: [modelId] },
      { takeIds: [drop.id], modelIds: [modelId] },
      { takeIds: [keep.id], modelIds: [modelId] },
      { takeIds: [drop.id], modelIds: [modelId] },
    ]);
  });

  it('renders a take’s own bars as audio and writes it as a MIDI file', async () => {
    const { takes } = await lib.core.phraseTakes.generate({ modelId, mode: 'continue', from: { ...from, partId }, bars: 1, seed: '3' });
    const take = takes[0]!;
    const envelope = await call('phrase-takes:get-audio', { takeId: take.id });
    if (!envelope.ok) throw new Error(envelope.error.message);
    const audio = envelope.value as { media: { kind: string; renderId: string }; durationSeconds: number; sampleRate: number };
    const bpm = lib.core.parts.musicOf({ partId }).tempoMap[0]!.bpm;
    // One bar, then the synth's 2 s tail.
    expect(audio.media.kind).toBe('rendered');
    expect(audio.durationSeconds).toBeCloseTo((take.lengthBeats * 60) / bpm + 2, 1);
    const file = path.join(lib.dir, 'take.mid');
    expect(await lib.core.phraseTakes.writeMidi(take.id, file)).toEqual({ notes: take.noteCount });
    expect(Buffer.from((await readFile(file)).subarray(0, 4)).toString('latin1')).toBe('MThd');
    // The app's start keeps the renderings of ready takes (core.ts pruneRenderedParts): each
    // sound the service names is the one get-audio rendered.
    const kept = lib.core.phraseTakes.sounds().map(({ music, options }) => lib.core.partAudio.renderIdOf(music, options));
    expect(kept).toContain(audio.media.renderId);

    // In context: the 4-bar phrase it carries on, then its own bar; the detail names the phrase's notes.
    const detail = lib.core.phraseTakes.get(take.id);
    const part = lib.core.parts.musicOf({ partId });
    const inPhrase = part.notes.filter((note) => note.startBeats < take.startBeats - 1e-6);
    expect(detail.phrase).toHaveLength(inPhrase.length);
    expect(Math.max(...detail.phrase!.map((note) => note.startBeats + note.durationBeats))).toBeLessThanOrEqual(take.startBeats + 1e-9);
    const withPhrase = await call('phrase-takes:get-audio', { takeId: take.id, withPhrase: true });
    if (!withPhrase.ok) throw new Error(withPhrase.error.message);
    const heard = withPhrase.value as { media: { renderId: string }; durationSeconds: number };
    expect(heard.media.renderId).not.toBe(audio.media.renderId);
    expect(heard.durationSeconds).toBeCloseTo(((take.startBeats + take.lengthBeats) * 60) / bpm + 2, 1);
  });

  it('refuses in one line what it cannot make', async () => {
    const ref = { ...from, partId };
    expect(await refused('phrase-takes:generate', { modelId, mode: 'continue', from: { partId, startBar: 40, bars: 4 } })).toMatch(/^part \d+ “Arpeggio” has \d+ bars: bars 40–43 go past its end$/);
    expect(await refused('phrase-takes:generate', { modelId, mode: 'continue', from: ref, sliders: new Array(VARY_SLIDER_COUNT).fill(0) })).toBe(
      `sliders belong to vary models; phrase model ${modelId} continues phrases`,
    );
    expect(await refused('phrase-takes:generate', { modelId, mode: 'vary', from: ref })).toBe(`phrase model ${modelId} is a continue model: it makes continue takes, not vary takes`);
    expect(await refused('phrase-takes:generate', { modelId, mode: 'continue' })).toBe('a continuation carries a phrase on: name the part and bars it starts from');
    expect(await refused('phrase-takes:generate', { modelId, mode: 'continue', from: ref, count: 2, temperature: 0 })).toBe(
      'at temperature 0 every take of these settings has the same notes: ask for 1 take, or raise the temperature',
    );
    expect(await refused('phrase-takes:get-sliders', { modelId })).toBe(`sliders: sliders belong to vary models; phrase model ${modelId} continues phrases`);
    expect(await refused('phrase-takes:generate', { modelId: 999, mode: 'continue', from: ref })).toBe('there is no phrase model 999');
    const training = await installTinyLm(lib.dir, tiny, { name: 'Still going', status: 'failed' });
    expect(await refused('phrase-takes:generate', { modelId: training, mode: 'continue', from: ref })).toBe(
      `phrase model ${training} failed to train; it makes takes once it is done`,
    );
  });
});

describe('the copy check', () => {
  it('calls a take that replays a training phrase (in another key) a near copy, and names it', () => {
    const phrase = tiny.phrases[5]!;
    const kit = { copies: new CopyIndex(tiny.phrases.map((p) => p.notes)), train: tiny.phrases };
    const moved = phrase.notes.map((note) => ({ ...note, pitch: note.pitch + 2, startBeats: note.startBeats + 32 }));
    const copy = measure(kit, moved, 32, phrase.bars);
    expect(copy.nearCopy).toBe(true);
    expect(copy.copiedNotes).toBeGreaterThanOrEqual(8);
    expect(copy.copiedFrom).toMatch(/, bars \d+–\d+ from its note \d+, 2 semitones up$/);
    // Its first three notes alone share a run, but are no copy.
    const short = measure(kit, moved.slice(0, 3), 32, phrase.bars);
    expect(short.nearCopy).toBe(false);
  });
});

/**
 * MIDI takes of a `vary` model through the core and the contract (a real library, a real tiny
 * VAE trained by the addon, exported by vae-onnx.ts and run by onnxruntime): a variation sits
 * over its phrase's own bars; the same settings and seed give the same notes; a preview of
 * slider positions is the take those positions make; the latent's centre has no song; an
 * interpolation's ends are its two phrases' own variations, its count stepping evenly between;
 * the sliders tell where a phrase sits; refusals in one line.
 */
import { dispatch } from '../../../../src-main/api/dispatch.js';
import { loadNativeAddon } from '../../../../src-main/addon/binding.js';
import type { PartNote } from '../../../../src-main/common/midi.js';
import { phraseSlidersSchema, SLIDER_LIMIT, VARY_SLIDER_COUNT, type PhraseRef } from '../../../../src-main/common/phrases.js';
import { openTestLibrary, type TestLibrary } from '../../../helpers/library.js';
import { installTinyVae, trainTinyVae, type TinyPhraseVae } from '../../../helpers/phrase-model.js';
import { songType1 } from '../parts/midi-fixtures.js';

let tiny: TinyPhraseVae;
let lib: TestLibrary;
let modelId: number;
let songId: number;
let a: PhraseRef;
let b: PhraseRef;
let beatsPerBar: number;

beforeAll(async () => {
  tiny = trainTinyVae(loadNativeAddon().sequence);
  lib = await openTestLibrary();
  const { parts } = await lib.core.library.importFiles([{ name: 'Night Drive.mid', data: songType1() }]);
  songId = parts[0]!.songId;
  const piece = tiny.pieces.find((p) => p.timeSignature.numerator === 4 && p.timeSignature.denominator === 4 && p.bars >= 8)!;
  beatsPerBar = 4;
  const partId = lib.core.parts.addPart({ songId, name: 'Arpeggio', source: 'model', settings: {}, music: piece.music }).id;
  a = { partId, startBar: 1, bars: 4 };
  b = { partId, startBar: 5, bars: 4 };
  modelId = await installTinyVae(lib.dir, tiny);
}, 120_000);

afterAll(async () => {
  await lib?.close();
});

async function refused(channel: string, request: unknown): Promise<string> {
  const envelope = await dispatch(lib.core.handlers, channel, request);
  if (envelope.ok) throw new Error(`${channel} was not refused`);
  return envelope.error.message;
}

const notesOf = (takeId: number): PartNote[] => lib.core.phraseTakes.get(takeId).music!.notes;
const fromStart = (notes: PartNote[], start: number): PartNote[] => notes.map((note) => ({ ...note, startBeats: note.startBeats - start }));

describe('MIDI takes of a vary model', () => {
  it('varies a phrase over its own bars, the same every time for the same settings and seed', async () => {
    // The most likely notes by default (the tiny model's are bar lines and rests: it has trained for seconds).
    const greedy = (await lib.core.phraseTakes.generate({ modelId, mode: 'vary', from: b })).takes[0]!;
    expect(greedy.settings).toMatchObject({ mode: 'vary', from: b, bars: 4, temperature: 0, sliders: null });
    const first = await lib.core.phraseTakes.generate({ modelId, mode: 'vary', from: b, temperature: 1, seed: '9' });
    const take = first.takes[0]!;
    expect(take).toMatchObject({ status: 'ready', songId, startBeats: 4 * beatsPerBar, lengthBeats: 4 * beatsPerBar });
    expect(take.noteCount).toBeGreaterThan(0);
    for (const note of notesOf(take.id)) {
      expect(note.startBeats).toBeGreaterThanOrEqual(take.startBeats);
      expect(note.startBeats + note.durationBeats).toBeLessThanOrEqual(take.startBeats + take.lengthBeats + 1e-9);
    }
    const again = await lib.core.phraseTakes.generate({ modelId, mode: 'vary', from: b, temperature: 1, seed: '9' });
    expect(notesOf(again.takes[0]!.id)).toEqual(notesOf(take.id));
    const sampled = await lib.core.phraseTakes.generate({ modelId, mode: 'vary', from: b, temperature: 1, count: 2, seed: '20' });
    expect(sampled.takes.map((t) => t.seed)).toEqual(['20', '21']);
  });

  it('hears slider positions before keeping them: the preview is the take they make', async () => {
    const sliders = new Array<number>(VARY_SLIDER_COUNT).fill(0);
    sliders[0] = 2.5;
    sliders[3] = -1;
    const preview = await lib.core.phraseTakes.preview({ modelId, from: a, sliders, temperature: 0.8, seed: '5' });
    const { takes } = await lib.core.phraseTakes.generate({ modelId, mode: 'vary', from: a, sliders, temperature: 0.8, seed: '5' });
    expect(preview.startBeats).toBe(0);
    expect(preview.music.notes.length).toBeGreaterThan(0);
    expect(preview.music.notes).toEqual(notesOf(takes[0]!.id));
    expect(takes[0]!.settings.sliders).toEqual(sliders);
  });

  it('tells where a phrase sits on the sliders', async () => {
    const envelope = await dispatch(lib.core.handlers, 'phrase-takes:get-sliders', { modelId, from: a });
    if (!envelope.ok) throw new Error(envelope.error.message);
    const sliders = phraseSlidersSchema.parse(envelope.value);
    expect([sliders.count, sliders.limit, sliders.spreads.length, sliders.explained.length]).toEqual([VARY_SLIDER_COUNT, SLIDER_LIMIT, VARY_SLIDER_COUNT, VARY_SLIDER_COUNT]);
    expect(sliders.position).toHaveLength(VARY_SLIDER_COUNT);
    expect(sliders.position!.every((value) => Math.abs(value) <= SLIDER_LIMIT)).toBe(true);
    expect((await lib.core.phraseTakes.sliders(modelId)).position).toBeNull();
    // Installed as a model from before sliders were described (test/helpers/phrase-model.ts): no words for them.
    expect(sliders.characters).toBeNull();
  });

  it('varies the latent’s centre into a take with no song', async () => {
    const { takes } = await lib.core.phraseTakes.generate({ modelId, mode: 'vary', temperature: 1, seed: '1' });
    expect(takes[0]).toMatchObject({ songId: null, startBeats: 0, settings: { from: null } });
    expect(await refused('phrase-takes:add-to-song', { takeId: takes[0]!.id })).toBe(`take ${takes[0]!.id} has no song: it was made from no phrase of one (or its song was deleted)`);
  });

  it('interpolates from one phrase to another: its ends are the two phrases’ own variations', async () => {
    const { takes } = await lib.core.phraseTakes.generate({ modelId, mode: 'interpolate', from: a, to: b, count: 3, temperature: 1, seed: '2' });
    expect(takes.map((take) => take.settings.fraction)).toEqual([0, 0.5, 1]);
    expect(takes.every((take) => take.startBeats === 0)).toBe(true);
    // Take i has seed 2 + i: the ends drew as the two variations with those seeds.
    const ofA = (await lib.core.phraseTakes.generate({ modelId, mode: 'vary', from: a, temperature: 1, seed: '2' })).takes[0]!;
    const ofB = (await lib.core.phraseTakes.generate({ modelId, mode: 'vary', from: b, temperature: 1, seed: '4' })).takes[0]!;
    expect(takes.every((take) => take.noteCount > 0)).toBe(true);
    expect(notesOf(takes[0]!.id)).toEqual(notesOf(ofA.id));
    expect(fromStart(notesOf(takes[2]!.id), 0)).toEqual(fromStart(notesOf(ofB.id), ofB.startBeats));
    const one = await lib.core.phraseTakes.generate({ modelId, mode: 'interpolate', from: a, to: b, fraction: 0.25 });
    expect(one.takes[0]!.settings.fraction).toBe(0.25);
  });

  it('refuses in one line what it cannot make', async () => {
    expect(await refused('phrase-takes:generate', { modelId, mode: 'interpolate', from: a })).toBe('an interpolation moves between two phrases: name both `from` and `to`');
    expect(await refused('phrase-takes:generate', { modelId, mode: 'vary', from: { ...a, bars: 2 } })).toBe(`phrase model ${modelId} learned 4-bar phrases: \`from\` must be 4 bars, not 2`);
    expect(await refused('phrase-takes:generate', { modelId, mode: 'vary', from: a, bars: 8 })).toBe(`phrase model ${modelId} writes 4-bar phrases, not 8`);
    expect(await refused('phrase-takes:generate', { modelId, mode: 'vary', from: a, count: 2 })).toBe(
      'at temperature 0 every take of these settings has the same notes: ask for 1 take, or raise the temperature',
    );
    expect(await refused('phrase-takes:generate', { modelId, mode: 'interpolate', from: a, to: b, sliders: new Array(VARY_SLIDER_COUNT).fill(0) })).toBe(
      'sliders belong to vary takes; an interpolation moves between two phrases',
    );
    expect(await refused('phrase-takes:generate', { modelId, mode: 'continue', from: a })).toBe(`phrase model ${modelId} is a vary model: it makes vary and interpolate takes, not continue takes`);
    expect(await refused('phrase-takes:get-sliders', { modelId, from: { ...a, startBar: 99 } })).toMatch(/^part \d+ “Arpeggio” has \d+ bars: bars 99–102 go past its end$/);
  });
});

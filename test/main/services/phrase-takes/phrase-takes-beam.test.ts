/**
 * Vary and interpolate takes at temperature 0 are the likeliest phrase of a beam search
 * (phrase-models/beam-search.ts) run through the model's own ONNX graphs, and takes made before
 * beams regenerate as they were made: a real library and a real small VAE (trained by the addon,
 * exported, run by onnxruntime). Along a sweep of one slider, a take's notes are exactly the
 * runtime's beam decode of the latent at the sliders (settings `beam: 4`, which every new take at
 * temperature 0 records) or, for settings without it, the greedy decode; the two differ somewhere
 * along the sweep, so neither can pass for the other.
 */
import path from 'node:path';
import { loadNativeAddon } from '../../../../src-main/addon/binding.js';
import type { PartNote } from '../../../../src-main/common/midi.js';
import { phraseQuantizeSchema, VARY_BEAM_WIDTH, VARY_SLIDER_COUNT, type PhraseModel, type PhraseRef, type PhraseTakeSettings } from '../../../../src-main/common/phrases.js';
import { beatsAtBar } from '../../../../src-main/common/tempo-map.js';
import { PHRASE_MODEL_FILES, phraseModelDirOf } from '../../../../src-main/services/models/phrase-model-files.js';
import { PhraseVaeRuntime } from '../../../../src-main/services/models/onnx/phrase-runtime.js';
import { sliderLatent, sliderPosition } from '../../../../src-main/services/phrase-models/latent-space.js';
import { makeTake, settingsOf, type PhraseSources } from '../../../../src-main/services/phrase-takes/phrase-generation.js';
import { ModelKits, type VaryKit } from '../../../../src-main/services/phrase-takes/model-kits.js';
import { quantizeNotes } from '../../../../src-main/services/phrases/quantize.js';
import { decode, encode } from '../../../../src-main/services/phrases/tokens.js';
import { openTestLibrary, type TestLibrary } from '../../../helpers/library.js';
import { installTinyVae, trainTinyVae } from '../../../helpers/phrase-model.js';
import { songType1 } from '../parts/midi-fixtures.js';

let lib: TestLibrary;
let kits: ModelKits;
let kit: VaryKit;
let runtime: PhraseVaeRuntime;
let sources: PhraseSources;
let from: PhraseRef;
let model: PhraseModel;
let base: Float32Array;

beforeAll(async () => {
  // Trained long enough that its decodes are notes, not only bar lines, so a beam has phrases to weigh.
  const tiny = trainTinyVae(loadNativeAddon().sequence, 300);
  lib = await openTestLibrary();
  const { parts } = await lib.core.library.importFiles([{ name: 'Night Drive.mid', data: songType1() }]);
  const songId = parts[0]!.songId;
  const piece = tiny.pieces.find((p) => p.timeSignature.numerator === 4 && p.timeSignature.denominator === 4 && p.bars >= 4)!;
  const partId = lib.core.parts.addPart({ songId, name: 'Arpeggio', source: 'model', settings: {}, music: piece.music }).id;
  from = { partId, startBar: 1, bars: 4 };
  const modelId = await installTinyVae(lib.dir, tiny);
  model = lib.core.phraseModels.get(modelId);
  sources = {
    partMusic: (id) => lib.core.parts.musicOf({ partId: id }),
    partSong: () => songId,
    songKey: () => null,
  };
  kits = new ModelKits((id) => phraseModelDirOf(lib.dir, id));
  kit = (await kits.of(model)) as VaryKit;
  // No checkpoint installed: takes start from the encoder's mean, which this reads as they do.
  runtime = await PhraseVaeRuntime.open(path.join(phraseModelDirOf(lib.dir, modelId), PHRASE_MODEL_FILES.onnx));
  const music = sources.partMusic(partId);
  base = (await runtime.encodeMean([encode(music, 0, beatsAtBar(music.meterMap, 5))]))[0]!;
}, 300_000);

afterAll(async () => {
  await runtime?.close();
  await kits?.closeAll();
  await lib?.close();
});

/** Tokens (no BOS or EOS) as a take's notes: from bar 1, on the default 1/16 grid. */
function notesOf(tokens: number[]): PartNote[] {
  const meterMap = sources.partMusic(from.partId).meterMap;
  return quantizeNotes(decode(tokens, 0), '1/16', meterMap, { startBeats: 0, endBeats: beatsAtBar(meterMap, 5) });
}

describe('beam decoding in vary takes', () => {
  it('decodes new takes at temperature 0 by a beam and older ones greedily, as they were made', async () => {
    const at = sliderPosition(kit.space, base);
    let differ = 0;
    for (const value of [-2, -1, 0, 1, 2]) {
      const sliders = at.map((p, i) => (i === 0 ? value : Math.max(-3, Math.min(3, p))));
      const [settings] = settingsOf({ modelId: model.id, mode: 'vary', count: 1, from, sliders, quantize: phraseQuantizeSchema.parse({}) }, model) as [PhraseTakeSettings];
      expect(settings.beam).toBe(VARY_BEAM_WIDTH);
      const older: PhraseTakeSettings = { ...settings };
      delete older.beam;
      const beamed = await makeTake(kit, settings, '3', sources);
      const greedy = await makeTake(kit, older, '3', sources);
      const z = sliderLatent(kit.space, base, sliders);
      expect(beamed.music.notes).toEqual(notesOf(await runtime.decodeBeam(z, 4, VARY_BEAM_WIDTH)));
      expect(greedy.music.notes).toEqual(notesOf(await runtime.decode(z, 4, 0, '3')));
      if (JSON.stringify(beamed.music.notes) !== JSON.stringify(greedy.music.notes)) differ += 1;
    }
    expect(differ).toBeGreaterThan(0);
  }, 120_000);

  it('keeps the beam on the stored take and on one made again from it; a sampled take has none', async () => {
    const sliders = new Array<number>(VARY_SLIDER_COUNT).fill(0);
    sliders[2] = 1.5;
    const { takes } = await lib.core.phraseTakes.generate({ modelId: model.id, mode: 'vary', from, sliders });
    expect(lib.core.phraseTakes.get(takes[0]!.id).settings.beam).toBe(VARY_BEAM_WIDTH);
    const again = await lib.core.phraseTakes.regenerate(takes[0]!.id);
    expect(again.takes[0]!.settings.beam).toBe(VARY_BEAM_WIDTH);
    const preview = await lib.core.phraseTakes.preview({ modelId: model.id, from, sliders });
    expect(preview.music.notes).toEqual(lib.core.phraseTakes.get(takes[0]!.id).music!.notes);
    const sampled = await lib.core.phraseTakes.generate({ modelId: model.id, mode: 'vary', from, sliders, temperature: 1, seed: '4' });
    expect(sampled.takes[0]!.settings.beam).toBeUndefined();
    const between = await lib.core.phraseTakes.generate({ modelId: model.id, mode: 'interpolate', from, to: { ...from, startBar: 5 }, count: 2 });
    expect(between.takes.map((take) => take.settings.beam)).toEqual([VARY_BEAM_WIDTH, VARY_BEAM_WIDTH]);
  }, 60_000);
});

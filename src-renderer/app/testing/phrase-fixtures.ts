/**
 * Contract-valid phrase models, phrase takes and their notes for store specs (see fixtures.ts:
 * the fake bridge checks them against the contract's schemas, so a drifting fixture shows up as
 * a fault). Never imported by the app.
 */
import type { PartMusic } from '@common/midi.js';
import type { PhraseModel, PhraseSliders, PhraseTake, PhraseTakeDetail } from '@common/phrases.js';

const AT = '2025-01-02T03:04:05.000Z';

/** A finished `continue` model of 4-bar phrases, trained on song 3. */
export function phraseModel(overrides: Partial<PhraseModel> & Pick<PhraseModel, 'id'>): PhraseModel {
  return {
    kind: 'continue',
    name: `Phrase model ${overrides.id}`,
    preset: 'test',
    bars: 4,
    songIds: [3],
    seed: '42',
    budgetSeconds: 30,
    status: 'done',
    corpus: { songs: 1, parts: 2, trainPhrases: 40, heldOutPhrases: 6, bars: 184, notes: 900 },
    stepsDone: 200,
    stepsTotal: 200,
    evaluation: null,
    error: null,
    trainSeconds: 12,
    createdAt: AT,
    startedAt: AT,
    finishedAt: AT,
    progress: null,
    ...overrides,
  };
}

/** 4/4 at 96 BPM with the given pitches, one a beat. */
export function phraseMusic(pitches: readonly number[]): PartMusic {
  return {
    program: 0,
    channel: 0,
    notes: pitches.map((pitch, i) => ({ pitch, startBeats: i, durationBeats: 1, velocity: 88 })),
    bends: [],
    tempoMap: [{ beats: 0, bpm: 96 }],
    meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }],
  };
}

/** A ready, undecided take of model 1: 4 bars carried on from part 4's bars 1–4 of song 3. */
export function phraseTake(overrides: Partial<PhraseTake> & Pick<PhraseTake, 'id'>): PhraseTake {
  return {
    modelId: 1,
    songId: 3,
    batchId: 'batch-1',
    name: `Take ${overrides.id}`,
    settings: {
      mode: 'continue',
      from: { partId: 4, startBar: 1, bars: 4 },
      to: null,
      bars: 4,
      temperature: 1,
      sliders: null,
      fraction: null,
      quantize: { grid: '1/16', toKey: false },
    },
    seed: '7',
    status: 'ready',
    error: null,
    verdict: 'undecided',
    starred: false,
    noteCount: 4,
    startBeats: 16,
    lengthBeats: 16,
    metrics: { pitchCount: 4, pitchEntropy: 2, pitchRange: 7, notesPerBar: 1, polyphony: 1, copiedNotes: 3, nearCopy: false, copiedFrom: null },
    partId: null,
    generateSeconds: 0.2,
    createdAt: AT,
    ...overrides,
  };
}

/** {@link phraseTake} with its notes. */
export function phraseTakeDetail(overrides: Partial<PhraseTake> & Pick<PhraseTake, 'id'>, pitches: readonly number[] = [60, 64, 67, 72]): PhraseTakeDetail {
  return { ...phraseTake(overrides), music: phraseMusic(pitches), phrase: null };
}

/** A `vary` model's 20 sliders; `position` where the phrase sits (null: the centre). */
export function phraseSliders(position: number[] | null = null): PhraseSliders {
  return {
    count: 20,
    limit: 3,
    spreads: Array.from({ length: 20 }, (_, i) => 1 / (i + 1)),
    explained: Array.from({ length: 20 }, (_, i) => 0.2 / (i + 1)),
    position,
    // The first slider named (notes a bar rise along it), the rest too faint to name.
    characters: [{ trait: 'notes', rises: true, low: 3.1, high: 5.4, effect: 1.2, steady: 7, phrases: 8 }, ...Array.from({ length: 19 }, () => null)],
  };
}

/**
 * Listening sessions of MIDI takes (session-builder.ts with midi-material.ts), built into a
 * real SQLite database with the real General MIDI synth: the phrase models' takes against
 * held-out phrases of their model and bars of their song's parts, all rendered with one program
 * at one tempo and made into items of one length, every file of identical size and layout and
 * within 0.5 LU of the target; the answer key names the MIDI takes and the real phrases, and
 * nothing a rater is sent does; catch trials in a pair format; the refusals in one line each.
 * The phrase-takes feature and the model's corpus are out of scope: the port answers music
 * built here, as the core's wiring would.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../../src-main/common/errors.js';
import type { PartMusic, PartNote } from '../../../../src-main/common/midi.js';
import { raterProgressSchema, type SessionDraft } from '../../../../src-main/common/rating.js';
import { openDatabase, type Db } from '../../../../src-main/db/database.js';
import { decodeAudio } from '../../../../src-main/services/audio/decode.js';
import { integratedLoudness } from '../../../../src-main/services/audio/loudness.js';
import type { Phrase } from '../../../../src-main/services/phrases/phrases.js';
import { STEPS_PER_BEAT, VELOCITY_LEVELS } from '../../../../src-main/services/phrases/tokens.js';
import { itemByteLength } from '../../../../src-main/services/rating/item-audio.js';
import { MIDI_SESSION_RATE, type SessionPhraseSources, type SessionPhraseTake } from '../../../../src-main/services/rating/midi-material.js';
import { RatingRepository } from '../../../../src-main/services/rating/rating-repository.js';
import { RatingResults } from '../../../../src-main/services/rating/results.js';
import { RatingService } from '../../../../src-main/services/rating/rating-service.js';
import { buildSession } from '../../../../src-main/services/rating/session-builder.js';
import { createInlineSynth } from '../../../../src-main/services/synth/synth-runner.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const MAPS = { tempoMap: [{ beats: 0, bpm: 120 }], meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } as const }] };

/** Four bars of eighths from `from`, played a little late or early as a person does, a scale walk from `root`. */
function melody(root: number, from: number, bars = 4, velocity = 90): PartNote[] {
  const steps = [0, 2, 4, 5, 7, 5, 4, 2];
  return Array.from({ length: bars * 8 }, (_, i) => ({
    pitch: root + steps[(i + Math.floor(i / 8)) % steps.length]!,
    startBeats: from + i / 2 + (i % 3) * 0.013,
    durationBeats: 0.45,
    velocity: velocity - (i % 4) * 6,
  }));
}

function take(id: number, fields: Partial<SessionPhraseTake> = {}): SessionPhraseTake {
  return {
    id,
    modelId: 4,
    songId: 9,
    status: 'ready',
    verdict: 'kept',
    mode: 'continue',
    // In the song's beats: the take begins at bar 5 (beat 16), after the phrase it carries on.
    music: { program: 0, channel: 0, notes: [...melody(48, 0), ...melody(60 + (id % 5), 16)], bends: [], ...MAPS },
    startBeats: 16,
    lengthBeats: 16,
    ...fields,
  };
}

const TAKES = new Map<number, SessionPhraseTake>([
  [21, take(21)],
  [22, take(22, { mode: 'vary' })],
  [23, take(23)],
  [24, take(24, { status: 'failed', music: null })],
  [25, take(25, { lengthBeats: 8 })], // two bars at 120 BPM: 4 s
]);
const HELD_OUT: Phrase[] = [62, 64, 65].map((root, i) => ({
  source: `piece ${i + 1}`,
  startBar: 1 + 4 * i,
  bars: 4,
  fromBeats: 16 * i,
  toBeats: 16 * i + 16,
  timeSignature: { numerator: 4, denominator: 4 },
  notes: melody(root, 0, 4, 100),
}));
/** The song's own bass part, 12 bars: three 4-bar phrases. */
const SONG_PART: PartMusic = { program: 33, channel: 0, notes: [...melody(40, 0), ...melody(43, 16), ...melody(45, 32)], bends: [{ beats: 2, value: 0.5 }], ...MAPS };

const synth = createInlineSynth();
const rendered: PartMusic[] = [];
const phrases: SessionPhraseSources = {
  take(takeId) {
    const found = TAKES.get(takeId);
    if (!found) throw new AppError('NOT_FOUND', `there is no MIDI take ${takeId}`);
    return found;
  },
  heldOutPhrases: (modelId) => Promise.resolve(modelId === 4 ? HELD_OUT : []),
  songParts: (songId) => (songId === 9 ? [{ partId: 5, music: SONG_PART }] : []),
  render(music, options) {
    rendered.push(music);
    return synth.render(music, options);
  },
};

let dir: string;
let db: Db;
let ratings: RatingRepository;
let service: RatingService;
let deps: Parameters<typeof buildSession>[0];
beforeAll(async () => {
  dir = await makeTempDir('eureka-midi-session-');
  db = openDatabase(path.join(dir, 'eureka.db'));
  ratings = new RatingRepository(db, dir);
  const unused = (): never => {
    throw new Error('a MIDI session read the audio library');
  };
  deps = { library: { playbackPath: unused } as unknown as typeof deps.library, takes: { list: unused, get: unused, filePath: unused }, training: { get: unused }, dataDir: dir, ratings, phrases };
  service = new RatingService({ repository: ratings, build: (draft) => buildSession(deps, draft), analysis: new RatingResults(ratings), changed: () => undefined });
});
afterAll(async () => {
  await synth.dispose();
  db.close();
  await removeDir(dir);
});

const DRAFT: SessionDraft = { name: 'Phrase check', phraseTakeIds: [21, 22, 23], generatedCount: 3, realCount: 3, raters: ['Ana', 'Ben'], seed: '77' };

describe('a single-stimulus session of MIDI takes', () => {
  let sessionId: number;
  beforeAll(async () => {
    rendered.length = 0;
    sessionId = (await service.create(DRAFT)).id;
  }, 120_000);

  it('makes every item the same length, from the shortest take at its tempo, and the same file size', async () => {
    const session = ratings.session(sessionId)!;
    // Four bars at 120 BPM.
    expect(session).toMatchObject({ itemSeconds: 8, sampleRate: MIDI_SESSION_RATE, fileRate: MIDI_SESSION_RATE });
    const items = ratings.items(sessionId);
    expect(items).toHaveLength(6);
    const stats = await Promise.all(items.map((item) => stat(item.file)));
    expect(new Set(stats.map((file) => file.size))).toEqual(new Set([itemByteLength(8, MIDI_SESSION_RATE)]));
    // One modification time: no listing or HTTP header tells the build order (takes first).
    expect(new Set(stats.map((file) => file.mtimeMs)).size).toBe(1);
    for (const item of items) {
      const bytes = await readFile(item.file);
      // A bare 44-byte header: fmt and data, nothing that could carry a name.
      expect(bytes.subarray(36, 40).toString('latin1')).toBe('data');
      const decoded = await decodeAudio(bytes, 'item');
      expect(Math.abs(integratedLoudness(decoded.channels, decoded.sampleRate)! - -23)).toBeLessThan(0.5);
      expect(path.basename(item.file)).toMatch(/^[0-9a-f]{32}\.wav$/);
    }
  });

  it('renders takes and real phrases alike: one program, one tempo, no bends, the same beats, the tokens\' grid', () => {
    expect(rendered).toHaveLength(6);
    for (const music of rendered) {
      expect(music).toMatchObject({ program: 0, channel: 0, bends: [], tempoMap: [{ beats: 0, bpm: 120 }] });
      expect(Math.max(...music.notes.map((note) => note.startBeats + note.durationBeats))).toBeLessThanOrEqual(16);
      // What a model can write: 1/12-beat steps and the velocity bins' middles (the test's notes are neither).
      for (const note of music.notes) {
        expect(Number.isInteger(Math.round(note.startBeats * STEPS_PER_BEAT * 1e6) / 1e6)).toBe(true);
        expect(VELOCITY_LEVELS).toContain(note.velocity);
      }
    }
    // The takes from their own first beat (bar 5 of the song), not the phrase before it.
    expect(rendered.filter((music) => music.notes[0]!.pitch >= 60 && music.notes[0]!.pitch < 62)).toHaveLength(1);
  });

  it('keeps the answer key in the main process: MIDI takes and the real phrases they were heard against', () => {
    const items = ratings.items(sessionId);
    const generated = items.filter((item) => item.origin === 'generated');
    expect(generated.map((item) => item.phraseTakeId).sort()).toEqual([21, 22, 23]);
    expect(generated.every((item) => item.takeId === null && item.phraseModelId === 4 && item.mode !== null)).toBe(true);
    const real = items.filter((item) => item.origin === 'real');
    // The model's held-out phrases come first; the song's own part is the fallback.
    expect(real.map((item) => item.phrase?.kind)).toEqual(['held-out', 'held-out', 'held-out']);
    expect(real.every((item) => item.phraseTakeId === null && item.sourceFileId === null)).toBe(true);
  });

  it('sends a rater nothing that tells a take from a real phrase', () => {
    const session = ratings.session(sessionId)!;
    for (const rater of ratings.raters(sessionId)) {
      let progress = service.progress(rater.id);
      const seen: string[] = [];
      while (progress.next) {
        const trial = progress.next;
        expect(Object.keys(trial).sort()).toEqual(['format', 'position', 'raterId', 'seconds', 'sessionId', 'stimuli', 'total']);
        expect(trial.stimuli.map((stimulus) => Object.keys(stimulus).sort())).toEqual([['audio', 'label']]);
        expect(trial.seconds).toBe(session.itemSeconds);
        seen.push(JSON.stringify(trial));
        progress = service.answer(rater.id, trial.position, { kind: 'single', judgedReal: true, ease: null, musicality: 5, inspiring: 'maybe', comment: '' });
      }
      expect(raterProgressSchema.parse(progress)).toEqual(progress);
      expect(seen).toHaveLength(6);
      for (const text of seen) expect(text).not.toMatch(/phrase|take|model|real|generated|held|part/i);
    }
    // The organiser's list: the session's name (theirs), counts and raters; nothing per item.
    expect(JSON.stringify(service.list())).not.toMatch(/phraseTake|held|song part|"items"/i);
  });

  it('names the MIDI takes in the key once every rater has submitted', () => {
    const before = service.results(sessionId, {});
    expect(before.items).toEqual([]);
    for (const rater of ratings.raters(sessionId)) {
      service.final(rater.id, { helpsFinishSongs: 'maybe', reachedNewPlaces: 'yes', whatWouldYouNeed: '' });
      service.submit(rater.id);
    }
    const after = service.results(sessionId, {});
    expect(after.items.filter((item) => item.origin === 'generated').map((item) => item.phraseTakeId).sort()).toEqual([21, 22, 23]);
    expect(after.items.filter((item) => item.origin === 'real').every((item) => item.phraseTakeId === null && item.takeId === null)).toBe(true);
    expect(Object.keys(after.breakdown.model)).toEqual(['phrase model 4']);
  });
});

describe('a "which one is real?" session of MIDI takes with catch trials', () => {
  it('pairs each MIDI take with a real phrase and makes its catch items like the rest', async () => {
    const sessionId = await buildSession(deps, { ...DRAFT, name: 'Pairs', format: '2afc', generatedCount: 2, realCount: 2, catchTrials: true, itemSeconds: 6, seed: '3' });
    const session = ratings.session(sessionId)!;
    expect(session.itemSeconds).toBe(6);
    const items = ratings.items(sessionId);
    // Two pairs, a low-passed real phrase with its partner rendered again, a repeat with its partner.
    expect(items.map((item) => item.origin)).toEqual(['generated', 'generated', 'real', 'real', 'catch', 'real', 'catch', 'real']);
    expect(items.find((item) => item.catchKind === 'lowpass')?.phrase).not.toBeNull();
    expect(items.find((item) => item.catchKind === 'repeat')?.phraseTakeId).not.toBeNull();
    const sizes = await Promise.all(items.map(async (item) => (await stat(item.file)).size));
    expect(new Set(sizes)).toEqual(new Set([itemByteLength(6, MIDI_SESSION_RATE)]));
    // Renderings again are files of their own (their own dither): no two items share bytes.
    const contents = await Promise.all(items.map((item) => readFile(item.file, 'hex')));
    expect(new Set(contents).size).toBe(items.length);
  }, 120_000);

  it("takes bars of the song's own parts when the model held nothing out", async () => {
    const heldOut = phrases.heldOutPhrases;
    phrases.heldOutPhrases = () => Promise.resolve([]);
    try {
      const sessionId = await buildSession(deps, { ...DRAFT, name: 'Song phrases', generatedCount: 1, realCount: 2, itemSeconds: 5, seed: '4' });
      // 5 s at 120 BPM are 10 beats: phrases of three whole bars of the part hold them.
      const real = ratings.items(sessionId).filter((item) => item.origin === 'real');
      expect(real.map((item) => item.phrase)).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: 'song part', partId: 5, bars: 3 })]),
      );
      expect(real.every((item) => item.songId === 9)).toBe(true);
    } finally {
      phrases.heldOutPhrases = heldOut;
    }
  }, 120_000);
});

describe('refusals', () => {
  it.each([
    [{ phraseTakeIds: [21, 24], generatedCount: 2 }, 'MIDI take 24 cannot be used: it failed'],
    [{ phraseTakeIds: [21, 25], generatedCount: 2 }, 'the shortest MIDI take lasts 4.0 s at 120 BPM; a listening item lasts at least 5 s: pick longer takes'],
    [{ phraseTakeIds: [21, 21], generatedCount: 2 }, 'a MIDI take is picked twice'],
    [{ takeIds: [1] }, 'a session rates audio takes or MIDI takes, not both'],
    [{ generatedCount: 4 }, '3 MIDI takes were picked but 4 generated items asked for'],
    [{ realCount: 7 }, "only 6 real phrases of 8.0 s were found in the held-out phrases of the takes' models and the parts of their songs, 7 were asked for: shorten the items, or add parts to the songs"],
  ] as [Partial<SessionDraft>, string][])('%j: %s', async (change, message) => {
    await expect(buildSession(deps, { ...DRAFT, ...change })).rejects.toThrow(new AppError('INVALID_INPUT', message));
  });
});

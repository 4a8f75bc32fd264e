/**
 * The core's wiring of MIDI takes into export and listening sessions (core.ts fills the export's
 * `phraseTakes` port and the session builder's `phrases` port): a real core over a real data
 * folder, a MIDI song imported, a phrase model's row, its corpus.json and two takes stored as
 * the phrase features store them. The takes export at their place in the song under their
 * model's name, a discarded one is refused, and a session of them is built against the model's
 * held-out phrases with the real synth. Generating takes is the phrase-takes feature's own test.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { PartMusic, PartNote } from '../../src-main/common/midi.js';
import type { PhraseTakeSettings } from '../../src-main/common/phrases.js';
import { createCore, type Core } from '../../src-main/core.js';
import { phraseModelDirOf, writePhraseCorpus } from '../../src-main/services/models/phrase-model-files.js';
import { PhraseTakeRepository } from '../../src-main/services/phrase-takes/phrase-take-repository.js';
import type { Phrase } from '../../src-main/services/phrases/phrases.js';
import { makeTempDir, removeDir } from '../helpers/temp-dir.js';
import { readAls } from './services/export/ableton/als-structure.js';
import { liveMidiTracks } from './services/export/midi-readback.js';
import { songType1 } from './services/parts/midi-fixtures.js';

/** A continuation of the Keys' bars 7–10 (two of 6/8, two of 4/4): it sits at bar 11, beat 36, for four bars. */
const settings = (partId: number): PhraseTakeSettings => ({
  mode: 'continue',
  from: { partId, startBar: 7, bars: 4 },
  to: null,
  bars: 4,
  temperature: 1,
  sliders: null,
  fraction: null,
  quantize: { grid: '1/16', toKey: false },
});
const METRICS = { pitchCount: 4, pitchEntropy: 2, pitchRange: 7, notesPerBar: 4, polyphony: 1, copiedNotes: 2, nearCopy: false, copiedFrom: null };

/** Four bars of quarter notes from `from` (beats). */
const line = (root: number, from: number): PartNote[] =>
  Array.from({ length: 16 }, (_, i) => ({ pitch: root + [0, 4, 7, 12][i % 4]!, startBeats: from + i, durationBeats: 0.9, velocity: 96 }));

let work: string;
let core: Core;
const ids = { model: 0, songId: 0, takes: [] as number[] };

beforeAll(async () => {
  work = await makeTempDir('eureka-core-midi-takes-');
  const dataDir = path.join(work, 'data');
  core = await createCore({ dataDir, audio: 'inline', exportRoot: path.join(work, 'exports') });
  const imported = await core.library.importFiles([{ name: 'Night Drive.mid', data: songType1() }]);
  ids.songId = imported.parts[0]!.songId;
  const keys = core.parts.list(ids.songId).find((part) => part.name === 'Keys')!;
  const songMaps = core.parts.musicOf({ partId: keys.id });

  // A phrase model as its training feature leaves it, and takes as the phrase-takes feature stores them.
  const db = new Database(path.join(dataDir, 'eureka.db'));
  try {
    const summary = { songs: 1, parts: 2, trainPhrases: 4, heldOutPhrases: 3, bars: 20, notes: 60 };
    ids.model = Number(
      db
        .prepare(`INSERT INTO phrase_models (kind, name, preset, request, status, corpus, created_at) VALUES ('continue', 'Night drive phrases', 'test', ?, 'done', ?, ?)`)
        .run(JSON.stringify({ songIds: [ids.songId], bars: 4, budgetSeconds: 10, seed: '1' }), JSON.stringify(summary), new Date().toISOString()).lastInsertRowid,
    );
    // Bars 11–14 of the song (4/4 again, beat 36): two continuations of bars 7–10.
    const music = (root: number): PartMusic => ({ ...songMaps, notes: line(root, 36), bends: [] });
    ids.takes = new PhraseTakeRepository(db as never).insertBatch(ids.model, 'batch-1', [
      { settings: settings(keys.id), seed: '1', songId: ids.songId, music: music(60), metrics: METRICS, generateSeconds: 0.1 },
      { settings: settings(keys.id), seed: '2', songId: ids.songId, music: music(62), metrics: METRICS, generateSeconds: 0.1 },
    ]);
  } finally {
    db.close();
  }
  const heldOut: Phrase[] = [55, 57, 59].map((root, i) => ({
    source: `Other song · Keys ${i}`,
    startBar: 1,
    bars: 4,
    fromBeats: 0,
    toBeats: 16,
    timeSignature: { numerator: 4, denominator: 4 },
    notes: line(root, 0),
  }));
  await mkdir(phraseModelDirOf(dataDir, ids.model), { recursive: true });
  await writePhraseCorpus(phraseModelDirOf(dataDir, ids.model), {
    format: 1,
    bars: 4,
    train: heldOut.map((phrase) => ({ ...phrase, source: 'Night Drive · Keys' })),
    heldOut,
    sources: [
      { name: 'Night Drive · Keys', songId: ids.songId, partId: keys.id, phrases: 3, heldOut: false },
      { name: 'Other song · Keys 0', songId: ids.songId, partId: keys.id, phrases: 3, heldOut: true },
    ],
  });
}, 60_000);

afterAll(async () => {
  await core.dispose();
  await removeDir(work);
});

it('exports MIDI takes at their place in the song, named after their model', async () => {
  const [first, second] = ids.takes as [number, number];
  const result = await core.export.exportTakes({ phraseTakeIds: [first, second], format: 'ableton', destination: path.join(work, 'out') });
  expect(result).toMatchObject({ tempo: 96, tempoSource: 'part' });
  const tracks = liveMidiTracks(readAls(path.join(result.folders[0]!, 'Night Drive.als')).root);
  expect(tracks.map((track) => [track.name, track.clipTime, track.length])).toEqual([
    [`Night drive phrases · take ${first}`, 36, 16],
    [`Night drive phrases · take ${second}`, 36, 16],
  ]);
  expect(tracks[0]!.notes.map((note) => note.beats)).toEqual(line(60, 36).map((note) => note.startBeats));

  core.phraseTakes.update(second, { verdict: 'discarded' });
  await expect(core.export.exportTakes({ phraseTakeIds: [second], destination: path.join(work, 'out') })).rejects.toThrow(
    `MIDI take ${second} cannot be exported: it was discarded (keep it first)`,
  );
}, 60_000);

it("builds a listening session of MIDI takes against the model's held-out phrases", async () => {
  const summary = await core.rating.create({ name: 'Phrases', phraseTakeIds: ids.takes, generatedCount: 2, realCount: 2, raters: ['Ana'], seed: '9' });
  // Four bars at the song's 132 BPM where the takes start.
  expect(summary).toMatchObject({ itemCount: 4, itemSeconds: Math.floor(((16 * 60) / 132) * 1000) / 1000 });
  const items = core.ratingRepository.items(summary.id);
  expect(items.filter((item) => item.origin === 'generated').map((item) => item.phraseTakeId).sort()).toEqual([...ids.takes].sort());
  expect(items.filter((item) => item.origin === 'real').map((item) => item.phrase)).toEqual([
    expect.objectContaining({ kind: 'held-out', modelId: ids.model }),
    expect.objectContaining({ kind: 'held-out', modelId: ids.model }),
  ]);
}, 120_000);

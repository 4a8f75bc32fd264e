/**
 * Migration 0012 (MIDI parts) on a library written before it: the songs stay, the new tables
 * take parts and part clips, a deleted part's number is never given out again, a song takes
 * its MIDI files, parts and part clips along, and the clip a part was transcribed from may go
 * without it. The SQL checks refuse what the service never writes.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, openDatabase } from '../../../src-main/db/database.js';
import { MIGRATIONS } from '../../../src-main/db/migrations/index.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

const MUSIC = {
  notes: JSON.stringify([{ pitch: 60, startBeats: 0, durationBeats: 1, velocity: 90 }]),
  tempoMap: JSON.stringify([{ beats: 0, bpm: 120 }]),
  meterMap: JSON.stringify([{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }]),
};

describe('migration 0012 (MIDI parts)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('adds midi_files, parts and part_clips to a version-11 library; cascades and ids as the library does', () => {
    const file = path.join(dir, 'eureka.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(old, MIGRATIONS.filter((m) => m.version <= 11));
    const now = new Date().toISOString();
    old.prepare('INSERT INTO songs (name, created_at) VALUES (?, ?)').run('Night Drive', now);
    old.prepare(
      `INSERT INTO files (song_id, original_name, format, sha256, size_bytes, store_key, playback_key, sample_rate, channels, frames, duration_seconds, peak_dbfs, created_at)
       VALUES (1, 'a.wav', 'wav', ?, 10, 'files/aa/x.wav', 'playback/aa/x.wav', 48000, 1, 48000, 1, -3, ?)`,
    ).run('a'.repeat(64), now);
    old.prepare(`INSERT INTO clips (file_id, start_seconds, end_seconds, label, created_at, updated_at) VALUES (1, 0, 1, 'U', ?, ?)`).run(now, now);
    old.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.prepare('SELECT name FROM songs').all()).toEqual([{ name: 'Night Drive' }]);
    const insertPart = db.prepare(
      `INSERT INTO parts (song_id, midi_file_id, track_index, name, program, channel, source, source_clip_id, notes, tempo_map, meter_map, note_count, length_beats, created_at)
       VALUES (1, @midiFileId, @trackIndex, @name, 0, 0, @source, @clipId, @notes, @tempoMap, @meterMap, 1, 1, @now)`,
    );
    db.prepare(
      `INSERT INTO midi_files (song_id, original_name, sha256, size_bytes, store_key, ppq, format, track_count, created_at)
       VALUES (1, 'a.mid', ?, 100, 'midi/bb/x.mid', 480, 1, 2, ?)`,
    ).run('b'.repeat(64), now);
    const fromFile = Number(insertPart.run({ midiFileId: 1, trackIndex: 0, name: 'Keys', source: 'midi-file', clipId: null, ...MUSIC, now }).lastInsertRowid);
    const transcribed = Number(insertPart.run({ midiFileId: null, trackIndex: null, name: 'Hum', source: 'transcription', clipId: 1, ...MUSIC, now }).lastInsertRowid);
    db.prepare(`INSERT INTO part_clips (part_id, start_bar, length_bars, label, created_at, updated_at) VALUES (?, 1, 4, 'chorus hook', ?, ?)`).run(fromFile, now, now);

    // What the service never writes is refused by the table too.
    expect(() => insertPart.run({ midiFileId: null, trackIndex: null, name: 'Bad', source: 'midi-file', clipId: null, ...MUSIC, now })).toThrow(/CHECK/);
    expect(() => insertPart.run({ midiFileId: null, trackIndex: null, name: 'Bad', source: 'transcription', clipId: null, ...MUSIC, notes: 'not json', now })).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO part_clips (part_id, start_bar, length_bars, created_at, updated_at) VALUES (?, 0, 4, ?, ?)`).run(fromFile, now, now)).toThrow(/CHECK/);

    // The clip a part was transcribed from goes without it.
    db.prepare('DELETE FROM clips WHERE id = 1').run();
    expect(db.prepare('SELECT source_clip_id FROM parts WHERE id = ?').get(transcribed)).toEqual({ source_clip_id: null });

    // A deleted part's number is never given out again.
    db.prepare('DELETE FROM parts WHERE id = ?').run(transcribed);
    const next = Number(insertPart.run({ midiFileId: null, trackIndex: null, name: 'Again', source: 'model', clipId: null, ...MUSIC, now }).lastInsertRowid);
    expect(next).toBe(transcribed + 1);

    // The song takes its MIDI files, parts and part clips along.
    db.prepare('DELETE FROM songs WHERE id = 1').run();
    for (const table of ['midi_files', 'parts', 'part_clips']) expect(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
    db.close();
  });
});

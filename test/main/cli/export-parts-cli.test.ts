/**
 * `eureka export --part … --part-clip …` as a user runs it (the compiled CLI, a real data folder):
 * a MIDI file imported, a part clip cut on its bars, both exported with no take at all; the
 * result in JSON through the contract's schema, a MIDI track per part in the Live set, a MIDI
 * file per part in the Logic folder; nothing to export is refused in one line.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { exportResultSchema } from '../../../src-main/common/export.js';
import { runEureka, type CliResult } from '../../helpers/cli.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';
import { songType1 } from '../services/parts/midi-fixtures.js';

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

describe('eureka export of MIDI parts', () => {
  let work: string;
  let dataDir: string;

  beforeAll(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
    await writeFile(path.join(work, 'Night Drive.mid'), songType1());
    expect((await eureka(dataDir, 'import', path.join(work, 'Night Drive.mid'))).code).toBe(0);
    expect((await eureka(dataDir, 'clip', 'add', '1', '--part', '2', '--bars', '5:4', '--label', 'the 6/8 bit')).code).toBe(0);
  }, 60_000);
  afterAll(() => removeDir(work));

  it('exports a part and a part clip with no take, at the part\'s tempo, and says where that came from', async () => {
    const to = path.join(work, 'Exports');
    const result = await eureka(dataDir, '--json', 'export', '--part', '2', '--part-clip', '1', '--to', to);
    expect(result.code).toBe(0);
    const parsed = exportResultSchema.parse(JSON.parse(result.stdout));
    expect(parsed).toMatchObject({ folders: [path.join(to, 'Night Drive Project'), path.join(to, 'Night Drive Logic')], tempo: 96, tempoSource: 'part' });
    const als = gunzipSync(await readFile(path.join(to, 'Night Drive Project', 'Night Drive.als'))).toString('utf8');
    expect(als.match(/<MidiTrack /g)).toHaveLength(2);
    expect(als).not.toContain('<AudioTrack ');
    expect((await readdir(path.join(to, 'Night Drive Logic', 'MIDI'))).sort()).toEqual([
      'Bass (Electric Bass (Finger)).mid',
      'Bass · the 6-8 bit (Electric Bass (Finger)).mid',
    ]);

    const text = await eureka(dataDir, 'export', '--part', '3', '--to', to, '--format', 'ableton');
    expect(text.code).toBe(0);
    expect(text.stderr).toMatch(/at 96 BPM \(the first MIDI part's or take's, at bar 1\) in 4\/4\n$/);
  }, 120_000);

  it('refuses an export of nothing in one line', async () => {
    const nothing = await eureka(dataDir, 'export', '--to', path.join(work, 'Nothing'));
    expect(nothing).toMatchObject({ code: 1, stderr: 'eureka: cannot export: name at least one take, part, part clip or MIDI take\n' });
  }, 60_000);
});

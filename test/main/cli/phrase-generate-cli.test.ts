/**
 * MIDI takes on the command line, as a user runs them (the compiled CLI, a real data folder, a
 * real tiny `continue` model trained by the addon and installed as training leaves one):
 * `generate --mode continue --from` tells each take in plain words, NDJSON with --json, the
 * same seed gives the same notes; `phrase-takes` lists them; `phrase-take` keeps, stars, adds
 * to the song, writes MIDI and WAV; `sliders` tells what each slider does; bad input is refused
 * in one line, and the audio modes refuse the MIDI options.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadNativeAddon } from '../../../src-main/addon/binding.js';
import { phraseTakeDetailSchema, phraseTakeSchema } from '../../../src-main/common/phrases.js';
import { UNNAMED_SLIDER } from '../../../src-main/common/slider-character.js';
import { loadLatentSpace, saveLatentSpace } from '../../../src-main/services/phrase-models/latent-space.js';
import { runEureka, type CliResult } from '../../helpers/cli.js';
import { installTinyLm, installTinyVae, trainTinyLm, trainTinyVae } from '../../helpers/phrase-model.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';
import { songType1 } from '../services/parts/midi-fixtures.js';

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

describe('eureka generate --mode continue, phrase-takes, phrase-take', () => {
  let work: string;
  let dataDir: string;
  let modelId: number;
  let varyId: number;

  beforeAll(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
    await writeFile(path.join(work, 'Night Drive.mid'), songType1());
    expect((await eureka(dataDir, 'import', path.join(work, 'Night Drive.mid'))).code).toBe(0);
    modelId = await installTinyLm(dataDir, trainTinyLm(loadNativeAddon().sequence));
    varyId = await installTinyVae(dataDir, trainTinyVae(loadNativeAddon().sequence));
  }, 120_000);
  afterAll(() => removeDir(work));

  it('continues a part’s bars and tells each take in plain words; the same seed, the same notes', async () => {
    const made = await eureka(dataDir, 'generate', String(modelId), '--mode', 'continue', '--from', '1:1:4', '--bars', '2', '--count', '2', '--seed', '5');
    expect(made.code).toBe(0);
    const lines = made.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^take 1 \(Take 1, continue, seed 5\): \d+ notes in bars 5–6 · \d+ pitches over \d+ semitones, [\d.]+ notes a bar, [\d.]+ at once · (not a copy|near copy)/);
    expect(lines[1]).toMatch(/^take 2 \(Take 2, continue, seed 6\): /);

    const json = await eureka(dataDir, '--json', 'generate', String(modelId), '--mode', 'continue', '--from', '1:1:4', '--bars', '2', '--seed', '5', '--grid', '1/16');
    expect(json.code).toBe(0);
    const [again] = json.stdout.trim().split('\n').map((line) => phraseTakeSchema.parse(JSON.parse(line)));
    expect(again).toMatchObject({ id: 3, seed: '5', status: 'ready', settings: { mode: 'continue', from: { partId: 1, startBar: 1, bars: 4 }, bars: 2 } });
    const notesOf = async (id: number) => phraseTakeDetailSchema.parse(JSON.parse((await eureka(dataDir, '--json', 'phrase-take', String(id))).stdout)).music!.notes;
    expect(await notesOf(3)).toEqual(await notesOf(1));
    expect(await notesOf(2)).not.toEqual(await notesOf(1));
  }, 60_000);

  it('lists the takes, keeps and stars one, adds it to its song, writes it as MIDI and WAV', async () => {
    const table = await eureka(dataDir, 'phrase-takes', String(modelId));
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+MODE\s+SEED\s+NOTES\s+BARS\s+COPY\s+VERDICT\s+PART$/);
    expect(table.stdout).toMatch(/^1\s+Take 1\s+continue\s+5\s+\d+\s+bars 5–6\s+(no|near copy \(\d+\))\s+undecided\s+-$/m);

    const mid = path.join(work, 'take.mid');
    const wav = path.join(work, 'take.wav');
    const done = await eureka(dataDir, 'phrase-take', '1', '--keep', '--star', '--add-to-song', '--mid', mid, '--wav', wav);
    expect(done.code).toBe(0);
    const [head, added, wroteMid, wroteWav] = done.stdout.trim().split('\n');
    expect(head).toMatch(/^take 1 \(Take 1, continue, seed 5\): .* · kept, starred, in the song as part 4$/);
    expect(added).toBe('added to song 1 as part 4 “Tiny continue · Take 1”');
    expect(wroteMid).toMatch(/^wrote .*take\.mid: \d+ notes$/);
    expect(wroteWav).toMatch(/^wrote .*take\.wav: [\d.]+ s at 44100 Hz$/);
    expect((await readFile(mid)).subarray(0, 4).toString('latin1')).toBe('MThd');
    expect((await stat(wav)).size).toBeGreaterThan(44);
    const parts = await eureka(dataDir, 'parts', '1');
    expect(parts.stdout).toMatch(/^4\s+1\s+Tiny continue · Take 1\s+/m);
  }, 60_000);

  it('varies a phrase with sliders moved, and interpolates between two', async () => {
    const id = String(varyId);
    const varied = await eureka(dataDir, '--json', 'generate', id, '--mode', 'vary', '--from', '1:1:4', '--slider', '1=2.5', '--slider', '3=-1', '--temperature', '1', '--seed', '3');
    expect(varied.code).toBe(0);
    const take = phraseTakeSchema.parse(JSON.parse(varied.stdout));
    // The tiny model is installed without its checkpoint: its phrases are read by the encoder alone.
    expect(take.settings).toMatchObject({ mode: 'vary', from: { partId: 1, startBar: 1, bars: 4 }, temperature: 1, latent: 'encoded' });
    expect([take.settings.sliders![0], take.settings.sliders![2]]).toEqual([2.5, -1]);
    expect(take.startBeats).toBe(0);
    // At temperature 0 (the default) a variation is the likeliest phrase of a beam, and says so.
    const likeliest = await eureka(dataDir, 'generate', id, '--mode', 'vary', '--from', '1:1:4', '--slider', '2=1', '--seed', '4');
    expect(likeliest.code).toBe(0);
    expect(likeliest.stdout).toMatch(/\(Take \d+, vary, seed 4, encoder latent, not refined, beam 4\): \d+ notes in bars 1–4/);

    const between = await eureka(dataDir, 'generate', id, '--mode', 'interpolate', '--from', '1:1:4', '--to', '1:9:4', '--count', '3', '--temperature', '0.5', '--seed', '8');
    expect(between.code).toBe(0);
    expect(between.stdout.trim().split('\n').map((line) => /\(Take \d+, (interpolate [\d.]+), seed (\d+), (encoder latent, not refined)\): \d+ notes in bars 1–4/.exec(line)?.slice(1))).toEqual([
      ['interpolate 0', '8', 'encoder latent, not refined'],
      ['interpolate 0.5', '9', 'encoder latent, not refined'],
      ['interpolate 1', '10', 'encoder latent, not refined'],
    ]);
  }, 60_000);

  it('tells what each slider does, and where a phrase sits on them; a model from before says to retrain', async () => {
    const id = String(varyId);
    const file = path.join(dataDir, 'phrase-models', id, 'latent-space.json');
    const space = await loadLatentSpace(file);
    const before = await eureka(dataDir, 'sliders', id);
    expect(before.code).toBe(0);
    expect(before.stdout.split('\n')[0]).toBe('this model was trained before sliders were described: retrain it to have them named');
    // As a training job leaves it (vary-job.ts describeSliders; phrase-training.test.ts checks that): slider 1 busier upwards, slider 2 lower.
    const characters = space.directions.map((_, i) =>
      i === 0 ? { trait: 'notes' as const, rises: true, low: 3.1, high: 5.4, effect: 1.2, steady: 7, phrases: 8 } : i === 1 ? { trait: 'pitch' as const, rises: false, low: 67, high: 60, effect: 0.8, steady: 5, phrases: 8 } : null,
    );
    await saveLatentSpace(file, { ...space, characters });
    const table = await eureka(dataDir, 'sliders', id, '--from', '1:1:4');
    expect(table.code).toBe(0);
    const rows = table.stdout.trim().split('\n');
    expect(rows).toHaveLength(21);
    expect(rows[0]).toMatch(/^SLIDER\s+−\s+\+\s+SHARE\s+PHRASE AT\s+MEASURED FROM −2 TO \+2$/);
    expect(rows[1]).toMatch(/^1\s+Sparser\s+Busier\s+\d+(\.\d)?%\s+[+-]?\d+(\.\d)?\s+notes a bar 3\.1 at −2, 5\.4 at \+2; one way for 7 of 8 phrases$/);
    expect(rows[2]).toMatch(/^2\s+Higher\s+Lower\s+.*average pitch G4 at −2, C4 at \+2; one way for 5 of 8 phrases$/);
    expect(rows[3]).toMatch(/^3\s+-\s+-\s+/);
    expect(rows[3]!.endsWith(UNNAMED_SLIDER)).toBe(true);
    const json = await eureka(dataDir, '--json', 'sliders', id);
    expect(JSON.parse(json.stdout)).toMatchObject({ count: 20, position: null, characters });
    expect((await eureka(dataDir, 'sliders', String(modelId))).stderr).toMatch(/sliders/);
  }, 60_000);

  it('refuses in one line what it cannot make', async () => {
    const refused = async (args: string[], message: string) => {
      const result = await eureka(dataDir, ...args);
      expect([result.code, result.stdout, result.stderr]).toEqual([1, '', `eureka: ${message}\n`]);
    };
    const id = String(modelId);
    await refused(['generate', id, '--mode', 'continue', '--from', '1:13:4'], 'part 1 “Keys” has 14 bars: bars 13–16 go past its end');
    await refused(['generate', id, '--mode', 'continue', '--from', '1:1:4', '--slider', '1=2'], `sliders belong to vary models; phrase model ${id} continues phrases`);
    await refused(['generate', id, '--mode', 'vary', '--from', '1:1:4'], `phrase model ${id} is a continue model: it makes continue takes, not vary takes`);
    await refused(['generate', id, '--mode', 'continue'], 'a continuation carries a phrase on: name the part and bars it starts from');
    await refused(['generate', id, '--mode', 'continue', '--from', '1:1:4', '--length', '4'], '--length, --from-rate and --provider go with audio takes; a MIDI take is as long as --bars says');
    await refused(['generate', '1', '--mode', 'new', '--grid', '1/8'], '--grid goes with the MIDI modes continue, vary and interpolate');
    await refused(['phrase-take', '1', '--keep', '--discard'], 'give one of --keep, --discard, --undecide');
    await refused(['phrase-take', '1', '--add-to-song'], 'take 1 is in its song already, as part 4');
    const usage = await eureka(dataDir, 'generate', id, '--mode', 'continue', '--from', '1:1');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('expected <part>:<bar>:<bars>');
  }, 60_000);
});

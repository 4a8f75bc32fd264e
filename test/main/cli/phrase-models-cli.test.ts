/**
 * `eureka train --kind continue|vary` and `eureka phrase-models` as a user runs them: the
 * compiled CLI in a child process, a real data folder with imported .mid files, real training
 * of both kinds with the `test` preset, the held-out figures in plain words. A CLI killed while it trains leaves its model interrupted, and
 * `--resume <id>` finishes it; bad input is refused in one line.
 */
import path from 'node:path';
import { z } from 'zod';
import { phraseForecastSchema, phraseModelSchema } from '../../../src-main/common/phrases.js';
import { runEureka, runEurekaUntilPaused, type CliResult } from '../../helpers/cli.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';
import { midiSongs, writeMidiSongs } from '../services/phrase-training/midi-library.js';

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

describe('eureka train --kind, phrase-models', () => {
  let work: string;
  let dataDir: string;

  beforeAll(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
    const files = await writeMidiSongs(work, midiSongs({ songs: 2, partsPerSong: 4, seed: '4' }));
    expect((await eureka(dataDir, 'import', ...files)).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await removeDir(work);
  });

  it('--forecast says what it would learn from, and makes nothing', async () => {
    const text = await eureka(dataDir, 'train', '--kind', 'continue', '--preset', 'test', '--seed', '3', '--forecast');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Learns from \d+ phrases of 4 bars \(8 parts in 2 songs; \d+ more kept aside to test it\) in about 10 s; then it carries a phrase on\.\n$/);
    const json = await eureka(dataDir, '--json', 'train', '--kind', 'continue', '--preset', 'test', '--forecast');
    expect(phraseForecastSchema.parse(JSON.parse(json.stdout))).toMatchObject({ outcome: 'fits', seconds: 10, corpus: { songs: 2, parts: 8 } });
    expect(JSON.parse((await eureka(dataDir, '--json', 'phrase-models')).stdout)).toEqual([]);
  }, 60_000);

  it('trains a continue model to the end and says how well it guesses held-out notes', async () => {
    const result = await eureka(dataDir, 'train', '--kind', 'continue', '--preset', 'test', '--seed', '3', '--songs', '1,2');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^Learns from \d+ phrases of 4 bars \(8 parts in 2 songs; /);
    expect(result.stderr).toMatch(/\nphrase model 1: \d+ training steps \(test preset, about 10 s\)\n/);
    expect(result.stdout).toMatch(/^phrase model 1: continue · 2 songs, 4 bars\nstatus: done, step (\d+) of \1, /);
    expect(result.stdout).toMatch(/\non \d+ phrases it never heard, it guesses the next note \d+% of the time; a simple chain guesses \d+%\n/);
    expect(result.stdout).toMatch(/\n {2}\(next-token accuracy 0\.\d{3}, perplexity [\d.]+; order-3 Markov chain 0\.\d{3}, [\d.]+\)\n$/);
  }, 90_000);

  it('prints the model as JSON, and lists phrase models', async () => {
    const result = await eureka(dataDir, '--json', 'train', '--kind', 'continue', '--preset', 'test', '--seed', '4', '--bars', '2', '--budget', '10');
    expect(result.code).toBe(0);
    const model = phraseModelSchema.parse(JSON.parse(result.stdout));
    expect(model).toMatchObject({ id: 2, kind: 'continue', status: 'done', bars: 2, seed: '4', budgetSeconds: 10, songIds: [] });
    expect(model.evaluation?.accuracy).toBeGreaterThan(0);
    const list = z.array(phraseModelSchema).parse(JSON.parse((await eureka(dataDir, '--json', 'phrase-models')).stdout));
    expect(list.map((m) => [m.id, m.status])).toEqual([
      [2, 'done'],
      [1, 'done'],
    ]);
    const table = await eureka(dataDir, 'phrase-models');
    expect(table.stdout).toMatch(/^ID\s+KIND\s+PRESET\s+STATUS\s+BARS\s+PHRASES\s+STEPS\s+TIME\s+HELD OUT\s+NAME\n/);
    expect(table.stdout).toMatch(/\n2\s+continue\s+test\s+done\s+2\s+\d+\s+(\d+)\/\1\s+\S+ s\s+\d+% vs \d+%\s+continue · the whole library, 2 bars\n/);
  }, 90_000);

  it('trains a vary model and says how much of held-out phrases it plays back', async () => {
    const result = await eureka(dataDir, 'train', '--kind', 'vary', '--preset', 'test', '--seed', '6', '--songs', '2,1');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^Learns from \d+ phrases of 2 bars \(8 parts in 2 songs; \d+ more kept aside to test it\) in about 10 s; then it makes variations of a phrase\.\n/);
    expect(result.stdout).toMatch(/^phrase model 3: vary · 2 songs, 2 bars\nstatus: done, step (\d+) of \1, /);
    expect(result.stdout).toMatch(/\non \d+ phrases it never heard, it plays back \d+% of the notes right\n {2}\(held-out reconstruction note F1 [01]\.\d{3}\)\n$/);
  }, 90_000);

  it('leaves the model of a CLI killed while it trained interrupted, and --resume finishes it', async () => {
    const paused = await runEurekaUntilPaused(dataDir, ['train', '--kind', 'continue', '--preset', 'test', '--seed', '5'], 'phrase-training:progress');
    await paused.kill();
    const [model] = z.array(phraseModelSchema).parse(JSON.parse((await eureka(dataDir, '--json', 'phrase-models')).stdout));
    expect(model).toMatchObject({ id: 4, status: 'interrupted', error: 'the process that was training it stopped' });
    const wrongKind = await eureka(dataDir, 'train', '--kind', 'vary', '--resume', '4');
    expect(wrongKind.stderr).toBe('eureka: phrase model 4 is a continue model, not vary\n');
    const resumed = await eureka(dataDir, '--json', 'train', '--kind', 'continue', '--resume', '4');
    expect(resumed.code).toBe(0);
    expect(phraseModelSchema.parse(JSON.parse(resumed.stdout))).toMatchObject({ id: 4, status: 'done', seed: '5' });
  }, 90_000);

  it('refuses what cannot be done with a one-line reason and a non-zero status', async () => {
    const cases: [string[], number, RegExp][] = [
      [['train', '--kind', 'continue', '--songs', '9'], 1, /^eureka: there is no song 9\n$/],
      [['train', '--kind', 'continue', '--songs', '1', '--bars', '16', '--preset', 'test'], 1, /^eureka: song 1 has \d MIDI phrases? of 16 bars; a phrase model needs at least 8 /],
      [['train', '--kind', 'continue', '--preset', 'paper'], 1, /the paper preset is for audio models; phrase models take test, quick, studio/],
      [['train', '--kind', 'continue', '--bars', '1'], 2, /expected a whole number of bars from 2 to 16/],
      [['train', '--kind', 'continue', '--songs', '1,x'], 2, /expected a positive integer id/],
      [['train', '--kind', 'continue', '--budget', '5'], 2, /expected a budget between 10 s and 7 days/],
      [['train', '--kind', 'karaoke'], 2, /argument 'karaoke' is invalid/],
      [['train', '1', '--kind', 'continue'], 1, /--kind trains on MIDI parts, not a clip/],
      [['train', '--kind', 'continue', '--resume'], 1, /name the phrase model to resume: --resume <id>/],
      [['train', '--kind', 'continue', '--resume', '99'], 1, /^eureka: there is no phrase model 99\n$/],
      [['train', '--kind', 'continue', '--resume', '1'], 1, /phrase model 1 is done: only a failed, cancelled or interrupted model can resume/],
      [['train', '--kind', 'continue', '--resume', '1', '--bars', '8'], 1, /a resumed model keeps its songs, bars, budget and seed/],
      [['train', '--kind', 'continue', '--forecast', '--resume', '1'], 1, /--forecast is for a new model, not with --resume/],
      [['train', '1', '--songs', '1'], 1, /--songs and --bars go with --kind continue\|vary/],
      [['train', '--kind', 'continue', '--device', 'cpu'], 1, /--mode and --device are for audio models; phrase models train on the CPU/],
      [['train', '1', '--budget', '20'], 1, /an audio model's budget is at least 30 s/],
    ];
    for (const [args, code, message] of cases) {
      const result = await eureka(dataDir, ...args);
      expect([args.join(' '), result.code]).toEqual([args.join(' '), code]);
      expect(result.stderr).toMatch(message);
      if (code === 1) expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 90_000);
});

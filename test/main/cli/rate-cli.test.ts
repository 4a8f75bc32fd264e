/**
 * `eureka rate …` as a user runs it: the compiled CLI in a child process over a real data
 * folder — a song, a model trained with the `test` preset, three real takes — then a session
 * built from them with catch trials, rated by flags, by piped interactive sessions (one cut
 * short by the end of its input and resumed), and read back as results in JSON and CSV. The
 * raters answer one way throughout (Ana "real", Ben "fake"), so every statistic can be worked
 * out by hand whatever order the seed gave them.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { raterProgressSchema, sessionResultsSchema, sessionSummarySchema } from '../../../src-main/common/rating.js';
import { playableDir } from '../../../src-main/cli/commands/rate-terminal.js';
import { createCore } from '../../../src-main/core.js';
import { runEureka, type CliResult } from '../../helpers/cli.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';
import { wavBytes } from '../../helpers/signals.js';

const CLI = path.resolve('bin/eureka.js');

function eureka(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runEureka(dataDir, args);
}

/** `eureka … rate session` with `input` piped to stdin. */
function pipeTo(dataDir: string, input: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--data-dir', dataDir, ...args], { env: { ...process.env, EUREKA_DATA_DIR: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Replies to one single-stimulus item: real (musicality, inspiring, comment) or fake (ease first). */
const REAL = (musicality: number) => `r\n${musicality}\ny\n\n`;
const FAKE = (musicality: number) => `f\ne\n${musicality}\nn\nsounds smeared\n`;
const FINAL_AND_SUBMIT = 'y\nm\nlonger takes\ny\n';

/** z(1/6) − z(1/4): d′ of "always real" over 3 fakes and 2 real items, rates clamped by 1/(2N). */
const D_PRIME_ALWAYS_REAL = -0.967421566101701 + 0.674489750196082;

describe('eureka rate', () => {
  let work: string;
  let dataDir: string;
  let sessionId: number;
  let itemFiles: string[];

  beforeAll(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
    const wav = path.join(work, 'song.wav');
    await writeFile(wav, wavBytes({ seconds: 30, sampleRate: 16_000, channels: 1, frequency: 196, amplitude: 0.4, seed: 5 }));
    expect((await eureka(dataDir, 'import', wav)).code).toBe(0);
    expect((await eureka(dataDir, 'clip', 'add', '1', '--start', '0', '--end', '1.5', '--label', 'U', '--split', 'train')).code).toBe(0);
    expect((await eureka(dataDir, 'train', '1', '--preset', 'test', '--seed', '3')).code).toBe(0);
    expect((await eureka(dataDir, 'generate', '1', '--count', '3', '--length', '5', '--seed', '5')).code).toBe(0);
  }, 240_000);

  afterAll(async () => {
    await removeDir(work);
    // The playable copies `rate next` and `rate session` left for this library.
    const copies = path.dirname(playableDir(dataDir, { sessionId: 1, raterId: 1 }));
    const library = path.basename(playableDir(dataDir, { sessionId: 1, raterId: 1 })).slice(0, 8);
    for (const entry of await readdir(copies).catch(() => [])) {
      if (entry.startsWith(`${library}-`)) await removeDir(path.join(copies, entry));
    }
  });

  it('refuses a session that cannot be blind, and contradictory options', async () => {
    const noReal = await eureka(dataDir, 'rate', 'create', '--name', 'X', '--takes', '1,2,3', '--real', '0', '--seconds', '5', '--raters', 'Ana');
    expect(noReal.code).toBe(1);
    expect(noReal.stderr).toMatch(/^eureka: a blind test needs real items to compare with: ask for at least one real excerpt\n$/m);
    const both = await eureka(dataDir, 'rate', 'create', '--name', 'X', '--takes', '1', '--model', '1', '--raters', 'Ana');
    expect([both.code, both.stderr]).toEqual([1, 'eureka: give --takes, --model or --phrase-take (one of them)\n']);
    expect(JSON.parse((await eureka(dataDir, '--json', 'rate', 'list')).stdout)).toEqual([]);
  }, 60_000);

  it('creates a session of the takes, real excerpts and catch trials, and lists it', async () => {
    const created = await eureka(
      dataDir, '--json', 'rate', 'create', '--name', 'First listen', '--takes', '1,2,3', '--real', '2', '--seconds', '5',
      '--catch', '--raters', 'Ana, Ben', '--seed', '7',
    );
    expect(created.code).toBe(0);
    const summary = sessionSummarySchema.parse(JSON.parse(created.stdout));
    sessionId = summary.id;
    // 3 takes + 2 real excerpts + a low-passed excerpt + a repeat.
    expect([summary.format, summary.itemCount, summary.itemSeconds, summary.catchTrials, summary.status]).toEqual(['single', 7, 5, true, 'open']);
    expect(summary.raters.map((r) => [r.name, r.answered, r.total, r.submitted])).toEqual([
      ['Ana', 0, 7, false],
      ['Ben', 0, 7, false],
    ]);
    const table = await eureka(dataDir, 'rate', 'list');
    expect(table.stdout).toMatch(/^ID\s+NAME\s+FORMAT\s+ITEMS\s+LENGTH\s+STATUS\s+RATERS\n1\s+First listen\s+single\s+7\s+0:05\.000\s+open\s+Ana 0\/7, Ben 0\/7\n$/);
    const core = await createCore({ dataDir, audio: 'inline' });
    itemFiles = core.ratingRepository.items(sessionId).map((item) => item.file);
    await core.dispose();
  }, 60_000);

  it('shows the next item as a copy under a neutral name, and takes answers by flags', async () => {
    const next = await eureka(dataDir, '--json', 'rate', 'next', String(sessionId), '--rater', 'ana');
    expect(next.code).toBe(0);
    const shown = JSON.parse(next.stdout) as { files: { label: string; file: string }[] };
    const progress = raterProgressSchema.parse(shown);
    expect([progress.raterName, progress.answered, progress.next?.position]).toEqual(['Ana', 0, 1]);
    expect(shown.files.map((f) => [f.label, path.basename(f.file)])).toEqual([['Item 1', 'item-01.wav']]);
    for (const file of itemFiles) expect(next.stdout).not.toContain(path.basename(file, '.wav'));
    const core = await createCore({ dataDir, audio: 'inline' });
    const source = core.rating.audioFile(progress.next!.stimuli[0]!.audio)!;
    await core.dispose();
    expect(itemFiles).toContain(source);
    expect(await readFile(shown.files[0]!.file)).toEqual(await readFile(source));

    const noEase = await eureka(dataDir, 'rate', 'answer', String(sessionId), '--rater', 'Ana', '--fake', '--musicality', '7', '--inspiring', 'yes');
    expect([noEase.code, noEase.stderr]).toEqual([1, 'eureka: with --fake give --ease (easy, dont-know, difficult, other)\n']);
    const choice = await eureka(dataDir, 'rate', 'answer', String(sessionId), '--rater', 'Ana', '--choice', 'A');
    expect([choice.code, choice.stderr]).toEqual([1, 'eureka: this session asks "real or fake?" per item, not "which one is real?"\n']);

    const answered = await eureka(dataDir, 'rate', 'answer', String(sessionId), '--rater', 'Ana', '--real', '--musicality', '7', '--inspiring', 'yes');
    expect(answered.code).toBe(0);
    expect(answered.stdout).toMatch(/^Ana: item 2 of 7 \(0:05\.000 each\)\n {2}Item 2: .*[0-9a-f]{8}-session-\d+-rater-\d+[/\\]item-02\.wav\n$/);
    const again = await eureka(dataDir, 'rate', 'answer', String(sessionId), '--rater', 'Ana', '--position', '1', '--real', '--musicality', '1', '--inspiring', 'no');
    expect([again.code, again.stderr]).toEqual([1, 'eureka: item 1 is answered already; answers cannot be changed\n']);
  }, 60_000);

  it('rates interactively from piped answers, resuming where input ran out', async () => {
    const cut = await pipeTo(dataDir, REAL(7) + REAL(7) + 'r\n', 'rate', 'session', String(sessionId), '--rater', 'Ana');
    expect(cut.code).toBe(0);
    expect(cut.stderr).toContain('Ana: 7 items, 1 answered.');
    expect(cut.stderr).toContain('Stopped with 3 of 7 answered; what you gave is saved. Run the same command to go on.');
    expect(cut.stdout).toBe('Ana: 3 of 7 answered\n');

    // "maybe" is no answer to "real or fake?": asked again.
    const rest = await pipeTo(dataDir, 'maybe\n' + REAL(7).repeat(4) + FINAL_AND_SUBMIT, '--json', 'rate', 'session', String(sessionId), '--rater', 'Ana');
    expect(rest.code).toBe(0);
    expect(rest.stderr).toContain('Ana: 7 items, 3 answered.');
    expect(rest.stderr).toContain('Ana: item 4 of 7');
    expect(rest.stderr).toContain('  type r (real) or f (fake)');
    const ana = raterProgressSchema.parse(JSON.parse(rest.stdout));
    expect([ana.answered, ana.total, ana.finalAnswered, ana.submitted, ana.next]).toEqual([7, 7, true, true, null]);

    const ben = await pipeTo(dataDir, FAKE(3).repeat(7) + FINAL_AND_SUBMIT, 'rate', 'session', String(sessionId), '--rater', 'Ben');
    expect([ben.code, ben.stdout]).toEqual([0, 'Ben has submitted all 7 answers. Thank you!\n']);
    const late = await eureka(dataDir, 'rate', 'answer', String(sessionId), '--rater', 'Ben', '--real', '--musicality', '1', '--inspiring', 'no');
    expect([late.code, late.stderr]).toEqual([1, 'eureka: Ben has submitted this session; answers cannot change\n']);
  }, 60_000);

  it('asks "which one is real?" in 2afc and "is X A or B?" in abx, piped or by --choice', async () => {
    const create = async (format: string, rater: string) => {
      const created = await eureka(dataDir, '--json', 'rate', 'create', '--name', format, '--format', format, '--takes', '1,2', '--real', '2', '--seconds', '5', '--raters', rater, '--seed', '3');
      expect(created.code).toBe(0);
      return sessionSummarySchema.parse(JSON.parse(created.stdout));
    };
    const pair = await create('2afc', 'Cleo');
    expect([pair.format, pair.itemCount, pair.raters[0]!.total]).toEqual(['2afc', 4, 2]);
    const piped = await pipeTo(dataDir, 'a\n\nb\nB is too clean\n' + FINAL_AND_SUBMIT, 'rate', 'session', String(pair.id), '--rater', 'Cleo');
    expect([piped.code, piped.stdout]).toEqual([0, 'Cleo has submitted all 2 answers. Thank you!\n']);
    expect(piped.stderr).toMatch(/Cleo: item 1 of 2 \(0:05\.000 each\)\n {2}Item 1 A: .*item-01-a\.wav\n {2}Item 1 B: .*item-01-b\.wav\nWhich one is real\? \[a\/b\]: /);

    const abx = await create('abx', 'Dan');
    const first = await eureka(dataDir, 'rate', 'answer', String(abx.id), '--rater', 'Dan', '--choice', 'B');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Dan: item 2 of 2 \(0:05\.000 each\)\n {2}A: .*item-02-a\.wav\n {2}B: .*item-02-b\.wav\n {2}X: .*item-02-x\.wav\n$/);
    const single = await eureka(dataDir, 'rate', 'answer', String(abx.id), '--rater', 'Dan', '--real', '--musicality', '5', '--inspiring', 'no');
    expect([single.code, single.stderr]).toEqual([1, 'eureka: this session asks "is X A or B?", not "real or fake?" per item\n']);
    expect((await eureka(dataDir, 'rate', 'answer', String(abx.id), '--rater', 'Dan', '--choice', 'A')).code).toBe(0);
    const early = await eureka(dataDir, 'rate', 'submit', String(abx.id), '--rater', 'Dan');
    expect([early.code, early.stderr]).toEqual([1, 'eureka: answer the final questions before submitting\n']);
    expect((await eureka(dataDir, 'rate', 'final', String(abx.id), '--rater', 'Dan', '--helps', 'no', '--new-places', 'maybe')).code).toBe(0);
    const submitted = await eureka(dataDir, 'rate', 'submit', String(abx.id), '--rater', 'Dan');
    expect([submitted.code, submitted.stdout]).toEqual([0, 'Dan has submitted all 2 answers. Thank you!\n']);
    const results = sessionResultsSchema.parse(JSON.parse((await eureka(dataDir, '--json', 'rate', 'results', String(abx.id))).stdout));
    expect([results.format, results.pooled.trials, results.raters[0]!.final]).toEqual(['abx', 2, { helpsFinishSongs: 'no', reachedNewPlaces: 'maybe', whatWouldYouNeed: '' }]);
  }, 60_000);

  it('reports results that match the hand-worked statistics, as JSON, a table and CSV', async () => {
    const json = await eureka(dataDir, '--json', 'rate', 'results', String(sessionId));
    expect(json.code).toBe(0);
    const results = sessionResultsSchema.parse(JSON.parse(json.stdout));
    const [ana, ben] = results.raters;
    // Non-catch trials: 3 generated, 2 real. Ana calls all real, Ben all fake.
    expect([ana!.stats.accuracy.count, ana!.stats.accuracy.of, ana!.stats.fooled.count, ana!.stats.fooled.of]).toEqual([2, 5, 3, 3]);
    expect(ana!.stats.binomialP).toBeCloseTo(26 / 32, 12);
    expect(ana!.stats.dPrime).toBeCloseTo(D_PRIME_ALWAYS_REAL, 9);
    expect([ben!.stats.accuracy.count, ben!.stats.fooled.count]).toEqual([3, 0]);
    expect(ben!.stats.binomialP).toBeCloseTo(16 / 32, 12);
    expect(ben!.stats.dPrime).toBeCloseTo(-D_PRIME_ALWAYS_REAL, 9);
    expect([results.pooled.accuracy.count, results.pooled.accuracy.of]).toEqual([5, 10]);
    expect(results.pooled.binomialP).toBeCloseTo(638 / 1024, 12);
    // Musicality of the generated items: 7, 7, 7 and 3, 3, 3: mean 5, s = √(24/5), t(5) = 2.570582.
    const halfWidth = (2.570581836 * Math.sqrt(24 / 5)) / Math.sqrt(6);
    expect(results.pooled.musicality!.mean).toBe(5);
    expect(results.pooled.musicality!.low).toBeCloseTo(5 - halfWidth, 5);
    expect(results.pooled.musicality!.high).toBeCloseTo(5 + halfWidth, 5);
    expect([results.pooled.inspiring.count, results.pooled.inspiring.of]).toEqual([3, 6]);
    // Catch trials: the low-passed excerpt is fake (Ana misses it); a repeat is judged alike by both.
    expect([ana!.catchScore?.count, ana!.catchScore?.of, ben!.catchScore?.count, ben!.catchScore?.of]).toEqual([1, 2, 2, 2]);
    expect(results.items.map((item) => item.origin).sort()).toEqual(['catch', 'catch', 'generated', 'generated', 'generated', 'real', 'real']);
    expect(results.items.filter((item) => item.origin === 'generated').map((item) => item.takeId).sort()).toEqual([1, 2, 3]);

    const screened = sessionResultsSchema.parse(JSON.parse((await eureka(dataDir, '--json', 'rate', 'results', String(sessionId), '--exclude-unreliable')).stdout));
    expect(screened.excludedRaters).toEqual([ana!.raterId]);
    expect([screened.pooled.accuracy.count, screened.pooled.accuracy.of]).toEqual([3, 5]);

    const table = await eureka(dataDir, 'rate', 'results', String(sessionId));
    expect(table.stdout).toMatch(/\nAna\s+yes\s+5\s+40% \(2\/5\)\s+0\.81\s+-0\.29\s+100% \(3\/3\)\s+7\.0 \[7\.0, 7\.0\]\s+100% \(3\/3\)\s+50% \(1\/2\)\n/);
    expect(table.stdout).toMatch(/\npooled\s+10\s+50% \(5\/10\)\s+0\.62\s+0\.00\s+50% \(3\/6\)\s+5\.0 \[2\.7, 7\.3\]/);

    const csv = await eureka(dataDir, 'rate', 'results', String(sessionId), '--csv');
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^session_id,session,rater,/);
    expect(lines.slice(1).filter((line) => line.startsWith(`${sessionId},First listen,Ana,`))).toHaveLength(7);
    expect(lines.slice(1).filter((line) => line.startsWith(`${sessionId},First listen,Ben,`))).toHaveLength(7);
    expect(lines).toHaveLength(15);
  }, 60_000);
});

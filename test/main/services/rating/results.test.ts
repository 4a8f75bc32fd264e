/**
 * Session results, exports and take ratings over a real SQLite database (RatingRepository),
 * checked against a worked example computed by hand (the arithmetic is in the comments):
 * per rater, pooled, without the unreliable rater, broken down by model; catch scores for
 * low-pass and repeat trials; the key withheld until every rater submitted, in the results and
 * in the CSV; 2afc and abx scoring (X a rendering of its own, and as sessions built before that
 * stored it); and what the Takes view gets.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sessionResultsSchema, takeRatingSchema, type Answer, type SessionFormat } from '../../../../src-main/common/rating.js';
import { openDatabase, type Db } from '../../../../src-main/db/database.js';
import { RatingRepository, type StoredItem } from '../../../../src-main/services/rating/rating-repository.js';
import { RatingResults } from '../../../../src-main/services/rating/results.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

let dir: string;
let db: Db;
let repo: RatingRepository;
let analysis: RatingResults;

beforeEach(async () => {
  dir = await makeTempDir();
  db = openDatabase(path.join(dir, 'eureka.db'));
  repo = new RatingRepository(db, dir);
  analysis = new RatingResults(repo);
});

afterEach(async () => {
  db.close();
  await removeDir(dir);
});

const hex = (): string => randomBytes(16).toString('hex');
type ItemSpec = Pick<StoredItem, 'origin'> & Partial<StoredItem>;
const takeOf = (model: 2 | 5, index: number): Partial<StoredItem> =>
  model === 2
    ? { takeId: 100 + index, modelId: 2, clipId: 3, preset: 'quick', epochs: 200, mode: 'new', lengthSeconds: 30 }
    : { takeId: 100 + index, modelId: 5, clipId: 4, preset: 'studio', epochs: 800, mode: 'variation', lengthSeconds: 45.04 };

/** Stores a session of these items; each rater's order is per position the item indices heard. */
async function storeSession(format: SessionFormat, specs: ItemSpec[], orders: Record<string, number[][]>, catchTrials = true): Promise<number> {
  const staging = path.join(dir, 'rating', `.building-${hex().slice(0, 8)}`);
  await mkdir(staging, { recursive: true });
  const items: StoredItem[] = [];
  for (const [index, spec] of specs.entries()) {
    const file = path.join(staging, `${hex()}.wav`);
    await writeFile(file, 'audio');
    items.push({
      catchKind: null, repeatOf: null, xOf: null, takeId: null, clipId: null, modelId: null, songId: 1, preset: null, epochs: null, mode: null,
      lengthSeconds: null, sourceFileId: null, phraseTakeId: null, phraseModelId: null, phrase: null, sourceStart: 0, loudnessLufs: -23, truePeakDbtp: -3,
      expected: spec.origin === 'real' ? 'real' : 'fake', ...spec, index, file,
    });
  }
  const raters = Object.entries(orders).map(([name, order]) => ({ name, order, tokens: order.map((stimuli) => stimuli.map(hex)) }));
  const settings = { name: 'Band night, take 2', format, itemSeconds: 30, sampleRate: 8000, fileRate: 16_000, targetLufs: -23, catchTrials, seed: '7' };
  return repo.createSession({ ...settings, draft: { name: settings.name, generatedCount: 1, realCount: 1, raters: Object.keys(orders) } }, items, raters);
}

const single = (judgedReal: boolean, musicality = 5, inspiring: 'yes' | 'maybe' | 'no' | 'other' = 'no', comment = ''): Answer => ({
  kind: 'single', judgedReal, ease: judgedReal ? null : 'easy', musicality, inspiring, comment,
});

/** Answers a rater's positions (answers[i] for position i + 1) and, when asked, submits. */
function answerAll(sessionId: number, name: string, answers: Answer[], submit: boolean): void {
  const rater = repo.raters(sessionId).find((row) => row.name === name)!;
  answers.forEach((answer, at) => repo.appendAnswer(rater.id, at + 1, answer, `2025-01-01T00:00:${String(at).padStart(2, '0')}.000Z`));
  if (!submit) return;
  repo.saveFinal(rater.id, { helpsFinishSongs: 'maybe', reachedNewPlaces: 'yes', whatWouldYouNeed: '' });
  repo.submit(rater.id);
}

/*
 * The worked single-stimulus session: items 0-2 takes of model 2, 3-5 takes of model 5, 6-9
 * real, 10 a low-passed real excerpt (catch, "fake"), 11 a repeat of item 0 (catch).
 * Both raters hear them in item order; their answers, by item:
 *   Ann: fake 6 yes, fake 7 yes, real 8 maybe, fake 5 no, fake 9 other, real 7 no |
 *        real, real, fake, real | lowpass: fake (pass) | repeat: fake, as item 0 (pass)
 *   Bo:  real 4 no, fake 3 no, real 5 maybe, real 6 yes, fake 2 no, real 4 maybe |
 *        fake, real, real, fake | lowpass: real (fail) | repeat: fake, item 0 was real (fail)
 */
const SINGLE_ITEMS: ItemSpec[] = [
  ...[0, 1, 2].map((i) => ({ origin: 'generated' as const, ...takeOf(2, i) })),
  ...[3, 4, 5].map((i) => ({ origin: 'generated' as const, ...takeOf(5, i) })),
  ...[6, 7, 8, 9].map((i) => ({ origin: 'real' as const, clipId: 20 + i, sourceFileId: 9, sourceStart: 10 * i })),
  { origin: 'catch', catchKind: 'lowpass', expected: 'fake', clipId: 26, sourceFileId: 9, sourceStart: 60 },
  { origin: 'catch', catchKind: 'repeat', repeatOf: 0, expected: 'fake', ...takeOf(2, 0) },
];
const IN_ORDER = SINGLE_ITEMS.map((_, index) => [index]);
const ANN = [
  single(false, 6, 'yes', '=SUM(A1), "nice"'), single(false, 7, 'yes'), single(true, 8, 'maybe'), single(false, 5, 'no'), single(false, 9, 'other'), single(true, 7, 'no'),
  single(true), single(true), single(false), single(true), single(false), single(false),
];
const BO = [
  single(true, 4, 'no'), single(false, 3, 'no'), single(true, 5, 'maybe'), single(true, 6, 'yes'), single(false, 2, 'no'), single(true, 4, 'maybe'),
  single(false), single(true), single(true), single(false), single(true), single(false),
];

describe('results of a single-stimulus session', () => {
  let sessionId: number;
  beforeEach(async () => {
    sessionId = await storeSession('single', SINGLE_ITEMS, { Ann: IN_ORDER, Bo: IN_ORDER });
  });

  it('scores each rater: accuracy, p, d′, fooled, musicality, inspiring, catch trials', () => {
    answerAll(sessionId, 'Ann', ANN, true);
    answerAll(sessionId, 'Bo', BO, true);
    const results = analysis.results(sessionId, { excludeUnreliable: false });
    expect(sessionResultsSchema.parse(results)).toEqual(results); // what IPC carries
    const [ann, bo] = results.raters;
    // Ann: 4 of 6 fakes caught + 3 of 4 reals called real = 7 of 10; P[X ≥ 7 | 10] = 176/1024.
    expect(ann!.stats.accuracy).toMatchObject({ count: 7, of: 10 });
    expect(ann!.stats.binomialP).toBeCloseTo(0.171875, 12);
    // hit 4/6, false alarm 1/4: z(0.6667) − z(0.25) = 0.4307 + 0.6745 = 1.1052.
    expect(ann!.stats.dPrime).toBeCloseTo(1.1052, 4);
    expect(ann!.stats.fooled).toMatchObject({ count: 2, of: 6 });
    // [6, 7, 8, 5, 9, 7]: mean 7, s = √(10/5) = 1.4142, half = 2.5706·1.4142/√6 = 1.4841.
    expect(ann!.stats.musicality?.mean).toBe(7);
    expect(ann!.stats.musicality?.low).toBeCloseTo(5.5159, 4);
    expect(ann!.stats.inspiring).toMatchObject({ count: 2, of: 6 });
    expect(ann!.stats.inspiringOrMaybe).toMatchObject({ count: 3, of: 6 });
    expect(ann!.catchScore).toMatchObject({ count: 2, of: 2, value: 1 });
    expect(ann!.reliable).toBe(true);
    expect(ann!.final).toEqual({ helpsFinishSongs: 'maybe', reachedNewPlaces: 'yes', whatWouldYouNeed: '' });
    // Bo: 2 fakes caught + 2 reals = 4 of 10; P[X ≥ 4 | 10] = 1 − (1 + 10 + 45 + 120)/1024 = 848/1024.
    expect(bo!.stats.accuracy).toMatchObject({ count: 4, of: 10 });
    expect(bo!.stats.binomialP).toBeCloseTo(848 / 1024, 12);
    expect(bo!.stats.dPrime).toBeCloseTo(-0.4307, 4); // z(2/6) − z(2/4)
    expect(bo!.catchScore).toMatchObject({ count: 0, of: 2 });
    expect(bo!.reliable).toBe(false);
  });

  it('pools the raters, and leaves out the unreliable one when asked', () => {
    answerAll(sessionId, 'Ann', ANN, true);
    answerAll(sessionId, 'Bo', BO, true);
    const pooled = analysis.results(sessionId, { excludeUnreliable: false });
    // 11 of 20: P[X ≥ 11 | 20] = (2²⁰ − 2¹⁹ − C(20,10)/2)/2²⁰ = (1048576 − 524288 − 92378)/1048576.
    expect(pooled.pooled.accuracy).toMatchObject({ count: 11, of: 20 });
    expect(pooled.pooled.binomialP).toBeCloseTo(431910 / 1048576, 12);
    expect(pooled.pooled.dPrime).toBeCloseTo(0.3186, 4); // hit 6/12, false alarm 3/8: 0 − z(0.375)
    expect(pooled.pooled.musicality?.mean).toBe(5.5); // (42 + 24)/12
    expect(pooled.excludedRaters).toEqual([]);

    const screened = analysis.results(sessionId, { excludeUnreliable: true });
    const bo = screened.raters.find((rater) => rater.name === 'Bo')!;
    expect(screened.excludedRaters).toEqual([bo.raterId]);
    expect(screened.pooled).toEqual(screened.raters[0]!.stats);
    expect(screened.raters).toHaveLength(2); // still listed, with their own numbers
  });

  it('breaks generated items down with the real ones counted alongside', () => {
    answerAll(sessionId, 'Ann', ANN, true);
    answerAll(sessionId, 'Bo', BO, true);
    const { breakdown } = analysis.results(sessionId, { excludeUnreliable: true });
    // Model 2 (Ann): items 0, 1 caught, 2 not, + 3 of 4 reals = 5 of 7; hit 2/3, FA 1/4.
    expect(breakdown.model?.['2']?.accuracy).toMatchObject({ count: 5, of: 7 });
    expect(breakdown.model?.['2']?.dPrime).toBeCloseTo(0.4307 + 0.6745, 4);
    expect(breakdown.model?.['2']?.fooled).toMatchObject({ count: 1, of: 3 });
    expect(breakdown.model?.['2']?.musicality?.mean).toBe(7); // [6, 7, 8]
    expect(breakdown.model?.['5']?.musicality?.mean).toBe(7); // [5, 9, 7]
    expect(Object.keys(breakdown.preset ?? {}).sort()).toEqual(['quick', 'studio']);
    expect(Object.keys(breakdown.epochs ?? {}).sort()).toEqual(['200', '800']);
    expect(Object.keys(breakdown.mode ?? {}).sort()).toEqual(['new', 'variation']);
    expect(Object.keys(breakdown.length ?? {}).sort()).toEqual(['30', '45']);
    expect(breakdown.length?.['45']).toEqual(breakdown.model?.['5']);
  });

  it('counts a rater only once submitted and reveals the key only when everyone has', () => {
    answerAll(sessionId, 'Ann', ANN, true);
    answerAll(sessionId, 'Bo', BO.slice(0, 5), false);
    const partial = analysis.results(sessionId, { excludeUnreliable: false });
    expect(partial.raters[1]).toMatchObject({ name: 'Bo', submitted: false, catchScore: null });
    expect(partial.raters[1]!.stats.trials).toBe(0);
    expect(partial.pooled).toEqual(partial.raters[0]!.stats);
    expect(partial.items).toEqual([]);

    const bo = repo.raters(sessionId)[1]!;
    BO.slice(5).forEach((answer, at) => repo.appendAnswer(bo.id, at + 6, answer, '2025-01-01T00:01:00.000Z'));
    repo.saveFinal(bo.id, { helpsFinishSongs: 'no', reachedNewPlaces: 'no', whatWouldYouNeed: 'less hiss' });
    repo.submit(bo.id);
    const { items } = analysis.results(sessionId, { excludeUnreliable: false });
    expect(items).toHaveLength(12);
    expect(items[0]).toEqual({ label: 'Item 1', origin: 'generated', takeId: 100, clipId: 3, phraseTakeId: null, answers: 2 });
    expect(items[6]).toMatchObject({ origin: 'real', takeId: null });
    expect(items[11]).toMatchObject({ origin: 'catch', takeId: 100 });
  });

  it('exports CSV with the key columns empty until everyone submitted, and JSON', () => {
    answerAll(sessionId, 'Ann', ANN, true);
    answerAll(sessionId, 'Bo', BO.slice(0, 2), false);
    const early = analysis.exportResults(sessionId, 'csv');
    expect(early.fileName).toBe(`rating-${sessionId}-band-night-take-2.csv`);
    const lines = early.text.split('\r\n');
    expect(lines).toHaveLength(1 + 12 + 2 + 1); // header, Ann, Bo so far, the final empty line
    expect(lines[0]).toBe(
      'session_id,session,rater,submitted,counted,position,labels,answered_at,kind,judged,ease,musicality,inspiring,choice,comment,' +
        'items,origins,catch_kind,takes,clips,phrase_takes,model,preset,epochs,mode,length_seconds,correct,catch_passed',
    );
    // The comment is quoted (comma, quotes) and kept from running as a formula.
    expect(lines[1]).toBe(
      `${sessionId},"Band night, take 2",Ann,yes,yes,1,Item 1,2025-01-01T00:00:00.000Z,single,fake,easy,6,yes,,"'=SUM(A1), ""nice""",,,,,,,,,,,,,`,
    );
    expect(lines[13]).toMatch(/,Bo,no,no,1,Item 1,/);

    const bo = repo.raters(sessionId)[1]!;
    BO.slice(2).forEach((answer, at) => repo.appendAnswer(bo.id, at + 3, answer, '2025-01-01T00:01:00.000Z'));
    repo.saveFinal(bo.id, { helpsFinishSongs: 'no', reachedNewPlaces: 'no', whatWouldYouNeed: '' });
    repo.submit(bo.id);
    const revealed = analysis.exportResults(sessionId, 'csv').text.split('\r\n');
    expect(revealed[1]).toMatch(/,Item 1,generated,,100,3,,2,quick,200,new,30,yes,$/);
    expect(revealed[4]).toMatch(/,Item 4,generated,,103,4,,5,studio,800,variation,45,yes,$/);
    expect(revealed[11]).toMatch(/,Item 11,catch,lowpass,,26,,,,,,,yes,yes$/);
    expect(revealed[24]).toMatch(/,Bo,yes,yes,12,Item 12,.*,Item 12,catch,repeat,100,3,,2,quick,200,new,30,yes,no$/);

    const json = JSON.parse(analysis.exportResults(sessionId, 'json', { excludeUnreliable: true }).text) as {
      session: { revealed: boolean };
      results: { excludedRaters: number[] };
      answers: { rater: string; origins: string | null; counted: boolean }[];
    };
    expect(json.session.revealed).toBe(true);
    expect(json.results.excludedRaters).toEqual([bo.id]);
    expect(json.answers).toHaveLength(24);
    expect(json.answers[12]).toMatchObject({ rater: 'Bo', origins: 'generated', counted: false });
  });

  it('gives the Takes view the submitted ratings of each take, without catch repeats', () => {
    answerAll(sessionId, 'Ann', ANN, true);
    answerAll(sessionId, 'Bo', BO, false);
    expect(analysis.takeRatings({}).find((rating) => rating.takeId === 100)).toEqual({
      takeId: 100, ratings: 1, judgedReal: 0, musicalityMean: 6, inspiring: 1,
    });
    const bo = repo.raters(sessionId)[1]!;
    repo.saveFinal(bo.id, { helpsFinishSongs: 'no', reachedNewPlaces: 'no', whatWouldYouNeed: '' });
    repo.submit(bo.id);
    const ratings = analysis.takeRatings({});
    expect(takeRatingSchema.array().parse(ratings)).toEqual(ratings);
    expect(ratings.map((rating) => rating.takeId)).toEqual([100, 101, 102, 103, 104, 105]);
    // Take 100: Ann fake 6 yes, Bo real 4 no (the repeat, item 11, is not counted).
    expect(ratings[0]).toEqual({ takeId: 100, ratings: 2, judgedReal: 1, musicalityMean: 5, inspiring: 1 });
    expect(analysis.takeRatings({ modelId: 5 }).map((rating) => rating.takeId)).toEqual([103, 104, 105]);
    expect(analysis.takeRatings({ clipId: 3 }).map((rating) => rating.takeId)).toEqual([100, 101, 102]);
    expect(analysis.takeRatings({ modelId: 9 })).toEqual([]);
  });

  it('refuses an unknown session', () => {
    expect(() => analysis.results(999, { excludeUnreliable: false })).toThrow(/no rating session 999/);
  });
});

describe('results of pair sessions', () => {
  // Items: 0, 1 takes; 2, 3 real; 4 item 2 low-passed (catch); 5 a repeat of take 0 (catch).
  const PAIR_ITEMS: ItemSpec[] = [
    { origin: 'generated', ...takeOf(2, 0) },
    { origin: 'generated', ...takeOf(5, 1) },
    { origin: 'real', clipId: 22, sourceFileId: 9, sourceStart: 0 },
    { origin: 'real', clipId: 23, sourceFileId: 9, sourceStart: 30 },
    { origin: 'catch', catchKind: 'lowpass', expected: 'fake', clipId: 22, sourceFileId: 9, sourceStart: 0 },
    { origin: 'catch', catchKind: 'repeat', repeatOf: 0, expected: 'fake', ...takeOf(2, 0) },
  ];
  const choose = (kind: '2afc' | 'abx', choice: 0 | 1): Answer => ({ kind, choice, comment: '' });

  it('2afc: the real one picked is right; catch trials scored by choice and consistency', async () => {
    const sessionId = await storeSession('2afc', PAIR_ITEMS, { Cy: [[2, 0], [1, 3], [4, 2], [2, 5]] });
    // Picks: A (real, right), A (take 1, wrong), B (unfiltered, pass), A (real, right as before: pass).
    answerAll(sessionId, 'Cy', [choose('2afc', 0), choose('2afc', 0), choose('2afc', 1), choose('2afc', 0)], true);
    const [cy] = analysis.results(sessionId, { excludeUnreliable: false }).raters;
    expect(cy!.stats.accuracy).toMatchObject({ count: 1, of: 2 });
    expect(cy!.stats.binomialP).toBeCloseTo(0.75, 12); // P[X ≥ 1 | 2] = 3/4
    expect(cy!.stats.dPrime).toBeCloseTo(0, 12); // √2·z(0.5)
    expect(cy!.stats.fooled).toMatchObject({ count: 1, of: 2 });
    expect(cy!.stats.musicality).toBeNull();
    expect(cy!.catchScore).toMatchObject({ count: 2, of: 2 });
    expect(analysis.takeRatings({})).toEqual([
      { takeId: 100, ratings: 1, judgedReal: 0, musicalityMean: null, inspiring: 0 },
      { takeId: 101, ratings: 1, judgedReal: 1, musicalityMean: null, inspiring: 0 },
    ]);
    const csv = analysis.exportResults(sessionId, 'csv').text.split('\r\n');
    expect(csv[2]).toMatch(/,2,Item 2 A\|Item 2 B,.*,2afc,,,,,A,,Item 2\|Item 4,generated\|real,,101\|,4\|23,\|,5,studio,800,variation,45,no,$/);
  });

  // ABX: X is its own rendering of A or B (xOf names which): 6 renders item 0, 7 item 1, 8 the
  // low-passed item 4, 9 the repeat 5.
  const ABX_ITEMS: ItemSpec[] = [
    ...PAIR_ITEMS,
    { ...PAIR_ITEMS[0]!, xOf: 0 },
    { ...PAIR_ITEMS[1]!, xOf: 1 },
    { ...PAIR_ITEMS[4]!, xOf: 4 },
    { ...PAIR_ITEMS[5]!, xOf: 5 },
  ];

  it('abx: X placed right is right, X being a rendering of its own; catch trials scored; no d′, nothing in the Takes view', async () => {
    const sessionId = await storeSession('abx', ABX_ITEMS, { Di: [[0, 2, 6], [3, 1, 7], [4, 2, 8], [2, 5, 9]] });
    // X is A (right), X is A (wrong: it renders B), X is A (right: low-pass passed), X is B (right,
    // as the original trial was: repeat passed).
    answerAll(sessionId, 'Di', [choose('abx', 0), choose('abx', 0), choose('abx', 0), choose('abx', 1)], true);
    const results = analysis.results(sessionId, { excludeUnreliable: false });
    const [di] = results.raters;
    expect(di!.stats.accuracy).toMatchObject({ count: 1, of: 2 });
    expect(di!.stats.dPrime).toBeNull();
    expect(di!.catchScore).toMatchObject({ count: 2, of: 2 });
    expect(analysis.takeRatings({})).toEqual([]);
    // The key lists the renderings as items of their own, each heard once.
    expect(results.items.slice(6)).toEqual([
      { label: 'Item 7', origin: 'generated', takeId: 100, clipId: 3, phraseTakeId: null, answers: 1 },
      { label: 'Item 8', origin: 'generated', takeId: 101, clipId: 4, phraseTakeId: null, answers: 1 },
      { label: 'Item 9', origin: 'catch', takeId: null, clipId: 22, phraseTakeId: null, answers: 1 },
      { label: 'Item 10', origin: 'catch', takeId: 100, clipId: 3, phraseTakeId: null, answers: 1 },
    ]);
    const csv = analysis.exportResults(sessionId, 'csv').text.split('\r\n');
    expect(csv[1]).toMatch(/,1,A\|B\|X,.*,abx,,,,,A,,Item 1\|Item 3\|Item 7,generated\|real\|generated,,100\|\|100,3\|22\|3,\|\|,2,quick,200,new,30,yes,$/);
  });

  it('abx sessions built before X had a rendering of its own (X is A\'s or B\'s item) score as they did', async () => {
    const sessionId = await storeSession('abx', PAIR_ITEMS, { Di: [[0, 2, 0], [3, 1, 1]] }, false);
    answerAll(sessionId, 'Di', [choose('abx', 0), choose('abx', 0)], true);
    const [di] = analysis.results(sessionId, { excludeUnreliable: false }).raters;
    expect(di!.stats.accuracy).toMatchObject({ count: 1, of: 2 });
    expect(di!.stats.dPrime).toBeNull();
    expect(di!.catchScore).toBeNull();
    expect(analysis.takeRatings({})).toEqual([]);
  });
});

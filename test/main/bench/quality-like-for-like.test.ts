/**
 * The quality harness's like-for-like bar (test/bench/quality/like-for-like.ts, report.ts): the
 * recording outside the clip is cut into the stretches before and after it, each kept when long
 * enough, and none of it is the clip itself; the entry's verdict compares ours with the paper's
 * takes of the same song against the same clip when there are such takes, and with the paper's
 * ten-song median (saying there is no like-for-like row) when there are not. Synthetic audio with
 * fixed seeds, and hand-made figures for the table.
 */
import { describe, expect, it } from '@jest/globals';
import { measureLikeForLike, MIN_OUTSIDE_SECONDS, outsideStretches } from '../../bench/quality/like-for-like.js';
import { MEASURE_RATE, OCTAVE_BANDS, SUMMARY_MEASURES, type SetFigures, type SetSummary } from '../../bench/quality/measures.js';
import { atLeastAsGood, HARNESS_VERSION, markdownEntry, type RunRecord } from '../../bench/quality/report.js';

const RATE = MEASURE_RATE;

/** A seeded uniform generator on [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Music-like material: every 125 ms a new chord of three random tones, faded over 10 ms, over quiet noise. */
function chords(seconds: number, seed: number): Float32Array {
  const next = random(seed);
  const x = new Float32Array(Math.round(seconds * RATE));
  const segment = RATE / 8;
  const fade = RATE / 100;
  for (let start = 0; start < x.length; start += segment) {
    const tones = [0, 1, 2].map(() => 110 * 2 ** (next() * 5));
    for (let i = start; i < Math.min(x.length, start + segment); i++) {
      const envelope = Math.min(1, (i - start) / fade, (start + segment - i) / fade);
      x[i] = tones.reduce((sum, hz) => sum + 0.1 * envelope * Math.sin((2 * Math.PI * hz * i) / RATE), 0.01 * (2 * next() - 1));
    }
  }
  return x;
}

const audio = (samples: Float32Array) => ({ samples, sampleRate: RATE });

describe('the recording outside the clip', () => {
  it('is the stretches before and after the clip, each kept when at least 3 s long', () => {
    expect(MIN_OUTSIDE_SECONDS).toBe(3);
    const beatIt = outsideStretches(26.9, 5, 10);
    expect(beatIt).toHaveLength(2);
    expect(beatIt[0]).toEqual({ start: 0, seconds: 5 });
    expect(beatIt[1]!.start).toBe(15);
    expect(beatIt[1]!.seconds).toBeCloseTo(11.9, 9);
    expect(outsideStretches(14, 0, 10)).toEqual([{ start: 10, seconds: 4 }]);
    expect(outsideStretches(16, 3, 10)).toEqual([
      { start: 0, seconds: 3 },
      { start: 13, seconds: 3 },
    ]);
    expect(outsideStretches(20, 2.9, 15)).toEqual([]);
    expect(outsideStretches(10, 0, 10)).toEqual([]);
  });

  it('is measured against the clip as takes that hold none of the clip, beside the paper takes', () => {
    // A 20 s recording with a 10 s clip at 5–15 s: 0–5 s and 15–20 s are the recording outside it.
    const recording = chords(20, 11);
    const clip = recording.slice(5 * RATE, 15 * RATE);
    const pasted = chords(8, 12);
    pasted.set(clip.subarray(2 * RATE, 5 * RATE), 3 * RATE); // a "paper take" with 3 s of the clip in it
    const like = measureLikeForLike('Synthetic', audio(recording), audio(clip), 5, [{ name: 'Synthetic_fake1.flac', audio: audio(pasted) }]);
    expect(like.song).toBe('Synthetic');
    expect(like.outsideStretches).toEqual([
      { start: 0, seconds: 5 },
      { start: 15, seconds: 5 },
    ]);
    expect(like.outsideClip!.takes.map((take) => take.name)).toEqual(['Synthetic_real 0–5 s', 'Synthetic_real 15–20 s']);
    expect(like.outsideClip!.takes.map((take) => take.seconds)).toEqual([5, 5]);
    // Had the cut strayed into the clip, the copy detection would find it, as it finds the pasted 3 s.
    for (const take of like.outsideClip!.takes) expect(take.copiedSeconds).toBeLessThan(1);
    expect(like.paperTakes.takes[0]!.copiedSeconds).toBeGreaterThan(2.5);
    expect(like.paperTakes.clipSeconds).toBe(10);
    expect(like.outsideClip!.clipSeconds).toBe(10);
  });

  it('is absent when neither side of the clip is long enough', () => {
    const recording = chords(14, 13);
    const clip = recording.slice(2 * RATE, 12 * RATE);
    const like = measureLikeForLike('Short', audio(recording), audio(clip), 2, [{ name: 'Short_fake1.flac', audio: audio(chords(6, 14)) }]);
    expect(like.outsideStretches).toEqual([]);
    expect(like.outsideClip).toBeNull();
    expect(like.paperTakes.takes).toHaveLength(1);
  });
});

/** Figures with every summary measure at `value`, except those given. */
function figures(name: string, value: number, overrides: Partial<SetSummary> = {}): SetFigures {
  const summary = { bandDeltaDb: OCTAVE_BANDS.map(() => 0), ...Object.fromEntries(SUMMARY_MEASURES.map(({ key }) => [key, value])), ...overrides } as SetSummary;
  return { name, clipSeconds: 10, clipHalfDistance: 1, detector: { auc: summary.auc, clipWindows: 20, takeWindows: 40 }, takes: [], summary };
}

function record(fields: Pick<RunRecord, 'likeForLike' | 'noLikeForLike'> & { ours: SetFigures }): RunRecord {
  return {
    harnessVersion: HARNESS_VERSION,
    title: 'test',
    date: '2026-12-07T01:00:00.000Z',
    command: 'npm run bench:quality -- measure',
    commit: 'abc1234',
    machine: { cpu: 'test CPU', cores: 2, memoryGiB: 8, loadAtStart: [0, 0, 0], loadAtEnd: [0, 0, 0] },
    note: null,
    clip: { file: '/paper/BeatIt_real.flac', start: 5, seconds: 10 },
    training: null,
    // The paper's ten-song median: 1 on every measure.
    paper: [figures('AHardDaysNight', 0.5), figures('BeatIt', 1), figures('Lithium', 3)],
    ...fields,
  };
}

/** The cells of the table row whose first cell is `label`, one per summary measure. */
function rowCells(entry: string, label: string): string[] {
  const line = entry.split('\n').find((text) => text.startsWith(`| ${label} |`));
  if (!line) throw new Error(`no row "${label}" in:\n${entry}`);
  return line.split('|').slice(3, -1).map((cell) => cell.trim());
}

describe('the verdict', () => {
  it('counts lower or equal as at least as good, on every measure', () => {
    const verdict = atLeastAsGood(figures('ours', 2).summary, figures('bar', 2, { auc: 0.5, mfccFrechet: 3 }).summary);
    expect(verdict.auc).toBe(false);
    expect(verdict.mfccFrechet).toBe(true);
    expect(verdict.spectralDistanceDb).toBe(true);
  });

  it("compares ours with the paper's takes of the same song against the same clip, under ours", () => {
    // Ours is worse than the ten-song median (1) everywhere, better than the same-clip paper takes on Fréchet.
    const like = {
      song: 'BeatIt',
      paperTakes: figures("the paper's BeatIt takes", 2, { mfccFrechet: 600 }),
      outsideStretches: [
        { start: 0, seconds: 5 },
        { start: 15, seconds: 11.9 },
      ],
      outsideClip: figures("BeatIt's recording outside the clip", 1.5),
    };
    const entry = markdownEntry(record({ ours: figures('BeatIt 5–15 s', 2, { mfccFrechet: 500, auc: 2.5 }), likeForLike: like, noLikeForLike: null }), null);
    const lines = entry.split('\n');
    const oursAt = lines.findIndex((line) => line.startsWith('| **ours: BeatIt 5–15 s** |'));
    expect(lines[oursAt + 1]).toMatch(/^\| paper's BeatIt takes, same clip \| 0 \|/);
    expect(lines[oursAt + 2]).toMatch(/^\| BeatIt's recording outside the clip \(0–5 s, 15–26\.9 s\) \| 0 \|/);
    const verdict = rowCells(entry, "ours ≤ paper's BeatIt takes, same clip?");
    const column = (key: string) => SUMMARY_MEASURES.findIndex((measure) => measure.key === key);
    expect(verdict[column('mfccFrechet')]).toBe('yes');
    expect(verdict[column('auc')]).toBe('no');
    expect(verdict[column('spectralDistanceDb')]).toBe('yes'); // equal
    expect(entry).not.toContain('ours ≤ paper median?');
    expect(entry).toContain('| **paper: median** |');
    expect(entry).toContain("- Like for like: the verdict compares ours with the paper's BeatIt takes measured against this same clip");
  });

  it('says when no stretch outside the clip is long enough', () => {
    const like = { song: 'BeatIt', paperTakes: figures('p', 2), outsideStretches: [], outsideClip: null };
    const entry = markdownEntry(record({ ours: figures('BeatIt 0–26.9 s', 2), likeForLike: like, noLikeForLike: null }), null);
    expect(rowCells(entry, "BeatIt's recording outside the clip: no stretch of 3 s or more").every((cell) => cell === '—')).toBe(true);
  });

  it("falls back to the paper's median, and says there is no like-for-like row, for a clip of another recording", () => {
    const entry = markdownEntry(
      record({ ours: figures('demo 2–12 s', 2, { mfccFrechet: 0.5 }), likeForLike: null, noLikeForLike: "the clip is not a stretch of one of the paper's recordings (demo.wav)" }),
      null,
    );
    const verdict = rowCells(entry, 'ours ≤ paper median?');
    expect(verdict[SUMMARY_MEASURES.findIndex((measure) => measure.key === 'mfccFrechet')]).toBe('yes');
    expect(verdict[SUMMARY_MEASURES.findIndex((measure) => measure.key === 'auc')]).toBe('no');
    expect(entry).toContain("- Like for like: none, the clip is not a stretch of one of the paper's recordings (demo.wav);");
    expect(entry).not.toContain('same clip');
  });
});

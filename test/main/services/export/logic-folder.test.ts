/**
 * The Logic folder, written for real and read back with independent parsers: stems and regions
 * with ffprobe/ffmpeg (length, alignment, exact silence, samples, TimeReference), Tempo.mid and
 * MIDI parts with @tonejs/midi, the FCPXML with fast-xml-parser (well-formed, the elements and
 * attributes Logic needs, every media-rep resolving to a file), and the README's instructions.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import tonejs from '@tonejs/midi';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../../../../src-main/common/errors.js';
import type { ExportItem, ExportPlan } from '../../../../src-main/services/export/export-plan.js';
import {
  logicFolderFileCount,
  writeLogicFolder,
  type LogicFolderNames,
} from '../../../../src-main/services/export/logic-folder.js';
import { sine, whiteNoise } from '../../../fixtures/audio-fixtures.js';
import { listFiles, makeTempDir, removeDir } from '../../../helpers/temp-dir.js';
import { ffmpegDecode, ffprobe } from './probe-tools.js';

const { Midi } = tonejs;

function item(name: string, samples: Float32Array, startSeconds: number, extra: Partial<ExportItem> = {}): ExportItem {
  return {
    name,
    kind: 'take',
    samples,
    startSeconds,
    comment: `model 3 · new · seed ${name.length}`,
    provenance: { model: 3, mode: 'new', seed: '42' },
    midi: null,
    ...extra,
  };
}

/** 120 BPM 4/4: a bar is 2 s. Source 1.5 s at bar 1, a take at bar 2, a take with MIDI at bar 3.5. */
function makePlan(sampleRate: 44100 | 48000, bitDepth: 24 | 32, placement: 'sequence' | 'stack' = 'sequence'): ExportPlan {
  const at = (seconds: number): number => (placement === 'stack' ? 0 : seconds);
  return {
    songName: 'Verse idea 3 · Café',
    tempo: 120,
    timeSignature: { numerator: 4, denominator: 4 },
    sampleRate,
    bitDepth,
    placement,
    createdAt: new Date(2026, 10, 5, 14, 3, 9),
    items: [
      item('Source clip', sine(330, 1.5, sampleRate, 0.4)[0]!, at(0), { kind: 'source', comment: 'source clip 0:04–0:05' }),
      item('Take 1', whiteNoise(1, sampleRate, 0.3, 1, 7)[0]!, at(2)),
      item('Take 2 🎸', sine(880, 0.5, sampleRate, 0.7)[0]!, at(5), {
        midi: { notes: [{ midi: 64, time: 0.25, duration: 0.5, velocity: 0.5 }] },
      }),
    ],
  };
}

const names: LogicFolderNames = { song: 'Verse idea 3 · Café', items: ['Source clip', 'Take 1', 'Take 2 🎸'] };

let root: string;
beforeAll(async () => {
  root = await makeTempDir('eureka-logic-');
});
afterAll(async () => {
  await removeDir(root);
});

describe('writeLogicFolder', () => {
  it.each([
    { sampleRate: 48000 as const, bitDepth: 24 as const },
    { sampleRate: 44100 as const, bitDepth: 32 as const },
  ])('writes aligned stems and timestamped regions ($sampleRate Hz, $bitDepth-bit)', async ({ sampleRate, bitDepth }) => {
    const dir = path.join(root, `sequence-${sampleRate}`);
    const plan = makePlan(sampleRate, bitDepth);
    const progress: number[] = [];
    const result = await writeLogicFolder(dir, plan, names, (done, total) => {
      expect(total).toBe(logicFolderFileCount(plan));
      progress.push(done);
    });
    const listed = (await listFiles(dir)).map((line) => line.replace(/ \d+$/, ''));
    expect(listed).toEqual(
      [
        'MIDI/Take 2 🎸.mid',
        'README.txt',
        'Regions/Source clip.wav',
        'Regions/Take 1.wav',
        'Regions/Take 2 🎸.wav',
        'Stems/Source clip.wav',
        'Stems/Take 1.wav',
        'Stems/Take 2 🎸.wav',
        'Tempo.mid',
        'Verse idea 3 · Café.fcpxml',
      ].map((p) => p.split('/').join(path.sep)).sort(),
    );
    expect(progress).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(result.files.map((file) => `${file.role}:${file.item}:${file.path}`)).toEqual([
      'stem:0:Stems/Source clip.wav',
      'region:0:Regions/Source clip.wav',
      'stem:1:Stems/Take 1.wav',
      'region:1:Regions/Take 1.wav',
      'stem:2:Stems/Take 2 🎸.wav',
      'region:2:Regions/Take 2 🎸.wav',
      'midi:2:MIDI/Take 2 🎸.mid',
    ]);
    expect(result.extras).toEqual(['Verse idea 3 · Café.fcpxml', 'Tempo.mid', 'README.txt']);

    // The song ends where the last item ends: 5 s + 0.5 s.
    const songFrames = 5.5 * sampleRate;
    const tolerance = bitDepth === 24 ? 2 ** -23 : 0;
    for (const [i, it] of plan.items.entries()) {
      const start = Math.round(it.startSeconds * sampleRate);
      const stemFile = path.join(dir, 'Stems', `${names.items[i]}.wav`);
      const stemProbe = ffprobe(stemFile);
      expect(stemProbe.streams[0]!.codec_name).toBe(bitDepth === 24 ? 'pcm_s24le' : 'pcm_f32le');
      expect(Number(stemProbe.streams[0]!.sample_rate)).toBe(sampleRate);
      expect(stemProbe.streams[0]!.duration_ts).toBe(songFrames);
      expect(stemProbe.format.tags?.time_reference).toBe(String(3600 * sampleRate));
      expect(stemProbe.format.tags?.title).toBe(it.name);
      expect(stemProbe.format.tags?.comment).toBe(it.comment);
      const stem = ffmpegDecode(stemFile);
      expect(stem.length).toBe(songFrames);
      expect(stem.subarray(0, start).every((v) => v === 0)).toBe(true); // silence before: exact zeros
      expect(stem.subarray(start + it.samples.length).every((v) => v === 0)).toBe(true);
      const part = stem.subarray(start, start + it.samples.length);
      expect(maxDifference(part, it.samples)).toBeLessThanOrEqual(tolerance);

      const regionFile = path.join(dir, 'Regions', `${names.items[i]}.wav`);
      const regionProbe = ffprobe(regionFile);
      expect(regionProbe.streams[0]!.duration_ts).toBe(it.samples.length);
      expect(regionProbe.format.tags?.time_reference).toBe(String((3600 + it.startSeconds) * sampleRate));
      expect(maxDifference(ffmpegDecode(regionFile), it.samples)).toBeLessThanOrEqual(tolerance);
    }
  });

  it('writes Tempo.mid and the MIDI part, aligned at bar 1', async () => {
    const dir = path.join(root, 'midi');
    await writeLogicFolder(dir, makePlan(48000, 24), names);
    const tempo = new Midi(await readFile(path.join(dir, 'Tempo.mid')));
    expect(new TextDecoder().decode(Uint8Array.from(tempo.header.name, (c) => c.charCodeAt(0)))).toBe('Verse idea 3 · Café');
    expect(tempo.header.tempos.map((t) => [t.ticks, t.bpm])).toEqual([[0, 120]]);
    expect(tempo.header.timeSignatures.map((t) => [t.ticks, ...t.timeSignature])).toEqual([[0, 4, 4]]);
    expect(tempo.header.ppq).toBe(480);
    expect(tempo.tracks).toHaveLength(0);

    const part = new Midi(await readFile(path.join(dir, 'MIDI', 'Take 2 🎸.mid')));
    expect(part.tracks).toHaveLength(1);
    expect(new TextDecoder().decode(Uint8Array.from(part.tracks[0]!.name, (c) => c.charCodeAt(0)))).toBe('Take 2 🎸');
    // 5.25 s at 120 BPM = 10.5 quarters = 5040 ticks; 0.5 s = 480 ticks.
    expect(part.tracks[0]!.notes.map((n) => [n.midi, n.ticks, n.durationTicks])).toEqual([[64, 5040, 480]]);
  });

  it('writes an FCPXML that places every region on its own lane at its position', async () => {
    const dir = path.join(root, 'fcpxml');
    const plan = makePlan(48000, 24);
    await writeLogicFolder(dir, plan, names);
    const xml = await readFile(path.join(dir, 'Verse idea 3 · Café.fcpxml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n')).toBe(true);
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['asset', 'asset-clip', 'format', 'media-rep'].includes(name),
    });
    const doc = parser.parse(xml) as FcpxmlDoc;
    expect(doc.fcpxml.version).toBe('1.9');
    const { resources, library } = doc.fcpxml;
    expect(resources.format).toHaveLength(1);
    const format = resources.format[0]!;
    expect(format).toMatchObject({ id: 'r1', frameDuration: '100/2500s' });
    expect(resources.asset).toHaveLength(3);
    const sequence = library.event.project.sequence;
    expect(library.event.name).toBe('Verse idea 3 · Café');
    expect(sequence.format).toBe(format.id);
    expect(sequence.audioRate).toBe('48k');
    const gap = sequence.spine.gap;
    expect(gap.offset).toBe('0s');
    const clips = gap['asset-clip'];
    expect(clips).toHaveLength(3);
    const assetsById = new Map(resources.asset.map((asset) => [asset.id, asset]));
    for (const [i, it] of plan.items.entries()) {
      const clip = clips[i]!;
      const asset = assetsById.get(clip.ref)!;
      const frames = it.samples.length;
      const start = Math.round(it.startSeconds * 48000);
      expect(clip.name).toBe(it.name);
      expect(clip.offset).toBe(start === 0 ? '0s' : `${start}/48000s`);
      expect(seconds(clip.offset)).toBeCloseTo(it.startSeconds, 9);
      expect(clip.duration).toBe(`${frames}/48000s`);
      expect(clip.lane).toBe(String(i + 1));
      expect(asset).toMatchObject({ hasAudio: '1', audioChannels: '1', audioRate: '48000', duration: `${frames}/48000s` });
      const src = asset['media-rep'][0]!;
      expect(src.kind).toBe('original-media');
      // Relative to the .fcpxml and resolving to the region file.
      expect(src.src).not.toMatch(/^[a-z]+:|^\//);
      const target = path.join(dir, ...src.src.split('/').map(decodeURIComponent));
      expect(target).toBe(path.join(dir, 'Regions', `${names.items[i]}.wav`));
      expect((await readFile(target)).length).toBeGreaterThan(0);
    }
    // The gap spans the song, rounded up to a whole 25 fps frame (1920 samples).
    expect(seconds(gap.duration)).toBeGreaterThanOrEqual(5.5);
    expect(Math.round(seconds(gap.duration) * 48000) % 1920).toBe(0);
    expect(sequence.duration).toBe(gap.duration);
  });

  it('explains the three ways in the README', async () => {
    const dir = path.join(root, 'readme');
    await writeLogicFolder(dir, makePlan(48000, 24), names);
    const readme = await readFile(path.join(dir, 'README.txt'), 'utf8');
    expect(readme).toContain('Stems');
    expect(readme).toContain('Edit > Move > To Recorded Position');
    expect(readme).toContain('File > Import > Final Cut Pro XML and open "Verse idea 3 · Café.fcpxml"');
    expect(readme).toContain('Tempo.mid');
    expect(readme).toContain('120 BPM, 4/4');
    expect(readme).toContain('48 kHz');
    expect(readme).toContain('Regions/Take 1.wav  "Take 1" at bar 2 (0:02.000), 0:01.000 long');
    expect(readme).toContain('"Take 2 🎸" at bar 3.5 (0:05.000)');
  });

  it('stacks every item at bar 1: stems as long as the longest item', async () => {
    const dir = path.join(root, 'stack');
    const plan = makePlan(48000, 24, 'stack');
    await writeLogicFolder(dir, plan, names);
    for (const name of names.items) {
      const probe = ffprobe(path.join(dir, 'Stems', `${name}.wav`));
      expect(probe.streams[0]!.duration_ts).toBe(1.5 * 48000);
      expect(ffprobe(path.join(dir, 'Regions', `${name}.wav`)).format.tags?.time_reference).toBe(String(3600 * 48000));
    }
  });

  it('refuses names that could leave the folder or collide, before writing anything', async () => {
    const plan = makePlan(48000, 24);
    let attempts = 0;
    const attempt = async (bad: LogicFolderNames, badPlan = plan): Promise<string> => {
      const dir = path.join(root, `bad-${++attempts}`);
      const error = await writeLogicFolder(dir, badPlan, bad).then(
        () => null,
        (e: unknown) => e,
      );
      if (error === null) return 'no error';
      expect(await listFiles(dir)).toEqual([]);
      return error instanceof AppError ? error.code : String(error);
    };
    expect(await attempt({ song: 's', items: ['a', '../b', 'c'] })).toBe('INVALID_INPUT');
    expect(await attempt({ song: 's', items: ['a', 'b\\c', 'd'] })).toBe('INVALID_INPUT');
    expect(await attempt({ song: '..', items: ['a', 'b', 'c'] })).toBe('INVALID_INPUT');
    expect(await attempt({ song: 's', items: ['Take', 'take', 'c'] })).toBe('INVALID_INPUT');
    expect(await attempt({ song: 's', items: ['a', 'b'] })).toBe('INVALID_INPUT');
    const early = { ...plan, items: plan.items.map((it, i) => (i === 1 ? { ...it, startSeconds: -0.5 } : it)) };
    expect(await attempt(names, early)).toBe('INVALID_INPUT');
    expect(await attempt(names)).toBe('no error'); // the same call with good input writes
  });
});

type Attributes = Record<string, string | undefined>;
interface FcpxmlDoc {
  fcpxml: {
    version: string;
    resources: {
      format: (Attributes & { id: string })[];
      asset: (Attributes & { id: string; 'media-rep': (Attributes & { src: string })[] })[];
    };
    library: {
      event: {
        name: string;
        project: {
          sequence: Attributes & {
            spine: {
              gap: Attributes & {
                duration: string;
                'asset-clip': (Attributes & { ref: string; offset: string; duration: string })[];
              };
            };
          };
        };
      };
    };
  };
}

/** "96000/48000s" or "0s" → seconds. */
function seconds(rational: string): number {
  const match = /^(\d+)(?:\/(\d+))?s$/.exec(rational);
  if (!match) throw new Error(`not an FCPXML time: ${rational}`);
  return Number(match[1]) / Number(match[2] ?? 1);
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

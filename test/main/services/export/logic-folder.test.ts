/**
 * The Logic folder, written for real and read back with independent parsers: stems and regions
 * with ffprobe/ffmpeg (length, alignment, exact silence, samples of every channel, TimeReference),
 * Tempo.mid and MIDI parts with @tonejs/midi, the FCPXML with fast-xml-parser (well-formed, the
 * elements and attributes Logic needs, every time on the 25 fps frame grid, every media-rep
 * resolving to a stem), and the README's instructions.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import tonejs from '@tonejs/midi';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../../../../src-main/common/errors.js';
import { foldToAscii } from '../../../../src-main/services/export/bwf-wav.js';
import type { ExportItem, ExportPlan } from '../../../../src-main/services/export/export-plan.js';
import {
  logicFolderFileCount,
  writeLogicFolder,
  type LogicFolderNames,
} from '../../../../src-main/services/export/logic-folder.js';
import { sine, whiteNoise } from '../../../fixtures/audio-fixtures.js';
import { listFiles, makeTempDir, removeDir } from '../../../helpers/temp-dir.js';
import { ffmpegDecodeChannels, ffprobe } from './probe-tools.js';

const { Midi } = tonejs;

/** At 120 BPM a second is two beats. */
function item(name: string, channels: Float32Array[], startSeconds: number, extra: Partial<ExportItem> = {}): ExportItem {
  return {
    name,
    kind: 'take',
    channels,
    startSeconds,
    startBeats: startSeconds * 2,
    comment: `model 3 · new · seed ${name.length}`,
    provenance: { model: 3, mode: 'new', seed: '42' },
    midi: null,
    ...extra,
  };
}

/** 120 BPM 4/4: a bar is 2 s. Source 1.5 s stereo at bar 1, a take at bar 2, a take with MIDI at bar 3.5. */
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
      item('Source clip', [sine(330, 1.5, sampleRate, 0.4)[0]!, sine(12000, 1.5, sampleRate, 0.2)[0]!], at(0), {
        kind: 'source',
        comment: 'source clip 0:04–0:05',
      }),
      item('Take 1', whiteNoise(1, sampleRate, 0.3, 1, 7), at(2)),
      item('Take 2 🎸', sine(880, 0.5, sampleRate, 0.7), at(5), {
        kind: 'part',
        midi: { program: 33, channel: 0, notes: [{ pitch: 64, startBeats: 0.5, durationBeats: 1, velocity: 64 }], bends: [], lengthBeats: 1 },
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

    // The song ends where the last item ends, 5 s + 0.5 s, padded to a whole 25 fps frame
    // (1920 samples at 48 kHz, 1764 at 44.1 kHz) so the FCPXML can point at the stems.
    const frame = sampleRate / 25;
    const songFrames = Math.ceil((5.5 * sampleRate) / frame) * frame;
    expect(songFrames - 5.5 * sampleRate).toBeLessThan(frame);
    const tolerance = bitDepth === 24 ? 2 ** -24 : 0; // 24-bit: half a step (2^-23)
    for (const [i, it] of plan.items.entries()) {
      const start = Math.round(it.startSeconds * sampleRate);
      const length = it.channels[0]!.length;
      const stemFile = path.join(dir, 'Stems', `${names.items[i]}.wav`);
      const stemProbe = ffprobe(stemFile);
      expect(stemProbe.streams[0]!.codec_name).toBe(bitDepth === 24 ? 'pcm_s24le' : 'pcm_f32le');
      expect(Number(stemProbe.streams[0]!.sample_rate)).toBe(sampleRate);
      expect(stemProbe.streams[0]!.channels).toBe(it.channels.length);
      expect(stemProbe.streams[0]!.duration_ts).toBe(songFrames);
      expect(stemProbe.format.tags?.time_reference).toBe(String(3600 * sampleRate));
      expect(stemProbe.format.tags?.title).toBe(foldToAscii(it.name));
      expect(stemProbe.format.tags?.comment).toBe(foldToAscii(it.comment));
      const stem = ffmpegDecodeChannels(stemFile, it.channels.length);
      for (const [c, channel] of stem.entries()) {
        expect(channel.length).toBe(songFrames);
        expect(channel.subarray(0, start).every((v) => v === 0)).toBe(true); // silence before: exact zeros
        expect(channel.subarray(start + length).every((v) => v === 0)).toBe(true);
        expect(maxDifference(channel.subarray(start, start + length), it.channels[c]!)).toBeLessThanOrEqual(tolerance);
      }

      const regionFile = path.join(dir, 'Regions', `${names.items[i]}.wav`);
      const regionProbe = ffprobe(regionFile);
      expect(regionProbe.streams[0]!.duration_ts).toBe(length);
      expect(regionProbe.streams[0]!.channels).toBe(it.channels.length);
      expect(regionProbe.format.tags?.time_reference).toBe(String((3600 + it.startSeconds) * sampleRate));
      for (const [c, channel] of ffmpegDecodeChannels(regionFile, it.channels.length).entries()) {
        expect(maxDifference(channel, it.channels[c]!)).toBeLessThanOrEqual(tolerance);
      }
    }
  });

  it('writes Tempo.mid and the MIDI part, aligned at bar 1', async () => {
    const dir = path.join(root, 'midi');
    await writeLogicFolder(dir, makePlan(48000, 24), names);
    const tempo = new Midi(await readFile(path.join(dir, 'Tempo.mid')));
    expect(tempo.header.name).toBe('Verse idea 3 - Cafe'); // ASCII: SMF text has no encoding
    expect(tempo.header.tempos.map((t) => [t.ticks, t.bpm])).toEqual([[0, 120]]);
    expect(tempo.header.timeSignatures.map((t) => [t.ticks, ...t.timeSignature])).toEqual([[0, 4, 4]]);
    expect(tempo.header.ppq).toBe(480);
    expect(tempo.tracks).toHaveLength(0);

    const part = new Midi(await readFile(path.join(dir, 'MIDI', 'Take 2 🎸.mid')));
    expect(part.tracks).toHaveLength(1);
    expect(part.tracks[0]!.name).toBe('Take 2 ?');
    // Bar 1 + 10 beats (5 s at 120 BPM) + 0.5 beat = 10.5 quarters = 5040 ticks; 1 beat = 480 ticks.
    expect(part.tracks[0]!.notes.map((n) => [n.midi, n.ticks, n.durationTicks])).toEqual([[64, 5040, 480]]);
  });

  it.each([48000 as const, 44100 as const])(
    'writes an FCPXML (%i Hz) that puts every stem on its own lane, every time on the 25 fps frame grid',
    async (sampleRate) => {
      const dir = path.join(root, `fcpxml-${sampleRate}`);
      const plan = makePlan(sampleRate, 24);
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
      expect(format).toMatchObject({ id: 'r1', frameDuration: '100/2500s' }); // 25 fps
      expect(resources.asset).toHaveLength(3);
      const sequence = library.event.project.sequence;
      expect(library.event.name).toBe('Verse idea 3 · Café');
      expect(sequence.format).toBe(format.id);
      expect(sequence.audioRate).toBe(sampleRate === 48000 ? '48k' : '44.1k');
      expect(sequence.audioLayout).toBe('stereo');
      const gap = sequence.spine.gap;
      expect(gap.offset).toBe('0s');
      const clips = gap['asset-clip'];
      expect(clips).toHaveLength(3);

      // Every time value in the document is a whole number of frames (exact rational arithmetic).
      const times = [...xml.matchAll(/\b(offset|duration|start|tcStart)="([^"]*)"/g)].map((match) => match[2]!);
      expect(times.length).toBeGreaterThanOrEqual(3 + 3 * 3 + 3 + 2);
      for (const time of times) expect([time, isWholeFrames(time, 25)]).toEqual([time, true]);

      // The stems: all from bar 1, as long as the song (padded to whole frames), so each part
      // sits at its sample-exact position inside its file and nothing had to be rounded.
      const songFrames = Math.ceil((5.5 * sampleRate) / (sampleRate / 25)) * (sampleRate / 25);
      const assetsById = new Map(resources.asset.map((asset) => [asset.id, asset]));
      for (const [i, it] of plan.items.entries()) {
        const clip = clips[i]!;
        const asset = assetsById.get(clip.ref)!;
        expect(clip.name).toBe(it.name);
        expect(clip.offset).toBe('0s');
        expect(clip.start).toBe('0s');
        expect(samplesOf(clip.duration, sampleRate)).toBe(songFrames);
        expect(clip.lane).toBe(String(i + 1));
        expect(asset).toMatchObject({ hasAudio: '1', audioChannels: String(it.channels.length), audioRate: String(sampleRate) });
        expect(samplesOf(asset.duration!, sampleRate)).toBe(songFrames);
        const src = asset['media-rep'][0]!;
        expect(src.kind).toBe('original-media');
        // Relative to the .fcpxml and resolving to the stem.
        expect(src.src).not.toMatch(/^[a-z]+:|^\//);
        const target = path.join(dir, ...src.src.split('/').map(decodeURIComponent));
        expect(target).toBe(path.join(dir, 'Stems', `${names.items[i]}.wav`));
        expect(ffprobe(target).streams[0]!.duration_ts).toBe(songFrames);
      }
      expect(samplesOf(gap.duration, sampleRate)).toBe(songFrames);
      expect(sequence.duration).toBe(gap.duration);
    },
  );

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

  it('stacks every item at bar 1: stems as long as the longest item (to the next whole frame)', async () => {
    const dir = path.join(root, 'stack');
    const plan = makePlan(48000, 24, 'stack');
    await writeLogicFolder(dir, plan, names);
    for (const name of names.items) {
      const probe = ffprobe(path.join(dir, 'Stems', `${name}.wav`));
      expect(probe.streams[0]!.duration_ts).toBe(38 * 1920); // 1.5 s = 37.5 frames of 1920 samples
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
                'asset-clip': (Attributes & { ref: string; offset: string; start: string; duration: string })[];
              };
            };
          };
        };
      };
    };
  };
}

/** "96000/48000s", "5s" or "0s" → [numerator, denominator]. */
function parseTime(text: string): [bigint, bigint] {
  const match = /^(\d+)(?:\/(\d+))?s$/.exec(text);
  if (!match) throw new Error(`not an FCPXML time: ${text}`);
  return [BigInt(match[1]!), BigInt(match[2] ?? 1)];
}

/** The time in samples at `rate`; throws unless that is a whole number. */
function samplesOf(text: string, rate: number): number {
  const [numerator, denominator] = parseTime(text);
  if ((numerator * BigInt(rate)) % denominator !== 0n) throw new Error(`${text} is not a whole number of samples at ${rate} Hz`);
  return Number((numerator * BigInt(rate)) / denominator);
}

/** Whether `text` is a whole number of frames at `fps`: fps·n/d an integer. */
function isWholeFrames(text: string, fps: number): boolean {
  const [numerator, denominator] = parseTime(text);
  return (numerator * BigInt(fps)) % denominator === 0n;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

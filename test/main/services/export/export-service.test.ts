/**
 * Export end to end on real parts: a real library, a model trained with the 'test' preset, two
 * real takes, and exports into real folders, read back with independent parsers (ffprobe for
 * the WAVs, gunzip for the .als, JSON for the sidecar). Covers the export promises that belong
 * to the service: exporting twice creates "… 2" and changes nothing in the first (hashed), a
 * failure half-way leaves nothing behind, hostile names stay inside the folder, the source clip
 * is the user's own audio (a stereo 44.1 kHz original with content up to 12 kHz, its clip region
 * at the export rate), a Project/Logic pair gets one number, a Live project is never put inside
 * another, and the destination rules of the app, web mode and the CLI.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { dispatch } from '../../../../src-main/api/dispatch.js';
import type { ExportProgressEvent } from '../../../../src-main/common/export.js';
import type { Take } from '../../../../src-main/common/generation.js';
import { createCore, type Core } from '../../../../src-main/core.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import { ExportService } from '../../../../src-main/services/export/export-service.js';
import { listFiles, makeTempDir, removeDir } from '../../../helpers/temp-dir.js';
import { ffmpegDecodeChannels } from './probe-tools.js';

const run = promisify(execFile);
let work: string;
let core: Core;
let takes: Take[];
let counter = 0;

/** A fresh, empty destination folder. */
async function freshDestination(): Promise<string> {
  const dir = path.join(work, 'out', `dest-${++counter}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function hashTree(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const line of await listFiles(dir)) {
    const file = line.slice(0, line.lastIndexOf(' '));
    hashes[file] = createHash('sha256').update(await readFile(path.join(dir, file))).digest('hex');
  }
  return hashes;
}

/** The imported song: stereo at 44.1 kHz, sines band-limited enough to compare at any rate. */
const RIFF_RATE = 44100;
const riff = [
  (t: number): number => 0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.3 * Math.sin(2 * Math.PI * 12_000 * t),
  (t: number): number => 0.4 * Math.sin(2 * Math.PI * 330 * t) + 0.1 * Math.sin(2 * Math.PI * 9_000 * t),
];
/** The clip the model learns: 0.25–1.75 s of it. */
const CLIP = { start: 0.25, end: 1.75 };

async function ffprobe(file: string): Promise<{ stream: Record<string, unknown>; tags: Record<string, string> }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]);
  const parsed = JSON.parse(stdout) as { streams: Record<string, unknown>[]; format: { tags?: Record<string, string> } };
  return { stream: parsed.streams[0]!, tags: parsed.format.tags ?? {} };
}

beforeAll(async () => {
  work = await makeTempDir();
  core = await createCore({ dataDir: path.join(work, 'data'), audio: 'inline', executionProvider: 'cpu', exportRoot: path.join(work, 'root') });
  const channels = riff.map((at) => Float32Array.from({ length: 2 * RIFF_RATE }, (_, i) => at(i / RIFF_RATE)));
  const wav = encodeWav({ sampleRate: RIFF_RATE, channels }, { bitDepth: 24 });
  const { files } = await core.library.importFiles([{ name: 'riff.wav', data: wav }]);
  const clip = core.library.addClip({ songId: files[0]!.songId, fileId: files[0]!.id, ...CLIP, label: 'U' });
  const model = await core.training.waitFor((await core.training.create({ clipId: clip.id, preset: 'test', seed: '3' })).id);
  expect(model.status).toBe('done');
  const { batchId } = await core.takes.generate({ modelId: model.id, count: 2, seconds: 2, seed: '5' }, { executionProvider: 'cpu' });
  takes = await core.takes.waitForBatch(batchId);
  expect(takes.map((t) => t.status)).toEqual(['ready', 'ready']);
}, 180_000);

afterAll(async () => {
  await core.dispose();
  await removeDir(work);
});

describe('exportTakes', () => {
  it('writes an Ableton project and a Logic folder that independent parsers read', async () => {
    const destination = await freshDestination();
    const events: ExportProgressEvent[] = [];
    const off = core.subscribe((event, payload) => {
      if (event === 'export:did-progress') events.push(payload as ExportProgressEvent);
    });
    const result = await core.export.exportTakes({ takeIds: takes.map((t) => t.id), destination, tempo: 100 }).finally(off);
    expect(result).toMatchObject({ tempo: 100, tempoSource: 'user', tempoEstimated: false });
    expect(result.folders).toEqual([path.join(destination, 'riff Project'), path.join(destination, 'riff Logic')]);
    expect((await readdir(destination)).sort()).toEqual(['riff Logic', 'riff Project']); // no temp folder left

    const project = result.folders[0]!;
    expect((await readdir(path.join(project, 'Samples', 'Imported'))).sort()).toEqual(['Source clip.wav', 'Take 1.wav', 'Take 2.wav']);
    const xml = gunzipSync(await readFile(path.join(project, 'riff.als'))).toString('utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain('<Ableton MajorVersion="5"');
    expect(xml).toContain('RelativePath Value="Samples/Imported/Take 2.wav"');
    expect(await readdir(path.join(project, 'Ableton Project Info'))).toEqual([]);

    // 100 BPM in 4/4: 2.4 s bars. Source 1.5 s at 0; Take 1 (2 s) at bar 2 = 2.4 s; Take 2 at bar 3 = 4.8 s.
    const probe = await ffprobe(path.join(project, 'Samples', 'Imported', 'Take 2.wav'));
    expect(probe.stream).toMatchObject({ codec_name: 'pcm_s24le', sample_rate: '48000', channels: 1, bits_per_raw_sample: '24' });
    expect(Number(probe.stream.duration_ts)).toBe(2 * 48000);
    // ffprobe names the bext Originator encoded_by; comment is INFO ICMT.
    expect(probe.tags).toMatchObject({ encoded_by: 'Eureka', title: 'Take 2', time_reference: String((3600 + 4.8) * 48000) });
    expect(probe.tags.comment).toBe(`model ${takes[1]!.modelId} - new - seed ${takes[1]!.seed}`); // INFO in ASCII

    // The source clip is the user's audio, not the model's 2 kHz mono copy: both channels, the
    // 9 and 12 kHz lines, the clip's 0.25–1.75 s of the original resampled to 48 kHz.
    const sourceFile = path.join(project, 'Samples', 'Imported', 'Source clip.wav');
    const source = await ffprobe(sourceFile);
    expect(source.stream).toMatchObject({ channels: 2, sample_rate: '48000' });
    expect(Number(source.stream.duration_ts)).toBe(1.5 * 48000);
    for (const [c, channel] of ffmpegDecodeChannels(sourceFile, 2).entries()) {
      let worst = 0;
      // Away from the ends, where the cut region starts and stops abruptly.
      for (let i = 0.05 * 48000; i < channel.length - 0.05 * 48000; i++) {
        worst = Math.max(worst, Math.abs(channel[i]! - riff[c]!(CLIP.start + i / 48000)));
      }
      expect(worst).toBeLessThan(1e-6);
    }

    const sidecar = JSON.parse(await readFile(path.join(project, 'eureka-takes.json'), 'utf8')) as {
      trainedOnlyOnYourAudio: boolean; files: { file: string; seed: unknown; kind: string; ratings: unknown[] }[];
    };
    expect(sidecar.trainedOnlyOnYourAudio).toBe(true);
    expect(sidecar.files.map((f) => [f.file, f.kind, f.seed])).toEqual([
      ['Samples/Imported/Source clip.wav', 'source', null],
      ['Samples/Imported/Take 1.wav', 'take', takes[0]!.seed],
      ['Samples/Imported/Take 2.wav', 'take', takes[1]!.seed],
    ]);

    const logic = result.folders[1]!;
    const logicFiles = await readdir(logic);
    expect(logicFiles).toEqual(expect.arrayContaining(['Stems', 'Regions', 'Tempo.mid', 'riff.fcpxml', 'README.txt', 'eureka-takes.json']));
    const stem = await ffprobe(path.join(logic, 'Stems', 'Take 1.wav'));
    expect(Number(stem.stream.duration_ts)).toBe((4.8 + 2) * 48000); // every stem runs to the song's end

    expect(result.files).toBe((await listFiles(destination)).length);
    const fractions = events.map((e) => e.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
    expect(new Set(events.map((e) => e.exportId)).size).toBe(1);
  }, 60_000);

  it('creates "… 2" when exporting again and changes nothing in the first folders', async () => {
    const destination = await freshDestination();
    const request = { takeIds: [takes[0]!.id], destination, sampleRate: 44100 as const, bitDepth: 32 as const, placement: 'stack' as const };
    const first = await core.export.exportTakes(request);
    const before = await hashTree(destination);
    const second = await core.export.exportTakes(request);
    expect(second.folders).toEqual([path.join(destination, 'riff Project 2'), path.join(destination, 'riff Logic 2')]);
    const after = await hashTree(destination);
    for (const [file, hash] of Object.entries(before)) expect(after[file]).toBe(hash);
    expect(Object.keys(after).length).toBe(2 * Object.keys(before).length);

    const region = await ffprobe(path.join(first.folders[1]!, 'Regions', 'Take 1.wav'));
    expect(region.stream).toMatchObject({ codec_name: 'pcm_f32le', sample_rate: '44100' });
    expect(region.tags.time_reference).toBe(String(3600 * 44100)); // stacked: at bar 1
  }, 60_000);

  it.each([
    ['while writing files', (e: ExportProgressEvent) => e.phase === 'writing' && e.fraction > 0.6],
    ['after the first folder was moved into place', (e: ExportProgressEvent) => e.phase === 'finishing'],
  ])('leaves nothing behind when it fails %s', async (_when, failHere) => {
    const destination = await freshDestination();
    await core.export.exportTakes({ takeIds: [takes[1]!.id], destination, format: 'ableton', tempo: 90 });
    const before = await hashTree(destination);
    let failed = false;
    const attempt = core.export.exportTakes(
      { takeIds: takes.map((t) => t.id), destination, tempo: 90 },
      {
        onProgress: (event) => {
          if (!failed && failHere(event)) {
            failed = true;
            throw new Error('the disk went away');
          }
        },
      },
    );
    await expect(attempt).rejects.toThrow('the disk went away');
    expect(failed).toBe(true);
    expect(await hashTree(destination)).toEqual(before);
    expect(await readdir(destination)).toEqual(['riff Project']);
  }, 60_000);

  it('removes the folders it created for a missing destination when it fails', async () => {
    const parent = path.join(work, 'out', 'not-there-yet');
    const attempt = core.export.exportTakes(
      { takeIds: [takes[0]!.id], destination: path.join(parent, 'deeper'), tempo: 90 },
      {
        onProgress: (event) => {
          if (event.phase === 'writing') throw new Error('the disk went away');
        },
      },
    );
    await expect(attempt).rejects.toThrow('the disk went away');
    await expect(readdir(parent)).rejects.toThrow(/ENOENT/);
  }, 60_000);

  it('keeps hostile and Unicode song names inside the destination', async () => {
    const destination = await freshDestination();
    const escape = await core.export.exportTakes({ takeIds: [takes[0]!.id], destination, songName: '../../CON 🎸', format: 'ableton', tempo: 120 });
    expect(escape.folders).toEqual([path.join(destination, '-..-CON 🎸 Project')]);
    expect(await readdir(escape.folders[0]!)).toContain('-..-CON 🎸.als');
    const reserved = await core.export.exportTakes({ takeIds: [takes[0]!.id], destination, songName: 'con', format: 'logic', tempo: 120 });
    expect(reserved.folders).toEqual([path.join(destination, 'con_ Logic')]);
    expect(await readdir(reserved.folders[0]!)).toContain('con_.fcpxml');
    expect((await readdir(destination)).sort()).toEqual(['-..-CON 🎸 Project', 'con_ Logic']);
  }, 60_000);

  it('numbers the Project and Logic folders together when only one name is taken', async () => {
    const destination = await freshDestination();
    await mkdir(path.join(destination, 'riff Project'));
    const result = await core.export.exportTakes({ takeIds: [takes[0]!.id], destination, tempo: 120 });
    expect(result.folders).toEqual([path.join(destination, 'riff Project 2'), path.join(destination, 'riff Logic 2')]);
    const logicOnly = await core.export.exportTakes({ takeIds: [takes[0]!.id], destination, tempo: 120, format: 'logic' });
    expect(logicOnly.folders).toEqual([path.join(destination, 'riff Logic')]); // alone, it takes the first free name
  }, 60_000);

  it('never puts a Live project inside another one, and says where to export instead', async () => {
    const destination = await freshDestination();
    const [project] = (await core.export.exportTakes({ takeIds: [takes[0]!.id], destination, tempo: 120, format: 'ableton' })).folders;
    // A folder holding a set but no "Ableton Project Info" (copied by hand) is a project too.
    const loose = path.join(destination, 'Loose set');
    await mkdir(loose);
    await writeFile(path.join(loose, 'Jam.als'), '');
    const before = await hashTree(destination);
    for (const [inside, holder] of [
      [project!, project!],
      [path.join(project!, 'Samples'), project!],
      [path.join(project!, 'new', 'deeper'), project!],
      [loose, loose],
    ] as const) {
      for (const format of ['ableton', 'both'] as const) {
        const attempt = core.export.exportTakes({ takeIds: [takes[0]!.id], destination: inside, tempo: 120, format });
        await expect(attempt).rejects.toThrow(`the export folder is inside the Live project ${holder}; export into ${path.dirname(holder)} instead`);
      }
    }
    expect(await hashTree(destination)).toEqual(before);
    // A Logic folder is not a Live project: it may go anywhere.
    const logic = await core.export.exportTakes({ takeIds: [takes[0]!.id], destination: loose, tempo: 120, format: 'logic' });
    expect(logic.folders).toEqual([path.join(loose, 'riff Logic')]);
  }, 60_000);

  it('says why a take cannot be exported', async () => {
    await expect(core.export.exportTakes({ takeIds: [999], destination: await freshDestination() })).rejects.toThrow('there is no take 999');
  });
});

describe('destinations', () => {
  const request = (destination: string) => ({ takeIds: [takes[0]!.id], destination, format: 'logic', tempo: 120 });

  it('web mode: only the export root and folders inside it; never the data folder', async () => {
    const outside = await dispatch(core.handlers, 'export:takes', request(await freshDestination()));
    expect(outside).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('exports go into') } });
    const data = await dispatch(core.handlers, 'export:takes', request(path.join(core.dataDir, 'takes')));
    expect(data).toMatchObject({ ok: false, error: { message: expect.stringContaining("Eureka's library folder") } });
    const relative = await dispatch(core.handlers, 'export:takes', request('exports/here'));
    expect(relative).toMatchObject({ ok: false, error: { message: expect.stringContaining('full path') } });
    const dotted = await dispatch(core.handlers, 'export:takes', request(path.join(core.export.exportRoot, 'a', '..', '..', 'escape')));
    expect(dotted).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // A link inside the root that leads out of it is judged by where it leads.
    await mkdir(core.export.exportRoot, { recursive: true });
    await symlink(await freshDestination(), path.join(core.export.exportRoot, 'link-out'));
    const linked = await dispatch(core.handlers, 'export:takes', request(path.join(core.export.exportRoot, 'link-out')));
    expect(linked).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const inside = await dispatch(core.handlers, 'export:takes', request(path.join(core.export.exportRoot, 'Sessions')));
    expect(inside).toMatchObject({ ok: true, value: { folders: [path.join(core.export.exportRoot, 'Sessions', 'riff Logic')] } });
    const defaults = await dispatch(core.handlers, 'export:get-defaults', {});
    expect(defaults).toMatchObject({ ok: true, value: { destination: path.join(core.export.exportRoot, 'Sessions'), format: 'logic', canChooseFolder: false } });
    const reveal = await dispatch(core.handlers, 'export:reveal', { folder: path.join(core.export.exportRoot, 'Sessions', 'riff Logic') });
    expect(reveal).toEqual({ ok: true, value: { revealed: false, path: path.join(core.export.exportRoot, 'Sessions', 'riff Logic') } });
    const notOurs = await dispatch(core.handlers, 'export:reveal', { folder: core.dataDir });
    expect(notOurs).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  }, 60_000);

  it('the app: only folders picked in the folder dialog', async () => {
    const picked = await freshDestination();
    const revealed: string[] = [];
    const service = new ExportService({
      dataDir: core.dataDir,
      exportRoot: core.export.exportRoot,
      host: { chooseFolder: () => Promise.resolve(picked), reveal: (target) => revealed.push(target) },
      sources: {
        take: (id) => core.takes.get(id),
        takeFile: (id) => core.takes.filePath(id),
        model: (id) => core.training.get(id),
        modelDir: (id) => core.training.modelDir(id),
        clip: () => null,
        song: () => null,
        musicalTime: () => Promise.resolve(null),
        originalFile: () => {
          throw new Error('no clip: the original is never asked for');
        },
      },
    });
    await expect(service.exportTakes(request(picked) as never, { caller: 'electron' })).rejects.toThrow('choose the export folder with the folder dialog');
    expect(await service.chooseFolder()).toEqual({ folder: picked });
    const result = await service.exportTakes(request(path.join(picked, 'inside')) as never, { caller: 'electron' });
    expect(await service.reveal(result.folders[0]!)).toEqual({ revealed: true, path: result.folders[0] });
    expect(revealed).toEqual(result.folders);
  }, 60_000);
});

/**
 * What the written project means to Live: files that resolve next to the .als (checked with an
 * independent WAV decoder), tempo and time signature in the master track and its automation,
 * warp markers consistent with the tempo, clip placement, names that survive XML escaping, the
 * project folder layout, and the values the writer refuses.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import decodeAudio from 'audio-decode';
import { AppError } from '../../../../../src-main/common/errors.js';
import type { PartNote } from '../../../../../src-main/common/midi.js';
import {
  buildLiveSet,
  PROJECT_INFO_FOLDER,
  writeAbletonProject,
  type LiveMidiTrackSpec,
  type LiveSetSpec,
} from '../../../../../src-main/services/export/ableton/index.js';
import { makeTempDir, removeDir } from '../../../../helpers/temp-dir.js';
import { child, findAll, parseXml, readAls, valueAt, type XmlNode } from './als-structure.js';
import { FIXTURE_RATE, FIXTURE_TRACKS, writeFixtureProject } from './project-fixture.js';

/** One short clip: enough for everything that needs no file on disk. */
const file = { relativePath: 'Samples/Imported/a.wav', absolutePath: '/x/Samples/Imported/a.wav', bytes: 1000, frames: 480, sampleRate: 48000 };
const good: LiveSetSpec = {
  tempo: 120,
  timeSignature: { numerator: 4, denominator: 4 },
  tracks: [{ name: 'A', clip: { name: 'A', startBeats: 0, seconds: 0.01, file } }],
};

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await makeTempDir('eureka-als-');
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
});

function masterEnvelopeEvent(master: XmlNode, targetId: string): XmlNode {
  const envelope = findAll(master, 'AutomationEnvelope').find((candidate) => valueAt(candidate, 'EnvelopeTarget/PointeeId') === targetId);
  if (!envelope) throw new Error(`no master envelope points at ${targetId}`);
  const events = child(envelope, 'Automation/Events').children;
  expect(events).toHaveLength(1);
  return events[0]!;
}

describe('a written project', () => {
  let dir: string;
  let alsFile: string;
  let set: LiveSetSpec;
  let root: XmlNode;

  beforeAll(async () => {
    dir = await freshDir();
    ({ alsFile, set } = await writeFixtureProject(dir, { tempo: 92.5, songName: 'Verse idea 3' }));
    root = readAls(alsFile).root;
  });

  it('is laid out as a Live project folder', async () => {
    expect(path.basename(alsFile)).toBe('Verse idea 3.als');
    expect(path.dirname(alsFile)).toBe(dir);
    expect(statSync(path.join(dir, PROJECT_INFO_FOLDER)).isDirectory()).toBe(true);
    expect((await readdir(dir)).sort()).toEqual([PROJECT_INFO_FOLDER, 'Samples', 'Verse idea 3.als']);
  });

  it('refers to WAVs that sit next to the .als, with their true size, length and rate', async () => {
    const refs = findAll(root, 'SampleRef');
    expect(refs).toHaveLength(FIXTURE_TRACKS.length * 2); // arrangement + session clip per track
    for (const ref of refs) {
      const relative = valueAt(ref, 'FileRef/RelativePath');
      expect(valueAt(ref, 'FileRef/RelativePathType')).toBe('3');
      expect(relative.startsWith('Samples/Imported/')).toBe(true);
      const onDisk = path.join(path.dirname(alsFile), ...relative.split('/'));
      expect(existsSync(onDisk)).toBe(true);
      const absolute = valueAt(ref, 'FileRef/Path');
      expect(absolute).toBe(onDisk.replace(/\\/g, '/'));
      expect(absolute).not.toContain('\\');
      expect(Number(valueAt(ref, 'FileRef/OriginalFileSize'))).toBe(statSync(onDisk).size);
      expect(valueAt(ref, 'FileRef/OriginalCrc')).toBe('0');
      expect(Number(valueAt(ref, 'LastModDate'))).toBe(Math.floor(statSync(onDisk).mtimeMs / 1000));
      const decoded = await decodeAudio(readFileSync(onDisk));
      expect(Number(valueAt(ref, 'DefaultSampleRate'))).toBe(decoded.sampleRate);
      expect(Number(valueAt(ref, 'DefaultDuration'))).toBe(decoded.channelData[0]!.length);
    }
  });

  it('sets the tempo and time signature in the master mixer and as the song\'s first automation point', () => {
    const master = child(root, 'LiveSet/MasterTrack');
    const tempo = child(master, 'DeviceChain/Mixer/Tempo');
    const signature = child(master, 'DeviceChain/Mixer/TimeSignature');
    expect(valueAt(tempo, 'Manual')).toBe('92.5');
    expect(valueAt(signature, 'Manual')).toBe('201'); // 99·log2(4) + 4 − 1
    const tempoEvent = masterEnvelopeEvent(master, child(tempo, 'AutomationTarget').attributes.Id!);
    expect(tempoEvent.name).toBe('FloatEvent');
    expect(tempoEvent.attributes).toEqual({ Id: '0', Time: '-63072000', Value: '92.5' });
    const signatureEvent = masterEnvelopeEvent(master, child(signature, 'AutomationTarget').attributes.Id!);
    expect(signatureEvent.name).toBe('EnumEvent');
    expect(signatureEvent.attributes.Value).toBe('201');
  });

  it('warps each clip 1:1 at the song tempo, placed where the plan says', () => {
    const tracks = child(root, 'LiveSet/Tracks').children;
    tracks.forEach((track, index) => {
      const spec = set.tracks[index]!;
      expect(valueAt(track, 'Name/UserName')).toBe(FIXTURE_TRACKS[index]!.name);
      const arrangement = child(track, 'DeviceChain/MainSequencer/Sample/ArrangerAutomation/Events').children;
      expect(arrangement).toHaveLength(1);
      const session = findAll(child(track, 'DeviceChain/MainSequencer/ClipSlotList'), 'AudioClip');
      expect(session).toHaveLength(1);
      for (const [clip, start] of [[arrangement[0]!, spec.clip.startBeats], [session[0]!, 0]] as const) {
        const seconds = FIXTURE_TRACKS[index]!.frames / FIXTURE_RATE;
        const beats = (seconds * 92.5) / 60;
        expect(valueAt(clip, 'Name')).toBe(FIXTURE_TRACKS[index]!.name);
        expect(Number(clip.attributes.Time)).toBe(start);
        expect(Number(valueAt(clip, 'CurrentStart'))).toBe(start);
        expect(Number(valueAt(clip, 'CurrentEnd'))).toBeCloseTo(start + beats, 9);
        expect(valueAt(clip, 'IsWarped')).toBe('true');
        const markers = child(clip, 'WarpMarkers').children.map((marker) => ({
          sec: Number(marker.attributes.SecTime),
          beat: Number(marker.attributes.BeatTime),
        }));
        expect(markers).toHaveLength(2);
        expect(markers[0]).toEqual({ sec: 0, beat: 0 });
        expect(markers[1]!.sec).toBeCloseTo(seconds, 9);
        expect(markers[1]!.beat).toBeCloseTo((markers[1]!.sec * 92.5) / 60, 9);
        for (const loopValue of ['LoopEnd', 'OutMarker', 'HiddenLoopEnd']) {
          expect(Number(valueAt(clip, `Loop/${loopValue}`))).toBeCloseTo(beats, 9);
        }
        expect(valueAt(clip, 'Loop/LoopOn')).toBe('false');
        expect(valueAt(clip, 'TimeSignature/TimeSignatures/RemoteableTimeSignature/Numerator')).toBe('4');
      }
    });
    // Sequence placement from the fixture: each clip after the previous, on a bar line.
    const starts = set.tracks.map((track) => track.clip.startBeats);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    for (const start of starts) expect(start % 4).toBe(0);
  });
});

describe('time signatures', () => {
  it.each([
    [3, 4, 200],
    [6, 8, 302],
    [7, 8, 303],
    [5, 4, 202],
    [2, 2, 100],
  ])('%i/%i is stored as %i in the master, scenes and clips', (numerator, denominator, code) => {
    const { root } = parseXml(buildLiveSet({ ...good, timeSignature: { numerator, denominator }, scenes: 2 }));
    expect(valueAt(root, 'LiveSet/MasterTrack/DeviceChain/Mixer/TimeSignature/Manual')).toBe(String(code));
    for (const scene of child(root, 'LiveSet/Scenes').children) expect(valueAt(scene, 'TimeSignatureId')).toBe(String(code));
    for (const signature of findAll(root, 'RemoteableTimeSignature')) {
      expect([valueAt(signature, 'Numerator'), valueAt(signature, 'Denominator')]).toEqual([String(numerator), String(denominator)]);
    }
  });
});

/** A MIDI track of one 4-beat clip holding `note`. */
function midi(note: PartNote): LiveMidiTrackSpec {
  return { kind: 'midi', name: 'M', clip: { name: 'M', startBeats: 0, lengthBeats: 4, timeSignature: { numerator: 4, denominator: 4 }, notes: [note] } };
}

describe('refusals', () => {
  it('accepts the baseline, and writes the same text every time', () => {
    expect(() => parseXml(buildLiveSet(good))).not.toThrow();
    expect(buildLiveSet(good)).toBe(buildLiveSet(structuredClone(good)));
  });

  it.each<[string, LiveSetSpec]>([
    ['a tempo below 20 BPM', { ...good, tempo: 10 }],
    ['a tempo above 999 BPM', { ...good, tempo: 1000 }],
    ['a non-power-of-two denominator', { ...good, timeSignature: { numerator: 5, denominator: 3 } }],
    ['a zero numerator', { ...good, timeSignature: { numerator: 0, denominator: 4 } }],
    ['fewer scenes than tracks', { ...good, scenes: 0 }],
    ['a path leaving the project', { ...good, tracks: [{ name: 'A', clip: { name: 'A', startBeats: 0, seconds: 0.01, file: { ...file, relativePath: '../a.wav' } } }] }],
    ['a negative start', { ...good, tracks: [{ name: 'A', clip: { name: 'A', startBeats: -1, seconds: 0.01, file } }] }],
    ['an unknown colour', { ...good, tracks: [{ name: 'A', color: 70, clip: { name: 'A', startBeats: 0, seconds: 0.01, file } }] }],
    ['a MIDI note past its clip', { ...good, tracks: [midi({ pitch: 60, startBeats: 4, durationBeats: 1, velocity: 90 })] }],
    ['a MIDI note of velocity 0 (a note off)', { ...good, tracks: [midi({ pitch: 60, startBeats: 0, durationBeats: 1, velocity: 0 })] }],
    ['a MIDI note above 127', { ...good, tracks: [midi({ pitch: 128, startBeats: 0, durationBeats: 1, velocity: 90 })] }],
    ['a tempo map not starting with the set tempo', { ...good, tempoMap: [{ beats: 0, bpm: 99 }] }],
    ['a tempo map going back', { ...good, tempoMap: [{ beats: 0, bpm: good.tempo }, { beats: 8, bpm: 90 }, { beats: 4, bpm: 80 }] }],
    ['a meter map with a 3/3 bar', { ...good, meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }, { beats: 4, timeSignature: { numerator: 3, denominator: 3 as 4 } }] }],
  ])('refuses %s', (_, set) => {
    expect(() => buildLiveSet(set)).toThrow(AppError);
  });

  it('refuses to write a set whose WAV is missing, and writes no .als', async () => {
    const dir = await freshDir();
    await expect(writeAbletonProject(dir, 'Song', good)).rejects.toThrow(/was not written/);
    expect(await readdir(dir)).toEqual([]);
  });
});

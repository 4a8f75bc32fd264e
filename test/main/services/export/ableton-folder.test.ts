/**
 * The Ableton project folder from a plan, written for real: clips in the set at the exact beat
 * of their bar line (what placeItems decided, not a float recomputed from seconds), and the
 * source clip's stereo WAV kept stereo (ffprobe).
 */
import path from 'node:path';
import { writeAbletonFolder } from '../../../../src-main/services/export/ableton-folder.js';
import { placeItems } from '../../../../src-main/services/export/export-plan-builder.js';
import type { ExportItem, ExportPlan } from '../../../../src-main/services/export/export-plan.js';
import { sine } from '../../../fixtures/audio-fixtures.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';
import { child, findAll, readAls } from './ableton/als-structure.js';
import { ffprobe } from './probe-tools.js';

let root: string;
beforeAll(async () => {
  root = await makeTempDir('eureka-ableton-folder-');
});
afterAll(() => removeDir(root));

function item(name: string, channels: Float32Array[], kind: ExportItem['kind'] = 'take'): ExportItem {
  return { name, kind, channels, startSeconds: 0, startBeats: 0, comment: name, provenance: {}, midi: null };
}

describe('writeAbletonFolder', () => {
  it('puts each clip at the exact beat of its bar line (bar 11 of 3/4 is beat 30, not 29.999999999999996)', async () => {
    const rate = 48000;
    // 3/4 at 84 BPM: a bar is 15/7 s, which no float holds exactly; 20 s items, 10 bars apart.
    const plan: ExportPlan = {
      songName: 'Waltz',
      tempo: 84,
      timeSignature: { numerator: 3, denominator: 4 },
      sampleRate: rate,
      bitDepth: 24,
      placement: 'sequence',
      createdAt: new Date(2026, 10, 5),
      items: [],
    };
    const items = [
      item('Source clip', sine(220, 20, rate, 0.3, 2), 'source'),
      item('Take 1', sine(330, 20, rate, 0.3)),
      item('Take 2', sine(440, 20, rate, 0.3)),
    ];
    plan.items = placeItems(items, plan);
    const dir = path.join(root, 'waltz');
    const { files, alsFile } = await writeAbletonFolder(dir, path.join(root, 'Waltz Project'), plan, ['Source clip', 'Take 1', 'Take 2']);

    const { root: set } = readAls(path.join(dir, alsFile));
    const tracks = child(set, 'LiveSet/Tracks').children;
    const arrangement = tracks.map((track) => child(track, 'DeviceChain/MainSequencer/Sample/ArrangerAutomation/Events').children[0]!);
    expect(arrangement.map((clip) => clip.attributes.Time)).toEqual(['0', '30', '60']);
    expect(arrangement.map((clip) => findAll(clip, 'CurrentStart')[0]!.attributes.Value)).toEqual(['0', '30', '60']);

    expect(files.map((file) => file.path)).toEqual(['Samples/Imported/Source clip.wav', 'Samples/Imported/Take 1.wav', 'Samples/Imported/Take 2.wav']);
    expect(ffprobe(path.join(dir, 'Samples', 'Imported', 'Source clip.wav')).streams[0]).toMatchObject({ channels: 2, duration_ts: 20 * rate });
    expect(ffprobe(path.join(dir, 'Samples', 'Imported', 'Take 1.wav')).streams[0]).toMatchObject({ channels: 1 });
  }, 60_000);
});

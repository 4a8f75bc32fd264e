/**
 * The provenance sidecar: one entry per exported file with song, clip, model, preset, mode,
 * seed, length, position and ratings, the "trained only on your audio" statement, and JSON that
 * parses back to the same document.
 */
import { AppError } from '../../../../src-main/common/errors.js';
import type { ExportPlan } from '../../../../src-main/services/export/export-plan.js';
import {
  buildSidecar,
  encodeSidecar,
  SIDECAR_FILE_NAME,
  TRAINED_ONLY_ON_YOUR_AUDIO,
  type ExportedFile,
} from '../../../../src-main/services/export/sidecar.js';
import { APP_VERSION } from '../../../../src-main/version.js';

const plan: ExportPlan = {
  songName: 'Verse idea 3',
  tempo: 92,
  timeSignature: { numerator: 3, denominator: 4 },
  sampleRate: 48000,
  bitDepth: 24,
  placement: 'sequence',
  createdAt: new Date(Date.UTC(2026, 10, 5, 13, 3, 9)),
  items: [
    {
      name: 'Source clip',
      kind: 'source',
      channels: [new Float32Array(96000), new Float32Array(96000)],
      startSeconds: 0,
      startBeats: 0,
      comment: 'source clip 0:04–0:06',
      provenance: { song: { id: 4, name: 'Verse idea 3' }, clip: { id: 9, start: 4, end: 6 } },
      midi: null,
    },
    {
      name: 'Take 12',
      kind: 'take',
      channels: [new Float32Array(72000)],
      startSeconds: 3.9130434782608696,
      startBeats: 6,
      comment: 'model 3 · new · seed 42',
      provenance: {
        song: { id: 4, name: 'Verse idea 3' },
        clip: { id: 9, start: 4, end: 6 },
        model: { id: 3, name: 'Model 3' },
        preset: 'quick',
        mode: 'new',
        seed: '18446744073709551615',
        take: { id: 12 },
        ratings: [{ musicality: 7 }],
      },
      midi: null,
    },
  ],
};

const files: ExportedFile[] = [
  { path: 'Stems/Source clip.wav', role: 'stem', item: 0 },
  { path: 'Stems/Take 12.wav', role: 'stem', item: 1 },
  { path: 'Regions/Take 12.wav', role: 'region', item: 1 },
];

describe('buildSidecar', () => {
  it('records every file with its provenance and the trained-on-your-audio statement', () => {
    const document = buildSidecar(plan, files);
    expect(SIDECAR_FILE_NAME).toBe('eureka-takes.json');
    expect(document).toMatchObject({
      format: 'eureka-takes',
      version: 1,
      app: `Eureka ${APP_VERSION}`,
      exportedAt: '2026-11-05T13:03:09.000Z',
      song: 'Verse idea 3',
      tempo: 92,
      timeSignature: '3/4',
      sampleRate: 48000,
      bitDepth: '24-bit',
      placement: 'sequence',
      trainedOnlyOnYourAudio: true,
      statement: TRAINED_ONLY_ON_YOUR_AUDIO,
    });
    expect(TRAINED_ONLY_ON_YOUR_AUDIO).toMatch(/only on your own audio/);
    expect(document.files.map((entry) => entry.file)).toEqual(files.map((file) => file.path));

    const [sourceStem, takeStem, takeRegion] = document.files;
    expect(sourceStem).toEqual({
      file: 'Stems/Source clip.wav',
      role: 'stem',
      name: 'Source clip',
      kind: 'source',
      song: { id: 4, name: 'Verse idea 3' },
      clip: { id: 9, start: 4, end: 6 },
      model: null, // the source clip has no model, preset, mode or seed
      preset: null,
      mode: null,
      seed: null,
      lengthSeconds: 2,
      startSeconds: 0,
      startBeats: 0,
      startBar: 1,
      ratings: [],
      trainedOnlyOnYourAudio: true,
      provenance: plan.items[0]!.provenance,
    });
    expect(takeStem).toMatchObject({
      role: 'stem',
      model: { id: 3, name: 'Model 3' },
      preset: 'quick',
      mode: 'new',
      seed: '18446744073709551615', // a string: a u64 seed survives JSON
      lengthSeconds: 1.5,
      startSeconds: 3.9130434782608696,
      startBeats: 6,
      startBar: 3, // 3/4: beat 6 opens bar 3
      ratings: [{ musicality: 7 }],
    });
    expect(takeRegion).toMatchObject({ file: 'Regions/Take 12.wav', role: 'region', name: 'Take 12' });
  });

  it('encodes two-space JSON with a final newline that parses back to the same document', () => {
    const document = buildSidecar(plan, files);
    const text = encodeSidecar(document);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "files": [');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('names a file whose item the plan lacks as a bug', () => {
    expect(() => buildSidecar(plan, [{ path: 'x.wav', role: 'sample', item: 5 }])).toThrow(AppError);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { Clip, ClipPatch } from '@common/dto.js';
import type { NoticeStore } from '../shell/notices.svelte.js';
import { createStores } from '../stores.js';
import { deferred, drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { audioFile, clip, song } from '../testing/fixtures.js';
import type { EditorStore } from './editor.svelte.js';
import type { EditorLibrary } from './ports.js';

/**
 * Song 1 has two files (10, then the newer 11); file 11 holds clips 1 (0–20 s) and 3 (40–60 s,
 * a gap clip), file 10 holds clip 2. The editor works on the real library store, wired as in
 * the window (stores.ts), over a fake bridge that updates clips the way the core does.
 */
async function setup(): Promise<{ bridge: FakeBridge; library: EditorLibrary; editor: EditorStore; notices: NoticeStore }> {
  const bridge = new FakeBridge();
  const clips: Clip[] = [
    clip({ id: 1, songId: 1, fileId: 11, start: 0, end: 20 }),
    clip({ id: 2, songId: 1, fileId: 10, start: 5, end: 15 }),
    clip({ id: 3, songId: 1, fileId: 11, start: 40, end: 60, label: 'gap', holeStart: 45, holeEnd: 55 }),
  ];
  bridge
    .answer('library:list-songs', [
      song({ id: 1, clipCount: 3, files: [audioFile({ id: 10, songId: 1 }), audioFile({ id: 11, songId: 1 })] }),
    ])
    .answer('library:list-clips', () => clips)
    .answer('library:update-clip', ({ clipId, patch }: { clipId: number; patch: ClipPatch }) => {
      const before = clips.find((c) => c.id === clipId)!;
      return { ...before, ...patch };
    })
    .answer('library:add-clip', (draft) =>
      clip({ id: 9, songId: draft.songId, fileId: draft.fileId!, start: draft.start, end: draft.end, label: draft.label }),
    )
    .answer('library:delete-clip', { deleted: true });
  const { library, editor, notices } = createStores(fakeApi(bridge));
  await library.init();
  await drain();
  return { bridge, library, editor, notices };
}

describe('EditorStore', () => {
  it('opens a song on its newest file, or on the file of the clip asked for', async () => {
    const { editor } = await setup();
    await editor.open(1);
    expect(editor.song?.id).toBe(1);
    expect(editor.file?.id).toBe(11);
    expect(editor.clips.map((c) => c.id)).toEqual([1, 3]);
    expect(editor.selectedClip).toBeNull();

    await editor.open(1, 2);
    expect(editor.file?.id).toBe(10);
    expect(editor.selectedClip?.id).toBe(2);
    expect(editor.clips.map((c) => c.id)).toEqual([2]);
  });

  it('cuts a clip with the default label and selects it', async () => {
    const { bridge, editor } = await setup();
    await editor.open(1);
    editor.defaultLabel = 'V';

    expect(await editor.createClip(22, 35)).toBe(true);
    expect(bridge.requests('library:add-clip')).toEqual([{ songId: 1, fileId: 11, start: 22, end: 35, label: 'V' }]);
    expect(editor.selectedClipId).toBe(9);
    expect(editor.clips.map((c) => c.id)).toEqual([1, 9, 3]);
  });

  it('turns a refusal into a notice and answers false, so the waveform puts the region back', async () => {
    const { bridge, editor, notices } = await setup();
    await editor.open(1);
    bridge.refuse('library:update-clip', 'INVALID_INPUT', 'clips may not overlap');

    expect(await editor.moveClip(1, 30, 50)).toBe(false);
    expect(notices.items.map((n) => n.message)).toEqual(['clips may not overlap']);
    expect(editor.saving).toEqual([]);
    expect(editor.clips.find((c) => c.id === 1)?.start).toBe(0);
  });

  it('moves a gap clip with its hole, and re-centres the hole when a resize leaves it outside', async () => {
    const { bridge, editor } = await setup();
    await editor.open(1);

    await editor.moveClip(3, 50, 70);
    expect(bridge.requests('library:update-clip').at(-1)).toEqual({
      clipId: 3,
      patch: { start: 50, end: 70, holeStart: 55, holeEnd: 65 },
    });

    await editor.moveClip(3, 40, 45);
    expect(bridge.requests('library:update-clip').at(-1)).toEqual({
      clipId: 3,
      patch: { start: 40, end: 45, holeStart: 40 + 5 / 3, holeEnd: 45 - 5 / 3 },
    });
  });

  it('labels the selected clip (a gap gets a hole), or sets the label for new clips', async () => {
    const { bridge, editor } = await setup();
    await editor.open(1);

    expect(await editor.setLabel('gap')).toBe(true);
    expect(editor.defaultLabel).toBe('gap');
    expect(bridge.requests('library:update-clip')).toEqual([]);

    editor.select(1);
    await editor.setLabel('gap');
    expect(bridge.requests('library:update-clip')).toEqual([
      { clipId: 1, patch: { label: 'gap', holeStart: 20 / 3, holeEnd: 20 - 20 / 3 } },
    ]);
    expect(editor.selectedClip?.label).toBe('gap');
  });

  it('refuses typed bounds shorter than a clip may be, without asking the core', async () => {
    const { bridge, editor, notices } = await setup();
    await editor.open(1);

    expect(await editor.setBounds(1, 10, 10.5)).toBe(false);
    expect(notices.items[0]?.message).toBe('A clip must be at least 1 s long; this one would be 0.500 s');
    expect(bridge.requests('library:update-clip')).toEqual([]);
  });

  it('marks a clip as saving while its change is on the way', async () => {
    const { bridge, editor } = await setup();
    await editor.open(1);
    const answer = deferred<Clip>();
    bridge.answer('library:update-clip', () => answer.promise);

    const saving = editor.setNotes(1, 'the good bit');
    await drain();
    expect(editor.saving).toEqual([1]);
    answer.resolve(clip({ id: 1, songId: 1, fileId: 11, start: 0, end: 20, notes: 'the good bit' }));
    expect(await saving).toBe(true);
    expect(editor.saving).toEqual([]);
    expect(editor.clips[0]?.notes).toBe('the good bit');
  });

  it('deletes the selected clip and selects the one that took its place', async () => {
    const { editor, library } = await setup();
    await editor.open(1);
    editor.select(1);

    expect(await editor.deleteSelected()).toBe(true);
    expect(editor.selectedClipId).toBe(3);
    expect(library.song(1)?.clipCount).toBe(2);
  });

  it('steps along the timeline and stops at its ends; loop needs a selected clip', async () => {
    const { editor } = await setup();
    await editor.open(1);

    editor.toggleLoop();
    expect(editor.looping).toBe(false);
    editor.step(-1);
    expect(editor.selectedClipId).toBe(3);
    editor.step(1);
    expect(editor.selectedClipId).toBe(3);
    editor.step(-1);
    expect(editor.selectedClipId).toBe(1);
    editor.toggleLoop();
    expect(editor.looping).toBe(true);
    editor.select(null);
    expect(editor.looping).toBe(false);

    editor.zoomBy(20);
    expect(editor.zoom).toBe(1);
    editor.zoomBy(-2);
    expect(editor.zoom).toBeCloseTo(0.84);
  });
});

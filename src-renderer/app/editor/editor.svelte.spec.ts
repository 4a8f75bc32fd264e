import { describe, expect, it } from '@jest/globals';
import type { Clip, ClipPatch } from '@common/dto.js';
import type { NoticeStore } from '../shell/notices.svelte.js';
import { createStores } from '../stores.js';
import { deferred, drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { audioFile, clip, deletionSummary, song } from '../testing/fixtures.js';
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
    .answer('library:delete-clip', { deleted: true })
    .answer('library:describe-deletion', (target) => deletionSummary(target));
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

/**
 * Song 1's file 11 holds clip 1 (0–20 s, notes "chorus 2") and gap clip 3 (40–60 s). The fake
 * bridge keeps the clips as the core does: a new clip gets the next id (10, 11, …), changes and
 * deletes land in `stored`.
 */
async function setupWithHistory(): Promise<{ bridge: FakeBridge; stores: ReturnType<typeof createStores>; stored: Clip[] }> {
  const bridge = new FakeBridge();
  const stored: Clip[] = [
    clip({ id: 1, songId: 1, fileId: 11, start: 0, end: 20, notes: 'chorus 2', split: 'val' }),
    clip({ id: 3, songId: 1, fileId: 11, start: 40, end: 60, label: 'gap', holeStart: 45, holeEnd: 55 }),
  ];
  let nextId = 10;
  bridge
    .answer('library:list-songs', [song({ id: 1, clipCount: 2, files: [audioFile({ id: 11, songId: 1 })] })])
    .answer('library:list-clips', () => stored.toSorted((a, b) => a.start - b.start))
    .answer('library:add-clip', (draft) => {
      const made = clip({
        id: nextId++,
        songId: draft.songId,
        fileId: draft.fileId!,
        start: draft.start,
        end: draft.end,
        label: draft.label,
        split: draft.split ?? 'train',
        holeStart: draft.holeStart ?? null,
        holeEnd: draft.holeEnd ?? null,
        notes: draft.notes ?? '',
      });
      stored.push(made);
      return made;
    })
    .answer('library:update-clip', ({ clipId, patch }: { clipId: number; patch: ClipPatch }) => {
      const index = stored.findIndex((c) => c.id === clipId);
      stored[index] = { ...stored[index]!, ...patch };
      return stored[index]!;
    })
    .answer('library:delete-clip', ({ clipId }) => {
      stored.splice(
        stored.findIndex((c) => c.id === clipId),
        1,
      );
      return { deleted: true };
    })
    .answer('library:describe-deletion', (target) => deletionSummary(target));
  const stores = createStores(fakeApi(bridge));
  await stores.library.init();
  await drain();
  await stores.editor.open(1);
  return { bridge, stores, stored };
}

describe("EditorStore's undo steps", () => {
  it('undoes a delete by making the clip again as it was (a new id), and redoes it by deleting that one', async () => {
    const { bridge, stores, stored } = await setupWithHistory();
    const { editor, undo, library } = stores;
    editor.select(1);
    expect(await editor.deleteSelected()).toBe(true);
    expect(undo.undoLabel).toBe("delete clip 'chorus 2'");

    expect(await undo.undo()).toBe(true);
    expect(bridge.requests('library:add-clip')).toEqual([
      { songId: 1, fileId: 11, start: 0, end: 20, label: 'U', split: 'val', notes: 'chorus 2' },
    ]);
    expect(stored.map((c) => c.id)).toEqual([3, 10]);
    expect(editor.clips.map((c) => c.id)).toEqual([10, 3]);
    expect(editor.selectedClipId).toBe(10);
    expect(library.song(1)?.clipCount).toBe(2);
    expect(undo.redoLabel).toBe("delete clip 'chorus 2'");

    expect(await undo.redo()).toBe(true);
    expect(bridge.requests('library:delete-clip').at(-1)).toEqual({ clipId: 10 });
    expect(editor.clips.map((c) => c.id)).toEqual([3]);
    expect(editor.selectedClipId).toBeNull();
    expect(bridge.faults).toEqual([]);
  });

  it('a change made before a delete is undone on the clip made again, under its new id', async () => {
    const { bridge, stores, stored } = await setupWithHistory();
    const { editor, undo } = stores;
    await editor.moveClip(1, 2, 22);
    editor.select(1);
    await editor.setLabel('gap');
    await editor.deleteSelected();
    expect(undo.done.map((e) => e.label)).toEqual(["move clip 'chorus 2'", "make clip 'chorus 2' a gap clip", "delete clip 'chorus 2'"]);

    await undo.undo();
    expect(bridge.requests('library:add-clip').at(-1)).toMatchObject({ start: 2, end: 22, label: 'gap', holeStart: 2 + 20 / 3 });
    await undo.undo();
    expect(bridge.requests('library:update-clip').at(-1)).toEqual({
      clipId: 10,
      patch: { label: 'U', holeStart: null, holeEnd: null },
    });
    await undo.undo();
    expect(bridge.requests('library:update-clip').at(-1)).toEqual({ clipId: 10, patch: { start: 0, end: 20 } });
    expect(stored.find((c) => c.id === 10)).toMatchObject({ start: 0, end: 20, label: 'U', holeStart: null, notes: 'chorus 2' });
    expect(undo.undoLabel).toBeNull();

    // Redo runs them forward again on the same clip.
    await undo.redo();
    await undo.redo();
    expect(stored.find((c) => c.id === 10)).toMatchObject({ start: 2, end: 22, label: 'gap' });
  });

  it('undoes a cut by deleting the clip, and redoes it by cutting it again', async () => {
    const { bridge, stores } = await setupWithHistory();
    const { editor, undo } = stores;
    await editor.createClip(22, 35);
    expect(undo.undoLabel).toBe('cut new-idea clip at 0:22.000');
    expect(editor.selectedClipId).toBe(10);

    await undo.undo();
    expect(bridge.requests('library:delete-clip')).toEqual([{ clipId: 10 }]);
    expect(editor.selectedClipId).toBeNull();
    await undo.redo();
    expect(bridge.requests('library:add-clip').at(-1)).toEqual({ songId: 1, fileId: 11, start: 22, end: 35, label: 'U', split: 'train', notes: '' });
    expect(editor.clips.map((c) => c.id)).toEqual([1, 11, 3]);
    // The redone cut's undo deletes the clip under its new id.
    await undo.undo();
    expect(bridge.requests('library:delete-clip').at(-1)).toEqual({ clipId: 11 });
  });

  it('asks before an undone cut deletes a clip that has models since, and keeps the step when the answer is no', async () => {
    const { bridge, stores } = await setupWithHistory();
    const { editor, undo, confirm, notices } = stores;
    await editor.createClip(22, 35);
    bridge.answer('library:describe-deletion', (target) => deletionSummary(target, { models: 1, takes: 3 }));

    const declined = undo.undo();
    await drain();
    expect(confirm.current?.lines).toContain('Undo brings back the clip, not its models or takes.');
    confirm.answer(false);
    expect(await declined).toBe(false);
    expect(bridge.requests('library:delete-clip')).toEqual([]);
    expect(undo.undoLabel).toBe('cut new-idea clip at 0:22.000');
    expect(notices.items).toEqual([]);

    const confirmed = undo.undo();
    await drain();
    confirm.answer(true);
    expect(await confirmed).toBe(true);
    expect(bridge.requests('library:delete-clip')).toEqual([{ clipId: 10, withModels: true }]);
    expect(undo.redoLabel).toBe('cut new-idea clip at 0:22.000');
  });

  it('records nothing the core refused, nor choices that change no clip', async () => {
    const { bridge, stores } = await setupWithHistory();
    const { editor, undo } = stores;
    await editor.setLabel('V');
    editor.select(1);
    await editor.setSplit('val');
    bridge.refuse('library:update-clip', 'INVALID_INPUT', 'clips may not overlap');
    expect(await editor.moveClip(1, 30, 50)).toBe(false);
    expect(undo.undoLabel).toBeNull();
  });

  it('drops a step whose clip was deleted elsewhere, with a notice, and goes on to the one below', async () => {
    const { bridge, stores } = await setupWithHistory();
    const { editor, undo, notices } = stores;
    editor.select(3);
    await editor.setSplit('test');
    await editor.setNotes(1, 'verse');
    bridge.refuse('library:update-clip', 'NOT_FOUND', 'there is no clip 1');

    expect(await undo.undo()).toBe(false);
    expect(notices.items.map((n) => n.message)).toEqual([
      'Dropped “edit the notes of clip \'chorus 2\'” from the undo history: there is no clip 1',
    ]);
    expect(undo.undoLabel).toBe('use gap clip at 0:40.000 as final check');
  });
});

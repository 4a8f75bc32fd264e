/**
 * End to end, the window's undo history against the real core: a clip cut on the waveform and
 * named in its notes is deleted, Ctrl+Z makes it again (the same song, file, bounds, label and
 * notes, in the database, under a new id), Shift+Ctrl+Z deletes it again and Ctrl+Y after
 * another undo too, the Undo button saying what it would take back; in the Takes view, K keeps a
 * take, Ctrl+Z makes it undecided again in the database, Ctrl+Y keeps it again; deleting that
 * take's clip asks first and says undo will not bring its models and takes back, Ctrl+Z brings
 * the clip back without them, and the next Ctrl+Z drops the verdict step whose take went with a
 * one-line notice.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Clip } from '../../src-main/common/dto.js';
import { OUTPUT_DIR, bounceWav, dragAcross, trainedModelWithTakes, useHarness } from './harness.js';

/** A test-preset run and one short take on 2 busy cores. */
const MODEL_TIMEOUT_MS = 300_000;

describe('web mode UI: undo and redo', () => {
  const harness = useHarness();

  /** What undoing a delete brings back: everything but the id and the times of the row. */
  const region = ({ songId, fileId, start, end, label, split, holeStart, holeEnd, notes }: Clip): Partial<Clip> => ({
    songId,
    fileId,
    start,
    end,
    label,
    split,
    holeStart,
    holeEnd,
    notes,
  });

  /** The tooltip of the Undo or Redo button. */
  const titleOf = (page: Page, which: 'undo' | 'redo'): Promise<string | null> => page.getByTestId(which).getAttribute('title');

  test('Ctrl+Z brings a deleted clip back, in the editor and in the database; redo deletes it again', async () => {
    const { core } = harness();
    const { files } = await core.handlers['library:import-files']({
      files: [{ name: 'Undo sketch.wav', data: bounceWav() }],
    });
    const songId = files[0]!.songId;
    const { page, problems } = await harness().openApp();
    expect(await titleOf(page, 'undo')).toBe('Nothing to undo');

    await page.getByTestId('song-row').filter({ hasText: 'Undo sketch' }).getByTestId('open-editor').click();
    await page.locator('.waveform.ready').waitFor();
    const box = await page.getByTestId('waveform').boundingBox();
    if (!box) throw new Error('the waveform has no layout box');
    await dragAcross(page, box, box.y + 70, 0.2, 0.7);
    await page.getByTestId('editor-clip').waitFor();
    await page.getByPlaceholder(/What this part should become/).fill('chorus 2');
    await page.keyboard.press('Escape');
    await page.getByTestId('undo').and(page.locator('[title^="Undo: edit the notes of"]')).waitFor();
    const [cut] = await core.handlers['library:list-clips']({ songId });
    if (!cut) throw new Error('the dragged clip is not in the library');
    expect(cut.notes).toBe('chorus 2');

    await page.keyboard.press('Delete');
    await page.getByTestId('editor-clip').waitFor({ state: 'detached' });
    expect(await core.handlers['library:list-clips']({ songId })).toEqual([]);
    expect(await titleOf(page, 'undo')).toBe("Undo: delete clip 'chorus 2' (Ctrl+Z)");
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'undo-header-1280.png') });
    await page.setViewportSize({ width: 1440, height: 900 });

    // Undo: the clip is back where it was, with its label, split and notes (a new id).
    await page.keyboard.press('Control+z');
    await page.getByTestId('editor-clip').waitFor();
    const [back] = await core.handlers['library:list-clips']({ songId });
    if (!back) throw new Error('undo did not bring the clip back');
    expect(region(back)).toEqual(region(cut));
    expect(back.id).not.toBe(cut.id);
    await page.getByTestId('inspector-label').waitFor();
    expect(await titleOf(page, 'redo')).toBe("Redo: delete clip 'chorus 2' (Ctrl+Y)");
    expect(await titleOf(page, 'undo')).toMatch(/^Undo: edit the notes of new-idea clip at /);

    // Redo (Shift+Ctrl+Z) deletes it again; undo, then Ctrl+Y, the same.
    await page.keyboard.press('Control+Shift+Z');
    await page.getByTestId('editor-clip').waitFor({ state: 'detached' });
    expect(await core.handlers['library:list-clips']({ songId })).toEqual([]);
    await page.getByTestId('undo').click();
    await page.getByTestId('editor-clip').waitFor();
    expect((await core.handlers['library:list-clips']({ songId })).map(region)).toEqual([region(cut)]);
    await page.keyboard.press('Control+y');
    await page.getByTestId('editor-clip').waitFor({ state: 'detached' });
    expect(await core.handlers['library:list-clips']({ songId })).toEqual([]);

    // Undo all the way: the clip back, its notes emptied, then the cut taken back.
    await page.keyboard.press('Control+z');
    await page.getByTestId('editor-clip').waitFor();
    await page.keyboard.press('Control+z');
    await page.locator('[data-testid="undo"][title^="Undo: cut new-idea clip at "]').waitFor();
    expect((await core.handlers['library:list-clips']({ songId })).map((clip) => clip.notes)).toEqual(['']);
    await page.keyboard.press('Control+z');
    await page.getByTestId('editor-clip').waitFor({ state: 'detached' });
    expect(await core.handlers['library:list-clips']({ songId })).toEqual([]);
    expect(await titleOf(page, 'undo')).toBe('Nothing to undo');
    expect(problems).toEqual([]);
  }, 120_000);

  test("Ctrl+Z takes back a take's verdict in the Takes view; Ctrl+Y sets it again", async () => {
    const { core } = harness();
    const { songId, takes } = await trainedModelWithTakes(core, { count: 1, seconds: 2 });
    const take = takes[0]!;
    const { page, problems } = await harness().openApp();
    await page.getByTestId('nav-takes').click();
    const row = page.locator(`[data-testid="take-row"][data-take-id="${take.id}"]`);
    await row.click();
    await page.locator(`[data-testid="take-detail"][data-take-id="${take.id}"]`).waitFor();

    await page.keyboard.press('k');
    await page.locator(`[data-testid="take-row"][data-take-id="${take.id}"][data-verdict="kept"]`).waitFor();
    expect((await core.handlers['takes:get']({ takeId: take.id })).verdict).toBe('kept');
    expect(await titleOf(page, 'undo')).toBe(`Undo: keep take ${take.id} (Ctrl+Z)`);

    await page.keyboard.press('Control+z');
    await page.locator(`[data-testid="take-row"][data-take-id="${take.id}"][data-verdict="undecided"]`).waitFor();
    expect((await core.handlers['takes:get']({ takeId: take.id })).verdict).toBe('undecided');
    expect(await titleOf(page, 'redo')).toBe(`Redo: keep take ${take.id} (Ctrl+Y)`);

    await page.keyboard.press('Control+y');
    await page.locator(`[data-testid="take-row"][data-take-id="${take.id}"][data-verdict="kept"]`).waitFor();
    expect((await core.handlers['takes:get']({ takeId: take.id })).verdict).toBe('kept');

    // Deleting the take's clip asks first, saying what goes and that undo will not bring it back.
    const [clip] = await core.handlers['library:list-clips']({ songId });
    if (!clip) throw new Error('the trained clip is missing');
    await page.getByTestId('nav-library').click();
    await page.getByTestId('song-row').filter({ hasText: 'Hook' }).getByTestId('open-editor').click();
    await page.getByTestId('editor-clip').click();
    await page.getByTestId('inspector-label').waitFor();
    await page.keyboard.press('Delete');
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.getByTestId('confirm-line').filter({ hasText: 'Undo brings back the clip, not its models or takes.' }).waitFor();
    // Ctrl+Z inside the question belongs to it: nothing is undone behind it (the keep step is
    // still there below the delete, checked after the delete is undone).
    await page.keyboard.press('Control+z');
    await dialog.getByTestId('confirm-accept').click();
    await page.getByTestId('editor-clip').waitFor({ state: 'detached' });
    expect(await core.handlers['training:list-models']({})).toEqual([]);

    await page.keyboard.press('Control+z');
    await page.getByTestId('editor-clip').waitFor();
    const [back] = await core.handlers['library:list-clips']({ songId });
    expect(back && region(back)).toEqual(region(clip));
    expect(await core.handlers['training:list-models']({ clipId: back!.id })).toEqual([]);

    // The verdict's take went with the clip: its step is dropped, with a notice, not an error.
    await page.locator('[data-testid="redo"][title^="Redo: delete new-idea clip at 0:00.250"]').waitFor();
    expect(await titleOf(page, 'undo')).toBe(`Undo: keep take ${take.id} (Ctrl+Z)`);
    await page.keyboard.press('Control+z');
    await page
      .getByTestId('notice')
      .filter({ hasText: `Dropped “keep take ${take.id}” from the undo history: ` })
      .waitFor();
    expect(await titleOf(page, 'undo')).toBe('Nothing to undo');
    expect(problems).toEqual([]);
  }, MODEL_TIMEOUT_MS);
});

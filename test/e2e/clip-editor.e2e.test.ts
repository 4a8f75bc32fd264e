/**
 * End to end, the clip editor's editing paths against the real core: a clip shorter than the
 * core allows is refused (message shown, region removed), G makes a "Fill a gap" clip with its
 * hole drawn, 2 marks it "Check" (the validation split), dragging its edge trims it, notes are saved,
 * the library lists it, Delete removes it, and zoom follows + / − and Ctrl-wheel. Then musical
 * time: a song at 96 BPM in A minor shows its tempo and key in the library and the editor, its
 * bar lines are drawn where the import put bar 1, a cut snaps to the nearest bar lines (an
 * Alt-drag does not), lengths read in bars, and a tempo typed in the header redraws the grid.
 */
import path from 'node:path';
import { formatSeconds } from '../../src-main/common/format-time.js';
import { barLinesBetween, formatTempo, nearestBarLine, type BarGrid } from '../../src-main/common/musical-time.js';
import { aMinorAt96Wav } from '../helpers/musical-signals.js';
import { BOUNCE_SECONDS, OUTPUT_DIR, bounceWav, dragAcross, useHarness } from './harness.js';

/** Ratio of the waveform's scrollable width to its visible width (1 when the song fits). */
const ZOOM_RATIO = `(() => {
  const host = document.querySelector('[data-testid="waveform"] > div');
  const scroll = host && host.shadowRoot && host.shadowRoot.querySelector('.scroll');
  return scroll ? scroll.scrollWidth / scroll.clientWidth : 0;
})()`;

describe('web mode UI: editing clips', () => {
  const harness = useHarness();

  test('refuses, labels, trims, annotates and deletes clips; zooms', async () => {
    const { core } = harness();
    const { files } = await core.handlers['library:import-files']({
      files: [{ name: 'Chorus sketch.wav', data: bounceWav() }],
    });
    const songId = files[0]!.songId;
    const { page, problems } = await harness().openApp();

    await page.getByTestId('song-row').getByTestId('open-editor').click();
    await page.locator('.waveform.ready').waitFor();
    const box = await page.getByTestId('waveform').boundingBox();
    if (!box) throw new Error('the waveform has no layout box');
    const y = box.y + 70;
    const regions = page.locator('[data-testid="waveform"] [part~="region"]');

    // 0.4 s is shorter than a clip may be: the core's reason is shown and the region goes.
    await dragAcross(page, box, y, 0.4, 0.44);
    const notice = page.getByTestId('notice');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/a clip needs at least 1 s/);
    await regions.waitFor({ state: 'detached' });
    expect(await core.handlers['library:list-clips']({ songId })).toEqual([]);
    await page.getByRole('button', { name: 'Dismiss message' }).click();

    // A real clip, then G: a gap clip whose hole the core placed and the waveform draws.
    await dragAcross(page, box, y, 0.1, 0.6);
    await page.getByTestId('editor-clip').waitFor();
    await page.keyboard.press('g');
    await page.getByTestId('inspector-label').filter({ hasText: /^Fill a gap$/ }).waitFor();
    let [clip] = await core.handlers['library:list-clips']({ songId });
    expect(clip?.label).toBe('gap');
    if (!clip || clip.holeStart === null || clip.holeEnd === null) throw new Error('gap clip has no hole');
    expect(clip.holeStart).toBeGreaterThan(clip.start);
    expect(clip.holeEnd).toBeLessThan(clip.end);
    await page.locator(`[data-testid="waveform"] [part~="hole-${clip.id}"]`).waitFor();

    // 2: "Check", the validation split.
    await page.keyboard.press('2');
    await page.getByRole('button', { name: /^Check/, pressed: true }).waitFor();
    [clip] = await core.handlers['library:list-clips']({ songId });
    expect(clip?.split).toBe('val');

    // Dragging the clip's right edge 10 % further trims it there; the hole stays put.
    const before = clip!;
    const handle = page.locator(`[part~="clip-${before.id}"] [part~="region-handle-right"]`);
    const grip = await handle.boundingBox();
    if (!grip) throw new Error('the clip has no right handle');
    const gripX = grip.x + grip.width / 2;
    await page.mouse.move(gripX, y);
    await page.mouse.down();
    await page.mouse.move(gripX + box.width * 0.1, y, { steps: 10 });
    await page.mouse.up();
    await page
      .getByTestId('status-line')
      .filter({ hasNotText: `– ${formatSeconds(before.end)}` })
      .waitFor();
    [clip] = await core.handlers['library:list-clips']({ songId });
    expect(clip!.end - before.end).toBeCloseTo(0.1 * BOUNCE_SECONDS, 1);
    expect(clip!.start).toBe(before.start);
    expect([clip!.holeStart, clip!.holeEnd]).toEqual([before.holeStart, before.holeEnd]);

    // Trimming it below 1 s is refused: the message shows and the edge goes back.
    const trimmed = clip!;
    const grip2 = await handle.boundingBox();
    if (!grip2) throw new Error('the clip has no right handle');
    const grip2X = grip2.x + grip2.width / 2;
    await page.mouse.move(grip2X, y);
    await page.mouse.down();
    await page.mouse.move(grip2X - box.width * 0.55, y, { steps: 10 });
    await page.mouse.up();
    await notice.filter({ hasText: /a clip needs at least 1 s/ }).waitFor();
    expect(await core.handlers['library:list-clips']({ songId })).toEqual([trimmed]);
    const restored = await handle.boundingBox();
    expect(Math.abs((restored?.x ?? 0) - grip2.x)).toBeLessThan(1);
    await page.getByRole('button', { name: 'Dismiss message' }).click();

    // Space plays and pauses.
    await page.keyboard.press(' ');
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await page.keyboard.press(' ');
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor();

    await page.screenshot({ path: path.join(OUTPUT_DIR, 'gap-clip.png') });

    // Notes are saved when the field is left; Esc leaves it, Esc again goes to the library.
    await page.getByPlaceholder(/What this part should become/).fill('Needs a bigger drum fill');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    const clipRow = page.getByTestId('clip-row');
    await clipRow.filter({ hasText: 'Needs a bigger drum fill' }).waitFor();
    expect(await clipRow.textContent()).toMatch(/Fill a gap.*Check/);
    [clip] = await core.handlers['library:list-clips']({ songId });
    expect(clip?.notes).toBe('Needs a bigger drum fill');

    // Edit opens the editor on that clip; Delete removes it.
    await clipRow.getByRole('button', { name: /^Edit gap clip/ }).click();
    await page.getByTestId('inspector-label').filter({ hasText: /^Fill a gap$/ }).waitFor();
    await page.locator('.waveform.ready').waitFor();
    await page.keyboard.press('Delete');
    await page.getByTestId('editor-clip').waitFor({ state: 'detached' });
    expect(await core.handlers['library:list-clips']({ songId })).toEqual([]);

    // Zoom: + three times makes the song wider than the view, − three times fits it again.
    const slider = page.getByRole('slider', { name: 'Zoom' });
    for (let i = 0; i < 3; i++) await page.keyboard.press('+');
    expect(Number(await slider.inputValue())).toBeCloseTo(0.24, 5);
    expect(await page.evaluate(ZOOM_RATIO)).toBeGreaterThan(1.5);
    for (let i = 0; i < 3; i++) await page.keyboard.press('-');
    await page.locator('input[aria-valuetext="Whole song"]').waitFor();
    expect(await page.evaluate(ZOOM_RATIO)).toBeCloseTo(1, 2);

    // Ctrl + wheel over the waveform zooms in (and does not zoom the page).
    await page.mouse.move(box.x + box.width / 2, y);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -200);
    await page.keyboard.up('Control');
    await page.locator('input[aria-label="Zoom"]:not([aria-valuetext="Whole song"])').waitFor();
    expect(Number(await slider.inputValue())).toBeGreaterThan(0);

    expect(problems).toEqual([]);
  }, 180_000);

  test('draws the bar grid, snaps a cut to bar lines, cuts freely with Alt, and follows a new tempo', async () => {
    const { core } = harness();
    const seconds = 20;
    const { files } = await core.handlers['library:import-files']({
      files: [{ name: 'Night Drive.wav', data: new Uint8Array(aMinorAt96Wav({ seconds, sampleRate: 22_050, downbeat: 0.5 })) }],
    });
    const songId = files[0]!.songId;
    const time = (await core.handlers['library:get-song']({ songId })).musicalTime!;
    expect(time).toMatchObject({ tempoSource: 'estimated', key: 'A minor' });
    expect(Math.abs(time.tempo - 96)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(time.downbeatSeconds - 0.5)).toBeLessThanOrEqual(0.02);
    const grid: BarGrid = time;
    const { page, problems } = await harness().openApp();

    // The library row says the tempo and key the import found.
    const row = page.getByTestId('song-row').filter({ hasText: 'Night Drive' });
    await row.getByTestId('song-tempo-key').filter({ hasText: `${formatTempo(time.tempo)} · A minor` }).waitFor();

    await row.getByTestId('open-editor').click();
    await page.locator('.waveform.ready').waitFor();
    await page.getByTestId('song-tempo').filter({ hasText: formatTempo(time.tempo) }).waitFor();
    expect(await page.getByTestId('song-key').textContent()).toBe('A minor');

    // A line per bar, from bar 1 where the import put it.
    const barLines = page.locator('[data-testid="waveform"] [data-testid="bar-line"]');
    const expected = barLinesBetween(0, seconds, grid);
    await barLines.nth(expected.length - 1).waitFor({ state: 'attached' });
    expect(await barLines.count()).toBe(expected.length);
    const drawn = await barLines.evaluateAll((lines) => lines.map((line) => [Number(line.getAttribute('data-bar')), Number(line.getAttribute('data-seconds'))]));
    expect(drawn).toEqual(expected.map(({ bar, seconds: at }) => [bar, at]));
    expect(await page.getByTestId('status-line').textContent()).toContain('cuts snap to bar lines (hold Alt ⌥ for a free cut)');

    // A drag from 3.2 s to 10.6 s becomes the clip from the bar line at 3 s to the one at 10.5 s.
    const box = await page.getByTestId('waveform').boundingBox();
    if (!box) throw new Error('the waveform has no layout box');
    const y = box.y + 70;
    await dragAcross(page, box, y, 3.2 / seconds, 10.6 / seconds);
    await page.getByTestId('editor-clip').waitFor();
    const [snapped] = await core.handlers['library:list-clips']({ songId });
    expect(snapped!.start).toBeCloseTo(nearestBarLine(3.2, grid), 9);
    expect(snapped!.end).toBeCloseTo(nearestBarLine(10.6, grid), 9);
    expect(await page.getByTestId('inspector-bars').textContent()).toBe('bar 2 · 3 bars');
    expect(await page.getByTestId('inspector-song-time').textContent()).toBe(`${formatTempo(time.tempo)} · A minor`);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'bar-grid.png') });

    // With Alt held the cut is where the pointer went, between bar lines.
    await page.keyboard.down('Alt');
    await dragAcross(page, box, y, 14 / seconds, 18.4 / seconds);
    await page.keyboard.up('Alt');
    await page.getByTestId('editor-clip').nth(1).waitFor();
    const free = (await core.handlers['library:list-clips']({ songId }))[1]!;
    expect(Math.abs(free.start - 14)).toBeLessThan(0.1);
    expect(Math.abs(free.end - 18.4)).toBeLessThan(0.1);
    expect(Math.abs(free.start - nearestBarLine(free.start, grid))).toBeGreaterThan(0.3);

    // A tempo typed in the header is the song's (the user's) and the grid follows it.
    await page.getByTestId('edit-song-time').click();
    await page.getByTestId('song-tempo-input').fill('120');
    await page.getByTestId('save-song-time').click();
    await page.getByTestId('song-tempo').filter({ hasText: '120 BPM' }).waitFor();
    const changed = (await core.handlers['library:get-song']({ songId })).musicalTime!;
    expect(changed).toMatchObject({ tempo: 120, tempoSource: 'user', downbeatSource: 'estimated' });
    const redrawn = barLinesBetween(0, seconds, changed);
    await barLines.nth(redrawn.length - 1).waitFor({ state: 'attached' });
    expect(await barLines.count()).toBe(redrawn.length);
    expect(Number(await barLines.last().getAttribute('data-seconds'))).toBeCloseTo(redrawn.at(-1)!.seconds, 9);

    expect(problems).toEqual([]);
  }, 180_000);
});

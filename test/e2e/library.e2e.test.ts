/**
 * End to end: Debian's Chromium drives the real web-mode UI (out/web) against the real core
 * over the real WebSocket, and the test checks the outcome in the core's database.
 *
 * Flow: open the tokened URL → a broken file shows its one-line error → a generated bounce
 * (stereo, 10 s, 44.1 kHz, sine + seeded noise) appears with its duration → rename it inline →
 * open the clip editor → drag across the waveform → a clip exists where the mouse went →
 * press V → the clip is relabelled → screenshot. Another: a song with a trained model and
 * takes is deleted from its row after a dialog that says what goes with it (Cancel keeps it; the
 * clip with the model asks the same in the editor), and a file already in the library is not
 * imported twice: its row offers to open the song that has it. A last test checks that the
 * server gives nothing to a browser without the right token but a styled page saying what to
 * open.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatSeconds } from '../../src-main/common/format-time.js';
import { textFile } from '../fixtures/audio-fixtures.js';
import { wavBytes } from '../helpers/signals.js';
import { BOUNCE_SECONDS, OUTPUT_DIR, bounceWav, dragAcross, trainedModelWithTakes, useHarness } from './harness.js';

/** A test-preset run and two short takes on 2 busy cores. */
const MODEL_TIMEOUT_MS = 300_000;

describe('web mode UI: library and clip editor', () => {
  const harness = useHarness();

  test('imports a bounce, cuts a clip by dragging and relabels it from the keyboard', async () => {
    const { core, filesDir } = harness();
    const { page, problems } = await harness().openApp();
    // The token was traded for a cookie and dropped from the address bar.
    expect(page.url()).not.toContain('token=');

    // An empty library says what to do, and the header says where training runs.
    await page.getByTestId('empty-library').waitFor();
    await page.getByTestId('compute-status').filter({ hasText: /^\s*(CPU \(|CUDA)/ }).waitFor();

    // A file that is not audio fails with a one-line reason naming it, which stays.
    const brokenPath = path.join(filesDir, 'broken.wav');
    writeFileSync(brokenPath, textFile());
    await page.getByTestId('import-input').setInputFiles(brokenPath);
    const importError = page.getByTestId('import-error');
    await importError.waitFor();
    expect(await importError.textContent()).toMatch(/^broken\.wav: /);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'import-error.png') });
    await page.getByRole('button', { name: /^Dismiss: / }).click();
    await importError.waitFor({ state: 'detached' });

    // The bounce appears as a song with its measured duration.
    const wavPath = path.join(filesDir, 'Bridge idea.wav');
    writeFileSync(wavPath, bounceWav());
    await page.getByTestId('import-input').setInputFiles(wavPath);
    const row = page.getByTestId('song-row');
    await row.waitFor();
    expect(await row.getByTestId('song-duration').textContent()).toBe('0:10.000');
    const songs = await core.handlers['library:list-songs']({});
    expect(songs).toHaveLength(1);
    const song = songs[0]!;
    expect(song.files[0]?.durationSeconds).toBeCloseTo(BOUNCE_SECONDS, 3);
    expect(song.files[0]?.channels).toBe(2);
    await page.getByRole('button', { name: /^Dismiss: Imported/ }).click();
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'library.png') });

    // Inline rename goes to the core.
    await row.getByRole('button', { name: /^Rename / }).click();
    await page.getByTestId('song-name-input').fill('Bridge, take 2');
    await page.getByTestId('song-name-input').press('Enter');
    await row.getByTestId('song-name').filter({ hasText: 'Bridge, take 2' }).waitFor();
    expect((await core.handlers['library:get-song']({ songId: song.id })).name).toBe('Bridge, take 2');

    // Open the clip editor and wait until the audio is decoded and drawn.
    await row.getByTestId('open-editor').click();
    await page.locator('.waveform.ready').waitFor();
    const box = await page.getByTestId('waveform').boundingBox();
    if (!box) throw new Error('the waveform has no layout box');

    // Drag from 20 % to 65 % of the width across the waveform (not the spectrogram).
    await dragAcross(page, box, box.y + 70, 0.2, 0.65);
    await page.getByTestId('editor-clip').waitFor();
    const clips = await core.handlers['library:list-clips']({ songId: song.id });
    expect(clips).toHaveLength(1);
    const clip = clips[0]!;
    const secondsPerPx = BOUNCE_SECONDS / box.width;
    // The clip is cut where the pointer went, to within a couple of pixels.
    const tolerance = 2.5 * secondsPerPx;
    expect(Math.abs(clip.start - 0.2 * BOUNCE_SECONDS)).toBeLessThan(tolerance);
    expect(Math.abs(clip.end - 0.65 * BOUNCE_SECONDS)).toBeLessThan(tolerance);
    expect(clip.label).toBe('U');
    expect(clip.fileId).toBe(song.files[0]?.id);

    // The new clip is selected, a "New idea" (stored as U); V relabels it a "Variation" (the
    // chip changes once the core has answered).
    const chip = page.getByTestId('inspector-label');
    await chip.filter({ hasText: /^New idea$/ }).waitFor();
    await page.keyboard.press('v');
    await chip.filter({ hasText: /^Variation$/ }).waitFor();
    const relabelled = await core.handlers['library:list-clips']({ songId: song.id });
    expect(relabelled.map((c) => [c.id, c.label])).toEqual([[clip.id, 'V']]);

    // The status line reports the selected clip and its length.
    const status = await page.getByTestId('status-line').textContent();
    expect(status).toContain(
      `Variation · ${formatSeconds(clip.start)} – ${formatSeconds(clip.end)} · length ${formatSeconds(clip.end - clip.start)}`,
    );

    await page.screenshot({ path: path.join(OUTPUT_DIR, 'clip-editor.png') });
    expect(problems).toEqual([]);
  }, 180_000);

  test('files dropped anywhere on the window are imported', async () => {
    const { core } = harness();
    const before = (await core.handlers['library:list-songs']({})).length;
    const { page, problems } = await harness().openApp();
    await page.getByTestId('song-table').waitFor();

    // A DataTransfer carrying a real WAV, as the OS hands one to the page on a drop (not the
    // bounce of the first test: the same bytes again would name that song instead).
    const base64 = Buffer.from(wavBytes({ seconds: 4, sampleRate: 44_100, channels: 2, frequency: 262, seed: 21 })).toString('base64');
    const dataTransfer = await page.evaluateHandle(`(() => {
      const bytes = Uint8Array.from(atob('${base64}'), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'Outro idea.wav', { type: 'audio/wav' }));
      return transfer;
    })()`);
    await page.dispatchEvent('h1', 'dragenter', { dataTransfer });
    await page.getByText('Drop to import into your library').waitFor();
    await page.dispatchEvent('h1', 'drop', { dataTransfer });
    await page.getByText('Drop to import into your library').waitFor({ state: 'detached' });
    await page.getByTestId('song-row').filter({ hasText: 'Outro idea' }).waitFor();

    const songs = await core.handlers['library:list-songs']({});
    expect(songs).toHaveLength(before + 1);
    expect(songs.map((song) => song.name)).toContain('Outro idea');
    expect(problems).toEqual([]);
  }, 60_000);

  test('deletes a song with its model and takes after saying so, and offers to open a song instead of importing it twice', async () => {
    const { core, filesDir } = harness();
    const { songId, modelId, takes } = await trainedModelWithTakes(core, { count: 2, seconds: 2 });
    const [clip] = await core.handlers['library:list-clips']({ songId });
    if (!clip) throw new Error('the fixture has no clip');
    const modelDir = core.training.modelDir(modelId);
    const { page, problems } = await harness().openApp();
    const row = page.getByTestId('song-row').filter({ hasText: 'Hook' });
    await row.waitFor();

    // The same bytes as Hook, under another name: not imported, the row offers Hook instead.
    const copyPath = path.join(filesDir, 'Hook (bounce 2).wav');
    writeFileSync(copyPath, wavBytes({ seconds: 3, sampleRate: 16_000, channels: 1, frequency: 330, seed: 3 }));
    const songsBefore = (await core.handlers['library:list-songs']({})).length;
    await page.getByTestId('import-input').setInputFiles(copyPath);
    const duplicate = page.getByTestId('import-duplicate');
    await duplicate.waitFor();
    expect(await duplicate.locator('span').textContent()).toBe('Hook (bounce 2).wav is already in your library as “Hook”');
    expect((await core.handlers['library:list-songs']({})).length).toBe(songsBefore);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'import-duplicate.png') });
    await duplicate.getByTestId('open-duplicate').click();
    await page.getByRole('heading', { level: 1, name: 'Hook' }).waitFor();

    // The clip with a model asks before it goes, and Cancel keeps it.
    await page.getByTestId('editor-clip').first().click();
    await page.getByTestId('clip-inspector').waitFor();
    await page.keyboard.press('Delete');
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.getByText('Goes with it: 1 model and 2 takes.').waitFor();
    expect(await dialog.getByRole('heading').textContent()).toBe('Delete the clip “Hook · 0:00.250–0:02.750”?');
    await dialog.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await core.handlers['library:list-clips']({ songId })).map((c) => c.id)).toEqual([clip.id]);

    // The song: Delete… on its row says everything that goes with it.
    await page.keyboard.press('Escape');
    await row.waitFor();
    await row.getByTestId('delete-song').click();
    await dialog.getByRole('heading', { name: 'Delete the song “Hook”?' }).waitFor();
    expect(await dialog.getByTestId('confirm-line').allTextContents()).toEqual([
      'Goes with it: 1 audio file, 1 clip, 1 model and 2 takes.',
      'This cannot be undone.',
    ]);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'delete-song.png') });
    await dialog.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await core.handlers['library:list-songs']({})).some((song) => song.id === songId)).toBe(true);

    await row.getByTestId('delete-song').click();
    await dialog.getByTestId('confirm-accept').click();
    await row.waitFor({ state: 'detached' });
    expect((await core.handlers['library:list-songs']({})).some((song) => song.id === songId)).toBe(false);
    expect(await core.handlers['training:list-models']({})).toEqual([]);
    expect(core.takes.list().filter((take) => takes.some((made) => made.id === take.id))).toEqual([]);
    expect(existsSync(modelDir)).toBe(false);
    expect(problems).toEqual([]);
  }, MODEL_TIMEOUT_MS);

  test('a browser without the right token gets no app, only a styled page saying what to open', async () => {
    const origin = new URL(harness().server.url).origin;
    const stranger = await harness().browser.newContext();
    try {
      const tab = await stranger.newPage();
      const refused: string[] = [];
      tab.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
      });
      for (const url of [`${origin}/`, `${origin}/?token=${'0'.repeat(64)}`, `${origin}/?token=`]) {
        const response = await tab.goto(url);
        expect([401, 403]).toContain(response?.status());
        expect(await tab.locator('#app').count()).toBe(0);
        // The page's own style applies under its own policy: the app's dark background, a heading.
        await tab.getByRole('heading', { name: 'Not open to this browser' }).waitFor();
        expect(await tab.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(13, 15, 19)');
      }
      expect(refused).toEqual([]);
      const media = await tab.goto(`${origin}/media/file/1`);
      expect([401, 403]).toContain(media?.status());
    } finally {
      await stranger.close();
    }
  }, 60_000);
});

/**
 * The view is in the address, in a real browser against web mode: what the songwriter opens
 * and selects is written into the address, a reload lands on the same view with the same
 * selection (mid-training included), Back and Forward move between views, and an address that
 * names a song, clip, model or session that does not exist lands on the nearest valid view with
 * a one-line notice, never on an empty screen.
 */
import type { Page } from 'playwright-core';
import { bounceWav, startHarness, type Harness } from './harness.js';

describe('web mode UI: the view in the address', () => {
  let harness: Harness;
  let songId: number;
  let clipIds: number[];
  let modelId: number;

  beforeAll(async () => {
    harness = await startHarness();
    const { core } = harness;
    const imported = await core.handlers['library:import-files']({ files: [{ name: 'Night Drive.wav', data: bounceWav() }] });
    songId = imported.files[0]!.songId;
    clipIds = [];
    for (const [start, end] of [[1, 3.5], [5, 7.5]] as const) {
      clipIds.push((await core.handlers['library:add-clip']({ songId, start, end, label: 'U', split: 'train', notes: '' })).id);
    }
    // A model of the second clip, training (or done by the time the page looks): a reload mid-training.
    modelId = (await core.handlers['training:start']({ clipId: clipIds[1]!, preset: 'test', device: 'auto', seed: '42' })).id;
  }, 180_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  // Page-side expressions as strings: the tests compile without the DOM's types.
  const addressIs = (page: Page, hash: string) => page.waitForFunction(`location.hash === ${JSON.stringify(hash)}`);
  /** An address typed by hand (or a link followed inside the page). */
  const goTo = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  const selectedClip = (page: Page) => page.locator('[data-testid="editor-clip"][aria-current="true"]');

  test('reload returns to the same view and selection; Back and Forward move between views', async () => {
    const { page, problems } = await harness.openApp();
    await page.getByTestId('song-row').first().waitFor();
    await addressIs(page, `#/library/songs/${songId}`);

    await page.getByTestId('song-row').getByTestId('open-editor').click();
    await addressIs(page, `#/songs/${songId}`);
    await page.getByTestId('editor-clip').nth(1).click();
    await addressIs(page, `#/songs/${songId}/clips/${clipIds[1]}`);

    await page.reload();
    await selectedClip(page).waitFor();
    expect(await page.getByTestId('editor-clip').nth(1).getAttribute('aria-current')).toBe('true');
    await addressIs(page, `#/songs/${songId}/clips/${clipIds[1]}`);

    await page.getByTestId('nav-training').click();
    await addressIs(page, `#/training/models/${modelId}`);
    await page.reload();
    await page.locator(`[data-testid="model-detail"][data-model-id="${modelId}"]`).waitFor();
    await addressIs(page, `#/training/models/${modelId}`);

    // Back: the song with its clip (the selection within a view never made an entry of its own).
    await page.goBack();
    await addressIs(page, `#/songs/${songId}/clips/${clipIds[1]}`);
    await selectedClip(page).waitFor();
    expect(await page.getByTestId('editor-clip').nth(1).getAttribute('aria-current')).toBe('true');
    await page.goBack();
    await addressIs(page, `#/library/songs/${songId}`);
    await page.getByTestId('song-table').waitFor();
    await page.goForward();
    await page.goForward();
    await addressIs(page, `#/training/models/${modelId}`);
    await page.locator(`[data-testid="model-detail"][data-model-id="${modelId}"]`).waitFor();

    expect(await page.getByTestId('notice').allTextContents()).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);

  test('an address that names nothing lands on the nearest view with a one-line notice', async () => {
    const { page, problems } = await harness.openApp();
    await page.getByTestId('song-row').first().waitFor();
    const cases: [string, string, string, string][] = [
      ['#/songs/999', 'Song 999 is not in the library (any more): showing the Library.', 'song-table', `#/library/songs/${songId}`],
      [`#/songs/${songId}/clips/999`, 'Clip 999 is not in this song (any more): showing the song.', 'status-line', `#/songs/${songId}`],
      ['#/training/models/999', 'Model 999 is not in Training (any more): showing Training.', 'model-list', `#/training/models/${modelId}`],
      ['#/listen/sessions/999', 'There is no listening session 999 (any more): showing Listen.', 'new-session', '#/listen'],
      ['#/settings/audio', 'Eureka has no page at "#/settings/audio": showing the Library instead.', 'song-table', `#/library/songs/${songId}`],
    ];
    for (const [hash, notice, shown, landed] of cases) {
      await goTo(page, hash);
      await page.getByTestId('notice').filter({ hasText: notice }).waitFor();
      await page.getByTestId(shown).waitFor();
      await addressIs(page, landed);
    }
    // Opened on such an address (a bookmark: the token link with a view), the same.
    await page.goto(`${harness.server.url}#/training/models/998`);
    await page.getByTestId('notice').filter({ hasText: 'Model 998 is not in Training (any more): showing Training.' }).waitFor();
    await addressIs(page, `#/training/models/${modelId}`);
    expect(problems).toEqual([]);
  }, 120_000);
});

/**
 * Web mode survives its server stopping: while it is gone a banner says so and the view stays;
 * the page's bridge reconnects by itself once a server with the same token is back on the same
 * port (a restarted `eureka web` keeps its link), hears events again without a reload, and a
 * reload still opens the same view; a server back with another token is told apart.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startWebServer, type WebServer } from '../../src-main/web/server.js';
import { wavBytes } from '../helpers/signals.js';
import { OUTPUT_DIR, bounceWav, startHarness, type Harness } from './harness.js';

describe('web mode UI: reconnecting', () => {
  let harness: Harness;
  /** The server now serving the harness's core (the harness's own until a test restarts it). */
  let current: WebServer;

  beforeAll(async () => {
    harness = await startHarness();
    current = harness.server;
  }, 180_000);

  afterAll(async () => {
    if (current !== harness?.server) await current?.close();
    await harness?.dispose();
  });

  /** Stops the server and starts one on its port with `token`; resolves once a page's socket is back. */
  async function restart(token: string): Promise<{ pageIsBack: Promise<void> }> {
    const { core, staticDir } = harness;
    const { port } = current;
    await current.close();
    let reconnected!: () => void;
    const pageIsBack = new Promise<void>((resolve) => (reconnected = resolve));
    current = await startWebServer({ core, staticDir, port, token, onConnections: (open) => open > 0 && reconnected() });
    return { pageIsBack };
  }

  const banner = (page: Page) => page.getByTestId('connection-banner');
  const bannerText = async (page: Page) => ((await banner(page).textContent()) ?? '').replace(/\s+/g, ' ').trim();
  /** Failed reconnect attempts and refused probes while the server was away; nothing else. */
  const unexpected = (problems: string[]) =>
    problems.filter((p) => !/WebSocket connection .* failed|Failed to load resource|ERR_CONNECTION_REFUSED/.test(p));

  test('hears library changes again after the server comes back on the same port', async () => {
    const { core } = harness;
    const { page, problems } = await harness.openApp();
    await page.getByTestId('empty-library').waitFor();

    const { pageIsBack } = await restart(current.token);
    await pageIsBack;
    await core.library.importFiles([{ name: 'After restart.wav', data: bounceWav() }]);
    await page.getByTestId('song-row').filter({ hasText: 'After restart' }).waitFor({ timeout: 20_000 });
    // The page reloads the library once it is back; a second song made after that can only
    // arrive through a live event subscription.
    const other = new Uint8Array(wavBytes({ seconds: 3, sampleRate: 16_000, channels: 1, frequency: 440, seed: 5 }));
    await core.library.importFiles([{ name: 'Heard by event.wav', data: other }]);
    await page.getByTestId('song-row').filter({ hasText: 'Heard by event' }).waitFor({ timeout: 20_000 });
    expect(unexpected(problems)).toEqual([]);
  }, 60_000);

  test('says the server stopped while it is gone, keeps the view, and works on after it is back, reload included', async () => {
    const { core } = harness;
    const songId = (await core.handlers['library:list-songs']({})).find((song) => song.name === 'After restart')!.id;
    const clip = await core.handlers['library:add-clip']({ songId, start: 2, end: 4.5, label: 'U', split: 'train', notes: '' });
    const { page, problems } = await harness.openApp();
    const address = `#/songs/${songId}/clips/${clip.id}`;
    // Page-side expressions as strings: the tests compile without the DOM's types.
    await page.evaluate(`location.hash = ${JSON.stringify(address)}`);
    await page.locator('[data-testid="editor-clip"][aria-current="true"]').waitFor();

    const { port, token } = current;
    await current.close();
    await banner(page).waitFor();
    expect(await bannerText(page)).toBe("Eureka's server stopped — reconnecting…");
    expect(await banner(page).getAttribute('data-state')).toBe('lost');
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'connection-banner.png') });

    let reconnected!: () => void;
    const pageIsBack = new Promise<void>((resolve) => (reconnected = resolve));
    current = await startWebServer({ core, staticDir: harness.staticDir, port, token, onConnections: (open) => open > 0 && reconnected() });
    await pageIsBack;
    await banner(page).waitFor({ state: 'detached' });
    expect(await page.evaluate('location.hash')).toBe(address);
    await page.locator('[data-testid="editor-clip"][aria-current="true"]').waitFor();

    // The same token and port: the page's session is still good, a reload too.
    await page.reload();
    await page.locator('[data-testid="editor-clip"][aria-current="true"]').waitFor();
    expect(await page.evaluate('location.hash')).toBe(address);
    expect(await banner(page).count()).toBe(0);
    expect(unexpected(problems)).toEqual([]);
  }, 60_000);

  test('tells a server restarted with another token from a stopped one', async () => {
    const { page, problems } = await harness.openApp();
    await page.getByTestId('song-row').first().waitFor();
    await restart('a-different-token-than-the-page-was-opened-with');
    await page.locator('[data-testid="connection-banner"][data-state="refused"]').waitFor({ timeout: 30_000 });
    expect(await bannerText(page)).toBe("Eureka's server was restarted with a new token: open the link eureka web printed.");
    expect(unexpected(problems).filter((p) => !/401/.test(p))).toEqual([]);
  }, 60_000);
});

/**
 * Web mode survives a server restart: the page's bridge reconnects by itself while the UI
 * listens for events, so a change made after the restart shows up without a reload.
 */
import { startWebServer, type WebServer } from '../../src-main/web/server.js';
import { bounceWav, startHarness, type Harness } from './harness.js';

describe('web mode UI: reconnecting', () => {
  let harness: Harness;
  let restarted: WebServer | undefined;

  beforeAll(async () => {
    harness = await startHarness();
  }, 180_000);

  afterAll(async () => {
    await restarted?.close();
    await harness?.dispose();
  });

  test('hears library changes again after the server comes back on the same port', async () => {
    const { core, server, staticDir } = harness;
    const { page, problems } = await harness.openApp();
    await page.getByTestId('empty-library').waitFor();

    await server.close();
    let reconnected!: () => void;
    const pageIsBack = new Promise<void>((resolve) => (reconnected = resolve));
    restarted = await startWebServer({
      core,
      staticDir,
      port: server.port,
      token: server.token,
      onConnections: (open) => open > 0 && reconnected(),
    });

    // Once the page's socket is back, change the library from the server side: only a live
    // event subscription can bring the song onto the page.
    await pageIsBack;
    await core.library.importFiles([{ name: 'After restart.wav', data: bounceWav() }]);
    await page.getByTestId('song-row').filter({ hasText: 'After restart' }).waitFor({ timeout: 20_000 });
    // The dropped socket may log one failed reconnect attempt; nothing else.
    expect(problems.filter((p) => !/WebSocket connection .* failed/.test(p))).toEqual([]);
  }, 60_000);
});

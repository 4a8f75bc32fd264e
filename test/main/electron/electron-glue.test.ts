import { jest } from '@jest/globals';
import { CHANNELS, EVENTS, ipcContract, type Envelope, type RendererBridge } from '../../../src-main/common/ipc-contract.js';
import { openTestLibrary, type TestLibrary } from '../../helpers/library.js';
import { wavBytes } from '../../helpers/signals.js';
import { createElectronDouble, FakeContents, type ElectronDouble } from './electron-double.js';

const double: ElectronDouble = createElectronDouble();
jest.unstable_mockModule('electron', () => double.module, { virtual: true });

const { registerIpc, forwardEvents } = await import('../../../src-main/ipc/register-ipc.js');
const { createMainWindow } = await import('../../../src-main/app/main-window.js');
await import('../../../src-renderer/preload/index.js');

describe('preload', () => {
  const bridge = () => double.exposed.get('eureka') as RendererBridge;

  it('exposes exactly one API object, window.eureka', () => {
    expect([...double.exposed.keys()]).toEqual(['eureka']);
    expect(Object.keys(bridge()).sort()).toEqual(['invoke', 'mediaUrl', 'on']);
  });

  it('forwards contract channels and refuses every other channel without touching IPC', async () => {
    double.invoked.length = 0;
    await bridge().invoke('library:list-songs', {});
    const refused = (await bridge().invoke('shell:open' as never, {})) as Envelope;
    expect(double.invoked).toEqual([{ channel: 'library:list-songs', request: {} }]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('subscribes only to contract events and unsubscribes', () => {
    const unsubscribe = bridge().on('library:did-change', () => {});
    expect(double.rendererListeners.get('library:did-change')?.size).toBe(1);
    unsubscribe();
    expect(double.rendererListeners.get('library:did-change')?.size).toBe(0);
    expect(() => bridge().on('ipc:anything' as never, () => {})).toThrow(/unknown event/);
  });

  it('builds media URLs from numeric ids only', () => {
    expect(bridge().mediaUrl({ kind: 'file', fileId: 12 })).toBe('eureka-media://media/file/12');
    expect(bridge().mediaUrl({ kind: 'preview', modelId: 3, scale: 2, preview: 'rec' })).toBe('eureka-media://media/preview/3/2/rec');
    expect(() => bridge().mediaUrl({ kind: 'file', fileId: -1 })).toThrow();
    expect(() => bridge().mediaUrl({ kind: 'file', fileId: '1/../../etc' } as never)).toThrow();
    expect(() => bridge().mediaUrl({ kind: 'path', path: '/etc/passwd' } as never)).toThrow();
  });
});

describe('IPC registration', () => {
  let lib: TestLibrary;
  beforeAll(async () => {
    lib = await openTestLibrary();
  });
  afterAll(async () => {
    await lib.close();
  });

  it('registers one handler per contract channel, validates input and refuses foreign frames', async () => {
    const unregister = registerIpc(lib.core, (_sender, url) => url.startsWith('file:///app/'));
    expect([...double.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    expect(CHANNELS.length).toBe(Object.keys(ipcContract).length);
    const call = (channel: string, request: unknown, url = 'file:///app/index.html') =>
      double.handlers.get(channel)!({ sender: {}, senderFrame: { url } }, request) as Promise<Envelope>;
    expect(await call('library:list-songs', {})).toEqual({ ok: true, value: [] });
    expect(await call('library:get-song', { songId: 'x' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call('library:list-songs', {}, 'https://evil.example/')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    unregister();
    expect(double.handlers.size).toBe(0);
  });

  it('forwards core events to the window until it is destroyed', async () => {
    const contents = new FakeContents();
    forwardEvents(lib.core, contents as never);
    expect(EVENTS).toContain('library:did-change');
    const songs = await lib.core.library.importFiles([{ name: 'a.wav', data: wavBytes({ seconds: 1, sampleRate: 8000, seed: 1 }) }]);
    expect(contents.sent.some((m) => m.event === 'library:did-change')).toBe(true);
    contents.destroyed = true;
    contents.emit('destroyed');
    const before = contents.sent.length;
    lib.core.library.renameSong(songs.files[0]!.songId, 'renamed');
    expect(contents.sent.length).toBe(before);
  });
});

describe('main window', () => {
  it('is sandboxed, isolated, without Node, and refuses navigation and new windows', () => {
    createMainWindow();
    const { options, contents, loaded } = double.windows.at(-1)!;
    expect(options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
    expect(String((options.webPreferences as { preload: string }).preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(loaded[0]).toMatch(/^file:\/\/.*renderer[\\/]index\.html$/);
    let prevented = false;
    contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

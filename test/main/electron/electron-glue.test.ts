import { jest } from '@jest/globals';
import {
  CHANNELS,
  DRAG_OUT_CHANNEL,
  EVENTS,
  ipcContract,
  type Envelope,
  type RendererBridge,
} from '../../../src-main/common/ipc-contract.js';
import type { Core } from '../../../src-main/core.js';
import { DRAG_ICON_SIZE, dragIconBitmap } from '../../../src-main/app/drag-icon.js';
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
    expect(Object.keys(bridge()).sort()).toEqual(['invoke', 'mediaUrl', 'on', 'startDrag']);
  });

  it('asks the main process to drag a take out by its id only', async () => {
    double.invoked.length = 0;
    await bridge().startDrag!(7);
    for (const bad of [-1, 0, 1.5, '7', { path: '/etc/passwd' }]) {
      expect(await bridge().startDrag!(bad as never)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(double.invoked).toEqual([{ channel: DRAG_OUT_CHANNEL, request: { takeId: 7 } }]);
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

describe('drag-out', () => {
  let lib: TestLibrary;
  beforeAll(async () => {
    lib = await openTestLibrary();
  });
  afterAll(async () => {
    await lib.close();
  });

  /** A window's contents that record the drags started from them. */
  const dragSource = () => {
    const drags: { file: string; icon: unknown }[] = [];
    return { drags, startDrag: (item: { file: string; icon: unknown }) => drags.push(item) };
  };
  const call = (sender: unknown, request: unknown, url = 'file:///app/index.html') =>
    double.handlers.get(DRAG_OUT_CHANNEL)!({ sender, senderFrame: { url } }, request) as Envelope;

  it('is registered only with an icon, and refuses foreign frames, bad requests and takes without audio', () => {
    registerIpc(lib.core, () => true)();
    expect(double.handlers.has(DRAG_OUT_CHANNEL)).toBe(false);
    const unregister = registerIpc(lib.core, (_sender, url) => url.startsWith('file:///app/'), () => 'icon' as never);
    const sender = dragSource();
    expect(call(sender, { takeId: 1 }, 'https://evil.example/')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(call(sender, { takeId: 'x' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(call(sender, { takeId: 1, file: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(call(sender, { takeId: 99 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(sender.drags).toEqual([]);
    unregister();
    expect(double.handlers.has(DRAG_OUT_CHANNEL)).toBe(false);
  });

  it("starts the drag of the take's own file from the window that asked", () => {
    const files: Record<number, string> = { 4: '/data/takes/2/take-4.wav' };
    const core = {
      ...lib.core,
      generation: { filePath: (takeId: number) => files[takeId] ?? '' },
    } as unknown as Core;
    const unregister = registerIpc(core, () => true, () => 'icon' as never);
    const sender = dragSource();
    expect(call(sender, { takeId: 4 })).toEqual({ ok: true, value: { started: true } });
    expect(sender.drags).toEqual([{ file: '/data/takes/2/take-4.wav', icon: 'icon' }]);
    unregister();
  });

  it('draws its icon: an opaque accent tile with rounded corners and dark bars in the middle', () => {
    const bitmap = dragIconBitmap();
    const size = DRAG_ICON_SIZE;
    expect(bitmap.length).toBe(size * size * 4);
    const pixel = (x: number, y: number) => [...bitmap.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
    expect(pixel(0, 0)).toEqual([0, 0, 0, 0]); // outside the rounded corner
    expect(pixel(size - 1, size - 1)).toEqual([0, 0, 0, 0]);
    expect(pixel(size / 2, 2)).toEqual([0xff, 0xa8, 0x6e, 0xff]); // tile, BGRA
    const middleRow = Array.from({ length: size }, (_, x) => pixel(x, size / 2));
    expect(middleRow.filter((p) => p[0] === 0x1f && p[2] === 0x08).length).toBe(18); // nine bars, 2 px each
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

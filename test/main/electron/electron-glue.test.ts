/**
 * The desktop glue against a stand-in `electron` (electron-double.ts): the preload's bridge,
 * IPC registration and its trust check (our origin, top frame only), the app:// and
 * eureka-media:// protocols (files inside their folder only, no symbolic links, the CSP on the
 * UI), the session's permission policy, and the window's lock-down.
 */
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';
import { createElectronDouble, FakeContents, FakeFrame, type ElectronDouble } from './electron-double.js';

const double: ElectronDouble = createElectronDouble();
jest.unstable_mockModule('electron', () => double.module, { virtual: true });

const { registerIpc, forwardEvents } = await import('../../../src-main/ipc/register-ipc.js');
const { createMainWindow, installSessionPolicy, isAppUrl, RENDERER_DIR } = await import('../../../src-main/app/main-window.js');
const { APP_ORIGIN, handleAppProtocol, registerSchemes } = await import('../../../src-main/app/app-protocol.js');
const { handleMediaProtocol, MEDIA_SCHEME } = await import('../../../src-main/app/media-protocol.js');
await import('../../../src-renderer/preload/index.js');

const APP_PAGE = 'app://eureka/index.html';
const POLICY_HTML = `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'"><title>Eureka</title>`;

/** An IPC event from `frame` of a window whose top frame shows `top`. */
function ipcEvent(top: string, frame: 'top' | 'embedded' = 'top'): { sender: FakeContents; senderFrame: FakeFrame } {
  const contents = new FakeContents(top);
  return { sender: contents, senderFrame: frame === 'top' ? contents.mainFrame : new FakeFrame(top) };
}

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
    // A rendered MIDI part is named by its rendering's hash, 64 hex digits, nothing else.
    expect(bridge().mediaUrl({ kind: 'rendered', renderId: 'ab'.repeat(32) })).toBe(`eureka-media://media/rendered/${'ab'.repeat(32)}`);
    expect(() => bridge().mediaUrl({ kind: 'rendered', renderId: `../${'a'.repeat(61)}` })).toThrow();
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

  it('registers one handler per contract channel, validates input and refuses foreign and embedded frames', async () => {
    const unregister = registerIpc(lib.core, (_sender, url) => isAppUrl(url));
    expect([...double.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    expect(CHANNELS.length).toBe(Object.keys(ipcContract).length);
    const call = (channel: string, request: unknown, event = ipcEvent(APP_PAGE)) =>
      double.handlers.get(channel)!(event, request) as Promise<Envelope>;
    expect(await call('library:list-songs', {})).toEqual({ ok: true, value: [] });
    expect(await call('library:get-song', { songId: 'x' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const unauthorized = { ok: false, error: { code: 'UNAUTHORIZED' } };
    expect(await call('library:list-songs', {}, ipcEvent('https://evil.example/'))).toMatchObject(unauthorized);
    // An iframe showing our own page in our own window is still not the window's top frame.
    expect(await call('library:list-songs', {}, ipcEvent(APP_PAGE, 'embedded'))).toMatchObject(unauthorized);
    expect(await call('library:list-songs', {}, { sender: new FakeContents(APP_PAGE), senderFrame: null } as never)).toMatchObject(unauthorized);
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
  /** A drag asked for by the top frame (or an embedded frame) of a window showing `url`. */
  const call = (source: { startDrag: unknown }, request: unknown, url = APP_PAGE, frame: 'top' | 'embedded' = 'top') => {
    const event = ipcEvent(url, frame);
    Object.assign(event.sender, source);
    return double.handlers.get(DRAG_OUT_CHANNEL)!(event, request) as Envelope;
  };

  it('is registered only with an icon, and refuses foreign frames, bad requests and takes without audio', () => {
    registerIpc(lib.core, () => true)();
    expect(double.handlers.has(DRAG_OUT_CHANNEL)).toBe(false);
    const unregister = registerIpc(lib.core, (_sender, url) => isAppUrl(url), () => 'icon' as never);
    const sender = dragSource();
    expect(call(sender, { takeId: 1 }, 'https://evil.example/')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(call(sender, { takeId: 1 }, APP_PAGE, 'embedded')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
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
      takes: { filePath: (takeId: number) => files[takeId] ?? '' },
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
  it('is sandboxed, isolated, without Node, loads app://, and refuses navigation, new windows and external links', () => {
    createMainWindow();
    const { options, contents, loaded } = double.windows.at(-1)!;
    expect(options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
    expect(String((options.webPreferences as { preload: string }).preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(loaded).toEqual([APP_PAGE]);
    const navigates = (url: string): boolean => {
      let prevented = false;
      contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
      return !prevented;
    };
    expect(navigates('app://eureka/index.html#/rate/3')).toBe(true);
    for (const url of ['https://evil.example/', 'app://eureka.evil.example/', `file://${RENDERER_DIR}/index.html`]) expect(navigates(url)).toBe(false);
    for (const url of ['https://evil.example/', 'https://github.com/', 'mailto:a@b.c', 'file:///etc/passwd']) {
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(double.openedExternally).toEqual([]);
  });

  it('trusts its own origin exactly, not a longer name or folder that starts the same', () => {
    for (const url of [APP_PAGE, 'app://eureka/', 'app://eureka/assets/index.js']) expect([url, isAppUrl(url)]).toEqual([url, true]);
    const lookalikes = [
      'app://eureka.evil.example/index.html',
      'app://eurekas/index.html',
      'app://evil/eureka/index.html',
      `file://${RENDERER_DIR}/index.html`,
      `file://${RENDERER_DIR}-evil/index.html`,
      'https://eureka/index.html',
      'not a url',
    ];
    for (const url of lookalikes) expect([url, isAppUrl(url)]).toEqual([url, false]);
    const before = process.env.ELECTRON_RENDERER_URL;
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173';
    try {
      expect(isAppUrl('http://localhost:5173/index.html')).toBe(true);
      for (const url of ['http://localhost:51730/', 'http://localhost:5173.evil.example/', APP_PAGE]) expect([url, isAppUrl(url)]).toEqual([url, false]);
    } finally {
      if (before === undefined) delete process.env.ELECTRON_RENDERER_URL;
      else process.env.ELECTRON_RENDERER_URL = before;
    }
  });
});

describe('session policy', () => {
  it('denies every permission, asked for or checked, and puts the built page CSP on responses', async () => {
    const dir = await makeTempDir();
    try {
      await writeFile(path.join(dir, 'index.html'), POLICY_HTML);
      const policy = await installSessionPolicy(dir);
      expect(policy).toBe("default-src 'self'; script-src 'self'; frame-ancestors 'none'");
      for (const permission of ['media', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen']) {
        const granted: boolean[] = [];
        double.permissionRequestHandler?.({}, permission, (answer: boolean) => granted.push(answer), {});
        expect([permission, granted]).toEqual([permission, [false]]);
        expect([permission, double.permissionCheckHandler?.({}, permission, APP_ORIGIN, {})]).toEqual([permission, false]);
      }
      let headers: unknown;
      double.headersHook?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, (answer: { responseHeaders: unknown }) => (headers = answer.responseHeaders));
      expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [policy] });
    } finally {
      await removeDir(dir);
    }
  });
});

describe('app:// protocol', () => {
  let root: string;
  let rendererDir: string;
  const serve = (url: string) => double.protocols.get('app')!({ url });

  beforeAll(async () => {
    root = await makeTempDir();
    rendererDir = path.join(root, 'renderer');
    await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
    await writeFile(path.join(rendererDir, 'index.html'), POLICY_HTML);
    await writeFile(path.join(rendererDir, 'assets', 'index.js'), 'console.log(1)');
    await writeFile(path.join(root, 'secret.txt'), 'outside the renderer');
    await mkdir(path.join(root, 'renderer-evil'));
    await writeFile(path.join(root, 'renderer-evil', 'index.html'), 'a folder whose name starts the same');
    await symlink(path.join(root, 'secret.txt'), path.join(rendererDir, 'assets', 'linked.js'));
    handleAppProtocol(rendererDir, 'the policy');
  });
  afterAll(async () => {
    await removeDir(root);
  });

  it('is registered, before ready, as a standard secure scheme beside eureka-media', () => {
    registerSchemes();
    const schemes = double.privilegedSchemes.at(-1)!;
    expect(schemes.map((entry) => entry.scheme).sort()).toEqual(['app', MEDIA_SCHEME].sort());
    expect(schemes.find((entry) => entry.scheme === 'app')?.privileges).toEqual({ standard: true, secure: true, supportFetchAPI: true });
  });

  it('serves the built UI with its CSP and content type', async () => {
    for (const [url, type, text] of [
      [APP_PAGE, 'text/html; charset=utf-8', '<title>Eureka</title>'],
      ['app://eureka/', 'text/html; charset=utf-8', '<title>Eureka</title>'],
      ['app://eureka/assets/index.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
    ] as const) {
      const response = await serve(url);
      expect([url, response.status, response.headers.get('content-type'), response.headers.get('content-security-policy')]).toEqual([url, 200, type, 'the policy']);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain(text);
    }
  });

  it('serves nothing outside the renderer folder, through a link, of another host, or a folder', async () => {
    for (const url of [
      'app://eureka/%2e%2e/secret.txt',
      'app://eureka/..%2fsecret.txt',
      'app://eureka/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://eureka/%2e%2e/renderer-evil/index.html',
      'app://eureka/assets/linked.js',
      'app://eureka/assets',
      'app://eureka/missing.js',
      'app://eureka/%E0%A4%A',
      'app://other/index.html',
    ]) {
      const response = await serve(url);
      expect([url, response.status]).toEqual([url, 404]);
      expect(await response.text()).not.toMatch(/outside|starts the same/);
    }
  });
});

describe('eureka-media:// protocol', () => {
  let lib: TestLibrary;
  beforeAll(async () => {
    lib = await openTestLibrary();
    handleMediaProtocol(lib.core, APP_ORIGIN);
  });
  afterAll(async () => {
    await lib.close();
  });
  const serve = (url: string) => double.protocols.get(MEDIA_SCHEME)!({ url, headers: new Headers() });

  it("streams a file's audio to the app's origin, and nothing through a symbolic link", async () => {
    const imported = await lib.core.library.importFiles([{ name: 'a.wav', data: wavBytes({ seconds: 1, sampleRate: 8_000, seed: 4 }) }]);
    const fileId = imported.files[0]!.id;
    const file = lib.core.library.playbackPath(fileId);
    const served = await serve(`eureka-media://media/file/${fileId}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(Buffer.from(await served.arrayBuffer()).subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(double.netFetched.at(-1)).toBe(pathToFileURL(file).href);

    const outside = await makeTempDir('eureka-outside-');
    try {
      await writeFile(path.join(outside, 'passwd'), 'root:x:0:0');
      await rename(file, `${file}.moved`);
      await symlink(path.join(outside, 'passwd'), file);
      const fetchedBefore = double.netFetched.length;
      for (const url of [`eureka-media://media/file/${fileId}`, `eureka-media://elsewhere/file/${fileId}`, 'eureka-media://media/file/999']) {
        expect([url, (await serve(url)).status]).toEqual([url, 404]);
      }
      expect(double.netFetched.length).toBe(fetchedBefore);
      await rm(file);
      await rename(`${file}.moved`, file);
    } finally {
      await removeDir(outside);
    }
  });
});

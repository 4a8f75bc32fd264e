/**
 * The preload: exposes exactly the contract as `window.eureka` and nothing else. Channels and
 * events are checked against the contract's allow-lists (a compromised page cannot reach any
 * other IPC channel); answers are plain envelopes because classes do not cross contextBridge.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isChannel, isEventName, type Envelope, type RendererBridge } from '../../src-main/common/ipc-contract.js';
import { mediaPath, mediaRefSchema } from '../../src-main/common/media.js';

const bridge: RendererBridge = {
  invoke(channel, request) {
    if (!isChannel(channel)) {
      return Promise.resolve<Envelope>({ ok: false, error: { code: 'INVALID_INPUT', message: `unknown channel ${String(channel)}` } });
    }
    return ipcRenderer.invoke(channel, request) as Promise<Envelope>;
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`unknown event ${String(event)}`);
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
  mediaUrl(ref) {
    const parsed = mediaRefSchema.safeParse(ref);
    if (!parsed.success) throw new Error('invalid media reference');
    return `eureka-media://media/${mediaPath(parsed.data)}`;
  },
};

contextBridge.exposeInMainWorld('eureka', bridge);

/**
 * The preload: exposes exactly the contract as `window.eureka` and nothing else. Channels and
 * events are checked against the contract's allow-lists (a compromised page cannot reach any
 * other IPC channel); answers are plain envelopes because classes do not cross contextBridge.
 * Besides the channels, `startDrag(takeId)` asks the main process to drag a take's file out
 * (only a take id crosses; the main side finds the file, so the page cannot name a path).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  DRAG_OUT_CHANNEL,
  dragOutRequestSchema,
  isChannel,
  isEventName,
  type Envelope,
  type RendererBridge,
} from '../../src-main/common/ipc-contract.js';
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
  startDrag(takeId) {
    const parsed = dragOutRequestSchema.safeParse({ takeId });
    if (!parsed.success) {
      return Promise.resolve<Envelope>({ ok: false, error: { code: 'INVALID_INPUT', message: 'not a take id' } });
    }
    return ipcRenderer.invoke(DRAG_OUT_CHANNEL, parsed.data) as Promise<Envelope>;
  },
};

contextBridge.exposeInMainWorld('eureka', bridge);

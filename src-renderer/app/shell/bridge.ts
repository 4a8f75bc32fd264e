/**
 * Picks the bridge for this host: the preload's `window.eureka` in Electron, otherwise the
 * WebSocket bridge of web mode. The rest of the renderer never knows which one it got.
 */
import type { RendererBridge } from '@common/ipc-contract.js';
import type { ConnectionState } from './connection.svelte.js';
import type { PageSession } from './page-session.js';
import { createWebBridge } from './web-bridge.js';

declare global {
  interface Window {
    /** Exposed by src-renderer/preload through contextBridge; absent in a plain browser. */
    readonly eureka?: RendererBridge;
  }
}

/**
 * The preload's bridge if there is one, else a web bridge to the page's own origin with the
 * page's key, whose connection `onConnection` follows (the preload's never drops).
 */
export function resolveBridge(
  onFault: (message: string) => void,
  page: PageSession,
  onConnection?: (state: ConnectionState) => void,
): RendererBridge {
  return window.eureka ?? createWebBridge(window.location, onFault, page.key, onConnection);
}

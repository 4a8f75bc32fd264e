/**
 * Whether web mode's server can be reached, for the banner that says so. The web bridge reports
 * each change (web-bridge.ts: it notices a closed socket at once, and a silent one — a server
 * machine asleep, a dead tunnel — when its heartbeat stops); the desktop app's preload never
 * loses its main process, so there the state stays 'open'. When the server is back, whoever
 * asked hears it and reloads what may have changed meanwhile (events sent while the socket was
 * down are lost).
 */

/**
 * 'open': connected (or not yet tried); 'lost': the server is gone, the bridge keeps retrying;
 * 'refused': a server answers but no longer accepts this page (it was restarted with another
 * token), so only the link `eureka web` printed opens it again.
 */
export type ConnectionState = 'open' | 'lost' | 'refused';

export class ConnectionStore {
  state = $state<ConnectionState>('open');
  readonly #onBack: (() => void)[] = [];

  /** What the bridge saw. */
  set(state: ConnectionState): void {
    const wasDown = this.state !== 'open';
    this.state = state;
    if (wasDown && state === 'open') for (const listener of this.#onBack) listener();
  }

  /** Calls `listener` each time the server is reached again after it was gone. */
  onReconnect(listener: () => void): void {
    this.#onBack.push(listener);
  }
}

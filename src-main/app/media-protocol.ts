/**
 * `eureka-media://file/<id>`: streams a file's playback WAV from the store to the sandboxed
 * renderer (which cannot read files). Only numeric ids resolve, through the library, so no
 * request can name a path.
 */
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import type { Core } from '../core.js';

export const MEDIA_SCHEME = 'eureka-media';

/** Must run before the app is ready. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
  ]);
}

export function handleMediaProtocol(core: Core): void {
  protocol.handle(MEDIA_SCHEME, (request) => {
    const url = new URL(request.url);
    const match = /^\/(\d{1,12})$/.exec(url.pathname);
    if (url.hostname !== 'file' || !match) return new Response('not found', { status: 404 });
    let file: string;
    try {
      file = core.library.playbackPath(Number(match[1]));
    } catch {
      return new Response('not found', { status: 404 });
    }
    // net.fetch of a file: URL honours Range headers, which seeking in <audio> needs.
    return net.fetch(pathToFileURL(file).href, { headers: request.headers });
  });
}

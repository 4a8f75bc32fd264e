/**
 * `eureka-media://media/<path>`: streams audio the core owns (a file's playback WAV, a training
 * preview) to the sandboxed renderer, which cannot read files. Paths are parsed into a
 * {@link MediaRef} of numeric ids and resolved by the core, so no request can name a path.
 */
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { parseMediaPath } from '../common/media.js';
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
    const ref = url.hostname === 'media' ? parseMediaPath(url.pathname.slice(1)) : null;
    if (!ref) return new Response('not found', { status: 404 });
    let file: string;
    try {
      file = core.mediaFile(ref);
    } catch {
      return new Response('not found', { status: 404 });
    }
    // net.fetch of a file: URL honours Range headers, which seeking in <audio> needs.
    return net.fetch(pathToFileURL(file).href, { headers: request.headers });
  });
}

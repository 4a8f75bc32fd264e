/**
 * `eureka-media://media/<path>`: streams audio the core owns (a file's playback WAV, a training
 * preview, a rating item) to the sandboxed renderer, which cannot read files. Paths are parsed
 * into a {@link MediaRef} of numeric ids (or an opaque rating token) and resolved by the core,
 * so no request can name a path; the file must then lie inside the data folder with no
 * symbolic link on the way (web/media-file.ts). The UI's origin may read the answers with
 * fetch() (the rater screen does): they allow that one origin and no other.
 */
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { parseMediaPath } from '../common/media.js';
import type { Core } from '../core.js';
import { mediaPathInside } from '../web/media-file.js';

export const MEDIA_SCHEME = 'eureka-media';

/** `uiOrigin`: the origin the UI is served from (app://eureka, or the dev server's). */
export function handleMediaProtocol(core: Core, uiOrigin: string): void {
  const notFound = (): Response => new Response('not found', { status: 404 });
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    const ref = url.hostname === 'media' ? parseMediaPath(url.pathname.slice(1)) : null;
    if (!ref) return notFound();
    let file: string | null;
    try {
      file = await mediaPathInside(core.dataDir, core.mediaFile(ref));
    } catch {
      return notFound();
    }
    if (file === null) return notFound();
    // net.fetch of a file: URL honours Range headers, which seeking in <audio> needs.
    const answer = await net.fetch(pathToFileURL(file).href, { headers: request.headers });
    const headers = new Headers(answer.headers);
    headers.set('Access-Control-Allow-Origin', uiOrigin);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers });
  });
}

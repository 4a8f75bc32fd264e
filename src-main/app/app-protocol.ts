/**
 * `app://eureka/…`: the desktop UI's own origin. Loaded from `file://`, the page's CSP `'self'`
 * would match every file: URL on the disk; under a custom standard, secure scheme `'self'` is
 * this one origin, whose handler serves only regular files inside the built renderer folder
 * (no `..`, no symbolic links), each with the built page's Content-Security-Policy header.
 *
 * Both of Eureka's schemes are registered here, in one call before the app is ready (a second
 * `registerSchemesAsPrivileged` call would replace the first).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { protocol } from 'electron';
import { contentTypeOf } from '../web/content-types.js';
import { mediaPathInside } from '../web/media-file.js';
import { MEDIA_SCHEME } from './media-protocol.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'eureka';
/** The UI's origin: what CSP 'self', the IPC trust check and navigation allow. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** Must run before the app is ready. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    // The rater screen fetch()es its items from the app origin: a CORS request (media-protocol.ts answers it).
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

/** The file an app:// URL names inside `rendererDir` ("/" is index.html), or null. */
export async function appFile(rendererDir: string, url: string): Promise<string | null> {
  let relative: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
    relative = parsed.pathname === '/' ? 'index.html' : decodeURIComponent(parsed.pathname).replace(/^\/+/, '');
  } catch {
    return null; // not a URL, or malformed percent-encoding
  }
  const file = path.resolve(rendererDir, relative);
  return mediaPathInside(rendererDir, file);
}

/** Serves the built UI under {@link APP_ORIGIN}, each response carrying `policy` (the built page's CSP). */
export function handleAppProtocol(rendererDir: string, policy: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = await appFile(rendererDir, request.url);
    const body = file === null ? null : await readFile(file).catch(() => null);
    if (file === null || body === null) {
      return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    }
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': contentTypeOf(file),
        'Content-Security-Policy': policy,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      },
    });
  });
}

/**
 * What a browser sees when web mode turns it away (no session, a wrong token, a rater link that
 * no longer works): a small page in the app's dark look that says what happened and what to do,
 * rather than a line of plain text. It stands alone — its style and logo inline, no script,
 * nothing fetched — and carries a Content-Security-Policy of its own that allows its one style
 * block by hash and nothing else, so it is as locked down as the app's pages.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

const STYLE = `
:root { color-scheme: dark; }
body {
  display: grid; place-items: center; min-height: 100vh; margin: 0; padding: 24px;
  background: #0d0f13; color: #e7e9ee;
  font: 15px/1.5 'Inter', 'Segoe UI', system-ui, -apple-system, 'Helvetica Neue', Arial, sans-serif;
}
main {
  max-width: 460px; padding: 28px 32px; border: 1px solid #2a313d; border-radius: 8px;
  background: #13161c; box-shadow: 0 10px 30px rgb(0 0 0 / 0.45);
}
.brand { display: flex; align-items: center; gap: 9px; margin-bottom: 18px; font-weight: 700; font-size: 16px; }
svg { width: 24px; height: 24px; fill: #2ec4a6; }
svg rect:nth-child(3) { fill: #f2a93b; }
h1 { margin: 0 0 8px; font-size: 19px; font-weight: 650; }
p { margin: 0; color: #c2c8d2; }
code { padding: 1px 5px; border-radius: 4px; background: #252b36; color: #e7e9ee; font-size: 13.5px; }
`;

const POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const LOGO =
  '<svg viewBox="0 0 32 32" aria-hidden="true"><rect x="3" y="13" width="3" height="6" rx="1.5"/>' +
  '<rect x="8.5" y="8" width="3" height="16" rx="1.5"/><rect x="14" y="4" width="3" height="24" rx="1.5"/>' +
  '<rect x="19.5" y="10" width="3" height="12" rx="1.5"/><rect x="25" y="14" width="3" height="4" rx="1.5"/></svg>';

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The page for `message`, a sentence in which `backquoted` words are commands to type. */
export function refusalPageHtml(message: string): string {
  const body = escapeHtml(message).replace(/`([^`]+)`/g, '<code>$1</code>');
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Eureka: not open to this browser</title>' +
    `<style>${STYLE}</style></head><body><main><div class="brand">${LOGO}Eureka</div>` +
    `<h1>Not open to this browser</h1><p>${body}</p></main></body></html>`
  );
}

/** Sends the refusal page with its own policy; `status` is the refusal's (401). */
export function sendRefusalPage(response: ServerResponse, status: number, message: string): void {
  const html = refusalPageHtml(message);
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Content-Security-Policy': POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  response.end(html);
}

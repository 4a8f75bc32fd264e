/**
 * The page web mode shows a browser it turns away: styled HTML, not plain text, allowed its one
 * inline style by the hash in its own Content-Security-Policy (and nothing else: no script, no
 * fetch), with the sentence escaped. Over real HTTP against the real server, for each refusal:
 * no session, a wrong token, a rater link that is not valid.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { refusalPageHtml } from '../../../src-main/web/refusal-page.js';
import { startWebServer, type WebServer } from '../../../src-main/web/server.js';
import { openTestLibrary, type TestLibrary } from '../../helpers/library.js';

/** The inline style block's CSP source: 'sha256-…' of its exact text. */
function styleSource(html: string): string {
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
  if (style === undefined) throw new Error('the page has no style block');
  return `'sha256-${createHash('sha256').update(style).digest('base64')}'`;
}

describe('the refusal page', () => {
  it('escapes the sentence and shows the commands in it as code', () => {
    const html = refusalPageHtml('Open <b>"it"</b> & run `eureka web`.');
    expect(html).toContain('<p>Open &lt;b&gt;&quot;it&quot;&lt;/b&gt; &amp; run <code>eureka web</code>.</p>');
    expect(html).not.toMatch(/<script|<link|src=|href=/i);
  });

  describe('over HTTP', () => {
    let lib: TestLibrary;
    let server: WebServer;
    let origin: string;

    beforeAll(async () => {
      lib = await openTestLibrary();
      const staticDir = path.join(lib.dir, 'static');
      await mkdir(staticDir, { recursive: true });
      await writeFile(
        path.join(staticDir, 'index.html'),
        `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'self'"><title>Eureka</title>`,
      );
      server = await startWebServer({ core: lib.core, staticDir });
      origin = `http://127.0.0.1:${server.port}`;
    });
    afterAll(async () => {
      await server.close();
      await lib.close();
    });

    it.each([
      ['no session', '/', /needs the token: open the URL that <code>eureka web<\/code> printed/],
      ['a wrong token', `/?token=${'0'.repeat(64)}`, /token is not this server’s/],
      ['a rater link that is not valid', `/?rater=1.${'0'.repeat(64)}`, /This rater link is not valid \(any more\): ask for a new one\./],
    ])('%s gets a styled page its own policy allows, and a 401', async (_case, url, sentence) => {
      const response = await fetch(`${origin}${url}`, { redirect: 'manual' });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await response.text();
      expect(html).toMatch(sentence);
      expect(html).toContain('<h1>Not open to this browser</h1>');
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy.split('; ')).toEqual([
        "default-src 'none'",
        `style-src ${styleSource(html)}`,
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ]);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('set-cookie')).toBeNull();
    });
  });
});

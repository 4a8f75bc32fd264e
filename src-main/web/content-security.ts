/**
 * The Content-Security-Policy has one source: the meta tag in src-renderer/index.html, whose
 * style hash the renderer build checks against the installed wavesurfer.js. Web mode sends it
 * as a header and the Electron session adds it to every response, both read from the built
 * index.html, plus `frame-ancestors 'none'` (which browsers honour only as a header).
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../common/errors.js';

const META = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i;

/** The policy in a built index.html, as a response header value. */
export function headerPolicyFromHtml(html: string): string {
  const policy = META.exec(html)?.[1];
  if (!policy) throw new AppError('INTERNAL', 'the built UI has no Content-Security-Policy meta tag (rebuild it)');
  const directives = policy.split(';').map((directive) => directive.trim()).filter(Boolean);
  if (!directives.some((directive) => directive.startsWith('frame-ancestors'))) directives.push("frame-ancestors 'none'");
  return directives.join('; ');
}

export async function readHeaderPolicy(indexHtmlPath: string): Promise<string> {
  let html: string;
  try {
    html = await readFile(indexHtmlPath, 'utf8');
  } catch {
    throw new AppError('INTERNAL', `the UI is not built (${indexHtmlPath} is missing): run npm run build`);
  }
  return headerPolicyFromHtml(html);
}

import { readFileSync } from 'node:fs';
import { APP_VERSION } from '../../src-main/version.js';

it('APP_VERSION matches package.json', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  expect(APP_VERSION).toBe(manifest.version);
});

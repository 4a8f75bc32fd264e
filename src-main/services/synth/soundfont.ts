/**
 * The General MIDI sound: GeneralUser GS (the `generaluser` package) played by spessasynth_core.
 * Both are found through Node's package resolution from Eureka's own package.json, so the same
 * lookup works from the TypeScript sources (jest), tsc's out/node (CLI) and electron-vite's
 * out/main bundle (app), whichever folder the calling module lies in.
 *
 * GeneralUser GS is © S. Christian Collins, free to use in music and software (the package's
 * LICENSE.txt; docs/midi.md "Hearing MIDI").
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SoundBankLoader, type BasicSoundBank } from 'spessasynth_core';
import { AppError } from '../../common/errors.js';
import { packagePath } from '../../node/package-root.js';

/** Bumped when renderMusic changes what it makes of the same music (a new cache key for every part). */
const RENDER_RECIPE = 1;

const resolveFromPackage = (specifier: string): string => createRequire(packagePath('package.json')).resolve(specifier);

/** The SoundFont file (the `generaluser` package's main file is the .sf2). */
export function soundFontPath(): string {
  try {
    return resolveFromPackage('generaluser');
  } catch {
    throw new AppError('INTERNAL', 'the General MIDI sound (the generaluser package) is not installed');
  }
}

function versionOf(packageName: string): string {
  const manifest = resolveFromPackage(`${packageName}/package.json`);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

let version: string | undefined;

/**
 * What made a rendering: the synth, the SoundFont and our recipe, e.g.
 * "spessasynth_core 4.3.22, generaluser 1.47.1, recipe 1". Part of every cached WAV's key, so an
 * upgrade of either package renders parts again instead of playing stale audio.
 */
export function synthVersion(): string {
  version ??= `spessasynth_core ${versionOf('spessasynth_core')}, generaluser ${versionOf('generaluser')}, recipe ${RENDER_RECIPE}`;
  return version;
}

let bank: BasicSoundBank | undefined;

/**
 * The parsed SoundFont, read once per thread (31 MB; about a tenth of a second to parse): each
 * rendering makes a fresh synth over this bank, so no state passes from one part to the next.
 */
export function loadSoundBank(): BasicSoundBank {
  if (bank) return bank;
  const file = soundFontPath();
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new AppError('INTERNAL', `cannot read the General MIDI sound ${path.basename(file)}: ${(error as Error).message}`);
  }
  bank = SoundBankLoader.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return bank;
}

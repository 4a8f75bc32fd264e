/**
 * Export names: every hostile or awkward name becomes one safe path component (no separators,
 * no "..", no Windows device names, no control characters, no trailing dots or spaces), Unicode
 * survives (NFC, graphemes never split), and names stay unique on case-insensitive disks.
 */
import path from 'node:path';
import { MAX_NAME_BYTES, nameKey, sanitizeName, truncateUtf8, uniqueNames } from '../../../../src-main/services/export/export-names.js';

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

describe('sanitizeName', () => {
  it.each([
    ['Verse idea 3', 'Verse idea 3'],
    ['../../etc/passwd', '-..-etc-passwd'],
    ['..', 'Untitled'],
    ['.hidden', 'hidden'],
    ['a\\b/c', 'a-b-c'],
    ['what? <yes> "no" | maybe: *', 'what- -yes- -no- - maybe - -'],
    ['Eureka demo: Night Drive', 'Eureka demo - Night Drive'],
    ['10:30 take', '10-30 take'],
    ['tab\there\u0000nul\u001besc\u0085', 'tabherenulesc'],
    ['trailing dots...', 'trailing dots'],
    ['  spaced  ', 'spaced'],
    ['CON', 'CON_'],
    ['con.wav', 'con_.wav'],
    ['Lpt9', 'Lpt9_'],
    ['COM¹', 'COM¹_'],
    ['nul .txt', 'nul_.txt'],
    ['CONSOLE', 'CONSOLE'],
    ['AUX2', 'AUX2'],
    ['', 'Untitled'],
    ['\u0001\u0002', 'Untitled'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeName(input)).toBe(expected);
  });

  it('never leaves a name that path.join can escape with', () => {
    for (const hostile of ['..', '../x', 'x/../../y', '..\\..\\y', '/abs', 'C:\\Windows', '~/x', '. .', '...']) {
      const name = sanitizeName(hostile);
      expect(path.dirname(path.join('/root/export', name))).toBe('/root/export');
      expect(name).not.toMatch(/[/\\:]/);
      expect(name).not.toBe('..');
    }
  });

  it('drops bidi controls, which make a name read as something else', () => {
    expect(sanitizeName('Take\u202Evaw.exe')).toBe('Takevaw.exe');
    expect(sanitizeName('\u2067Verse\u2069 \u200Fidea\u200E\u061C')).toBe('Verse idea');
    expect(sanitizeName('\u202E\u202D', 'Song')).toBe('Song');
  });

  it('keeps Unicode and emoji, normalised to NFC', () => {
    expect(sanitizeName('Café del Mar 🎸')).toBe('Café del Mar 🎸');
    const decomposed = 'Cafe\u0301';
    expect(sanitizeName(decomposed)).toBe('Caf\u00e9');
    expect(sanitizeName('Привет, 世界 👩‍👩‍👧')).toBe('Привет, 世界 👩‍👩‍👧');
  });

  it(`cuts long names to ${MAX_NAME_BYTES} bytes without splitting a grapheme`, () => {
    const family = '👩‍👩‍👧'; // 18 bytes, one grapheme
    const long = family.repeat(20);
    const cut = sanitizeName(long);
    expect(utf8Bytes(cut)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(cut).toBe(family.repeat(Math.floor(MAX_NAME_BYTES / utf8Bytes(family))));
    expect(truncateUtf8('aé', 2)).toBe('a');
  });

  it('uses the fallback when nothing printable is left, itself sanitised', () => {
    expect(sanitizeName('///', 'Song')).toBe('---');
    expect(sanitizeName('...', 'CON')).toBe('CON_');
  });
});

describe('uniqueNames', () => {
  it('numbers repeats, ignoring case and what sanitising changes', () => {
    expect(uniqueNames(['Take 1', 'take 1', 'Take 1', 'a/b', 'a-b', 'Take 1 2'])).toEqual([
      'Take 1',
      'take 1 2',
      'Take 1 3',
      'a/b',
      'a-b 2',
      'Take 1 2 2',
    ]);
  });

  it('gives names whose sanitised forms are distinct even at the length limit', () => {
    const long = 'x'.repeat(300);
    const names = uniqueNames([long, long, long]);
    const files = names.map((name) => nameKey(sanitizeName(name)));
    expect(new Set(files).size).toBe(3);
    for (const file of files) expect(utf8Bytes(file)).toBeLessThanOrEqual(MAX_NAME_BYTES);
  });

  it('avoids names already taken', () => {
    expect(uniqueNames(['Source clip'], ['source CLIP'])).toEqual(['Source clip 2']);
  });
});

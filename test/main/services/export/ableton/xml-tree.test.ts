/**
 * The XML emitter: Live's layout (tabs, `<X Value="…" />`), escaping of user-typed names (read
 * back with an independent parser), and numbers without exponents.
 */
import { el, escapeAttribute, formatValue, group, serializeDocument, value } from '../../../../../src-main/services/export/ableton/xml-tree.js';
import { parseXml } from './als-structure.js';

describe('serializeDocument', () => {
  it('writes Live\'s layout: declaration, tab indentation, self-closing empty elements', () => {
    const xml = serializeDocument(el('Ableton', { MajorVersion: '5' }, [group('LiveSet', [value('Tempo', 120), group('Tracks', [])])]));
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Ableton MajorVersion="5">',
        '\t<LiveSet>',
        '\t\t<Tempo Value="120" />',
        '\t\t<Tracks />',
        '\t</LiveSet>',
        '</Ableton>',
        '',
      ].join('\n'),
    );
  });

  it('keeps attributes in the order given', () => {
    expect(serializeDocument(el('WarpMarker', { Id: 1, SecTime: 2.5, BeatTime: 5 }))).toContain('<WarpMarker Id="1" SecTime="2.5" BeatTime="5" />');
  });
});

describe('escapeAttribute', () => {
  it.each([
    'Take <1> & "two"',
    "it's ★ été 🎸",
    'tab\tnew\nline\rreturn',
    'a > b & c < d',
  ])('round-trips %j through an independent parser', (name) => {
    const { root } = parseXml(serializeDocument(value('Name', name)));
    const parsed = root.attributes.Value!;
    // Numeric character references are left to the parser's entity setting; compare decoded.
    const decoded = parsed.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
    expect(decoded).toBe(name);
  });

  it('escapes markup characters and whitespace that attribute normalisation would eat', () => {
    expect(escapeAttribute('<a & "b">\t\n\r')).toBe('&lt;a &amp; &quot;b&quot;&gt;&#9;&#10;&#13;');
  });

  it('drops characters XML 1.0 cannot carry (C0 controls, lone surrogates, U+FFFE/U+FFFF)', () => {
    expect(escapeAttribute('a\u0000b\u0007c\u001fd\ud800e\ufffef\uffffg')).toBe('abcdefg');
    expect(escapeAttribute('pair 🎸 kept')).toBe('pair 🎸 kept');
  });
});

describe('formatValue', () => {
  it.each<[number | boolean | string, string]>([
    [true, 'true'],
    [false, 'false'],
    [120, '120'],
    [-0, '0'],
    [92.5, '92.5'],
    [0.0003162277571, '0.0003162277571'],
    [1e-7, '0.0000001'],
    [-63072000, '-63072000'],
    [1e21, '1000000000000000000000'],
    ['x', 'x'],
  ])('%p → %s', (input, expected) => {
    expect(formatValue(input)).toBe(expected);
  });

  it.each([NaN, Infinity, -Infinity])('refuses %p', (input) => {
    expect(() => formatValue(input)).toThrow(/cannot write/);
  });
});

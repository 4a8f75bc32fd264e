/**
 * A tiny XML tree and serializer that writes text the way Ableton Live saves a set: tab
 * indentation, one element per line, `<Name Value="…" />` for empty elements, attributes in the
 * order given, UTF-8 with the standard declaration.
 *
 * Why our own emitter rather than an npm XML builder: Live's files use one fixed, very regular
 * style; matching it byte for byte (and being sure of the escaping of user-typed names) takes
 * ~80 lines here, while a builder would add a dependency whose formatting options we would
 * still have to pin and test. The structure tests parse our output with fast-xml-parser, an
 * independent parser.
 */

/** An attribute value; numbers are written without exponents, booleans as "true"/"false". */
export type XmlValue = string | number | boolean;

export interface XmlElement {
  readonly name: string;
  /** Attribute name → value, written in insertion order. */
  readonly attributes: Readonly<Record<string, XmlValue>>;
  readonly children: readonly XmlElement[];
}

/** An element with attributes and children. */
export function el(name: string, attributes: Record<string, XmlValue> = {}, children: readonly XmlElement[] = []): XmlElement {
  return { name, attributes, children };
}

/** An element with only children (the most common container shape in a Live set). */
export function group(name: string, children: readonly XmlElement[]): XmlElement {
  return el(name, {}, children);
}

/** `<Name Value="v" />`: how Live stores almost every scalar. */
export function value(name: string, v: XmlValue): XmlElement {
  return el(name, { Value: v });
}

/** The whole document: declaration, then the root element, then a final newline. */
export function serializeDocument(root: XmlElement): string {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  writeElement(root, 0, lines);
  return `${lines.join('\n')}\n`;
}

function writeElement(element: XmlElement, depth: number, lines: string[]): void {
  const indent = '\t'.repeat(depth);
  let open = `${indent}<${element.name}`;
  for (const [name, v] of Object.entries(element.attributes)) open += ` ${name}="${escapeAttribute(formatValue(v))}"`;
  if (element.children.length === 0) {
    lines.push(`${open} />`);
    return;
  }
  lines.push(`${open}>`);
  for (const child of element.children) writeElement(child, depth + 1, lines);
  lines.push(`${indent}</${element.name}>`);
}

/** Numbers as Live writes them: shortest round-trip decimal, never "1e-7" or "NaN". */
export function formatValue(v: XmlValue): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) throw new Error(`cannot write the number ${v} into a Live set`);
  const text = String(Object.is(v, -0) ? 0 : v);
  if (!/e/i.test(text)) return text;
  // Exponent form only happens below 1e-6 or at/above 1e21: expand it with enough digits.
  return Math.abs(v) < 1 ? v.toFixed(20).replace(/\.?0+$/, '') : BigInt(Math.round(v)).toString();
}

/**
 * Escapes an attribute value. Characters XML 1.0 cannot carry at all (most C0 controls, lone
 * surrogates, U+FFFE/U+FFFF) are dropped: they can only come from a pasted name, and an
 * unreadable set would be worse than a name missing an invisible character.
 */
export function escapeAttribute(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    switch (char) {
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '"':
        out += '&quot;';
        break;
      case '\t':
        out += '&#9;';
        break;
      case '\n':
        out += '&#10;';
        break;
      case '\r':
        out += '&#13;';
        break;
      default:
        if (isXmlChar(code)) out += char;
    }
  }
  return out;
}

function isXmlChar(code: number): boolean {
  if (code < 0x20) return false;
  if (code >= 0xd800 && code <= 0xdfff) return false; // a lone surrogate (a pair iterates as one char)
  return code !== 0xfffe && code !== 0xffff;
}

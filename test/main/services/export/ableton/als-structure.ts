/**
 * Test tools for Live sets, independent of the writer: gunzip, parse with fast-xml-parser into a
 * plain tree, find elements, and reduce an element to its *outline* (element and attribute
 * names, in order, recursively, no values) so a generated set can be compared with one Live
 * saved.
 *
 * Lists whose length legitimately differs between two sets (a track's clips, its slots, the
 * scenes, devices, sends, envelopes, warp markers, …) are outlined as `Name [list]` without
 * their items; the items are compared on their own (every AudioClip, ClipSlot, WarpMarker, …
 * must have the outline of some item of that name in the reference). LIST_CONTAINERS says which
 * elements count as lists, by name or by "Parent/Name" where the name alone is ambiguous.
 * The reference outlines themselves are committed (test/fixtures/ableton/, see
 * reference-outline.ts); changing LIST_CONTAINERS or outline() means regenerating them.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}

export const LIST_CONTAINERS = new Set([
  'Tracks',
  'Scenes',
  'SendsPre',
  'Events',
  'ClipSlotList',
  'ClipSlot/Value', // empty slot, or one clip
  'WarpMarkers',
  'SavedWarpMarkersForStretched',
  'UserOnsets',
  'TimeSignatures',
  'Devices',
  'Sends',
  'SignalModulations',
  'AutomationEnvelopes/Envelopes',
  'Envelopes/Envelopes',
  'TakeLanes/TakeLanes',
  'AutomationLanes/AutomationLanes',
  'SampleRef/SourceContext', // empty, or where the sample came from
  'TimeAndValueTransforms',
  'Grooves',
  'Locators/Locators',
  'ExpressionLanes',
  'ContentLanes',
  'LinkedTrackGroups',
  'DetailClipKeyMidis',
  'LockedScripts',
  'KeyTracks', // a MIDI clip's pitches
  'KeyTrack/Notes', // one pitch's notes
  'EventLists', // per-note expression (MPE), none in our clips
]);

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  ignoreDeclaration: false,
});

type ParsedEntry = Record<string, unknown> & { ':@'?: Record<string, string> };

/** Parses XML text; throws with the parser's message when it is not well-formed. */
export function parseXml(xml: string): { declaration: Record<string, string>; root: XmlNode } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const entries = parser.parse(xml) as ParsedEntry[];
  const declaration = entries.find((entry) => '?xml' in entry)?.[':@'] ?? {};
  const roots = entries.filter((entry) => !('?xml' in entry)).map(toNode);
  if (roots.length !== 1) throw new Error(`expected one root element, found ${roots.length}`);
  return { declaration, root: roots[0]! };
}

function toNode(entry: ParsedEntry): XmlNode {
  const name = Object.keys(entry).find((key) => key !== ':@')!;
  const content = (entry[name] as ParsedEntry[] | undefined) ?? [];
  const children = content.filter((item) => !('#text' in item)).map(toNode);
  return { name, attributes: entry[':@'] ?? {}, children };
}

/** The raw bytes, the XML text and the parsed tree of a `.als` file. */
export function readAls(file: string): { bytes: Buffer; xml: string; declaration: Record<string, string>; root: XmlNode } {
  const bytes = readFileSync(file);
  const xml = gunzipSync(bytes).toString('utf8');
  return { bytes, xml, ...parseXml(xml) };
}

/** Every descendant of `node` (itself included) named `name`, in document order. */
export function findAll(node: XmlNode, name: string): XmlNode[] {
  const out: XmlNode[] = [];
  const walk = (current: XmlNode): void => {
    if (current.name === name) out.push(current);
    current.children.forEach(walk);
  };
  walk(node);
  return out;
}

/** Follows a path of child names ("DeviceChain/Mixer/Tempo/Manual"); throws if a step is missing. */
export function child(node: XmlNode, childPath: string): XmlNode {
  let current = node;
  for (const step of childPath.split('/')) {
    const next = current.children.find((candidate) => candidate.name === step);
    if (!next) throw new Error(`<${current.name}> has no <${step}> (looking for ${childPath})`);
    current = next;
  }
  return current;
}

/** The `Value` attribute at `childPath`. */
export function valueAt(node: XmlNode, childPath: string): string {
  const found = child(node, childPath).attributes.Value;
  if (found === undefined) throw new Error(`${childPath} has no Value`);
  return found;
}

/** One line per element: indentation, name, attribute names; list containers without items. */
export function outline(node: XmlNode, parentName = '', depth = 0): string[] {
  const attributes = Object.keys(node.attributes).join(',');
  const head = `${'  '.repeat(depth)}${node.name}${attributes ? `(${attributes})` : ''}`;
  if (LIST_CONTAINERS.has(node.name) || LIST_CONTAINERS.has(`${parentName}/${node.name}`)) return [`${head} [list]`];
  return [head, ...node.children.flatMap((item) => outline(item, node.name, depth + 1))];
}

/** Outlines of every element named `name` in `root`, with their parents' names. */
export function outlinesOf(root: XmlNode, name: string): string[][] {
  const out: string[][] = [];
  const walk = (current: XmlNode, parentName: string): void => {
    if (current.name === name) out.push(outline(current, parentName));
    for (const item of current.children) walk(item, current.name);
  };
  walk(root, '');
  return out;
}

/**
 * The reference outline to show when `ours` matches none: the one sharing the longest prefix,
 * so a failing test's diff points at the first element that differs.
 */
export function closestOutline(ours: string[], references: string[][]): string[] {
  let best: string[] = references[0] ?? [];
  let bestPrefix = -1;
  for (const reference of references) {
    let prefix = 0;
    while (prefix < ours.length && ours[prefix] === reference[prefix]) prefix++;
    if (prefix > bestPrefix) [best, bestPrefix] = [reference, prefix];
  }
  return best;
}

const POINTEE_NAME = /^(AutomationTarget|ModulationTarget|Pointee|\w+ModulationTarget|ControllerTargets\.\d+)$/;
const TRACK_NAME = /^(AudioTrack|MidiTrack|ReturnTrack|GroupTrack)$/;

/** Ids Live resolves references through; they must be unique and below NextPointeeId. */
export function pointeeIds(root: XmlNode): number[] {
  return collectIds(root, (name) => POINTEE_NAME.test(name));
}

/** Track Ids (their own namespace in Live's files). */
export function trackIds(root: XmlNode): number[] {
  return collectIds(root, (name) => TRACK_NAME.test(name));
}

function collectIds(root: XmlNode, wanted: (name: string) => boolean): number[] {
  const ids: number[] = [];
  const walk = (current: XmlNode): void => {
    if (wanted(current.name)) ids.push(Number(current.attributes.Id));
    current.children.forEach(walk);
  };
  walk(root);
  return ids;
}

/** Values that occur more than once. */
export function duplicates(values: number[]): number[] {
  const seen = new Set<number>();
  const repeated = new Set<number>();
  for (const v of values) (seen.has(v) ? repeated : seen).add(v);
  return [...repeated];
}

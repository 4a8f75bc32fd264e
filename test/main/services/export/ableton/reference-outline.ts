/**
 * The structural facts the Ableton tests need from the Live-saved reference sets, extracted so
 * they can be committed (test/fixtures/ableton/) while the Ableton-authored .als files stay out
 * of the repository: outlines (element and attribute names, in order, no values; list containers
 * collapsed as in als-structure.ts) of the LiveSet and of every element kind the tests compare,
 * deduplicated per kind; the root's attribute names and format version; and the Id and Session
 * view rules the references themselves obey, as booleans and numbers.
 *
 * To regenerate after changing what is extracted (reference sets present):
 *   EUREKA_ABLETON_UPDATE_OUTLINE=1 node --experimental-vm-modules node_modules/jest/bin/jest.js \
 *     test/main/services/export/ableton/reference-provenance.test.ts --selectProjects unit
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { child, duplicates, outline, outlinesOf, pointeeIds, readAls, trackIds, valueAt, type XmlNode } from './als-structure.js';

/**
 * Where the reference sets live: a folder holding live11-fascination.als and live12-default.als,
 * saved by Ableton Live (not redistributable, so never committed), named by
 * EUREKA_ABLETON_REFERENCE_DIR; unset or "none" means "not present".
 */
export const REFERENCE_DIR = process.env.EUREKA_ABLETON_REFERENCE_DIR ?? 'none';
export const LIVE11_REFERENCE = path.join(REFERENCE_DIR, 'live11-fascination.als');
export const LIVE12_REFERENCE = path.join(REFERENCE_DIR, 'live12-default.als');

export const FIXTURE_DIR = path.resolve('test', 'fixtures', 'ableton');
export const LIVE11_FIXTURE = path.join(FIXTURE_DIR, 'live11-outline.json');
export const LIVE12_FIXTURE = path.join(FIXTURE_DIR, 'live12-facts.json');

const EXTRACTOR = 'test/main/services/export/ableton/reference-outline.ts';

/** Element kinds whose every instance we write must match the outline of one Live wrote. */
export const OUTLINED_ELEMENTS = [
  'AudioTrack',
  'MidiTrack',
  'MasterTrack',
  'PreHearTrack',
  'DeviceChain',
  'Mixer',
  'MainSequencer',
  'FreezeSequencer',
  'AudioClip',
  'MidiClip',
  'KeyTrack',
  'MidiNoteEvent',
  'ClipSlot',
  'SampleRef',
  'FileRef',
  'WarpMarker',
  'Scene',
  'Transport',
  'AutomationEnvelope',
  'AutomationLane',
  'RemoteableTimeSignature',
  'FloatEvent',
  'EnumEvent',
  'ExpressionLane',
] as const;

/** Root attributes that identify the file format (values kept: Live reads them to pick a schema). */
const FORMAT_VERSION_ATTRIBUTES = ['MajorVersion', 'MinorVersion', 'SchemaChangeCount'] as const;
/** Root attributes that name the Live build that saved the set (values kept: our sets name the same build). */
const BUILD_ATTRIBUTES = ['Creator', 'Revision'] as const;

/** The Id rules, as facts: Live resolves references through pointee Ids. */
export interface IdFacts {
  pointeeIdCount: number;
  pointeeIdsDistinct: boolean;
  trackIdsDistinct: boolean;
  pointeeIdsBelowNextPointeeId: boolean;
}

/** Scenes, and the slot count of every audio/MIDI track's main and freeze sequencer. */
export interface SessionViewFacts {
  scenes: number;
  clipSlotCounts: number[];
}

export interface ReferenceFacts {
  ids: IdFacts;
  sessionView: SessionViewFacts;
}

export interface Live11Outline {
  about: string;
  source: string;
  declarationAttributes: string[];
  rootAttributes: string[];
  rootFormatVersion: Record<(typeof FORMAT_VERSION_ATTRIBUTES)[number], string>;
  rootBuild: Record<(typeof BUILD_ATTRIBUTES)[number], string>;
  liveSet: string[];
  outlines: Record<(typeof OUTLINED_ELEMENTS)[number], string[][]>;
  referenceFacts: ReferenceFacts;
}

export interface Live12Facts {
  about: string;
  source: string;
  referenceFacts: ReferenceFacts;
}

export function idFacts(root: XmlNode): IdFacts {
  const pointees = pointeeIds(root);
  const next = Number(valueAt(child(root, 'LiveSet'), 'NextPointeeId'));
  return {
    pointeeIdCount: pointees.length,
    pointeeIdsDistinct: duplicates(pointees).length === 0,
    trackIdsDistinct: duplicates(trackIds(root)).length === 0,
    pointeeIdsBelowNextPointeeId: pointees.every((id) => id < next),
  };
}

export function sessionViewFacts(root: XmlNode): SessionViewFacts {
  const scenes = child(root, 'LiveSet/Scenes').children.length;
  const clipSlotCounts: number[] = [];
  for (const track of child(root, 'LiveSet/Tracks').children) {
    if (track.name === 'ReturnTrack' || track.name === 'GroupTrack') continue; // no clip slots of their own
    for (const sequencer of ['DeviceChain/MainSequencer', 'DeviceChain/FreezeSequencer']) {
      clipSlotCounts.push(child(track, `${sequencer}/ClipSlotList`).children.length);
    }
  }
  return { scenes, clipSlotCounts };
}

/** Each distinct outline of `name` once, in order of first appearance. */
function distinctOutlines(root: XmlNode, name: string): string[][] {
  const seen = new Map<string, string[]>();
  for (const lines of outlinesOf(root, name)) seen.set(lines.join('\n'), seen.get(lines.join('\n')) ?? lines);
  return [...seen.values()];
}

export function deriveLive11Outline(file: string): Live11Outline {
  const { declaration, root } = readAls(file);
  const outlines = Object.fromEntries(OUTLINED_ELEMENTS.map((name) => [name, distinctOutlines(root, name)]));
  return {
    about:
      `Element and attribute names only, derived from a Live 11.3-saved set by ${EXTRACTOR}; no values ` +
      `(except the root's format version and build: ${[...FORMAT_VERSION_ATTRIBUTES, ...BUILD_ATTRIBUTES].join(', ')}). ` +
      'Checked against the reference set by reference-provenance.test.ts when the set is present.',
    source: path.basename(file),
    declarationAttributes: Object.keys(declaration),
    rootAttributes: Object.keys(root.attributes),
    rootFormatVersion: Object.fromEntries(FORMAT_VERSION_ATTRIBUTES.map((name) => [name, root.attributes[name] ?? ''])) as Live11Outline['rootFormatVersion'],
    rootBuild: Object.fromEntries(BUILD_ATTRIBUTES.map((name) => [name, root.attributes[name] ?? ''])) as Live11Outline['rootBuild'],
    liveSet: outline(child(root, 'LiveSet')),
    outlines: outlines as Live11Outline['outlines'],
    referenceFacts: { ids: idFacts(root), sessionView: sessionViewFacts(root) },
  };
}

export function deriveLive12Facts(file: string): Live12Facts {
  const { root } = readAls(file);
  return {
    about: `Id and Session view facts only (numbers and booleans), derived from a Live 12-saved set by ${EXTRACTOR}; no values.`,
    source: path.basename(file),
    referenceFacts: { ids: idFacts(root), sessionView: sessionViewFacts(root) },
  };
}

/** The committed file's text: stable key order from the derive functions, one line per outline line. */
export function fixtureText(fixture: Live11Outline | Live12Facts): string {
  return `${JSON.stringify(fixture, null, 2)}\n`;
}

export function referencesPresent(): boolean {
  return REFERENCE_DIR !== 'none' && existsSync(LIVE11_REFERENCE) && existsSync(LIVE12_REFERENCE);
}

export function loadLive11Outline(): Live11Outline {
  return JSON.parse(readFileSync(LIVE11_FIXTURE, 'utf8')) as Live11Outline;
}

export function loadLive12Facts(): Live12Facts {
  return JSON.parse(readFileSync(LIVE12_FIXTURE, 'utf8')) as Live12Facts;
}

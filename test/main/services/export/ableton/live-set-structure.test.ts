/**
 * The generated .als against the outline of a set Live 11.3 saved (test/fixtures/ableton,
 * extracted by reference-outline.ts; provenance checked in reference-provenance.test.ts): same
 * container (gzip, XML declaration, root attributes), same top-level LiveSet elements in the same
 * order, and, for every AudioTrack, AudioClip, ClipSlot, SampleRef, Scene, … we write, the
 * outline (element and attribute names, in order, recursively) of one such element in the
 * reference. Lists whose length varies (clips, slots, scenes, devices, sends, envelopes, warp
 * markers; see LIST_CONTAINERS) are compared item by item rather than by count. Also:
 * The set holds a MIDI track too (MidiTrack, MidiClip, KeyTrack, MidiNoteEvent are outlined like
 * the rest) and a tempo change and a 6/8 section (multi-point master envelopes). Also:
 * pointee-Id uniqueness below NextPointeeId and one clip slot per scene, rules the Live 11 and
 * Live 12 reference sets obey too (their facts are committed beside the outline).
 */

import { makeTempDir, removeDir } from '../../../../helpers/temp-dir.js';
import { child, closestOutline, duplicates, findAll, outline, outlinesOf, pointeeIds, readAls, trackIds, valueAt, type XmlNode } from './als-structure.js';
import { FIXTURE_TRACKS, writeFixtureProject } from './project-fixture.js';
import {
  OUTLINED_ELEMENTS,
  idFacts,
  loadLive11Outline,
  loadLive12Facts,
  sessionViewFacts,
  type ReferenceFacts,
} from './reference-outline.js';

let dir: string;
let ours: ReturnType<typeof readAls>;
const live11 = loadLive11Outline();
const live12 = loadLive12Facts();

beforeAll(async () => {
  dir = await makeTempDir('eureka-als-');
  ours = readAls((await writeFixtureProject(dir, { scenes: 5, midiPart: true })).alsFile);
});

afterAll(async () => {
  await removeDir(dir);
});

describe('container', () => {
  it('is gzip-compressed XML with the standard declaration', () => {
    expect([...ours.bytes.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(ours.xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Ableton ')).toBe(true);
    expect(Object.keys(ours.declaration)).toEqual(live11.declarationAttributes);
    expect(ours.declaration).toEqual({ version: '1.0', encoding: 'UTF-8' });
  });

  it('has the root attributes of a Live 11.3 set, created by Eureka', () => {
    expect(ours.root.name).toBe('Ableton');
    expect(Object.keys(ours.root.attributes)).toEqual(live11.rootAttributes);
    const { MajorVersion, MinorVersion, SchemaChangeCount, Creator, Revision } = ours.root.attributes;
    expect({ MajorVersion, MinorVersion, SchemaChangeCount }).toEqual(live11.rootFormatVersion);
    // The build hash Live 11.3.13 writes into its own sets (an empty one is not a build Live made).
    expect(live11.rootBuild.Creator).toBe('Ableton Live 11.3.13');
    expect(Revision).toBe(live11.rootBuild.Revision);
    expect(Revision).toMatch(/^[0-9a-f]{40}$/);
    expect(MajorVersion).toBe('5');
    expect(MinorVersion).toMatch(/^11\.0_\d+$/);
    expect(Creator).toMatch(/^Eureka \d+\.\d+\.\d+/);
  });
});

describe('element structure matches Live 11.3', () => {
  it('writes every top-level LiveSet element in Live order (tracks, master, scenes, transport, …)', () => {
    expect(outline(child(ours.root, 'LiveSet'))).toEqual(live11.liveSet);
  });

  it.each(OUTLINED_ELEMENTS)('every %s we write has the outline of one Live wrote', (name) => {
    const references = live11.outlines[name];
    const written = outlinesOf(ours.root, name);
    expect(references.length).toBeGreaterThan(0);
    expect(written.length).toBeGreaterThan(0);
    const known = new Set(references.map((lines) => lines.join('\n')));
    for (const lines of written) {
      if (!known.has(lines.join('\n'))) expect(lines).toEqual(closestOutline(lines, references));
    }
  });

  it('the comparison notices a missing or reordered element', () => {
    const known = (lines: string[], references: string[][]): boolean => references.some((reference) => reference.join('\n') === lines.join('\n'));
    const clip = findAll(ours.root, 'AudioClip')[0]!;
    const clips = live11.outlines.AudioClip;
    expect(known(outline(clip, 'Events'), clips)).toBe(true);
    const withoutLegato: XmlNode = { ...clip, children: clip.children.filter((item) => item.name !== 'Legato') };
    expect(known(outline(withoutLegato, 'Events'), clips)).toBe(false);
    const swapped = [...clip.children];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    expect(known(outline({ ...clip, children: swapped }, 'Events'), clips)).toBe(false);
    // The same for the whole set: two top-level LiveSet elements swapped.
    const liveSet = child(ours.root, 'LiveSet');
    const reordered = [...liveSet.children];
    const master = reordered.findIndex((item) => item.name === 'MasterTrack');
    [reordered[master], reordered[master + 1]] = [reordered[master + 1]!, reordered[master]!];
    expect(outline({ ...liveSet, children: reordered })).not.toEqual(live11.liveSet);
  });
});

describe('Ids', () => {
  function expectIdRules(facts: ReferenceFacts['ids']): void {
    expect(facts.pointeeIdCount).toBeGreaterThan(0);
    expect(facts).toMatchObject({ pointeeIdsDistinct: true, trackIdsDistinct: true, pointeeIdsBelowNextPointeeId: true });
  }

  it('Live-saved sets obey the rules this test enforces', () => {
    expectIdRules(live11.referenceFacts.ids);
    expectIdRules(live12.referenceFacts.ids);
  });

  it('our pointee and track Ids are all distinct, and NextPointeeId is max + 1', () => {
    expectIdRules(idFacts(ours.root));
    const everyAllocated = [...pointeeIds(ours.root), ...trackIds(ours.root)];
    expect(duplicates(everyAllocated)).toEqual([]);
    expect(Number(valueAt(child(ours.root, 'LiveSet'), 'NextPointeeId'))).toBe(Math.max(...everyAllocated) + 1);
  });

  it('the duplicate check finds a repeated Id', () => {
    expect(duplicates([4, 7, 9, 7])).toEqual([7]);
  });
});

describe('Session view', () => {
  it('has exactly one clip slot per scene in every main and freeze sequencer (Live-saved sets too)', () => {
    for (const { scenes, clipSlotCounts } of [sessionViewFacts(ours.root), live11.referenceFacts.sessionView, live12.referenceFacts.sessionView]) {
      expect(clipSlotCounts.length).toBeGreaterThan(0);
      expect(clipSlotCounts).toEqual(clipSlotCounts.map(() => scenes));
    }
  });

  it('puts track i\'s clip in scene i and leaves the other slots empty', () => {
    const scenes = child(ours.root, 'LiveSet/Scenes').children;
    expect(scenes).toHaveLength(5);
    const tracks = child(ours.root, 'LiveSet/Tracks').children;
    expect(tracks.map((track) => track.name)).toEqual([...FIXTURE_TRACKS.map(() => 'AudioTrack'), 'MidiTrack']);
    tracks.forEach((track, trackIndex) => {
      const clipName = track.name === 'MidiTrack' ? 'MidiClip' : 'AudioClip';
      const slots = child(track, 'DeviceChain/MainSequencer/ClipSlotList').children;
      expect(slots.map((slot) => slot.attributes.Id)).toEqual(scenes.map((scene) => scene.attributes.Id));
      slots.forEach((slot, sceneIndex) => {
        const clips = child(slot, 'ClipSlot/Value').children;
        expect(clips.map((clip) => clip.name)).toEqual(sceneIndex === trackIndex ? [clipName] : []);
      });
      for (const slot of child(track, 'DeviceChain/FreezeSequencer/ClipSlotList').children) {
        expect(child(slot, 'ClipSlot/Value').children).toEqual([]);
      }
    });
  });
});

/**
 * The Export dialog's logic: which takes can go and which are ticked first, the DAW checkboxes
 * ↔ format, what the tempo, time signature and destination fields accept, the request the form
 * makes (checked against the contract's own schema), and the progress / result wording.
 */
import { exportRequestSchema, type ExportDefaults } from '../../../../src-main/common/export.js';
import type { Take } from '../../../../src-main/common/generation.js';
import type { PartClipDto, PartDto } from '../../../../src-main/common/midi.js';
import type { PhraseTake } from '../../../../src-main/common/phrases.js';
import {
  carriedValues,
  dawsOf,
  exportFormErrors,
  exportProgressText,
  exportChoices,
  exportableTakes,
  folderName,
  formatOf,
  initialFormValues,
  initialPhraseTakeSelection,
  initialTakeSelection,
  isAbsoluteFolder,
  parseTempo,
  partChoices,
  phraseTakeChoices,
  phraseTakeSummary,
  parseTimeSignature,
  revealLabel,
  tempoNote,
  toExportRequest,
  TIME_SIGNATURES,
  type ExportFormValues,
} from '../../../../src-renderer/app/export/export-form.js';

/** The fields the logic reads; the rest of a Take does not matter here. */
function take(id: number, verdict: Take['verdict'], status: Take['status'] = 'ready', hasFile = true): Take {
  return { id, verdict, status, hasFile } as Take;
}

const DEFAULTS: ExportDefaults = {
  destination: '/home/me/Music/Eureka Exports',
  exportRoot: '/home/me/Music/Eureka Exports',
  canChooseFolder: false,
  canReveal: false,
  format: 'both',
  sampleRate: 48000,
  bitDepth: 24,
  placement: 'sequence',
  includeSource: true,
};

/** The form as it opens with take 4 ticked, then edited. */
function values(edits: Partial<ExportFormValues> = {}): ExportFormValues {
  return { ...initialFormValues(DEFAULTS, [4]), ...edits };
}

describe('which takes', () => {
  const takes = [take(1, 'kept'), take(2, 'undecided'), take(3, 'kept', 'ready', false), take(4, 'kept', 'generating'), take(5, 'discarded')];

  it('offers only finished takes whose file is still there', () => {
    expect(exportableTakes(takes).map((t) => t.id)).toEqual([1, 2, 5]);
  });

  it('lists them kept first, then newest first', () => {
    const more = [...takes, take(6, 'undecided'), take(7, 'kept'), take(8, 'discarded', 'failed')];
    expect(exportChoices(more).map((t) => t.id)).toEqual([7, 1, 6, 5, 2]);
  });

  it('ticks the kept takes, else the selected one when it can go, else none', () => {
    expect(initialTakeSelection(takes, 2)).toEqual([1]);
    const undecided = [take(2, 'undecided'), take(5, 'discarded'), take(6, 'undecided', 'failed')];
    expect(initialTakeSelection(undecided, 5)).toEqual([5]);
    expect(initialTakeSelection(undecided, 6)).toEqual([]);
    expect(initialTakeSelection(undecided, null)).toEqual([]);
  });
});

describe('fields', () => {
  it('maps the two DAW checkboxes to the format and back', () => {
    expect(formatOf(true, true)).toBe('both');
    expect(formatOf(true, false)).toBe('ableton');
    expect(formatOf(false, true)).toBe('logic');
    expect(formatOf(false, false)).toBeNull();
    for (const format of ['ableton', 'logic', 'both'] as const) {
      const { ableton, logic } = dawsOf(format);
      expect(formatOf(ableton, logic)).toBe(format);
    }
  });

  it('reads the tempo: blank asks for the estimate, 20..999 BPM, nothing else', () => {
    expect(parseTempo('')).toBeUndefined();
    expect(parseTempo('  ')).toBeUndefined();
    expect(parseTempo('100')).toBe(100);
    expect(parseTempo(' 92.5 ')).toBe(92.5);
    expect(parseTempo('20')).toBe(20);
    expect(parseTempo('999')).toBe(999);
    for (const bad of ['19.9', '1000', '-120', 'fast', '1e2', '120 bpm', '12,5']) expect(parseTempo(bad)).toBeNull();
  });

  it('turns every offered time signature into a numerator and a power-of-two denominator', () => {
    expect(parseTimeSignature('6/8')).toEqual({ numerator: 6, denominator: 8 });
    for (const signature of TIME_SIGNATURES) {
      const parsed = parseTimeSignature(signature);
      expect(`${parsed.numerator}/${parsed.denominator}`).toBe(signature);
    }
  });

  it('knows an absolute folder on macOS, Linux and Windows', () => {
    for (const folder of ['/Users/me/Music', 'C:\\Users\\me\\Music', 'D:/Exports', '\\\\nas\\music']) expect(isAbsoluteFolder(folder)).toBe(true);
    for (const folder of ['Music', './Exports', '../x', '~/Music', '']) expect(isAbsoluteFolder(folder)).toBe(false);
  });
});

describe('the form', () => {
  it('opens from the defaults, the last choices and the ticked takes', () => {
    expect(values()).toEqual({
      takeIds: [4],
      partIds: [],
      partClipIds: [],
      phraseTakeIds: [],
      includeSource: true,
      ableton: true,
      logic: true,
      sampleRate: 48000,
      bitDepth: 24,
      tempoText: '',
      timeSignature: 'song',
      placement: 'sequence',
      songName: '',
      destination: DEFAULTS.destination,
    });
    const again = initialFormValues({ ...DEFAULTS, format: 'logic' }, [7], { sampleRate: 44100, tempoText: '100', takeIds: [1, 2] });
    expect([again.takeIds, again.ableton, again.logic, again.sampleRate, again.tempoText]).toEqual([[7], false, true, 44100, '100']);
  });

  it('opened over a MIDI part, ticks that part (or its selected clip) and no source clip', () => {
    const overPart = initialFormValues({ ...DEFAULTS, includeSource: true }, [], {}, { partIds: [3], partClipIds: [] });
    expect([overPart.partIds, overPart.partClipIds, overPart.includeSource]).toEqual([[3], [], false]);
    const overClip = initialFormValues({ ...DEFAULTS, includeSource: true }, [], {}, { partIds: [], partClipIds: [8] });
    expect([overClip.partIds, overClip.partClipIds]).toEqual([[], [8]]);
    const overTakes = initialFormValues({ ...DEFAULTS, includeSource: true }, [4]);
    expect([overTakes.partIds, overTakes.includeSource]).toEqual([[], true]);
  });

  it("offers a phrase model's kept MIDI takes, newest first, ticked as its page asks", () => {
    const take = (id: number, verdict: PhraseTake['verdict'], status: PhraseTake['status'] = 'ready', noteCount = 12) =>
      ({ id, verdict, status, noteCount, name: `take ${id}`, settings: { mode: 'continue' } }) as PhraseTake;
    const choices = phraseTakeChoices([take(3, 'kept'), take(4, 'undecided'), take(5, 'kept', 'failed'), take(6, 'discarded'), take(7, 'kept', 'ready', 1)]);
    expect(choices.map((choice) => choice.id)).toEqual([7, 3]);
    expect(choices.map(phraseTakeSummary)).toEqual(['continue · 1 note', 'continue · 12 notes']);
    expect(initialPhraseTakeSelection(choices, null)).toEqual([7, 3]);
    expect(initialPhraseTakeSelection(choices, [3, 4])).toEqual([3]);
    const opened = initialFormValues({ ...DEFAULTS, includeSource: true }, [], {}, { partIds: [], partClipIds: [] }, [7, 3]);
    expect([opened.phraseTakeIds, opened.takeIds, opened.includeSource]).toEqual([[7, 3], [], false]);
    // MIDI takes alone are enough, and go in the request.
    expect(exportFormErrors(values({ takeIds: [], phraseTakeIds: [7] }))).toEqual({});
    expect(toExportRequest(values({ takeIds: [], phraseTakeIds: [7, 3] }), 'ui-3').phraseTakeIds).toEqual([7, 3]);
  });

  it("carries the song's name, tempo and metre over only within the same song", () => {
    const previous = { songName: 'Night Drive', tempoText: '100', timeSignature: '6/8' as const, sampleRate: 44100 as const, logic: false };
    expect(carriedValues(previous, true)).toEqual(previous);
    expect(carriedValues(previous, false)).toEqual({ sampleRate: 44100, logic: false });
  });

  it('says what stops an export, field by field', () => {
    expect(exportFormErrors(values())).toEqual({});
    const errors = exportFormErrors(
      values({ takeIds: [], ableton: false, logic: false, tempoText: '5', songName: 'x'.repeat(201), destination: 'Music' }),
    );
    expect(Object.keys(errors).sort()).toEqual(['daws', 'destination', 'songName', 'takes', 'tempo']);
    expect(exportFormErrors(values({ destination: '  ' })).destination).toBe('Choose a folder.');
    expect(exportFormErrors(values({ takeIds: Array.from({ length: 101 }, (_, i) => i + 1) })).takes).toMatch(/At most 100/);
    // A MIDI part alone is enough; nothing at all is not.
    expect(exportFormErrors(values({ takeIds: [], partClipIds: [5] }))).toEqual({});
    expect(exportFormErrors(values({ takeIds: [] })).takes).toBe('Choose at least one take, MIDI part or MIDI take.');
  });

  it('lists the song\'s parts with their instrument and bars, each followed by its clips in bar order', () => {
    const part = (id: number, name: string, program: number, channel: number, lengthBars: number) => ({ id, name, program, channel, lengthBars }) as PartDto;
    const clip = (id: number, partId: number, startBar: number, lengthBars: number, label = '') => ({ id, partId, startBar, lengthBars, label }) as PartClipDto;
    const lines = partChoices([part(3, 'bass line', 33, 0, 16), part(4, 'beat', 0, 9, 1)], [clip(8, 3, 9, 4, 'chorus'), clip(5, 3, 5, 4), clip(9, 4, 1, 1)]);
    expect(lines).toEqual([
      { kind: 'part', id: 3, label: 'bass line · Electric Bass (Finger)', bars: 'bars 1–16' },
      { kind: 'clip', id: 5, label: 'clip', bars: 'bars 5–8' },
      { kind: 'clip', id: 8, label: 'chorus', bars: 'bars 9–12' },
      { kind: 'part', id: 4, label: 'beat · Drums', bars: 'bar 1' },
      { kind: 'clip', id: 9, label: 'clip', bars: 'bar 1' },
    ]);
  });

  it('makes a request the contract accepts, with the tempo and name only when given', () => {
    const request = toExportRequest(
      values({ logic: true, ableton: false, sampleRate: 44100, bitDepth: 32, tempoText: '100', timeSignature: '3/4', placement: 'stack', songName: ' Night Drive ' }),
      'ui-1',
    );
    expect(request).toEqual({
      takeIds: [4],
      partIds: [],
      partClipIds: [],
      phraseTakeIds: [],
      includeSource: true,
      format: 'logic',
      sampleRate: 44100,
      bitDepth: 32,
      tempo: 100,
      timeSignature: { numerator: 3, denominator: 4 },
      placement: 'stack',
      destination: DEFAULTS.destination,
      songName: 'Night Drive',
      exportId: 'ui-1',
    });
    expect(exportRequestSchema.safeParse(request).success).toBe(true);
    const plain = toExportRequest(values({ destination: ` ${DEFAULTS.destination} ` }), 'ui-2');
    // Blank tempo and "The song's" signature leave both to the song.
    expect('tempo' in plain || 'songName' in plain || 'timeSignature' in plain).toBe(false);
    expect(plain.destination).toBe(DEFAULTS.destination);
    expect(exportRequestSchema.parse(plain).format).toBe('both');
  });
});

describe('wording', () => {
  it('follows the export file by file', () => {
    expect(exportProgressText(null)).toBe('Starting…');
    expect(exportProgressText({ exportId: 'x', phase: 'writing', file: 'Take 3.wav', fraction: 0.5 })).toBe('Writing Take 3.wav');
    expect(exportProgressText({ exportId: 'x', phase: 'preparing', file: 'Take 1', fraction: 0.1 })).toBe('Reading Take 1');
    expect(exportProgressText({ exportId: 'x', phase: 'finishing', file: null, fraction: 0.99 })).toBe('Finishing…');
  });

  it('names a folder by its last part, on either separator', () => {
    expect(folderName('/a/b/Night Drive Project')).toBe('Night Drive Project');
    expect(folderName('C:\\Exports\\Night Drive Logic\\')).toBe('Night Drive Logic');
  });

  it('calls the file manager by its name on each OS', () => {
    expect(revealLabel('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Electron/38')).toBe('Reveal in Finder');
    expect(revealLabel('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Electron/38')).toBe('Show in Explorer');
    expect(revealLabel('Mozilla/5.0 (X11; Linux x86_64) Electron/38')).toBe('Show in folder');
  });

  it('says where the tempo came from', () => {
    expect(tempoNote({ tempo: 100, tempoSource: 'user' })).toBe('Tempo 100 BPM.');
    expect(tempoNote({ tempo: 84, tempoSource: 'song' })).toBe("Tempo 84 BPM, the song's.");
    expect(tempoNote({ tempo: 97.234, tempoSource: 'estimate' })).toBe("Tempo 97.23 BPM, the song's as estimated at import.");
    expect(tempoNote({ tempo: 120, tempoSource: 'fallback' })).toMatch(/^Tempo 120 BPM: the song has no clear beat/);
    expect(tempoNote({ tempo: 100, tempoSource: 'part' })).toBe("Tempo 100 BPM at bar 1, with the song's tempo and meter changes from the first MIDI part or take.");
  });
});

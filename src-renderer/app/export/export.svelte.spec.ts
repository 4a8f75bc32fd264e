import { describe, expect, it } from '@jest/globals';
import type { ExportResult } from '@common/export.js';
import { DRAG_OUT_CHANNEL } from '@common/ipc-contract.js';
import { NoticeStore } from '../shell/notices.svelte.js';
import { deferred, drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { exportDefaults, part, partClip } from '../testing/fixtures.js';
import { initialFormValues, type ExportFormValues } from './export-form.js';
import { ExportStore } from './export.svelte.js';

const RESULT: ExportResult = {
  folders: ['/exports/Song 1 (Ableton)', '/exports/Song 1 (Logic)'],
  files: 3,
  tempo: 96,
  tempoEstimated: true,
  tempoSource: 'estimate',
  timeSignature: { numerator: 4, denominator: 4 },
};

function setup(options: ConstructorParameters<typeof FakeBridge>[0] = {}): {
  bridge: FakeBridge;
  exporter: ExportStore;
  notices: NoticeStore;
} {
  const bridge = new FakeBridge(options).answer('export:get-defaults', exportDefaults());
  const notices = new NoticeStore();
  const exporter = new ExportStore(fakeApi(bridge), notices);
  exporter.init();
  return { bridge, exporter, notices };
}

function form(overrides: Partial<ExportFormValues> = {}): ExportFormValues {
  return { ...initialFormValues(exportDefaults(), [4, 5]), tempoText: '96', songName: 'Song 1', ...overrides };
}

describe('ExportStore', () => {
  it('loads the defaults the dialog opens with, and says why when it cannot', async () => {
    const { bridge, exporter } = setup();
    expect((await exporter.loadDefaults())?.destination).toBe('/exports');
    expect(exporter.defaultsError).toBeNull();

    bridge.refuse('export:get-defaults', 'STORAGE', 'the settings file is unreadable');
    await exporter.loadDefaults();
    expect(exporter.defaultsError).toBe('the settings file is unreadable');
  });

  it("runs an export from the form, follows its own progress only, and keeps the form's choices", async () => {
    const { bridge, exporter } = setup();
    const reply = deferred<ExportResult>();
    bridge.answer('export:takes', () => reply.promise);

    const running = exporter.run(form(), 1);
    await drain();
    expect(exporter.status).toBe('exporting');
    const [request] = bridge.requests('export:takes');
    expect(request).toMatchObject({ takeIds: [4, 5], format: 'both', tempo: 96, songName: 'Song 1', destination: '/exports' });

    bridge.emit('export:did-progress', { exportId: 'another-window', phase: 'writing', file: 'x.wav', fraction: 0.9 });
    expect(exporter.progress).toBeNull();
    bridge.emit('export:did-progress', { exportId: request!.exportId!, phase: 'writing', file: 'take 4.wav', fraction: 0.4 });
    expect(exporter.progress?.fraction).toBe(0.4);

    reply.resolve(RESULT);
    expect(await running).toBe(true);
    expect(exporter.status).toBe('done');
    expect(exporter.result).toEqual(RESULT);
    expect(exporter.lastSongId).toBe(1);
    expect(exporter.lastValues).toMatchObject({ tempoText: '96', songName: 'Song 1', takeIds: [] });

    // Progress after the export ended belongs to nobody.
    bridge.emit('export:did-progress', { exportId: request!.exportId!, phase: 'finishing', file: null, fraction: 1 });
    expect(exporter.progress?.fraction).toBe(0.4);
  });

  it('sends nothing for a form with errors, and one export at a time', async () => {
    const { bridge, exporter } = setup();
    expect(await exporter.run(form({ takeIds: [] }), 1)).toBe(false);
    expect(await exporter.run(form({ ableton: false, logic: false }), 1)).toBe(false);
    expect(bridge.requests('export:takes')).toEqual([]);

    const reply = deferred<ExportResult>();
    bridge.answer('export:takes', () => reply.promise);
    const first = exporter.run(form(), 1);
    expect(await exporter.run(form(), 1)).toBe(false);
    exporter.clearResult();
    expect(exporter.status).toBe('exporting');
    reply.resolve(RESULT);
    await first;
    expect(bridge.requests('export:takes')).toHaveLength(1);

    exporter.clearResult();
    expect(exporter.status).toBe('idle');
    expect(exporter.result).toBeNull();
  });

  it("keeps a failed export's reason", async () => {
    const { bridge, exporter } = setup();
    bridge.refuse('export:takes', 'STORAGE', 'the export folder is read-only');
    expect(await exporter.run(form(), 1)).toBe(false);
    expect(exporter.status).toBe('failed');
    expect(exporter.error).toBe('the export folder is read-only');
  });

  it('picks and reveals folders through the host, a refusal becoming a notice', async () => {
    const { bridge, exporter, notices } = setup();
    bridge.answer('export:choose-folder', { folder: '/Users/me/Exports' }).answer('export:reveal', { revealed: false, path: '/x' });
    expect(await exporter.chooseFolder()).toBe('/Users/me/Exports');
    await exporter.reveal('/x');
    expect(exporter.revealed).toEqual({ folder: '/x', revealed: false, path: '/x' });

    bridge.refuse('export:choose-folder', 'INTERNAL', 'no window to attach the picker to');
    expect(await exporter.chooseFolder()).toBeNull();
    expect(notices.items.map((n) => n.message)).toEqual(['no window to attach the picker to']);
  });

  it('drags takes out only where the host can, and a refused drag becomes a notice', async () => {
    expect(setup().exporter.canDrag).toBe(false);

    const { bridge, exporter, notices } = setup({ canDrag: true, dragError: { code: 'NOT_FOUND', message: 'take 4 has no file' } });
    expect(exporter.canDrag).toBe(true);
    exporter.startDrag(4);
    await drain();
    expect(bridge.calls).toEqual([{ channel: DRAG_OUT_CHANNEL, request: { takeId: 4 } }]);
    expect(notices.items.map((n) => n.message)).toEqual(['take 4 has no file']);
  });

  it("loads the song's MIDI parts and clips for the dialog, and none for no song or a refusal", async () => {
    const { bridge, exporter, notices } = setup();
    const bass = part({ id: 3, songId: 7, name: 'bass line' });
    const clip = partClip({ id: 5, partId: 3, startBar: 5 });
    bridge.answer('parts:list', [bass]).answer('parts:list-clips', [clip]);
    await exporter.loadParts(7);
    expect([exporter.parts, exporter.partClips]).toEqual([[bass], [clip]]);
    expect(bridge.requests('parts:list')).toEqual([{ songId: 7 }]);
    expect(bridge.requests('parts:list-clips')).toEqual([{ songId: 7 }]);

    await exporter.loadParts(null);
    expect([exporter.parts, exporter.partClips]).toEqual([[], []]);

    bridge.refuse('parts:list', 'NOT_FOUND', 'there is no song 8');
    await exporter.loadParts(8);
    expect([exporter.parts, exporter.partClips]).toEqual([[], []]);
    expect(notices.items.map((n) => n.message)).toEqual(["Cannot list the song's MIDI parts: there is no song 8"]);
  });
});

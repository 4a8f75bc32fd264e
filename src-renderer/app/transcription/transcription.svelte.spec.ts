import { describe, expect, it } from '@jest/globals';
import type { TranscriptionOutcome } from '@common/transcription.js';
import { NoticeStore } from '../shell/notices.svelte.js';
import { deferred, drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { TranscriptionStore } from './transcription.svelte.js';

const DONE: TranscriptionOutcome = {
  status: 'done',
  jobId: 'set by the test',
  partId: 4,
  partName: 'verse riff (transcribed)',
  replaced: false,
  notes: 42,
  bends: 3,
  notesBeforeBarOne: 0,
  audioSeconds: 8,
  elapsedSeconds: 12,
  settings: {},
};

function setup(): { bridge: FakeBridge; store: TranscriptionStore; notices: NoticeStore } {
  const bridge = new FakeBridge();
  const notices = new NoticeStore();
  const store = new TranscriptionStore(fakeApi(bridge), notices);
  store.init();
  return { bridge, store, notices };
}

describe('TranscriptionStore', () => {
  it('transcribes a clip with the current settings, follows its own progress, and says the result in words', async () => {
    const { bridge, store } = setup();
    const answer = deferred<TranscriptionOutcome>();
    bridge.answer('transcription:start', () => answer.promise);
    store.setSettings({ onsetThreshold: 0.5, melodiaTrick: true });

    const running = store.transcribe({ clipId: 3 });
    await drain();
    const request = bridge.requests('transcription:start')[0]!;
    expect(request.target).toEqual({ clipId: 3 });
    expect(request.settings).toEqual({
      onsetThreshold: 0.5,
      frameThreshold: 0.4,
      minNoteMs: 128,
      minPitch: 21,
      maxPitch: 108,
      melodiaTrick: true,
      pitchBends: true,
    });
    const jobId = request.jobId!;
    bridge.emit('transcription:did-progress', { jobId: 'another-window', stage: 'listening', fraction: 0.9, etaSeconds: 1 });
    expect(store.stateOf({ clipId: 3 })).toMatchObject({ status: 'running', progress: null });
    bridge.emit('transcription:did-progress', { jobId, stage: 'listening', fraction: 0.5, etaSeconds: 6 });
    expect(store.stateOf({ clipId: 3 })).toMatchObject({ status: 'running', progress: { stage: 'listening', fraction: 0.5 } });
    expect(store.stateOf({ takeId: 3 })).toBeNull();

    answer.resolve({ ...DONE, jobId });
    await running;
    expect(store.stateOf({ clipId: 3 })).toEqual({ status: 'done', message: "42 notes in a new part 'verse riff (transcribed)'", partId: 4 });
  });

  it('cancels its running job by id, once, and shows that nothing was made', async () => {
    const { bridge, store } = setup();
    const answer = deferred<TranscriptionOutcome>();
    bridge.answer('transcription:start', () => answer.promise).answer('transcription:cancel', { cancelled: true });
    const running = store.transcribe({ takeId: 12 });
    await drain();
    const jobId = bridge.requests('transcription:start')[0]!.jobId!;

    await store.cancel({ takeId: 12 });
    await store.cancel({ takeId: 12 });
    expect(bridge.requests('transcription:cancel')).toEqual([{ jobId }]);
    answer.resolve({ status: 'cancelled', jobId });
    await running;
    expect(store.stateOf({ takeId: 12 })).toEqual({ status: 'cancelled' });
  });

  it('keeps a refusal on the panel and in a notice', async () => {
    const { bridge, store, notices } = setup();
    bridge.refuse('transcription:start', 'NOT_FOUND', 'take 12 has no audio: its file was deleted');
    await store.transcribe({ takeId: 12 });
    expect(store.stateOf({ takeId: 12 })).toEqual({ status: 'failed', error: 'take 12 has no audio: its file was deleted' });
    expect(notices.items.map((n) => n.message)).toEqual(['Could not transcribe: take 12 has no audio: its file was deleted']);
    store.dismiss({ takeId: 12 });
    expect(store.stateOf({ takeId: 12 })).toBeNull();
  });

  it('refuses settings out of range in one line and keeps the ones it had', () => {
    const { store } = setup();
    expect(store.setSettings({ onsetThreshold: 1.5 })).toBe('onsetThreshold: Too big: expected number to be <=0.95');
    expect(store.setSettings({ minPitch: 100, maxPitch: 50 })).toBe('minPitch must not be above maxPitch');
    expect(store.settings).toMatchObject({ onsetThreshold: 0.6, minPitch: 21, maxPitch: 108 });
    expect(store.setSettings({ maxPitch: 96 })).toBeNull();
    expect(store.settings.maxPitch).toBe(96);
    store.resetSettings();
    expect(store.settings.maxPitch).toBe(108);
  });
});

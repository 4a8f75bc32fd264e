/**
 * End to end, "Transcribe to MIDI" in the clip inspector against the real core (basic-pitch on
 * its worker thread): a clip of a rendered piano bar is transcribed from the editor, the panel
 * follows the job and says the result in words, and the library holds the part.
 */
import path from 'node:path';
import { encodeWav } from '../../src-main/services/audio/wav.js';
import { PHRASE_TEMPO, renderPhrase } from '../bench/transcription/known-phrase.js';
import { OUTPUT_DIR, useHarness } from './harness.js';

describe('web mode UI: transcribing a clip to MIDI', () => {
  const harness = useHarness();

  test('the clip inspector transcribes the clip into a new part and says so', async () => {
    const { core } = harness();
    // One bar of melody and chords on the piano after a second of silence (bar 1 at 1 s).
    const phrase = renderPhrase(1, 0, 0, 44100);
    const audio = new Float32Array(phrase.audio.length + 44100);
    audio.set(phrase.audio, 44100);
    const { files } = await core.handlers['library:import-files']({
      files: [{ name: 'Piano riff.wav', data: new Uint8Array(encodeWav({ sampleRate: 44100, channels: [audio] }, { bitDepth: 16 })) }],
    });
    const songId = files[0]!.songId;
    await core.handlers['library:set-musical-time']({ songId, patch: { tempo: PHRASE_TEMPO, downbeatSeconds: 1 } });
    const clip = core.library.addClip({ songId, start: 1, end: 3.4, label: 'U', notes: 'piano riff' });

    const { page, problems } = await harness().openApp();
    // The editor on this clip, through the address as a link would open it.
    await page.evaluate(`window.location.hash = ${JSON.stringify(`#/songs/${songId}/clips/${clip.id}`)}`);
    const panel = page.getByTestId('transcribe-panel');
    await panel.getByText('Settings').click();
    await panel.getByTestId('onset-threshold').waitFor();
    await panel.screenshot({ path: path.join(OUTPUT_DIR, 'transcribe-settings.png') });

    await panel.getByTestId('transcribe').click();
    const result = panel.getByTestId('transcription-result');
    await result.waitFor({ timeout: 120_000 });
    expect(await result.textContent()).toMatch(/^\s*\d+ notes in a new part 'piano riff \(transcribed\)'\./);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'transcribe-result.png') });

    const parts = core.parts.list(songId);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ name: 'piano riff (transcribed)', source: 'transcription', sourceClipId: clip.id });
    expect(problems).toEqual([]);
  }, 180_000);
});

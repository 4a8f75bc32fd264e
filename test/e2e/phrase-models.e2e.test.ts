/**
 * Phrase ideas end to end in web mode, through the real UI against the real core, the training
 * worker, onnxruntime and Chromium: a type-1 MIDI file of six parts, written with @tonejs/midi
 * from the seeded phrase corpus (services/phrases/corpus.ts), is imported → Phrase ideas → the
 * Train form teaches a `continue` model with the test preset (its forecast first) → the model's
 * page says its held-out figures in words → "Carry on a phrase" makes a take → it is kept (Undo
 * takes the verdict back, Redo puts it again) and played → "Add to song" makes a part of the
 * song → the Export dialog exports the kept take into a Live set (a MIDI clip) → the new part
 * opens on the piano roll → a `vary` model is taught the same way → a slider moves and the
 * preview's piano roll redraws other notes → "Keep this" makes a take with those slider values →
 * "Blend two phrases" makes a take halfway between two → "One more like this" makes another.
 * Screens are saved at 1440×900.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import tonejs from '@tonejs/midi';
import type { Page } from 'playwright-core';
import { sliderEnds, sliderMeasureText, UNNAMED_SLIDER } from '../../src-main/common/slider-character.js';
import { generateCorpus } from '../../src-main/services/phrases/corpus.js';
import { OUTPUT_DIR, useHarness } from './harness.js';

const { Midi } = tonejs;

/** Training runs in the worker; the test preset takes seconds, the first start of a worker longer. */
const TRAIN_TIMEOUT_MS = 240_000;
const PARTS = 6;

/** Six corpus pieces as the tracks of one file, on the first piece's tempo and meter. */
function corpusMidi(): Uint8Array {
  const pieces = generateCorpus({ seed: '11', pieces: PARTS });
  const first = pieces[0]!;
  const midi = new Midi();
  const ppq = midi.header.ppq;
  midi.header.setTempo(first.music.tempoMap[0]!.bpm);
  const { numerator, denominator } = first.timeSignature;
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: [numerator, denominator] });
  midi.header.name = 'Phrase Book';
  midi.header.update();
  pieces.forEach((piece, index) => {
    const track = midi.addTrack();
    track.name = `${piece.style} ${index + 1}`;
    track.channel = index;
    track.instrument.number = piece.music.program;
    for (const note of piece.music.notes) {
      track.addNote({
        midi: note.pitch,
        ticks: Math.round(note.startBeats * ppq),
        durationTicks: Math.max(1, Math.round(note.durationBeats * ppq)),
        velocity: note.velocity / 127,
      });
    }
  });
  return midi.toArray();
}

describe('web mode UI: phrase ideas', () => {
  const harness = useHarness();

  async function shoot(page: Page, name: string): Promise<void> {
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    await page.screenshot({ path: path.join(OUTPUT_DIR, `phrases-${name}.png`), fullPage: true });
  }

  /** Teaches a model of `kind` with the test preset from the Train form and waits until it is ready. */
  async function teach(page: Page, kind: 'continue' | 'vary', bars: number, songId: number | null): Promise<number> {
    await page.getByTestId('phrase-new-model').click();
    const form = page.getByTestId('phrase-train-form');
    await form.waitFor();
    await page.getByTestId(`phrase-kind-${kind}`).check();
    if (songId !== null) {
      // Learn from the chosen song rather than the whole library.
      await page.getByTestId('phrase-train-whole-library').uncheck();
      await page.locator(`[data-testid="phrase-train-song"][data-song-id="${songId}"]`).check();
    }
    await page.getByTestId('phrase-train-bars').fill(String(bars));
    await page.getByTestId('phrase-train-preset').selectOption('test');
    await page.getByTestId('phrase-preset-description').filter({ hasText: /tiny model/ }).waitFor();
    // The test preset has no budget to choose.
    expect(await page.getByTestId('phrase-train-budget').count()).toBe(0);
    await page.getByTestId('phrase-train-seed').fill('42');
    await page.getByTestId('phrase-train-name').fill(`${kind} test`);
    // The forecast of exactly this request, not refused.
    const headline = page.getByTestId('phrase-forecast-headline').filter({ hasText: new RegExp(`phrases of ${bars} bars|cannot|needs|has \\d+ MIDI phrase`) });
    await headline.waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('phrase-forecast').evaluate((box) => (box as unknown as { className: string }).className)).not.toMatch(/refused/);
    expect(await headline.textContent()).toMatch(new RegExp(`^Learns from \\d+ phrases of ${bars} bars .* in about `));
    await shoot(page, `train-${kind}`);
    await page.getByTestId('phrase-train-submit').click();
    const modelPage = page.getByTestId('phrase-model-page');
    await modelPage.filter({ has: page.getByTestId('phrase-model-name').filter({ hasText: `${kind} test` }) }).waitFor();
    await page.getByTestId('phrase-model-status').filter({ hasText: /^Ready$/ }).waitFor({ timeout: TRAIN_TIMEOUT_MS });
    const id = Number(await modelPage.getAttribute('data-model-id'));
    await page.waitForFunction((hash) => (globalThis as unknown as { location: { hash: string } }).location.hash === hash, `#/phrases/models/${id}`);
    return id;
  }

  test('import MIDI → teach “carry on” → a take → keep, play → add to song → export → teach “vary” → sliders → keep → blend → one more', async () => {
    const { core, filesDir, exportRoot } = harness();
    const { page, problems } = await harness().openApp();

    const midiPath = path.join(filesDir, 'Phrase Book.mid');
    writeFileSync(midiPath, corpusMidi());
    await page.getByTestId('import-input').setInputFiles(midiPath);
    await page.getByTestId('song-row').filter({ hasText: 'Phrase Book' }).waitFor();
    const [song] = await core.handlers['library:list-songs']({});
    if (!song) throw new Error('the MIDI file made no song');
    await page.getByTestId('part-row').nth(PARTS - 1).waitFor();

    // Carry on a phrase.
    await page.getByTestId('nav-phrases').click();
    await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash === '#/phrases');
    const continueId = await teach(page, 'continue', 4, null);
    await page.getByTestId('phrase-model-figures-words').filter({ hasText: /guesses the next note \d+% of the time \(a simple chain: \d+%\)/ }).waitFor();
    await page.getByTestId('phrase-model-numbers').click();
    await page.getByTestId('phrase-model-figures').filter({ hasText: 'Next-token accuracy' }).waitFor();

    await page.getByTestId('continue-from-part').waitFor();
    await page.getByTestId('continue-bars').fill('2');
    await page.getByTestId('continue-count').fill('1');
    await page.getByTestId('continue-generate').click();
    const take = page.getByTestId('phrase-take').first();
    await take.waitFor();
    expect(await take.getAttribute('data-status')).toBe('ready');
    await take.getByTestId('phrase-roll').waitFor();
    const takeId = Number(await take.getAttribute('data-take-id'));
    const [made] = await core.handlers['phrase-takes:list']({ modelId: continueId });
    expect(made?.id).toBe(takeId);
    expect(made?.settings.mode).toBe('continue');
    expect(made?.settings.bars).toBe(2);

    // Keep it; Undo takes the verdict back, Redo keeps it again.
    await take.getByTestId('phrase-take-keep').click();
    await page.locator(`[data-testid="phrase-take"][data-take-id="${takeId}"][data-verdict="kept"]`).waitFor();
    await page.keyboard.press('Control+z');
    await page.locator(`[data-testid="phrase-take"][data-take-id="${takeId}"][data-verdict="undecided"]`).waitFor();
    await page.keyboard.press('Control+Shift+z');
    await page.locator(`[data-testid="phrase-take"][data-take-id="${takeId}"][data-verdict="kept"]`).waitFor();
    expect((await core.handlers['phrase-takes:get']({ takeId })).verdict).toBe('kept');
    // Play: the take's rendering plays (the audio element's clock moves), Stop stops it.
    await take.getByTestId('phrase-take-play').click();
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { paused: boolean; currentTime: number } | null } }).document;
      const audio = doc.querySelector('[data-testid="phrase-take-audio"]');
      return audio !== null && !audio.paused && audio.currentTime > 0.05;
    }, undefined, { timeout: 60_000 });
    await take.getByTestId('phrase-take-play').click();
    expect(await page.getByTestId('phrase-take-audio').evaluate((audio) => (audio as unknown as { paused: boolean }).paused)).toBe(true);
    // The phrase it carries on lies grey under it, and plays before it on request: the rendering
    // then starts at the phrase's first beat, so it is longer than the take's own.
    const phraseNotes = (await core.handlers['phrase-takes:get']({ takeId })).phrase ?? [];
    expect(phraseNotes.length).toBeGreaterThan(0);
    expect(Number(await take.getByTestId('phrase-roll').getAttribute('data-ghosts'))).toBe(phraseNotes.length);
    await take.getByTestId('phrase-take-play-after-phrase').click();
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { paused: boolean; currentTime: number; duration: number } | null } }).document;
      const audio = doc.querySelector('[data-testid="phrase-take-audio"]');
      return audio !== null && !audio.paused && audio.currentTime > 0.05;
    }, undefined, { timeout: 60_000 });
    const own = await core.handlers['phrase-takes:get-audio']({ takeId });
    const inContext = await page.getByTestId('phrase-take-audio').evaluate((audio) => (audio as unknown as { duration: number }).duration);
    expect(inContext).toBeGreaterThan(own.durationSeconds + 1);
    await take.getByTestId('phrase-take-play-after-phrase').click();
    await take.getByTestId('phrase-take-measures-toggle').click();
    await take.getByTestId('phrase-take-measures').filter({ hasText: /notes?/ }).waitFor();
    await shoot(page, 'continue-take');

    // Add it to the song: a new part, whose link opens it on the piano roll.
    const partsBefore = await core.handlers['parts:list']({ songId: song.id });
    await take.getByTestId('phrase-take-add').click();
    const openPart = take.getByTestId('phrase-take-open-part');
    await openPart.waitFor();
    const partsAfter = await core.handlers['parts:list']({ songId: song.id });
    expect(partsAfter).toHaveLength(partsBefore.length + 1);
    const added = partsAfter.find((part) => !partsBefore.some((before) => before.id === part.id));
    expect(added?.source).toBe('model');

    // Export the kept take to a Live set: the dialog offers the model's kept MIDI takes, ticked.
    await page.getByTestId('open-phrase-export').click();
    const choice = page.locator(`[data-testid="export-phrase-take"][data-take-id="${takeId}"]`);
    await choice.waitFor();
    expect(await choice.isChecked()).toBe(true);
    await page.getByTestId('export-ableton').check();
    if (await page.getByTestId('export-logic').isChecked()) await page.getByTestId('export-logic').uncheck();
    expect(await page.getByTestId('export-destination').inputValue()).toBe(exportRoot);
    await shoot(page, 'export-dialog');
    await page.getByTestId('export-submit').click();
    await page.getByTestId('export-done').waitFor({ timeout: 120_000 });
    const folders = (await page.getByTestId('export-folder').evaluateAll((items) => items.map((item) => item.getAttribute('data-path')))) as string[];
    const sets = folders.flatMap((folder) => readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.als')).map((entry) => path.join(entry.parentPath, entry.name)));
    expect(sets).toHaveLength(1);
    const xml = gunzipSync(await readFile(sets[0]!)).toString('utf8');
    expect(xml).toContain('<MidiClip ');
    expect(xml).toContain('<MidiNoteEvent ');
    await page.keyboard.press('Escape');

    await openPart.click();
    await page.waitForFunction((hash) => (globalThis as unknown as { location: { hash: string } }).location.hash === hash, `#/songs/${song.id}/parts/${added!.id}`);
    await page.getByTestId('part-name').filter({ hasText: added!.name }).waitFor();

    // Vary a phrase: back to Phrase ideas (the continue model is still open), teach a vary model.
    await page.getByTestId('nav-phrases').click();
    await page.getByTestId('phrase-model-page').waitFor();
    const varyId = await teach(page, 'vary', 2, song.id);
    expect((await core.handlers['phrase-models:get']({ modelId: varyId })).songIds).toEqual([song.id]);
    const preview = page.getByTestId('preview');
    const roll = page.getByTestId('preview-roll');
    await roll.waitFor();
    const before = await roll.getAttribute('data-signature');
    const sliders = page.getByTestId('vary-slider');
    expect(await sliders.count()).toBe(20);
    await page.getByTestId('slider-shares').click();
    expect(await page.getByTestId('slider-share').first().textContent()).toMatch(/^\d+% of the variety$/);
    // Each slider's ends say what the training job measured it to change (vary-job.ts describeSliders), the numbers one click away.
    const { characters } = await core.handlers['phrase-takes:get-sliders']({ modelId: varyId });
    expect(characters).toHaveLength(20);
    const lefts = await page.getByTestId('vary-slider-left').allTextContents();
    const rights = await page.getByTestId('vary-slider-right').allTextContents();
    const measures = await page.getByTestId('slider-measure').allTextContents();
    characters!.forEach((character, i) => {
      const ends = sliderEnds(character);
      expect([lefts[i], rights[i]]).toEqual([ends?.left ?? '', ends?.right ?? '']);
      expect(measures[i]).toBe(character ? sliderMeasureText(character) : UNNAMED_SLIDER);
    });

    // Move sliders to their ends, one after another, until the notes differ (a tiny model may
    // hear one direction alone as no change); each move waits for the preview of exactly it.
    let after = before;
    const values = (await preview.getAttribute('data-shown-values'))!.split(',').map(Number);
    for (let index = 0; index < 20 && after === before; index++) {
      const target = values[index]! > 0 ? -3 : 3;
      await sliders.nth(index).fill(String(target));
      values[index] = target;
      const expected = values.join(',');
      await page.waitForFunction(
        (shown) => (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(a: string): string | null } | null } }).document.querySelector('[data-testid="preview"]')?.getAttribute('data-shown-values') === shown,
        expected,
        { timeout: 30_000 },
      );
      after = await roll.getAttribute('data-signature');
    }
    expect(after).not.toBe(before);
    await shoot(page, 'sliders');

    // Keep this: a take of the vary model with those slider values.
    await page.getByTestId('keep-preview').click();
    await page.getByTestId('kept-note').waitFor();
    const varyTake = page.getByTestId('phrase-take').first();
    await varyTake.getByTestId('phrase-roll').waitFor();
    const varyTakeId = Number(await varyTake.getAttribute('data-take-id'));
    const kept = await core.handlers['phrase-takes:get']({ takeId: varyTakeId });
    expect(kept.settings.mode).toBe('vary');
    expect(kept.settings.sliders).toEqual(values);
    // A variation of the latent's centre (no phrase chosen) read no phrase.
    expect(kept.settings.latent).toBeUndefined();
    // At temperature 0 (the panel's) the likeliest phrase of a beam: the preview's and the take's.
    expect([kept.settings.temperature, kept.settings.beam]).toEqual([0, 4]);
    await shoot(page, 'vary-take');

    // Blend two phrases: bars 1–2 of the first part into its bars 3–4, halfway.
    await page.getByTestId('phrase-mode-interpolate').click();
    await page.getByTestId('blend-to-start-bar').fill('3');
    await page.getByTestId('blend-generate').click();
    await page.locator('[data-testid="phrase-take"]').filter({ has: page.getByTestId('phrase-take-origin').filter({ hasText: /^Blend two phrases: between .*bars 1–2 and .*bars 3–4 \(50% of the way\)$/ }) }).waitFor();
    const takes = await core.handlers['phrase-takes:list']({ modelId: varyId });
    expect(takes.map((t) => t.settings.mode)).toEqual(['interpolate', 'vary']);
    expect(takes[0]?.settings.fraction).toBe(0.5);
    // The model trained here has its checkpoint: the two phrases were read by refinement, and the measures say so.
    expect(takes[0]?.settings.latent).toBe('refined');
    const blend = page.getByTestId('phrase-take').first();
    await blend.getByTestId('phrase-take-measures-toggle').click();
    await blend.getByTestId('phrase-take-latent').filter({ hasText: /^the phrase, fitted closely to the model \(refined latent\)$/ }).waitFor();
    expect(takes[0]?.settings.beam).toBe(4);
    await blend.getByTestId('phrase-take-beam').filter({ hasText: /^the likeliest whole phrase of 4 followed side by side \(beam search\)$/ }).waitFor();

    // One more like this: the same settings with a new seed.
    await page.getByTestId('phrase-take').first().getByTestId('phrase-take-regenerate').click();
    await page.getByTestId('phrase-take').nth(2).waitFor();
    const again = await core.handlers['phrase-takes:list']({ modelId: varyId });
    expect(again).toHaveLength(3);
    expect(again[0]?.settings).toEqual(takes[0]?.settings);

    expect(problems).toEqual([]);
  }, 600_000);
});

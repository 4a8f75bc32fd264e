/**
 * MIDI parts end to end in web mode, through the real UI against the real core, the General
 * MIDI synth and Chromium: a type-1 MIDI file written with @tonejs/midi (a piano track and a
 * bass track, 100 BPM, 4/4, eight bars) is imported from the file input → the Library lists
 * its two parts with their instruments in words → the piano part opens on the piano roll
 * (its address names it) → a drag on the bar ruler across bars 1–4 makes a 4-bar clip, whose
 * bars and notes the core confirms → the clip plays (the audio element's clock moves) → a
 * click on the ruler at bar 5 and Space play the part from there → the clip is renamed → the
 * roll zooms in (button, Ctrl+wheel) → the clip is exported through the Export dialog.
 * The screen is saved at 1440×900 and 1280×720.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import tonejs from '@tonejs/midi';
import type { Page } from 'playwright-core';
import { secondsAtBeats } from '../../src-main/common/tempo-map.js';
import { DEFAULT_ZOOM, nextZoom } from '../../src-renderer/app/ui/roll-geometry.js';
import { OUTPUT_DIR, VIEWPORT, useHarness } from './harness.js';

const { Midi } = tonejs;

const BPM = 100;
const BARS = 8;
/** The piano: a triad on every beat, its root walking up C, D, E, F bar by bar (then again). */
const PIANO_ROOTS = [60, 62, 64, 65];
/** The bass: one note on beats 1 and 3 of every bar. */
const BASS_ROOTS = [36, 38, 40, 41];

/** Writes the type-1 file: a tempo and 4/4 in the header track, then the piano and the bass. */
function songMidi(): Uint8Array {
  const midi = new Midi();
  const ppq = midi.header.ppq;
  midi.header.setTempo(BPM);
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: [4, 4] });
  midi.header.name = 'Night Drive';
  midi.header.update();
  const piano = midi.addTrack();
  piano.name = 'Piano';
  piano.channel = 0;
  piano.instrument.number = 0;
  const bass = midi.addTrack();
  bass.name = 'Bass';
  bass.channel = 1;
  bass.instrument.number = 33;
  for (let bar = 0; bar < BARS; bar++) {
    const root = PIANO_ROOTS[bar % PIANO_ROOTS.length]!;
    for (let beat = 0; beat < 4; beat++) {
      for (const interval of [0, 4, 7]) {
        piano.addNote({ midi: root + interval, ticks: (bar * 4 + beat) * ppq, durationTicks: ppq * 0.9, velocity: 0.5 + 0.1 * beat });
      }
    }
    for (const beat of [0, 2]) {
      bass.addNote({ midi: BASS_ROOTS[bar % BASS_ROOTS.length]!, ticks: (bar * 4 + beat) * ppq, durationTicks: ppq * 1.8, velocity: 0.8 });
    }
  }
  return midi.toArray();
}

/** Pixels a beat after one zoom step in from the opening zoom, and after a second. */
const ZOOM_STEPS_AFTER = [nextZoom(DEFAULT_ZOOM, 1), nextZoom(nextZoom(DEFAULT_ZOOM, 1), 1)] as const;

/** Piano notes that start in bars 1–4: a triad on each of 16 beats. */
const PIANO_NOTES_IN_FOUR_BARS = 4 * 4 * 3;

describe('web mode UI: MIDI parts on the piano roll', () => {
  const harness = useHarness();

  async function shoot(page: Page, name: string): Promise<void> {
    for (const size of [VIEWPORT, { width: 1280, height: 720 }]) {
      await page.setViewportSize(size);
      // Two frames: the roll measures its new size, then draws at it.
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
      await page.screenshot({ path: path.join(OUTPUT_DIR, `midi-${name}-${size.width}.png`) });
    }
    await page.setViewportSize(VIEWPORT);
  }

  /** Resolves once the part view's audio has played past `seconds` (checked in the page, no sleeps). */
  async function audioPast(page: Page, seconds: number): Promise<number> {
    // A function, not a string: the app's CSP refuses the eval a string predicate is polled with.
    await page.waitForFunction(
      (past) => {
        const page = globalThis as unknown as { document: { querySelector(selector: string): { paused: boolean; currentTime: number } | null } };
        const audio = page.document.querySelector('[data-testid="part-audio"]');
        return audio !== null && !audio.paused && audio.currentTime > past;
      },
      seconds,
      { timeout: 60_000 },
    );
    return (await page.getByTestId('part-audio').evaluate((audio) => (audio as unknown as { currentTime: number }).currentTime)) as number;
  }

  test('import a MIDI file → its parts in the Library → the piano roll → a 4-bar clip → play it → export it', async () => {
    const { core, filesDir, exportRoot } = harness();
    const { page, problems } = await harness().openApp();

    // Import from the file input: the Library lists the file's two parts with their instruments.
    const midiPath = path.join(filesDir, 'Night Drive.mid');
    writeFileSync(midiPath, songMidi());
    await page.getByTestId('import-input').setInputFiles(midiPath);
    await page.getByTestId('song-row').filter({ hasText: 'Night Drive' }).waitFor();
    const rows = page.getByTestId('part-row');
    await rows.nth(1).waitFor();
    expect(await page.getByTestId('part-row-instrument').allTextContents()).toEqual(['Piano (Acoustic Grand)', 'Electric Bass (Finger)']);
    // The import did not fail (a MIDI file imports as parts, no audio file; a failed import stays listed).
    expect(await page.locator('[data-testid="import-job"].failed').count()).toBe(0);
    const [song] = await core.handlers['library:list-songs']({});
    if (!song) throw new Error('the MIDI file made no song');
    const parts = await core.handlers['parts:list']({ songId: song.id });
    const piano = parts.find((part) => part.name === 'Piano');
    if (!piano) throw new Error(`no Piano part among ${parts.map((part) => part.name).join(', ')}`);
    expect([piano.noteCount, piano.lengthBars, piano.bpm]).toEqual([BARS * 4 * 3, BARS, BPM]);
    await shoot(page, 'library');
    // A song made from MIDI alone has no audio to cut clips from: opening it (a double-click on its
    // row) keeps the Library, with the song selected and its parts listed, instead of the clip editor.
    await page.getByTestId('song-row').filter({ hasText: 'Night Drive' }).locator('td').nth(1).dblclick();
    await page.waitForFunction((hash) => (globalThis as unknown as { location: { hash: string } }).location.hash === hash, `#/library/songs/${song.id}`);
    await rows.nth(1).waitFor();

    // Open: the piano roll, its address naming the part.
    await rows.filter({ hasText: 'Piano' }).getByTestId('open-part').click();
    const address = `#/songs/${song.id}/parts/${piano.id}`;
    await page.waitForFunction(`location.hash === ${JSON.stringify(address)}`);
    await page.getByTestId('part-instrument').filter({ hasText: 'Piano (Acoustic Grand)' }).waitFor();
    await shoot(page, 'piano-roll');

    // Drag on the bar ruler from inside bar 1 to inside bar 4: bars 1–4, then label and make the clip.
    const ruler = await page.getByTestId('bar-ruler').boundingBox();
    if (!ruler) throw new Error('the bar ruler has no layout box');
    // A 4/4 bar at the zoom the roll opens at.
    const barWidth = DEFAULT_ZOOM * 4;
    const y = ruler.y + ruler.height / 2;
    await page.mouse.move(ruler.x + barWidth * 0.3, y);
    await page.mouse.down();
    await page.mouse.move(ruler.x + barWidth * 1.5, y, { steps: 4 });
    await page.mouse.move(ruler.x + barWidth * 3.7, y, { steps: 8 });
    await page.mouse.up();
    expect(await page.getByTestId('bar-selection').textContent()).toBe('bars 1–4');
    expect(await page.getByTestId('make-part-clip').textContent()).toContain('Make clip (4 bars)');
    await page.getByTestId('new-part-clip-label').fill('verse chords');
    await page.getByTestId('make-part-clip').click();
    await page.getByTestId('part-clip-row').waitFor();
    expect(await page.getByTestId('part-clip-label').textContent()).toBe('verse chords');
    const [clip] = await core.handlers['parts:list-clips']({ partId: piano.id });
    if (!clip) throw new Error('Make clip made no part clip');
    expect([clip.startBar, clip.lengthBars, clip.startBeats, clip.endBeats, clip.label]).toEqual([1, 4, 0, 16, 'verse chords']);
    expect(clip.noteCount).toBe(PIANO_NOTES_IN_FOUR_BARS);
    const inside = core.parts.musicOf({ partClipId: clip.id });
    expect(inside.notes).toHaveLength(PIANO_NOTES_IN_FOUR_BARS);
    expect(Math.max(...inside.notes.map((note) => note.startBeats + note.durationBeats))).toBeLessThanOrEqual(16);
    expect(new Set(inside.notes.map((note) => note.pitch))).toEqual(new Set(PIANO_ROOTS.flatMap((root) => [root, root + 4, root + 7])));
    await shoot(page, 'clip-made');

    // Play the clip: its rendered audio plays and its clock moves.
    await page.getByTestId('play-part-clip').click();
    expect(await audioPast(page, 0)).toBeGreaterThan(0);
    await shoot(page, 'clip-playing');
    await page.getByTestId('play-part-clip').click();

    // Click the ruler at bar 5 and press Space: the part plays from bar 5 (16 beats in).
    await page.mouse.click(ruler.x + barWidth * 4 + 2, y);
    expect(await page.getByTestId('part-position').textContent()).toContain('5.1');
    await page.locator('body').press('Space');
    const fromBar5 = secondsAtBeats([{ beats: 0, bpm: BPM }], 16);
    expect(await audioPast(page, fromBar5)).toBeGreaterThan(fromBar5);
    await page.locator('body').press('Space');

    // Rename the clip in the list.
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByTestId('part-clip-label-input').fill('verse');
    await page.getByTestId('part-clip-label-input').press('Enter');
    await page.getByTestId('part-clip-label').filter({ hasText: /^verse$/ }).waitFor();
    expect((await core.handlers['parts:list-clips']({ partId: piano.id }))[0]?.label).toBe('verse');

    // Zoom in with the button (36 pixels a beat), then Ctrl+wheel (48): bar 5 is further right each time.
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.mouse.click(ruler.x + ZOOM_STEPS_AFTER[0] * 16 + 2, y);
    expect(await page.getByTestId('part-position').textContent()).toContain('5.1');
    await page.mouse.move(ruler.x + 4, y);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await page.mouse.click(ruler.x + ZOOM_STEPS_AFTER[1] * 16 + 2, y);
    expect(await page.getByTestId('part-position').textContent()).toContain('5.1');

    // Export the clip through the Export dialog: a MIDI track in the Live set, a MIDI file (and
    // its rendered stem) in the Logic folder, into the export root (web mode has no folder picker).
    await page.getByTestId('open-part-export').click();
    const clipChoice = page.locator(`[data-testid="export-part-clip"][data-id="${clip.id}"]`);
    // Opened over the part, the dialog ticks what the view has open and offers no takes or source clip.
    await clipChoice.waitFor();
    expect(await page.getByTestId('export-include-source').count()).toBe(0);
    const ticked = await page.locator('[data-testid^="export-part"]:checked').evaluateAll((boxes) => boxes.map((box) => `${box.getAttribute('data-testid')}:${box.getAttribute('data-id')}`));
    expect(ticked.length).toBe(1);
    for (const box of await page.locator('[data-testid="export-part"]:checked').all()) await box.uncheck();
    await clipChoice.check();
    for (const daw of ['export-ableton', 'export-logic']) await page.getByTestId(daw).check();
    expect(await page.getByTestId('export-destination').inputValue()).toBe(exportRoot);
    await shoot(page, 'export-dialog');
    await page.getByTestId('export-submit').click();
    await page.getByTestId('export-done').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('export-tempo-note').textContent()).toContain(`${BPM} BPM`);
    const folders = (await page.getByTestId('export-folder').evaluateAll((items) => items.map((item) => item.getAttribute('data-path')))) as string[];
    expect(folders).toHaveLength(2);
    const written = folders.flatMap((folder) => filesUnder(folder).map((file) => path.join(folder, file)));
    expect(written.some((file) => file.endsWith('.als'))).toBe(true);
    const midiFiles = written.filter((file) => /\.midi?$/.test(file) && !/tempo\.mid$/i.test(file));
    expect(midiFiles.some((file) => /Logic\/MIDI\/[^/]*verse[^/]*\.mid$/.test(file))).toBe(true);
    for (const file of midiFiles) {
      const readBack = new Midi(await readFile(file));
      const exportedNotes = readBack.tracks.flatMap((track) => track.notes);
      expect(exportedNotes).toHaveLength(PIANO_NOTES_IN_FOUR_BARS);
      expect(Math.max(...exportedNotes.map((note) => note.ticks + note.durationTicks)) / readBack.header.ppq).toBeLessThanOrEqual(16);
    }
    await shoot(page, 'exported');

    expect(problems).toEqual([]);
  }, 300_000);
});

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

/**
 * End to end, the Export dialog against the real core, its real training and generation
 * workers, the real export writers and Chromium, in web mode: a short bounce → a clip → a model
 * trained with the test preset → two takes; the first is kept with K, E opens the Export
 * dialog with only the kept take ticked; the second is ticked too, both DAWs, 44.1 kHz, tempo
 * 100; Export shows its progress bar, then lists the two folders (with their paths: a browser
 * cannot reveal them), and on disk the Ableton project (.als at 100 BPM, the WAVs it names),
 * the Logic stems at 44.1 kHz and both sidecars are there. Exporting again makes "… 2" folders
 * and leaves the first ones byte for byte. Web mode says drag-out needs the app, Esc closes
 * the dialog, and reopening it keeps the choices.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { listFiles } from '../helpers/temp-dir.js';
import { zipEntries } from '../helpers/zip-entries.js';
import { OUTPUT_DIR, trainedModelWithTakes, useHarness } from './harness.js';

const run = promisify(execFile);
/** Training with the test preset and two 2 s takes on 2 cores; room for a slow machine. */
const PREPARE_TIMEOUT_MS = 300_000;
const EXPORT_TIMEOUT_MS = 60_000;

/** sha256 of every file under `dir`, by relative path. */
async function hashTree(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const line of await listFiles(dir)) {
    const file = line.slice(0, line.lastIndexOf(' '));
    hashes[file] = createHash('sha256').update(await readFile(path.join(dir, file))).digest('hex');
  }
  return hashes;
}

async function probeStream(file: string): Promise<Record<string, unknown>> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file]);
  return (JSON.parse(stdout) as { streams: Record<string, unknown>[] }).streams[0] ?? {};
}

/**
 * Records every value the export progress bar shows, from before the click on (an export of
 * two short takes is over in a moment, too fast to poll).
 */
const WATCH_PROGRESS = `(() => {
  window.__exportProgress = [];
  const record = () => {
    const bar = document.querySelector('[data-testid="export-progress"] progress');
    if (bar) window.__exportProgress.push(Number(bar.value));
  };
  new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
})()`;

describe('web mode UI: export', () => {
  const harness = useHarness();

  const dialog = (page: Page) => page.getByTestId('export-dialog');
  const isOpen = (page: Page) => dialog(page).evaluate((element) => (element as unknown as { open: boolean }).open);

  test('exports the chosen takes to Ableton Live and Logic Pro, twice', async () => {
    const { core, exportRoot } = harness();
    const {
      takes: [first, second],
    } = await trainedModelWithTakes(core, { count: 2, seconds: 2 });
    if (!first || !second) throw new Error('the batch did not make two takes');

    const { page, problems } = await harness().openApp();
    await page.getByTestId('nav-takes').click();
    await page.locator(`[data-testid="take-row"][data-take-id="${second.id}"]`).waitFor();

    // Keep the first take; web mode says that dragging into a DAW needs the desktop app.
    await page.locator(`[data-testid="take-row"][data-take-id="${first.id}"]`).click();
    await page.keyboard.press('k');
    await page.locator(`[data-testid="take-row"][data-take-id="${first.id}"][data-verdict="kept"]`).waitFor();
    await page.getByTestId('take-drag-unavailable').waitFor();
    expect(await page.getByTestId('take-drag-out').count()).toBe(0);

    // E opens the dialog with the kept take ticked and focus inside; Esc closes it.
    await page.keyboard.press('e');
    await page.getByTestId('export-take').first().waitFor();
    expect(await isOpen(page)).toBe(true);
    const take = (id: number) => page.locator(`[data-testid="export-take"][data-take-id="${id}"]`);
    expect([await take(first.id).isChecked(), await take(second.id).isChecked()]).toEqual([true, false]);
    expect(await page.evaluate(`document.activeElement?.closest('dialog') !== null`)).toBe(true);
    await page.keyboard.press('Escape');
    await page.waitForFunction(`!document.querySelector('[data-testid="export-dialog"]').open`);

    // Both takes, both DAWs, 44.1 kHz, tempo 100, into the export root (no folder picker here).
    await page.getByTestId('open-export').click();
    await take(second.id).check();
    for (const daw of ['export-ableton', 'export-logic']) await page.getByTestId(daw).check();
    await page.getByTestId('export-rate-44100').check();
    await page.getByTestId('export-tempo').fill('100');
    expect(await page.getByTestId('export-destination').inputValue()).toBe(exportRoot);
    expect(await page.getByTestId('export-choose-folder').count()).toBe(0);
    await page.evaluate(WATCH_PROGRESS);
    await page.getByTestId('export-submit').click();
    await page.getByTestId('export-done').waitFor({ timeout: EXPORT_TIMEOUT_MS });
    const shown = (await page.evaluate('window.__exportProgress')) as number[];
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.some((fraction) => fraction > 0)).toBe(true);
    expect(shown).toEqual(shown.toSorted((a, b) => a - b));

    const project = path.join(exportRoot, 'Hook Project');
    const logic = path.join(exportRoot, 'Hook Logic');
    const folders = page.getByTestId('export-folder');
    expect(await folders.evaluateAll((items) => items.map((item) => item.getAttribute('data-path')))).toEqual([project, logic]);
    expect(await page.getByTestId('export-tempo').inputValue()).toBe('100');
    expect(await page.getByTestId('export-tempo-note').textContent()).toBe('Tempo 100 BPM.');
    expect(await page.getByTestId('export-reveal').count()).toBe(0); // a browser cannot reveal: the paths are shown
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'export-done.png') });

    // A browser cannot reveal, but it can download each folder as a .zip (with the page key only).
    const download = page.getByTestId('export-download').first();
    const href = (await download.getAttribute('href'))!;
    expect(href).toMatch(/^\/download\/export\?folder=.+&key=[0-9a-f]{64}$/);
    const zipped = await page.request.get(new URL(href, page.url()).toString());
    expect(zipped.status()).toBe(200);
    expect(zipped.headers()['content-type']).toBe('application/zip');
    expect(zipped.headers()['content-disposition']).toContain("filename*=UTF-8''Hook%20Project.zip");
    const entries = await zipEntries(await zipped.body());
    expect(entries.has('Hook Project/Hook.als')).toBe(true);
    expect(entries.get('Hook Project/Samples/Imported/Take 1.wav')!.equals(await readFile(path.join(project, 'Samples', 'Imported', 'Take 1.wav')))).toBe(true);
    // Without the page key, or for a folder Eureka did not export: nothing.
    expect((await page.request.get(new URL(href.replace(/&key=.*$/, ''), page.url()).toString())).status()).toBe(403);
    const elsewhere = href.replace(/folder=[^&]+/, `folder=${encodeURIComponent(path.dirname(project))}`);
    expect((await page.request.get(new URL(elsewhere, page.url()).toString())).status()).toBe(404);

    // On disk: the set at 100 BPM naming WAVs that exist, 44.1 kHz stems, the sidecars.
    const imports = path.join(project, 'Samples', 'Imported');
    expect((await readdir(imports)).sort()).toEqual(['Source clip.wav', 'Take 1.wav', 'Take 2.wav']);
    const xml = gunzipSync(await readFile(path.join(project, 'Hook.als'))).toString('utf8');
    expect(/<Tempo>[\s\S]*?<Manual Value="100"/.exec(xml)).not.toBeNull();
    const named = [...xml.matchAll(/<RelativePath Value="(Samples\/Imported\/[^"]+)"/g)].map((match) => match[1]);
    expect(new Set(named)).toEqual(new Set(['Samples/Imported/Source clip.wav', 'Samples/Imported/Take 1.wav', 'Samples/Imported/Take 2.wav']));
    expect(await readdir(path.join(project, 'Ableton Project Info'))).toEqual([]);
    const stems = (await readdir(path.join(logic, 'Stems'))).sort();
    expect(stems).toEqual(['Source clip.wav', 'Take 1.wav', 'Take 2.wav']);
    expect(await probeStream(path.join(logic, 'Stems', 'Take 2.wav'))).toMatchObject({ codec_name: 'pcm_s24le', sample_rate: '44100' });
    expect(await readdir(logic)).toEqual(expect.arrayContaining(['Tempo.mid', 'Hook.fcpxml', 'README.txt']));
    for (const folder of [project, logic]) {
      const sidecar = JSON.parse(await readFile(path.join(folder, 'eureka-takes.json'), 'utf8')) as { files: { seed: unknown }[] };
      expect(new Set(sidecar.files.map((file) => file.seed))).toEqual(new Set([null, first.seed, second.seed]));
    }

    // Again: "… 2" folders, the first ones unchanged.
    const before = await hashTree(exportRoot);
    await page.getByTestId('export-submit').click();
    await page.locator(`[data-testid="export-folder"][data-path="${path.join(exportRoot, 'Hook Project 2')}"]`).waitFor({ timeout: EXPORT_TIMEOUT_MS });
    expect(await folders.evaluateAll((items) => items.map((item) => item.getAttribute('data-path')))).toEqual([
      `${project} 2`,
      `${logic} 2`,
    ]);
    const after = await hashTree(exportRoot);
    for (const [file, hash] of Object.entries(before)) expect(after[file]).toBe(hash);
    expect(Object.keys(after).length).toBe(2 * Object.keys(before).length);
    expect((await readdir(exportRoot)).sort()).toEqual(['Hook Logic', 'Hook Logic 2', 'Hook Project', 'Hook Project 2']);

    // Closed and reopened: a fresh result, the same choices.
    await page.keyboard.press('Escape');
    await page.getByTestId('open-export').click();
    await page.getByTestId('export-take').first().waitFor();
    expect(await page.getByTestId('export-done').count()).toBe(0);
    expect(await page.getByTestId('export-rate-44100').isChecked()).toBe(true);
    expect(await page.getByTestId('export-tempo').inputValue()).toBe('100');
    expect(problems).toEqual([]);
  }, PREPARE_TIMEOUT_MS + 2 * EXPORT_TIMEOUT_MS);
});

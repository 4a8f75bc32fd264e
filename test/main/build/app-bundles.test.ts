/**
 * The desktop app's bundles as electron-vite built them (`npm test` builds them first): Electron
 * itself cannot be downloaded on the build machines, so we check what we can without it — the
 * sandboxed preload requires nothing but electron and exposes the contract, the audio, synth and
 * transcription worker entries run from the bundle, the main bundle finds them, and the pages carry a strict CSP.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { CHANNELS } from '../../../src-main/common/ipc-contract.js';
import type { PartMusic } from '../../../src-main/common/midi.js';
import { createWorkerProcessor } from '../../../src-main/services/audio/processor.js';
import { createWorkerSynth } from '../../../src-main/services/synth/synth-runner.js';
import { createWorkerRunner as createWorkerTranscriber } from '../../../src-main/services/transcription/transcription-runner.js';
import { transcriptionSettings } from '../../../src-main/common/transcription.js';
import { headerPolicyFromHtml } from '../../../src-main/web/content-security.js';
import { wavBytes } from '../../helpers/signals.js';
import { createElectronDouble } from '../electron/electron-double.js';

const out = (...parts: string[]) => path.resolve('out', ...parts);

beforeAll(() => {
  for (const file of [out('main', 'index.js'), out('preload', 'index.cjs'), out('renderer', 'index.html'), out('web', 'index.html')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build:app and npm run build:web`);
  }
});

it('the preload bundle is one CommonJS file that requires only electron and exposes window.eureka', () => {
  const double = createElectronDouble();
  const required: string[] = [];
  const module = { exports: {} };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return double.module;
    throw new Error(`a sandboxed preload cannot require ${name}`);
  };
  const code = readFileSync(out('preload', 'index.cjs'), 'utf8');
  vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console });
  expect([...new Set(required)]).toEqual(['electron']);
  const bridge = double.exposed.get('eureka') as { invoke: (c: string, r: unknown) => Promise<unknown> };
  expect(bridge).toBeDefined();
  void bridge.invoke(CHANNELS[0]!, {});
  expect(double.invoked.map((call) => call.channel)).toEqual([CHANNELS[0]]);
});

it('the main bundle loads the audio worker from next to itself, and that worker runs', async () => {
  const main = readFileSync(out('main', 'index.js'), 'utf8');
  expect(main).toMatch(/new URL\(["']\.\/workers\/audio-worker\.js["'], import\.meta\.url\)/);
  const processor = createWorkerProcessor(pathToFileURL(out('main', 'workers', 'audio-worker.js')));
  try {
    const result = await processor.process('take.wav', wavBytes({ seconds: 1, sampleRate: 16_000, seed: 2 }), { maxSeconds: 60 });
    expect(result).toMatchObject({ format: 'wav', sampleRate: 16_000, frames: 16_000 });
  } finally {
    await processor.dispose();
  }
});

it('the main bundle loads the synth worker from next to itself, and it finds the SoundFont from there', async () => {
  const main = readFileSync(out('main', 'index.js'), 'utf8');
  expect(main).toMatch(/new URL\(["']\.\/workers\/synth-worker\.js["'], import\.meta\.url\)/);
  const synth = createWorkerSynth(out('main', 'workers', 'synth-worker.js'));
  try {
    const notes = [{ pitch: 69, startBeats: 0, durationBeats: 1, velocity: 100 }];
    const music: PartMusic = { program: 0, channel: 0, notes, bends: [], tempoMap: [{ beats: 0, bpm: 120 }], meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }] };
    const { channels } = await synth.render(music, { tailSeconds: 0 });
    expect(channels[0]).toHaveLength(22_050);
    expect(channels[0].some((sample) => Math.abs(sample) > 0.01)).toBe(true);
  } finally {
    await synth.dispose();
  }
});

it('the main bundle loads the transcription worker from next to itself, and basic-pitch hears an A4 there', async () => {
  const main = readFileSync(out('main', 'index.js'), 'utf8');
  expect(main).toMatch(/new URL\(["']\.\/workers\/transcription-worker\.js["'], import\.meta\.url\)/);
  const runner = createWorkerTranscriber(out('main', 'workers', 'transcription-worker.js'));
  const audio = new Float32Array(22_050);
  for (let i = 0; i < audio.length; i++) audio[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / 22_050);
  const notes = await runner.run({ audio, settings: transcriptionSettings() }, () => undefined, new AbortController().signal);
  expect(notes.map((note) => note.pitch)).toContain(69);
});

it.each(['renderer', 'web'])('the %s page carries a strict policy with no inline scripts or styles', (folder) => {
  const policy = headerPolicyFromHtml(readFileSync(out(folder, 'index.html'), 'utf8'));
  expect(policy).toContain("script-src 'self'");
  expect(policy).toContain("object-src 'none'");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toMatch(/unsafe-(inline|eval)/);
});

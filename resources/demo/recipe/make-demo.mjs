// Recipe for resources/demo/eureka-demo.flac, the bundled demo clip.
//
// Writes a four-part arrangement as a Standard MIDI File (type 1, written by hand below: the
// recipe must not depend on the app's packages), renders it with FluidSynth through the
// FluidR3 GM soundfont (MIT licence), trims it to 32 s and encodes 16-bit FLAC.
//
//   apt-get install fluidsynth fluid-soundfont-gm sox flac
//   node resources/demo/recipe/make-demo.mjs
//
// Everything is deterministic (a fixed-seed PRNG picks the melody), so the same tools give
// the same file; the committed FLAC's SHA-256 is in ../README.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUTPUT = path.join(here, '..', 'eureka-demo.flac');
const SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';
const PPQ = 480;
const BPM = 96; // a bar of 4/4 is 2.5 s
const BARS = 13;
const SECONDS = 32;

// mulberry32: tiny, seeded, good enough to pick notes
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Am - F - C - G (vi - IV - I - V in C major), one chord a bar
const CHORDS = [
  [57, 60, 64],
  [53, 57, 60],
  [48, 52, 55],
  [55, 59, 62],
];
const BASS_ROOTS = [45, 41, 36, 43];
const PENTATONIC = [69, 72, 74, 76, 79, 81]; // A minor pentatonic, upper register

function vlq(value) {
  const bytes = [value & 0x7f];
  while ((value >>= 7) > 0) bytes.unshift((value & 0x7f) | 0x80);
  return bytes;
}

/** events: [tick, bytes[]]; returns an MTrk chunk */
function track(name, events) {
  const sorted = [...events].sort((a, b) => a[0] - b[0] || a[2] - b[2]);
  const data = [0x00, 0xff, 0x03, ...vlq(name.length), ...Buffer.from(name, 'ascii')];
  let last = 0;
  for (const [tick, bytes] of sorted) {
    data.push(...vlq(tick - last), ...bytes);
    last = tick;
  }
  data.push(0x00, 0xff, 0x2f, 0x00);
  const header = Buffer.alloc(8);
  header.write('MTrk', 0, 'ascii');
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, Buffer.from(data)]);
}

function note(events, channel, tick, length, pitch, velocity) {
  // order key: note-offs (0) before note-ons (1) on the same tick
  events.push([tick, [0x90 | channel, pitch, velocity], 1]);
  events.push([tick + length, [0x80 | channel, pitch, 0], 0]);
}

const bar = PPQ * 4;
const random = prng(20261123);

const tempo = Math.round(60_000_000 / BPM);
const conductor = track('Night Drive', [
  [0, [0xff, 0x51, 0x03, (tempo >> 16) & 0xff, (tempo >> 8) & 0xff, tempo & 0xff], 0],
  [0, [0xff, 0x58, 0x04, 4, 2, 24, 8], 0],
]);

const keys = [[0, [0xc0 | 0, 4], 0]]; // electric piano 1
const bass = [[0, [0xc0 | 1, 33], 0]]; // fingered bass
const lead = [[0, [0xc0 | 2, 11], 0]]; // vibraphone
const drums = [];
for (let b = 0; b < BARS; b++) {
  const start = b * bar;
  const chord = CHORDS[b % 4];
  // keys: chord on beats 1 and 3, pushed on the "and" of 2
  for (const [offset, length] of [[0, PPQ * 1.5], [PPQ * 1.5, PPQ], [PPQ * 2.5, PPQ * 1.5]]) {
    for (const pitch of chord) note(keys, 0, start + offset, length - 20, pitch, 70 + Math.floor(random() * 12));
  }
  // bass: root in eighths with an octave jump
  const root = BASS_ROOTS[b % 4];
  for (let e = 0; e < 8; e++) {
    const pitch = e === 3 || e === 7 ? root + 12 : root;
    note(bass, 1, start + e * (PPQ / 2), PPQ / 2 - 30, pitch, e % 2 === 0 ? 96 : 78);
  }
  // lead: from bar 2, a pentatonic line in eighths with rests
  if (b >= 1) {
    for (let e = 0; e < 8; e++) {
      if (random() < 0.35) continue;
      const pitch = PENTATONIC[Math.floor(random() * PENTATONIC.length)];
      note(lead, 2, start + e * (PPQ / 2), PPQ / 2 + (random() < 0.3 ? PPQ / 2 : 0), pitch, 64 + Math.floor(random() * 24));
    }
  }
  // drums (channel 10): kick 1 and 3 (+ the "and" of 3), snare 2 and 4, closed hats in eighths
  for (const beat of [0, 2, 2.5]) note(drums, 9, start + beat * PPQ, PPQ / 4, 36, 110);
  for (const beat of [1, 3]) note(drums, 9, start + beat * PPQ, PPQ / 4, 38, 100);
  for (let e = 0; e < 8; e++) note(drums, 9, start + e * (PPQ / 2), PPQ / 8, 42, e % 2 === 0 ? 80 : 55);
  if (b % 4 === 3) note(drums, 9, start + 3.5 * PPQ, PPQ / 4, 46, 90); // open hat into the next phrase
}

const header = Buffer.alloc(14);
header.write('MThd', 0, 'ascii');
header.writeUInt32BE(6, 4);
header.writeUInt16BE(1, 8); // type 1
header.writeUInt16BE(5, 10); // tracks
header.writeUInt16BE(PPQ, 12);
const midi = Buffer.concat([
  header,
  conductor,
  track('Keys', keys),
  track('Bass', bass),
  track('Vibes', lead),
  track('Drums', drums),
]);

const work = mkdtempSync(path.join(tmpdir(), 'eureka-demo-'));
try {
  const midiPath = path.join(work, 'night-drive.mid');
  const rendered = path.join(work, 'rendered.wav');
  const trimmed = path.join(work, 'trimmed.wav');
  writeFileSync(midiPath, midi);
  execFileSync('fluidsynth', ['-ni', '-q', '-g', '0.6', '-r', '44100', '-F', rendered, SOUNDFONT, midiPath], { stdio: 'inherit' });
  // 32 s, a 50 ms fade-in against clicks and a 1 s fade-out, peak-normalised to -1 dBFS
  execFileSync('sox', [rendered, '-b', '16', trimmed, 'trim', '0', String(SECONDS), 'fade', 't', '0.05', String(SECONDS), '1', 'gain', '-n', '-1'], { stdio: 'inherit' });
  execFileSync('flac', ['--silent', '--best', '--force', '--no-seektable', '-o', OUTPUT, trimmed], { stdio: 'inherit' });
  writeFileSync(path.join(here, 'night-drive.mid'), midi);
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`wrote ${OUTPUT}`);

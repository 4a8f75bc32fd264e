/**
 * Reading what the harness measures: a clip (a file, optionally a stretch of it), a folder of
 * takes, and the paper's takes — `<Song>_real.flac` beside `<Song>_fake1.flac`, `<Song>_fake2.flac`
 * as the Catch-A-Waveform repository ships them in docs/audio/music (extract-paper-takes.sh
 * copies them out of a checkout; they are commercial recordings and never enter this repository).
 * Everything comes back mono at MEASURE_RATE, decoded and resampled by the project's own code.
 */
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { MEASURE_RATE, type Audio } from './measures.js';
import { decodeAudio, mixToMono, resample } from './project-audio.js';

const AUDIO_EXTENSIONS = new Set(['.wav', '.flac', '.aif', '.aiff', '.aifc', '.mp3', '.caf']);

/** Where extract-paper-takes.sh puts the paper's takes by default. */
export const DEFAULT_PAPER_DIR = path.join(homedir(), '.cache', 'eureka', 'caw-paper');

/** A file, mono at MEASURE_RATE; with `start`/`seconds`, only that stretch of it. */
export async function readAudio(file: string, start = 0, seconds?: number): Promise<Audio> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  const decoded = await decodeAudio(bytes, path.basename(file));
  const mono = mixToMono(decoded.channels);
  const duration = mono.length / decoded.sampleRate;
  const end = seconds === undefined ? duration : start + seconds;
  if (!(start >= 0) || end > duration + 1e-6 || !(end > start)) {
    throw new Error(`${path.basename(file)} is ${duration.toFixed(2)} s long: cannot cut ${start}–${end.toFixed(2)} s from it`);
  }
  const cut = mono.subarray(Math.round(start * decoded.sampleRate), Math.round(end * decoded.sampleRate));
  return { samples: await resample(cut, decoded.sampleRate, MEASURE_RATE), sampleRate: MEASURE_RATE };
}

/** The audio files directly in `dir`, sorted by name. */
export async function audioFilesIn(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new Error(`cannot list the takes folder ${dir}: ${(error as Error).message}`);
  }
  const files = names.filter((name) => AUDIO_EXTENSIONS.has(path.extname(name).toLowerCase())).sort();
  if (files.length === 0) throw new Error(`no audio files (WAV, FLAC, AIFF, MP3, CAF) in ${dir}`);
  return files.map((name) => path.join(dir, name));
}

/** One of the paper's songs: its real clip and its generated takes. */
export interface PaperSong {
  song: string;
  real: string;
  fakes: string[];
}

/** The songs in a folder of the paper's takes, sorted by name. */
export async function paperSongs(dir: string): Promise<PaperSong[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new Error(`no paper takes in ${dir}: extract them with test/bench/quality/extract-paper-takes.sh (see test/bench/RESULTS.md)`);
  }
  const songs = names
    .map((name) => /^(.+)_real\.flac$/.exec(name)?.[1])
    .filter((song): song is string => song !== undefined)
    .sort()
    .map((song) => ({
      song,
      real: path.join(dir, `${song}_real.flac`),
      fakes: names
        .filter((name) => name.startsWith(`${song}_fake`) && name.endsWith('.flac'))
        .sort()
        .map((name) => path.join(dir, name)),
    }))
    .filter((song) => song.fakes.length > 0);
  if (songs.length === 0) throw new Error(`no <Song>_real.flac with <Song>_fake*.flac in ${dir}: extract them with test/bench/quality/extract-paper-takes.sh`);
  return songs;
}

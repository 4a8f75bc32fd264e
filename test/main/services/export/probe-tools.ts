/**
 * The independent parsers export tests check our files with: ffprobe/ffmpeg (FFmpeg's WAV
 * demuxer, which reads bext and LIST/INFO) and soxi. scripts/setup.sh installs them; a machine
 * without them fails these tests with a message saying so rather than skipping them, because
 * "parsed by an independent tool" is part of what export promises.
 */
import { execFileSync, spawnSync } from 'node:child_process';

function requireTool(tool: string): void {
  const probe = spawnSync(tool, tool === 'soxi' ? ['-h'] : ['-version'], { stdio: 'ignore' });
  if (probe.error) {
    throw new Error(`${tool} is missing: run scripts/setup.sh (it installs ffmpeg and sox), then run the tests again`);
  }
}

export interface FfprobeStream {
  codec_name: string;
  sample_rate: string;
  channels: number;
  bits_per_sample: number;
  bits_per_raw_sample?: string;
  duration_ts: number;
  duration: string;
}

export interface FfprobeResult {
  streams: FfprobeStream[];
  format: { format_name: string; duration: string; tags?: Record<string, string> };
}

/** `ffprobe -show_streams -show_format -of json` of a file. */
export function ffprobe(file: string): FfprobeResult {
  requireTool('ffprobe');
  const json = execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], {
    encoding: 'utf8',
  });
  return JSON.parse(json) as FfprobeResult;
}

/** The file's first channel decoded by ffmpeg to 32-bit float. */
export function ffmpegDecode(file: string): Float32Array {
  requireTool('ffmpeg');
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-ac', '1', '-f', 'f32le', '-'], {
    maxBuffer: 1 << 30,
  });
  const copy = new Uint8Array(raw.length);
  copy.set(raw);
  return new Float32Array(copy.buffer);
}

/** Every channel of the file, decoded by ffmpeg to 32-bit float (`channels` as ffprobe reports). */
export function ffmpegDecodeChannels(file: string, channels: number): Float32Array[] {
  requireTool('ffmpeg');
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'f32le', '-'], { maxBuffer: 1 << 30 });
  const copy = new Uint8Array(raw.length);
  copy.set(raw);
  const interleaved = new Float32Array(copy.buffer);
  const frames = interleaved.length / channels;
  return Array.from({ length: channels }, (_, c) => Float32Array.from({ length: frames }, (_, t) => interleaved[t * channels + c]!));
}

/** soxi's rate (-r), bits (-b: precision for integer files) and sample count (-s). */
export function soxi(file: string): { rate: number; bits: number; samples: number } {
  requireTool('soxi');
  const read = (flag: string): number => Number(execFileSync('soxi', [flag, file], { encoding: 'utf8' }).trim());
  return { rate: read('-r'), bits: read('-b'), samples: read('-s') };
}

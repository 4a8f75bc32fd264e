/**
 * MIDI takes on the command line (docs/midi.md "MIDI takes"): `generate <phrase-model> --mode
 * continue|vary|interpolate` (generate.ts hands these modes here; the audio modes stay there),
 * `phrase-takes <model>` (list), `phrase-take <id>` (show; keep / discard / star, add it to
 * its song, write it as a MIDI file or a WAV) and `sliders <model>` (what each slider of a `vary`
 * model does, in words, and where a phrase sits on them). Each take is told in plain words: its notes, the
 * bars it fills, its measures and whether it copies a training phrase.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { AppError } from '../../common/errors.js';
import {
  MAX_PHRASE_BARS,
  MAX_PHRASE_TAKES_PER_REQUEST,
  PHRASE_GRIDS,
  PHRASE_TAKE_MODES,
  SLIDER_LIMIT,
  VARY_SLIDER_COUNT,
  type PhraseGrid,
  type PhraseRef,
  type PhraseTake,
  type PhraseTakeMode,
} from '../../common/phrases.js';
import { sliderEnds, sliderMeasureText, UNNAMED_SLIDER } from '../../common/slider-character.js';
import { barAtBeats } from '../../common/tempo-map.js';
import type { TakePatch } from '../../common/generation.js';
import type { Core } from '../../core.js';
import { withCore } from '../context.js';
import { printJson, printJsonLine, printLines, printTable } from '../output.js';
import { parseId } from '../parse.js';

export function isPhraseMode(mode: string): mode is PhraseTakeMode {
  return (PHRASE_TAKE_MODES as readonly string[]).includes(mode);
}

/** `--from` / `--to` as typed: a part's bars, or a part clip (resolved with the library). */
export type PhraseArgument = PhraseRef | { partClipId: number };

export function parsePhraseArgument(text: string): PhraseArgument {
  const clip = /^part-clip:(\d+)$/.exec(text.trim());
  if (clip) return { partClipId: parseId(clip[1]!) };
  const bars = /^(\d+):(\d+):(\d+)$/.exec(text.trim());
  if (!bars) throw new InvalidArgumentError('expected <part>:<bar>:<bars> (e.g. 3:5:4, part 3 from bar 5 for 4 bars) or part-clip:<id>');
  const [partId, startBar, count] = [Number(bars[1]), Number(bars[2]), Number(bars[3])];
  if (partId < 1 || startBar < 1 || count < 1 || count > MAX_PHRASE_BARS) throw new InvalidArgumentError(`expected a part id, a bar from 1 and 1 to ${MAX_PHRASE_BARS} bars`);
  return { partId, startBar, bars: count };
}

export function parseSlider(text: string, previous: Map<number, number> = new Map()): Map<number, number> {
  const match = /^(\d+)=(-?\d+(\.\d+)?)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const value = match ? Number(match[2]) : NaN;
  if (!(index >= 1 && index <= VARY_SLIDER_COUNT) || !(Math.abs(value) <= SLIDER_LIMIT)) {
    throw new InvalidArgumentError(`expected <slider>=<position>: a slider 1 to ${VARY_SLIDER_COUNT} and a position from -${SLIDER_LIMIT} to ${SLIDER_LIMIT} (spreads)`);
  }
  return new Map(previous).set(index, value);
}

export function parseTemperature(text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value >= 0 && value <= 2)) throw new InvalidArgumentError('expected a temperature from 0 (the likeliest notes) to 2');
  return value;
}

export function parseFraction(text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value >= 0 && value <= 1)) throw new InvalidArgumentError('expected a fraction from 0 (`from`) to 1 (`to`)');
  return value;
}

export function parseGrid(text: string): PhraseGrid {
  if (!(PHRASE_GRIDS as readonly string[]).includes(text)) throw new InvalidArgumentError(`expected one of ${PHRASE_GRIDS.join(', ')}`);
  return text as PhraseGrid;
}

/** What `generate` passes on for a phrase mode. */
export interface PhraseGenerateOptions {
  mode: PhraseTakeMode;
  count: number;
  bars?: number;
  seed?: string;
  from?: PhraseArgument;
  to?: PhraseArgument;
  temperature?: number;
  slider?: Map<number, number>;
  fraction?: number;
  grid?: PhraseGrid;
  toKey?: boolean;
}

function phraseRefOf(core: Core, argument: PhraseArgument): PhraseRef {
  if (!('partClipId' in argument)) return argument;
  const clip = core.parts.getClip(argument.partClipId);
  return { partId: clip.partId, startBar: clip.startBar, bars: clip.lengthBars };
}

/** `generate <model> --mode continue|vary|interpolate`: makes the takes and tells each. */
export async function runPhraseGenerate(modelId: number, options: PhraseGenerateOptions, command: Command): Promise<void> {
  if (options.count > MAX_PHRASE_TAKES_PER_REQUEST) throw new AppError('INVALID_INPUT', `--count: at most ${MAX_PHRASE_TAKES_PER_REQUEST} MIDI takes at once`);
  if (options.bars !== undefined && (!Number.isInteger(options.bars) || options.bars > MAX_PHRASE_BARS)) {
    throw new AppError('INVALID_INPUT', `--bars: a whole number of bars from 1 to ${MAX_PHRASE_BARS}`);
  }
  await withCore(command, async (core, global) => {
    const from = options.from === undefined ? undefined : phraseRefOf(core, options.from);
    const to = options.to === undefined ? undefined : phraseRefOf(core, options.to);
    let sliders: number[] | undefined;
    if (options.slider !== undefined && options.slider.size > 0) {
      // A slider's value is a position: the ones not given stay where `from` sits (the centre without one).
      const start = options.mode === 'vary' ? ((await core.phraseTakes.sliders(modelId, from)).position ?? null) : null;
      sliders = Array.from({ length: VARY_SLIDER_COUNT }, (_, i) => options.slider!.get(i + 1) ?? start?.[i] ?? 0);
    }
    const { takes } = await core.phraseTakes.generate({
      modelId,
      mode: options.mode,
      count: options.count,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      ...(options.bars === undefined ? {} : { bars: options.bars }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(sliders === undefined ? {} : { sliders }),
      ...(options.fraction === undefined ? {} : { fraction: options.fraction }),
      quantize: { grid: options.grid ?? '1/16', toKey: options.toKey ?? false },
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
    // One line per take, as the audio takes stream theirs (NDJSON with --json).
    if (global.json) takes.forEach((take) => printJsonLine(take));
    else printLines(...takes.map((take) => describePhraseTake(core, take)));
    const failed = takes.filter((take) => take.status === 'failed');
    if (failed.length > 0) throw new AppError('INTERNAL', `${failed.length} of ${takes.length} take(s) failed: ${failed[0]!.error ?? 'no reason given'}`);
  });
}

/** "bars 5–8": the song bars a take fills (on its part's meter map). */
function barsText(core: Core, take: PhraseTake): string {
  const meterMap = core.phraseTakes.get(take.id).music?.meterMap;
  if (!meterMap) return `${take.settings.bars} bars`;
  const first = Math.round(barAtBeats(meterMap, take.startBeats));
  const last = first + take.settings.bars - 1;
  return first === last ? `bar ${first}` : `bars ${first}–${last}`;
}

function copyText(take: PhraseTake): string {
  const metrics = take.metrics;
  if (metrics === null) return '';
  if (metrics.nearCopy) return `near copy: ${metrics.copiedNotes} notes follow ${metrics.copiedFrom ?? 'a training phrase'}`;
  return metrics.copiedNotes < 2 ? 'not a copy' : `not a copy (at most ${metrics.copiedNotes} notes in a row follow a training phrase)`;
}

function round(value: number, digits = 1): string {
  return String(Math.round(value * 10 ** digits) / 10 ** digits);
}

/** One take in plain words. */
export function describePhraseTake(core: Core, take: PhraseTake): string {
  const what = take.settings.mode === 'interpolate' ? `interpolate ${round(take.settings.fraction ?? 0, 2)}` : take.settings.mode;
  const latent = take.settings.latent === undefined ? '' : `, ${take.settings.latent === 'refined' ? 'refined latent' : 'encoder latent, not refined'}`;
  const beam = take.settings.beam === undefined ? '' : `, beam ${take.settings.beam}`;
  const head = `take ${take.id} (${take.name}, ${what}, seed ${take.seed}${latent}${beam})`;
  if (take.status === 'failed') return `${head}: failed (${take.error ?? 'no reason given'})`;
  const marks = [take.verdict !== 'undecided' ? take.verdict : '', take.starred ? 'starred' : '', take.partId !== null ? `in the song as part ${take.partId}` : ''].filter(Boolean);
  const m = take.metrics;
  const measures = m === null ? '' : ` · ${m.pitchCount} pitches over ${m.pitchRange} semitones, ${round(m.notesPerBar)} notes a bar, ${round(m.polyphony)} at once`;
  return `${head}: ${take.noteCount} notes in ${barsText(core, take)}${measures} · ${copyText(take)}${marks.length > 0 ? ` · ${marks.join(', ')}` : ''}`;
}

interface PhraseTakeActions {
  keep?: boolean;
  discard?: boolean;
  undecide?: boolean;
  star?: boolean;
  unstar?: boolean;
  addToSong?: boolean;
  mid?: string;
  wav?: string;
}

export function registerPhraseTakeCommands(program: Command): void {
  program
    .command('sliders')
    .description("a vary model's 20 sliders: what each changes in the music, and where a phrase sits on them")
    .argument('<model-id>', 'the vary model (see eureka phrase-models)', parseId)
    .option('--from <part:bar:bars>', 'a phrase (part:bar:bars or part-clip:<id>): its position on each slider', parsePhraseArgument)
    .action(async (modelId: number, options: { from?: PhraseArgument }, command: Command) => {
      await withCore(command, async (core, global) => {
        const from = options.from === undefined ? undefined : phraseRefOf(core, options.from);
        const sliders = await core.phraseTakes.sliders(modelId, from);
        if (global.json) return printJson(sliders);
        if (sliders.characters === null) printLines('this model was trained before sliders were described: retrain it to have them named');
        printTable([
          ['SLIDER', '−', '+', 'SHARE', ...(sliders.position ? ['PHRASE AT'] : []), 'MEASURED FROM −2 TO +2'],
          ...Array.from({ length: sliders.count }, (_, i) => {
            const character = sliders.characters?.[i] ?? null;
            const ends = sliderEnds(character);
            return [
              String(i + 1),
              ends?.left ?? '-',
              ends?.right ?? '-',
              `${round(100 * sliders.explained[i]!)}%`,
              ...(sliders.position ? [`${sliders.position[i]! > 0 ? '+' : ''}${round(sliders.position[i]!)}`] : []),
              character ? sliderMeasureText(character) : UNNAMED_SLIDER,
            ];
          }),
        ]);
      });
    });

  program
    .command('phrase-takes')
    .description("a phrase model's MIDI takes, newest first")
    .argument('<model-id>', 'the phrase model (see eureka phrase-models)', parseId)
    .option('--purge', 'delete its discarded takes')
    .action(async (modelId: number, options: { purge?: boolean }, command: Command) => {
      await withCore(command, (core, global) => {
        if (options.purge) {
          const result = core.phraseTakes.deleteDiscarded(modelId);
          if (global.json) printJson(result);
          else printLines(`deleted ${result.deleted} discarded take(s)`);
          return Promise.resolve();
        }
        const takes = core.phraseTakes.list(modelId);
        if (global.json) printJson(takes);
        else if (takes.length === 0) printLines(`phrase model ${modelId} has no takes yet: eureka generate ${modelId} --mode …`);
        else {
          printTable([
            ['ID', 'NAME', 'MODE', 'SEED', 'NOTES', 'BARS', 'COPY', 'VERDICT', 'PART'],
            ...takes.map((take) => [
              String(take.id),
              `${take.name}${take.starred ? ' *' : ''}`,
              take.settings.mode,
              take.seed,
              take.status === 'ready' ? String(take.noteCount) : 'failed',
              barsText(core, take),
              take.metrics === null ? '-' : take.metrics.nearCopy ? `near copy (${take.metrics.copiedNotes})` : 'no',
              take.verdict,
              take.partId === null ? '-' : String(take.partId),
            ]),
          ]);
        }
        return Promise.resolve();
      });
    });

  program
    .command('phrase-take')
    .description('show a MIDI take; keep, discard or star it, add it to its song, write it as MIDI or WAV')
    .argument('<take-id>', 'the take (see eureka phrase-takes)', parseId)
    .option('--keep', 'mark it kept')
    .option('--discard', 'mark it discarded')
    .option('--undecide', 'neither kept nor discarded')
    .option('--star', 'star it')
    .option('--unstar', 'take its star away')
    .option('--add-to-song', 'add it to its song as a new part, where it sits')
    .option('--mid <file>', 'write it as a Standard MIDI File (its notes at their bars, with the song’s tempo)')
    .option('--wav <file>', 'write its bars as a WAV, played by the General MIDI synth')
    .action(async (takeId: number, options: PhraseTakeActions, command: Command) => {
      const verdicts = [options.keep, options.discard, options.undecide].filter(Boolean).length;
      if (verdicts > 1) throw new AppError('INVALID_INPUT', 'give one of --keep, --discard, --undecide');
      if (options.star && options.unstar) throw new AppError('INVALID_INPUT', 'give --star or --unstar, not both');
      await withCore(command, async (core, global) => {
        const patch: TakePatch = {
          ...(options.keep ? { verdict: 'kept' as const } : options.discard ? { verdict: 'discarded' as const } : options.undecide ? { verdict: 'undecided' as const } : {}),
          ...(options.star ? { starred: true } : options.unstar ? { starred: false } : {}),
        };
        const notes: string[] = [];
        if (Object.keys(patch).length > 0) core.phraseTakes.update(takeId, patch);
        if (options.addToSong) {
          const part = core.phraseTakes.addToSong(takeId);
          notes.push(`added to song ${part.songId} as part ${part.id} “${part.name}”`);
        }
        if (options.mid !== undefined) {
          const written = await core.phraseTakes.writeMidi(takeId, options.mid);
          notes.push(`wrote ${options.mid}: ${written.notes} notes`);
        }
        if (options.wav !== undefined) {
          const written = await core.phraseTakes.writeWav(takeId, options.wav);
          notes.push(`wrote ${options.wav}: ${round(written.durationSeconds)} s at ${written.sampleRate} Hz`);
        }
        const take = core.phraseTakes.get(takeId);
        if (global.json) return printJson(take);
        printLines(describePhraseTake(core, take), ...notes);
      });
    });
}

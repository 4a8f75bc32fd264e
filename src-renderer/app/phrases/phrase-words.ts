/**
 * Phrase models and their takes in a songwriter's words, with the technical figures beside
 * them for the "numbers" disclosure: what a kind and a mode are called, what the held-out
 * figures mean ("guesses the next note 81% of the time (a simple chain: 57%)"), a take's
 * measures and copy check in a line, where a take came from, the queue's order and what can be
 * done to a model in each status (the training service's rules). Pure, no state.
 */
import { formatDuration } from '@common/format-time.js';
import type { ModelStatus } from '@common/training.js';
import type {
  PhraseTakeLatent,
  PhraseCorpusSummary,
  PhraseModel,
  PhraseModelKind,
  PhrasePreset,
  PhraseRef,
  PhraseTake,
  PhraseTakeMetrics,
  PhraseTakeMode,
  PhraseTrainingProgress,
} from '@common/phrases.js';

/** What each kind of phrase model does, as its tab and badge say it. */
export const KIND_NAME: Record<PhraseModelKind, string> = { continue: 'Carry on a phrase', vary: 'Vary a phrase' };

/** What each kind does, in a sentence. */
export const KIND_DESCRIPTION: Record<PhraseModelKind, string> = {
  continue: 'Learns how your phrases go on, then plays on from a phrase you pick for as many bars as you ask.',
  vary: 'Learns what your phrases have in common, then makes variations you steer with 20 sliders, or blends two phrases.',
};

/** The generation modes, as the take list and the Generate tabs name them. */
export const MODE_NAME: Record<PhraseTakeMode, string> = {
  continue: 'Carry on a phrase',
  vary: 'Vary a phrase',
  interpolate: 'Blend two phrases',
};

/** How a take's phrases were read (its settings' `latent`), for the measures. */
export const LATENT_WORDS: Record<PhraseTakeLatent, string> = {
  refined: 'the phrase, fitted closely to the model (refined latent)',
  encoded: "the model's first reading of the phrase (encoder latent: the model has no checkpoint to refine with)",
};

/** How a take at temperature 0 chose its notes (the settings' `beam`), for its Measures. */
export function beamWords(beam: number): string {
  return `the likeliest whole phrase of ${beam} followed side by side (beam search)`;
}

export const PRESET_NAME: Record<PhrasePreset, string> = {
  test: 'Test (tiny, for checking the app)',
  quick: 'Quick',
  studio: 'Studio',
};

export const PRESET_DESCRIPTION: Record<PhrasePreset, string> = {
  test: 'A tiny model trained for a few seconds: it shows the whole path works, its ideas are not worth keeping.',
  quick: 'A small model within the time budget: good ideas from a few songs in minutes.',
  studio: 'The full-size model, trained for longer: the most musical ideas, from a bigger library.',
};

export const STATUS_NAME: Record<ModelStatus, string> = {
  queued: 'Queued',
  running: 'Learning',
  done: 'Ready',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

/** Statuses a model resumes from (the training service's RESUMABLE). */
const RESUMABLE: readonly ModelStatus[] = ['failed', 'cancelled', 'interrupted'];

export function canCancel(model: PhraseModel): boolean {
  return model.status === 'running' || model.status === 'queued';
}

export function canResume(model: PhraseModel): boolean {
  return RESUMABLE.includes(model.status);
}

export function canDelete(model: PhraseModel): boolean {
  return !canCancel(model);
}

/** Queue order: the running model, the queued ones in the order they run, then the rest newest first. */
export function sortPhraseModels(models: readonly PhraseModel[]): PhraseModel[] {
  const rank = (model: PhraseModel): number => (model.status === 'running' ? 0 : model.status === 'queued' ? 1 : 2);
  return models.toSorted((a, b) => rank(a) - rank(b) || (rank(a) === 1 ? a.id - b.id : b.id - a.id));
}

/** A share in whole percent: 0.812 → "81%". */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** "about 3 min left", "Estimating the time left…" before the first estimate. */
export function etaText(progress: PhraseTrainingProgress | null): string {
  if (!progress) return 'Waiting for the first steps…';
  if (progress.etaSeconds === null) return 'Estimating the time left…';
  return `about ${formatDuration(progress.etaSeconds)} left`;
}

/** What the held-out phrases say about a finished model, in words; null before there are figures. */
export function evaluationWords(model: PhraseModel): string | null {
  const evaluation = model.evaluation;
  if (!evaluation) return null;
  if (model.kind === 'continue') {
    if (evaluation.accuracy === null) return null;
    const chain = evaluation.markovAccuracy === null ? '' : ` (a simple chain: ${percent(evaluation.markovAccuracy)})`;
    return `On phrases it never saw, it guesses the next note ${percent(evaluation.accuracy)} of the time${chain}.`;
  }
  if (evaluation.reconstructionF1 === null) return null;
  return `It rebuilds phrases it never saw at F1 ${evaluation.reconstructionF1.toFixed(2)} (1 would be every note back in place).`;
}

/** The technical figures behind {@link evaluationWords}, one per line, for the "numbers" disclosure. */
export function evaluationFigures(model: PhraseModel): { label: string; value: string }[] {
  const evaluation = model.evaluation;
  const figures: { label: string; value: string }[] = [];
  const add = (label: string, value: number | null, digits: number): void => {
    if (value !== null) figures.push({ label, value: value.toFixed(digits) });
  };
  if (evaluation) {
    figures.push({ label: 'Held-out phrases', value: String(evaluation.heldOutPhrases) });
    add('Next-token accuracy', evaluation.accuracy, 3);
    add('Perplexity', evaluation.perplexity, 2);
    add('Markov chain (order 3) accuracy', evaluation.markovAccuracy, 3);
    add('Markov chain perplexity', evaluation.markovPerplexity, 2);
    add('Reconstruction note F1', evaluation.reconstructionF1, 3);
  }
  figures.push({ label: 'Steps', value: `${model.stepsDone} / ${model.stepsTotal ?? '—'}` });
  figures.push({ label: 'Training time', value: formatDuration(model.trainSeconds) });
  figures.push({ label: 'Seed', value: model.seed });
  return figures;
}

/** "learned from 3 songs, 7 parts: 120 phrases (14 kept aside to test it)". */
export function corpusWords(corpus: PhraseCorpusSummary | null): string {
  if (!corpus) return 'Its phrases are counted when it starts learning.';
  const songs = corpus.songs === 1 ? '1 song' : `${corpus.songs} songs`;
  const parts = corpus.parts === 1 ? '1 part' : `${corpus.parts} parts`;
  return `Learns from ${songs}, ${parts}: ${corpus.trainPhrases} phrases (${corpus.heldOutPhrases} kept aside to test it).`;
}

/** "bars 5–8", "bar 3". */
export function barsWords(startBar: number, bars: number): string {
  return bars === 1 ? `bar ${startBar}` : `bars ${startBar}–${startBar + bars - 1}`;
}

/** "Piano, bars 5–8" (the part's name from `partName`, "part 4" when it is not known). */
export function phraseWords(ref: PhraseRef, partName: (partId: number) => string | null): string {
  return `${partName(ref.partId) ?? `part ${ref.partId}`}, ${barsWords(ref.startBar, ref.bars)}`;
}

/** Where a take came from, in a line: "4 bars after Piano, bars 1–4", "Piano, bars 1–4 with the sliders moved". */
export function takeOrigin(take: PhraseTake, partName: (partId: number) => string | null): string {
  const { settings } = take;
  const from = settings.from ? phraseWords(settings.from, partName) : null;
  const bars = settings.bars === 1 ? '1 bar' : `${settings.bars} bars`;
  if (settings.mode === 'continue') return from ? `${bars} after ${from}` : bars;
  if (settings.mode === 'interpolate') {
    const to = settings.to ? phraseWords(settings.to, partName) : 'another phrase';
    const share = settings.fraction === null ? '' : ` (${percent(settings.fraction)} of the way)`;
    return `between ${from ?? 'a phrase'} and ${to}${share}`;
  }
  const moved = settings.sliders?.some((value) => value !== 0) ?? false;
  const base = from ?? 'the middle of what it learned';
  return moved ? `${base}, sliders moved` : base;
}

/** A take's measures in a line: "14 notes · spans 9 semitones · 3.5 notes a bar". */
export function measuresWords(take: PhraseTake): string {
  const notes = take.noteCount === 1 ? '1 note' : `${take.noteCount} notes`;
  const metrics = take.metrics;
  if (!metrics) return notes;
  const perBar = Math.round(metrics.notesPerBar * 10) / 10;
  return `${notes} · spans ${Math.round(metrics.pitchRange)} semitones · ${perBar} notes a bar`;
}

/** The copy check in words: how much of a phrase it learned the take repeats. */
export function copyWords(metrics: PhraseTakeMetrics): string {
  if (metrics.copiedNotes < 2) return 'Copies nothing from the phrases it learned.';
  const run = `shares ${metrics.copiedNotes} notes in a row with a phrase it learned`;
  if (!metrics.nearCopy) return `It ${run}.`;
  return `Near-copy: it ${run}${metrics.copiedFrom ? ` (${metrics.copiedFrom})` : ''}.`;
}

/** The measures as figures, for the "numbers" disclosure. */
export function measureFigures(metrics: PhraseTakeMetrics): { label: string; value: string }[] {
  return [
    { label: 'Distinct pitches', value: String(metrics.pitchCount) },
    { label: 'Pitch entropy (bits)', value: metrics.pitchEntropy.toFixed(2) },
    { label: 'Pitch range (semitones)', value: String(Math.round(metrics.pitchRange)) },
    { label: 'Notes per bar', value: metrics.notesPerBar.toFixed(2) },
    { label: 'Polyphony', value: metrics.polyphony.toFixed(2) },
    { label: 'Longest copied run (notes)', value: String(metrics.copiedNotes) },
  ];
}

/** A slider's share of the variety: "12% of the variety" (of the latents' variance it explains). */
export function sliderShare(explained: number | undefined): string {
  if (explained === undefined) return '';
  return explained > 0 && explained < 0.005 ? 'under 1% of the variety' : `${percent(explained)} of the variety`;
}

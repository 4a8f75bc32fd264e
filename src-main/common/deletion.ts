/**
 * Deleting a song or a clip, as every front end shows it: what would go with it, what stays,
 * and what stops it now. The service counts (LibraryService.describeDeletion); the words are
 * made here once, so the GUI's dialog and the CLI's summary say the same thing.
 *
 * What goes: a song takes its imported files, its clips, its MIDI parts (with their part clips
 * and MIDI files), the models made from its clips and those models' takes (with their
 * measurements); a clip takes its models and their takes. What
 * stays: listening sessions. A session is a finished record of what raters heard, with its own
 * copies of the items (data/rating/<session>/) and an answer key that names takes, clips and
 * models by number; it keeps all of that, and those numbers are never given to new rows
 * (migration 0011), so its ratings never attach to something else.
 */
import { z } from 'zod';
import { idSchema } from './dto.js';

/** What a delete is about. */
export const deletionTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('song'), songId: idSchema }).strict(),
  z.object({ kind: z.literal('clip'), clipId: idSchema }).strict(),
]);
export type DeletionTarget = z.infer<typeof deletionTargetSchema>;

const count = z.number().int().nonnegative();

/** A listening session that used some of what is deleted; it stays. */
export const keptSessionSchema = z.object({
  id: idSchema,
  name: z.string(),
  /** Its items that came from what is deleted (their audio is the session's own copy). */
  items: z.number().int().positive(),
});
export type KeptSession = z.infer<typeof keptSessionSchema>;

export const deletionSummarySchema = z.object({
  target: deletionTargetSchema,
  /** How a person knows it: the song's name, or a clip's song and region ("Night Drive · 0:12.500–0:40.000"). */
  name: z.string(),
  /** Imported bounces that go (a song's; none for a clip). */
  files: count,
  /** Clips that go (1 for a clip). */
  clips: count,
  /** Models made from those clips, and their takes: they go too. */
  models: count,
  takes: count,
  /** A song's MIDI parts (with their part clips and MIDI files); none for a clip. */
  parts: count,
  sessions: z.array(keptSessionSchema),
  /** Why it cannot be deleted now, one sentence each (a model still training); empty when it can. */
  blockers: z.array(z.string()),
});
export type DeletionSummary = z.infer<typeof deletionSummarySchema>;

/** The summary in words, one sentence per part. */
export interface DeletionWords {
  /** "Delete the song "Night Drive"?" */
  question: string;
  /** "Goes with it: 2 audio files, 3 clips, 2 models and 14 takes." (or "Nothing else goes with it.") */
  goes: string;
  /** What stays that a person might expect to go (listening sessions), or null. */
  stays: string | null;
  /** Why it cannot be deleted now, or null. */
  blocked: string | null;
}

export function describeDeletion(summary: DeletionSummary): DeletionWords {
  const what = summary.target.kind === 'song' ? 'song' : 'clip';
  const goes = whatGoes(summary);
  const items = summary.sessions.reduce((sum, session) => sum + session.items, 0);
  const names = summary.sessions.map((session) => `“${session.name}”`).join(', ');
  return {
    question: `Delete the ${what} “${summary.name}”?`,
    goes: goes === '' ? 'Nothing else goes with it.' : `Goes with it: ${goes}.`,
    stays:
      summary.sessions.length === 0
        ? null
        : `Stays: ${summary.sessions.length === 1 ? 'the listening session' : `${summary.sessions.length} listening sessions`} ${names} ` +
          `${summary.sessions.length === 1 ? 'keeps its' : 'keep their'} own copies of ${counted(items, 'item')} from it, with the answers and results.`,
    blocked: summary.blockers.length === 0 ? null : `Cannot delete it now: ${summary.blockers.join('; ')}.`,
  };
}

/** What goes with it, counted: "2 audio files, 3 clips, 2 models and 14 takes"; "" when nothing does. */
export function whatGoes(summary: DeletionSummary): string {
  const parts = [
    ...(summary.target.kind === 'song'
      ? [counted(summary.files, 'audio file'), counted(summary.clips, 'clip'), counted(summary.parts, 'MIDI part')]
      : []),
    counted(summary.models, 'model'),
    counted(summary.takes, 'take'),
  ].filter((part) => !part.startsWith('0 '));
  return listed(parts);
}

/** Whether deleting it takes other work along (models, takes), so a person must confirm first. */
export function takesWorkAlong(summary: DeletionSummary): boolean {
  return summary.models > 0 || summary.takes > 0;
}

function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function listed(parts: string[]): string {
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

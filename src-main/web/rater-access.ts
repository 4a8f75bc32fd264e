/**
 * Who may do what in web mode. The owner (who opened the token URL `eureka web` printed) may
 * call every channel and fetch every medium. A rater (who opened their own link, see
 * `raterLinkPath` in common/rating.ts) holds a rater's power only: their own progress,
 * answers, final questions and submit, and the audio of their own items — never another
 * rater's calls, the results, the library, a song's own audio, or another session's items
 * (any of which would unblind them). The server asks these questions of every socket call and
 * every media request; the renderer's rater screen only ever needs what they allow.
 */
import type { Channel } from '../common/ipc-contract.js';
import type { MediaRef } from '../common/media.js';

/** Whose session a request belongs to. */
export type Caller = { role: 'owner' } | { role: 'rater'; raterId: number };

/** The channels of a rater's own screen; each names the rater it acts for. */
export const RATER_CHANNELS: ReadonlySet<Channel> = new Set<Channel>(['rating:progress', 'rating:answer', 'rating:final', 'rating:submit']);

/** Whether `caller` may make this call (checked on the request as sent, before it is parsed). */
export function mayCall(caller: Caller, channel: unknown, request: unknown): boolean {
  if (caller.role === 'owner') return true;
  if (!RATER_CHANNELS.has(channel as Channel)) return false;
  return typeof request === 'object' && request !== null && (request as { raterId?: unknown }).raterId === caller.raterId;
}

/** Whether `caller` may fetch this medium; `audioOwner` names the rater an item token was dealt to. */
export function mayFetch(caller: Caller, ref: MediaRef, audioOwner: (token: string) => number | null): boolean {
  if (caller.role === 'owner') return true;
  return ref.kind === 'rating' && audioOwner(ref.token) === caller.raterId;
}

/**
 * Whether core events reach the caller's socket. A rater's screen asks for its own progress and
 * needs no events; the owner's (songs, training, other raters' answers) would tell a rater more
 * than their own items.
 */
export function hearsEvents(caller: Caller): boolean {
  return caller.role === 'owner';
}

/** The one-line refusal a rater's socket gets for anything else. */
export const RATER_REFUSAL = "a rater's link may only fetch and answer that rater's own items";

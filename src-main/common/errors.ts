/**
 * Error codes and the one error type every layer throws.
 *
 * Why a code: the renderer, the CLI and tests react to *what* went wrong (a corrupt file, a
 * clip outside its song) without parsing messages; the message is the one line a person reads.
 * IPC and the web bridge send `{ code, message }` only — never a stack trace.
 */
import { z } from 'zod';

export const ERROR_CODES = [
  'INVALID_INPUT', // a request failed its schema or a rule (bad range, unknown label)
  'NOT_FOUND', // an id that names nothing
  'UNSUPPORTED_FORMAT', // bytes that are not audio we can decode
  'CORRUPT_AUDIO', // a recognised container whose contents are damaged or truncated
  'EMPTY_AUDIO', // zero bytes, or a valid header with no samples
  'SILENT_AUDIO', // every sample below the silence floor
  'INVALID_SAMPLES', // NaN or infinite samples
  'TOO_LONG', // longer than the configured import limit
  'TOO_SHORT', // shorter than the shortest clip, so no clip could be cut from it
  'STORAGE', // the disk refused a write (full, read-only, permissions)
  'UNAUTHORIZED', // web mode: missing or wrong token
  'INTERNAL', // a bug: reported as such, never swallowed
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What crosses IPC and the WebSocket when a call fails. */
export const errorPayloadSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
});
export type ErrorPayload = z.infer<typeof errorPayloadSchema>;

/**
 * The application's error. `message` is a single line meant for a person, naming the thing
 * (a file, a clip) and the problem.
 */
export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }

  /** The wire form of this error. */
  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

/**
 * Turns anything thrown into a wire payload. Unknown errors become INTERNAL with their
 * message's first line, so a bug is visible but no stack trace leaks.
 */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof AppError) return error.toPayload();
  const text = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: firstLine(text) };
}

/** The value, or null when `read` throws NOT_FOUND (a row deleted meanwhile: a clip, a song). */
export function orNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/** The first non-empty line of a message, for one-line errors. */
export function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}

/**
 * Web mode's imports: `POST /upload?key=<page key>&name=<file name>` with the file's bytes as
 * the body, one file per request (the page sends a drop's files one after another; `songId` or
 * `songName`, and `index`/`total` placing the file in the drop, ride along in the query). The
 * answer is the `library:import-files` envelope as JSON, exactly what the call over the socket
 * answers, and the core's progress events reach the page's socket as for that call.
 *
 * Files used to travel inside WebSocket messages of up to 1 GiB, each held whole in memory
 * before anything looked at it. Here the body is bounded by its Content-Length before a byte is
 * read (MAX_IMPORT_BYTES), and the file's header is checked as soon as its first bytes are in:
 * a file over the limits (a two-hour WAV) is refused then, its remaining bytes drained without
 * being kept. Only a file that passed is buffered whole and imported.
 *
 * Who may upload is server.ts's decision (the owner's session, page key and all), made before
 * this runs; the Origin must be this server, as for the socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { dispatch } from '../api/dispatch.js';
import { idSchema } from '../common/dto.js';
import { AppError, toErrorPayload, type ErrorPayload } from '../common/errors.js';
import type { Envelope } from '../common/ipc-contract.js';
import { MAX_IMPORT_BYTES } from '../common/limits.js';
import type { Core } from '../core.js';

/** The path of the upload route. */
export const UPLOAD_PATH = '/upload';

/**
 * Largest message the API socket accepts: files go over {@link UPLOAD_PATH}, so a message is
 * only ever a call's arguments (ids, settings, a clip's notes).
 */
export const MAX_SOCKET_MESSAGE_BYTES = 8 * 1024 * 1024;

/** Bytes of the body gathered before the file's header is checked. */
const HEAD_BYTES = 64 * 1024;

const uploadQuerySchema = z
  .object({
    name: z.string().min(1).max(255),
    songId: z.coerce.number().pipe(idSchema).optional(),
    songName: z.string().trim().min(1).max(200).optional(),
    index: z.coerce.number().int().nonnegative().optional(),
    total: z.coerce.number().int().positive().max(10_000).optional(),
  })
  .refine((query) => (query.index === undefined) === (query.total === undefined), 'index and total go together')
  .refine((query) => query.index === undefined || query.index < (query.total ?? 0), 'index must be below total');

type UploadQuery = z.infer<typeof uploadQuerySchema>;

/** Answers one upload (the caller was found to be the owner). Never throws. */
export async function handleUpload(request: IncomingMessage, response: ServerResponse, url: URL, core: Core): Promise<void> {
  if (request.method !== 'POST') return answer(response, 405, refusal('INVALID_INPUT', 'an upload is a POST'));
  if (request.headers.origin !== `http://${request.headers.host}`) return answer(response, 403, refusal('UNAUTHORIZED', 'uploads come from this server\'s page only'));
  const query = uploadQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) {
    const issue = query.error.issues[0];
    return answer(response, 400, refusal('INVALID_INPUT', `upload: ${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'invalid'}`));
  }
  const size = Number(request.headers['content-length']);
  if (request.headers['content-length'] === undefined || !Number.isSafeInteger(size) || size < 0) {
    return answer(response, 411, refusal('INVALID_INPUT', 'an upload needs a Content-Length'));
  }
  const name = path.basename(query.data.name);
  try {
    // Over the cap, the size alone refuses it: unread (Node discards a body once it is answered).
    if (size > MAX_IMPORT_BYTES) core.library.checkHeader(name, new Uint8Array(0), size);
  } catch (error) {
    return answer(response, 413, refused(name, toErrorPayload(error)));
  }
  const body = await readBody(request, size, (head) => core.library.checkHeader(name, head, size));
  if (body === null) return void response.destroy(); // the page went away mid-upload
  if (body instanceof AppError) return answer(response, 200, refused(name, body.toPayload()));
  return answer(response, 200, await dispatch(core.handlers, 'library:import-files', importRequest(query.data, body)));
}

/** A refused file, answered as the import itself answers one: a failure of that file. */
function refused(name: string, error: ErrorPayload): Envelope {
  return { ok: true, value: { files: [], failures: [{ name, error }], duplicates: [] } };
}

function importRequest(query: UploadQuery, data: Uint8Array): unknown {
  return {
    files: [{ name: query.name, data }],
    ...(query.songId === undefined ? {} : { songId: query.songId }),
    ...(query.songName === undefined ? {} : { songName: query.songName }),
    ...(query.index === undefined || query.total === undefined ? {} : { position: { index: query.index, total: query.total } }),
  };
}

/**
 * The body, `size` bytes, once `checkHead` accepted its first bytes; the AppError it threw
 * (the rest is drained, not kept); or null when the request ended early.
 */
function readBody(request: IncomingMessage, size: number, checkHead: (head: Uint8Array) => void): Promise<Uint8Array | AppError | null> {
  return new Promise((resolve) => {
    const headLength = Math.min(size, HEAD_BYTES);
    let head: Buffer[] | null = [];
    let body: Buffer | null = null;
    let received = 0;
    let settled = false;
    const settle = (value: Uint8Array | AppError | null): void => {
      if (!settled) resolve(value);
      settled = true;
    };
    const headChecked = (): boolean => {
      try {
        checkHead(Buffer.concat(head ?? []).subarray(0, headLength));
      } catch (error) {
        settle(error instanceof AppError ? error : new AppError('INTERNAL', toErrorPayload(error).message));
        return false;
      }
      body = Buffer.allocUnsafe(size);
      let offset = 0;
      for (const chunk of head ?? []) offset += chunk.copy(body, offset);
      head = null;
      return true;
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return; // a refused file: drained, not kept
      if (received + chunk.length > size) return settle(null);
      if (body) chunk.copy(body, received);
      else head?.push(chunk);
      received += chunk.length;
      if (!body && received >= headLength && !headChecked()) return;
    });
    request.on('end', () => {
      if (received < size) return settle(null);
      if (!body && !headChecked()) return;
      settle(body);
    });
    request.on('aborted', () => settle(null));
    request.on('error', () => settle(null));
  });
}

function refusal(code: 'INVALID_INPUT' | 'UNAUTHORIZED', message: string): Envelope {
  return { ok: false, error: { code, message } };
}

function answer(response: ServerResponse, status: number, envelope: Envelope): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  response.end(JSON.stringify(envelope));
}

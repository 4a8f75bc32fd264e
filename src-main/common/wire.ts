/**
 * The web-mode wire format: one WebSocket binary message per call, answer or event.
 *
 *   frame = u32 little-endian header length | header (UTF-8 JSON) | attachment bytes…
 *
 * The header is JSON in which every Uint8Array was replaced by `{ "$bin": i }`, its bytes
 * appended as attachment i (lengths are listed in `header.bins`). This keeps imports of large
 * bounces binary (no base64) while the rest stays readable JSON. Pure TypeScript, no Buffer,
 * so the browser and Node share it.
 */
import { z } from 'zod';
import { envelopeSchema } from './ipc-contract.js';

/** What the renderer sends. */
export const clientMessageSchema = z.object({
  type: z.literal('invoke'),
  id: z.number().int().nonnegative(),
  channel: z.string(),
  request: z.unknown(),
});
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** What the server sends: an answer to an invoke, a pushed event, or a heartbeat. */
export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int().nonnegative(), envelope: envelopeSchema }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
  /** Says nothing but "still here", so a page notices a server that went silent (asleep, a dead tunnel). */
  z.object({ type: z.literal('heartbeat') }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** How often the server sends every socket a heartbeat. */
export const HEARTBEAT_MS = 10_000;
/** A page that heard nothing for this long takes its socket for dead and connects again. */
export const SILENCE_MS = 3 * HEARTBEAT_MS;

interface FrameHeader {
  body: unknown;
  bins: number[];
}

/** Encodes a value (which may contain Uint8Arrays at any depth) into one frame. */
export function encodeFrame(value: unknown): Uint8Array {
  const attachments: Uint8Array[] = [];
  const body = JSON.parse(
    JSON.stringify(value, function replacer(this: unknown, key: string, v: unknown) {
      // JSON.stringify has already turned typed arrays into objects by the time v arrives,
      // so look at the holder's original property.
      const original = key === '' ? v : (this as Record<string, unknown>)[key];
      if (original instanceof Uint8Array) {
        attachments.push(original);
        return { $bin: attachments.length - 1 };
      }
      return v;
    }),
  ) as unknown;
  const header: FrameHeader = { body, bins: attachments.map((a) => a.byteLength) };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const total = 4 + headerBytes.byteLength + attachments.reduce((n, a) => n + a.byteLength, 0);
  const frame = new Uint8Array(total);
  new DataView(frame.buffer).setUint32(0, headerBytes.byteLength, true);
  frame.set(headerBytes, 4);
  let offset = 4 + headerBytes.byteLength;
  for (const attachment of attachments) {
    frame.set(attachment, offset);
    offset += attachment.byteLength;
  }
  return frame;
}

/** Decodes a frame; throws on anything malformed (the caller answers INVALID_INPUT). */
export function decodeFrame(frame: Uint8Array): unknown {
  if (frame.byteLength < 4) throw new Error('frame shorter than its length prefix');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLength = view.getUint32(0, true);
  if (4 + headerLength > frame.byteLength) throw new Error('frame header overruns the frame');
  const header = z
    .object({ body: z.unknown(), bins: z.array(z.number().int().nonnegative()) })
    .parse(JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + headerLength))));
  const attachments: Uint8Array[] = [];
  let offset = 4 + headerLength;
  for (const length of header.bins) {
    if (offset + length > frame.byteLength) throw new Error('frame attachment overruns the frame');
    // Copy so the attachment owns an exact, aligned buffer (decoders read .buffer directly).
    attachments.push(frame.slice(offset, offset + length));
    offset += length;
  }
  if (offset !== frame.byteLength) throw new Error('frame has trailing bytes');
  return revive(header.body, attachments);
}

function revive(value: unknown, attachments: Uint8Array[]): unknown {
  if (Array.isArray(value)) return value.map((item) => revive(item, attachments));
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && keys[0] === '$bin' && typeof record.$bin === 'number') {
      const attachment = attachments[record.$bin];
      if (!attachment) throw new Error('frame names a missing attachment');
      return attachment;
    }
    return Object.fromEntries(keys.map((key) => [key, revive(record[key], attachments)]));
  }
  return value;
}

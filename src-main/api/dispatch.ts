/**
 * Transport-neutral call dispatch: the one place a request from a renderer (over Electron IPC
 * or the web-mode WebSocket) is checked against the contract before a handler sees it, and
 * the answer is wrapped in an envelope. Errors leave as `{ code, message }`, never a stack.
 */
import { z } from 'zod';
import { AppError, toErrorPayload } from '../common/errors.js';
import { ipcContract, isChannel, type ApiHandlers, type Channel, type Envelope } from '../common/ipc-contract.js';

export async function dispatch(handlers: ApiHandlers, channel: unknown, request: unknown): Promise<Envelope> {
  try {
    if (!isChannel(channel)) {
      throw new AppError('INVALID_INPUT', `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}`);
    }
    const parsed = ipcContract[channel].request.safeParse(request ?? {});
    if (!parsed.success) {
      throw new AppError('INVALID_INPUT', `${channel}: ${describeIssues(parsed.error)}`);
    }
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    return { ok: true, value: checkResponse(channel, value) };
  } catch (error) {
    return { ok: false, error: toErrorPayload(error) };
  }
}

/** A handler returning something off-contract is a bug in the main side: say so. */
function checkResponse(channel: Channel, value: unknown): unknown {
  const parsed = ipcContract[channel].response.safeParse(value);
  if (!parsed.success) {
    throw new AppError('INTERNAL', `${channel} produced an invalid response: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'request'}: ${issue.message}`)
    .join('; ');
}

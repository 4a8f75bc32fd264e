/**
 * Native failures as application errors: {@link NativeError} (an AppError that keeps the addon's
 * own code), the conversion every facade call uses, and the parse of what a call returns (a
 * mismatch between the C++ and schemas.ts is one INTERNAL error). Shared by facade.ts and
 * sequence-ops.ts.
 */
import type { z } from 'zod';
import { AppError, firstLine, type ErrorCode } from '../common/errors.js';
import { nativeFailureSchema, type NativeErrorCode } from './schemas.js';

/**
 * A failure reported by the native core. `code` is the application's code (INVALID_INPUT for a
 * bad argument, INTERNAL for everything else: memory, CUDA, a bug); `nativeCode` keeps the
 * addon's finer reason so callers can, for instance, fall back to the CPU on NN_CUDA_ERROR.
 */
export class NativeError extends AppError {
  readonly nativeCode: NativeErrorCode;

  constructor(nativeCode: NativeErrorCode, message: string) {
    super(appCodeFor(nativeCode), message);
    this.name = 'NativeError';
    this.nativeCode = nativeCode;
  }
}

/** call(), with anything it throws turned into a NativeError (or an INTERNAL AppError). */
export function callNative(method: string, call: () => unknown): unknown {
  try {
    return call();
  } catch (error) {
    throw toNativeError(method, error);
  }
}

/** A coded addon error as a NativeError "native <method>: <first line>"; anything else INTERNAL. */
export function toNativeError(method: string, error: unknown): AppError {
  const failure = nativeFailureSchema.safeParse(error);
  if (failure.success) {
    return new NativeError(failure.data.code, `native ${method}: ${firstLine(failure.data.message)}`);
  }
  const text = error instanceof Error ? error.message : String(error);
  return new AppError('INTERNAL', `native ${method}: ${firstLine(text)}`);
}

/** value parsed by schema; an AppError('INTERNAL') naming the method and the first issue otherwise. */
export function parseResult<T>(method: string, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    const detail = issue?.message ?? 'no detail';
    throw new AppError('INTERNAL', `native ${method} returned an unexpected value${where}: ${detail}`);
  }
  return parsed.data;
}

function appCodeFor(nativeCode: NativeErrorCode): ErrorCode {
  return nativeCode === 'NN_INVALID_ARGUMENT' ? 'INVALID_INPUT' : 'INTERNAL';
}

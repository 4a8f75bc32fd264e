import { dispatch } from '../../../src-main/api/dispatch.js';
import { AppError } from '../../../src-main/common/errors.js';
import type { ApiHandlers } from '../../../src-main/common/ipc-contract.js';

/** Handlers where only the channels a test touches do anything. */
function handlers(overrides: Partial<ApiHandlers>): ApiHandlers {
  const unexpected = () => Promise.reject(new Error('not under test'));
  return new Proxy(overrides as ApiHandlers, {
    get: (target, key: string) => (target as Record<string, unknown>)[key] ?? unexpected,
  });
}

describe('dispatch', () => {
  it('answers a valid call with its value', async () => {
    const envelope = await dispatch(handlers({ 'library:list-songs': () => Promise.resolve([]) }), 'library:list-songs', {});
    expect(envelope).toEqual({ ok: true, value: [] });
  });

  it('refuses channels that are not in the contract', async () => {
    const envelope = await dispatch(handlers({}), 'fs:read-file', { path: '/etc/passwd' });
    expect(envelope).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/unknown channel/) } });
  });

  it('validates requests before any handler runs', async () => {
    let called = false;
    const envelope = await dispatch(
      handlers({ 'library:add-clip': () => ((called = true), Promise.reject(new Error('no'))) }),
      'library:add-clip',
      { songId: -1, start: 0, end: 'ten', label: 'X' },
    );
    expect(called).toBe(false);
    expect(envelope.ok).toBe(false);
    if (!envelope.ok) {
      expect(envelope.error.code).toBe('INVALID_INPUT');
      expect(envelope.error.message).toMatch(/^library:add-clip: songId: /);
    }
  });

  it('passes an AppError through as its code and one-line message, without a stack', async () => {
    const envelope = await dispatch(
      handlers({ 'library:get-song': () => Promise.reject(new AppError('NOT_FOUND', 'there is no song 7')) }),
      'library:get-song',
      { songId: 7 },
    );
    expect(envelope).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'there is no song 7' } });
  });

  it('reports an off-contract response as an internal error instead of passing it on', async () => {
    const bogus = handlers({ 'library:list-songs': () => Promise.resolve([{ id: 'x' }] as never) });
    const envelope = await dispatch(bogus, 'library:list-songs', {});
    expect(envelope.ok).toBe(false);
    if (!envelope.ok) expect(envelope.error.code).toBe('INTERNAL');
  });
});

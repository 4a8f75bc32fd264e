import { describe, expect, it } from '@jest/globals';
import { deferred } from '../testing/fake-bridge.js';
import { CollapsingReload } from './collapsing-reload.js';

describe('CollapsingReload', () => {
  it('collapses the calls made during a reload into one more, which they all wait for', async () => {
    const gates = [deferred<void>(), deferred<void>()];
    const secondStarted = deferred<void>();
    let loads = 0;
    const reload = new CollapsingReload(() => {
      loads += 1;
      if (loads === 2) secondStarted.resolve();
      return gates[loads - 1]!.promise;
    });
    const first = reload.run();
    const second = reload.run();
    const third = reload.run();
    expect(loads).toBe(1);
    let secondDone = false;
    void second.then(() => (secondDone = true));
    gates[0]!.resolve();
    await secondStarted.promise;
    expect(secondDone).toBe(false);
    gates[1]!.resolve();
    await Promise.all([first, second, third]);
    expect(loads).toBe(2);
  });

  it('starts afresh once a reload has ended', async () => {
    let loads = 0;
    const reload = new CollapsingReload(async () => {
      loads += 1;
    });
    await reload.run();
    await reload.run();
    expect(loads).toBe(2);
  });
});

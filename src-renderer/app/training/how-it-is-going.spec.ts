import { describe, expect, it } from '@jest/globals';
import type { ScaleRecord, TrainingPlan, TrainingProgressEvent } from '@common/training.js';
import { model } from '../testing/fixtures.js';
import { howItIsGoing } from './how-it-is-going.js';

const scale = (index: number, rate: number): ScaleRecord =>
  ({ scale: index, rate, length: rate * 10, channels: 16, seconds: 30, losses: null, previews: [] }) as unknown as ScaleRecord;

const plan = { scales: [250, 500, 1000, 2000].map((rate) => ({ rate })) } as unknown as TrainingPlan;

function training(scaleIndex: number, scales: number, etaSeconds: number | null): TrainingProgressEvent {
  return { modelId: 1, phase: 'training', scale: scaleIndex, scales, epoch: 10, epochs: 100, losses: null, epochSeconds: 0.1, fraction: 0.3, etaSeconds };
}

describe('howItIsGoing', () => {
  it('says what a running model learns now, the time left and what its takes reach so far', () => {
    const running = model({ id: 1, status: 'running', plan, scalesDone: 2, scalesTotal: 4, scales: [scale(0, 250), scale(1, 500)] });
    expect(howItIsGoing(running, training(2, 4, 200))).toBe('Learning the clip up to 500 Hz (step 3 of 4), about 3 min 20 s left. Takes made now reach up to 250 Hz.');
    // The energy rule skipped the coarsest level: the trained steps are the plan's last three.
    expect(howItIsGoing(running, training(2, 3, null))).toBe('Learning the clip up to 1 kHz (step 3 of 3). Takes made now reach up to 250 Hz.');
    expect(howItIsGoing(running, { ...training(0, 1, null), phase: 'probing' })).toBe('Measuring how fast this computer trains, to plan the run…');
  });

  it('says what a stopped model can still do, and what to do next', () => {
    const done = model({ id: 2, status: 'done', trainSeconds: 1440, scales: [scale(0, 2000), scale(1, 16000)] });
    expect(howItIsGoing(done, null)).toBe('Finished in 24 min: its takes reach up to 8 kHz. Make takes to hear it.');
    const cancelled = model({ id: 3, status: 'cancelled', scalesDone: 1, scalesTotal: 4, trainSeconds: 90, scales: [scale(0, 250)] });
    expect(howItIsGoing(cancelled, null)).toBe('Stopped after 1 of 4 steps (1 min 30 s). Takes made now reach up to 125 Hz. Resume to go on.');
    expect(howItIsGoing(model({ id: 4, status: 'cancelled', scalesDone: 0, scales: [] }), null)).toBe('Stopped before the first step was finished. Resume to start it again.');
    expect(howItIsGoing(model({ id: 5, status: 'failed', scalesDone: 0, scalesTotal: 4, scales: [] }), null)).toMatch(/^It stopped with a problem after 0 of 4 steps \(the reason is below\)\. Resume/);
    expect(howItIsGoing(model({ id: 6, status: 'queued', scales: [] }), null)).toBe('Waiting for the model ahead of it to finish.');
  });
});

/**
 * A model's state in one line of a songwriter's words, above the technical detail (plan, loss
 * curves, per-scale numbers, which sit behind Details): what it is doing now, how long is left,
 * what its takes can reach so far, and what to do next. Pure.
 *
 * "Reach" is the band of the finest finished scale (half its rate): a take made from a model
 * stopped at scale 3 of 8 sounds like that scale, muffled, and saying so avoids a surprise.
 */
import { formatDuration } from '@common/format-time.js';
import type { Model, TrainingProgressEvent } from '@common/training.js';

/** "up to 8 kHz", "up to 400 Hz": the band a scale's rate carries. */
function band(rate: number): string {
  const top = rate / 2;
  return top >= 1000 ? `up to ${Number((top / 1000).toFixed(1))} kHz` : `up to ${Math.round(top)} Hz`;
}

/** The finest finished scale's band, or null before the first scale is finished. */
function reachSoFar(model: Model): string | null {
  const finest = model.scales.reduce<number | null>((best, scale) => (best === null || scale.rate > best ? scale.rate : best), null);
  return finest === null ? null : band(finest);
}

export function howItIsGoing(model: Model, progress: TrainingProgressEvent | null): string {
  const reach = reachSoFar(model);
  const total = model.scalesTotal;
  const takesSoFar = reach === null ? '' : ` Takes made now reach ${reach}.`;
  switch (model.status) {
    case 'queued':
      return 'Waiting for the model ahead of it to finish.';
    case 'running': {
      if (!progress) return model.plan ? 'Starting…' : 'Planning the run…';
      if (progress.phase === 'probing') return 'Measuring how fast this computer trains, to plan the run…';
      const level = model.plan?.scales[model.plan.scales.length - progress.scales + progress.scale];
      const what = level ? `Learning the clip ${band(level.rate)}` : 'Learning the clip';
      const left = progress.etaSeconds === null ? '' : `, about ${formatDuration(progress.etaSeconds)} left`;
      return `${what} (step ${progress.scale + 1} of ${progress.scales})${left}.${takesSoFar}`;
    }
    case 'done':
      return `Finished in ${formatDuration(model.trainSeconds)}: its takes reach ${reach ?? 'the top rate'}. Make takes to hear it.`;
    case 'cancelled':
      return reach === null
        ? `Stopped before the first step was finished. Resume to start it again.`
        : `Stopped after ${model.scalesDone} of ${total ?? '?'} steps (${formatDuration(model.trainSeconds)}).${takesSoFar} Resume to go on.`;
    case 'interrupted':
      return `Eureka was closed while it trained, after ${model.scalesDone} of ${total ?? '?'} steps.${takesSoFar} Resume to go on from there.`;
    case 'failed':
      return `It stopped with a problem after ${model.scalesDone} of ${total ?? '?'} steps (the reason is below).${takesSoFar} Resume tries again from the last finished step.`;
  }
}

/**
 * A model's loss curves in the column layout uPlot draws from: one x column (a global epoch,
 * `scale * epochsPerScale + epoch`, so scales sit side by side) and one column per curve.
 * Filled from `training:get-losses` and appended to from `training:did-progress`; plain arrays
 * mutated in place (the chart redraws on a version bump, never per point through reactivity).
 * A row of nulls at each scale's start (epoch 0) breaks the lines there: a new scale starts
 * from fresh losses, and a line joining two scales would suggest a jump that never happened.
 */
import type { EpochLosses, LossPoint } from '@common/training.js';
import { reconstructionLoss } from './training-view.js';

/** The curves, in the order of {@link LossSeries.columns} after x. */
export const CURVES = [
  { key: 'dReal', label: 'D(real)' },
  { key: 'dFake', label: 'D(fake)' },
  { key: 'gp', label: 'GP' },
  { key: 'rec', label: 'Reconstruction' },
] as const;

/** Most points kept; older ones are thinned 2:1 when exceeded (a curve keeps its shape). */
const MAX_POINTS = 20_000;

export class LossSeries {
  /** Epochs in one scale: the x distance between scale starts. */
  #epochsPerScale: number;
  readonly #scale: number[] = [];
  readonly #epoch: number[] = [];
  /** [x, dReal, dFake, gp, rec], each (N); null in the break rows. */
  readonly columns: [number[], (number | null)[], (number | null)[], (number | null)[], (number | null)[]] = [
    [],
    [],
    [],
    [],
    [],
  ];

  constructor(epochsPerScale: number, points: readonly LossPoint[] = []) {
    this.#epochsPerScale = Math.max(1, epochsPerScale);
    for (const point of points) this.append(point.scale, point.epoch, point.losses);
  }

  get length(): number {
    return this.columns[0].length;
  }

  get epochsPerScale(): number {
    return this.#epochsPerScale;
  }

  /** Global epoch of a scale's epoch (1-based); epoch 0 is the break half an epoch before the first. */
  x(scale: number, epoch: number): number {
    return scale * this.#epochsPerScale + (epoch === 0 ? 0.5 : epoch);
  }

  /** x of each scale's start after the first, for the boundary marks: [(scale, x)]. */
  boundaries(): { scale: number; x: number }[] {
    const last = this.#scale.at(-1) ?? 0;
    const marks: { scale: number; x: number }[] = [];
    for (let scale = 1; scale <= last; scale++) marks.push({ scale, x: this.x(scale, 0) });
    return marks;
  }

  /**
   * Adds one epoch. A point at or before the last one (a resumed scale starting again) first
   * drops the points it replaces, as the service does when it reads the curve back.
   */
  append(scale: number, epoch: number, losses: EpochLosses): void {
    this.#push(scale, epoch, [losses.dReal, losses.dFake, losses.gp, reconstructionLoss(losses)]);
  }

  /**
   * Appends the points of `other` that come after this series' last one: the live points that
   * arrived while this one was read from the core.
   */
  appendNewer(other: LossSeries): void {
    const last = this.columns[0].at(-1) ?? -Infinity;
    for (let i = 0; i < other.length; i++) {
      const scale = other.#scale[i] ?? 0;
      const epoch = other.#epoch[i] ?? 0;
      if (epoch === 0 || this.x(scale, epoch) <= last) continue;
      const values = other.columns.slice(1).map((column) => column[i] ?? null);
      this.#push(scale, epoch, values);
    }
  }

  /** Changes the x spacing (the plan arrived after the first points), recomputing x. */
  setEpochsPerScale(epochsPerScale: number): void {
    const next = Math.max(1, epochsPerScale);
    if (next === this.#epochsPerScale) return;
    this.#epochsPerScale = next;
    const [xs] = this.columns;
    for (let i = 0; i < xs.length; i++) xs[i] = this.x(this.#scale[i] ?? 0, this.#epoch[i] ?? 0);
  }

  /** values: [dReal, dFake, gp, rec]. */
  #push(scale: number, epoch: number, values: readonly (number | null)[]): void {
    const x = this.x(scale, epoch);
    const [xs] = this.columns;
    while (xs.length > 0 && (xs.at(-1) ?? 0) >= x) this.#pop();
    const previous = this.#scale.at(-1);
    if (previous !== undefined && previous !== scale && epoch > 0) this.#row(scale, 0, [null, null, null, null]);
    this.#row(scale, epoch, values);
    if (xs.length > MAX_POINTS) this.#thin();
  }

  #row(scale: number, epoch: number, values: readonly (number | null)[]): void {
    this.#scale.push(scale);
    this.#epoch.push(epoch);
    this.columns[0].push(this.x(scale, epoch));
    this.#curves().forEach((column, i) => column.push(values[i] ?? null));
  }

  #pop(): void {
    this.#scale.pop();
    this.#epoch.pop();
    for (const column of this.columns) column.pop();
  }

  /** Keeps every other point, the last, and the breaks between scales. */
  #thin(): void {
    const last = this.#epoch.length - 1;
    const kept = this.#epoch.map((epoch, i) => epoch === 0 || i % 2 === 0 || i === last);
    const keep = (_: unknown, i: number): boolean => kept[i] === true;
    const scale = this.#scale.filter(keep);
    const epoch = this.#epoch.filter(keep);
    this.#scale.splice(0, Infinity, ...scale);
    this.#epoch.splice(0, Infinity, ...epoch);
    this.columns[0].splice(0, Infinity, ...this.columns[0].filter(keep));
    for (const column of this.#curves()) column.splice(0, Infinity, ...column.filter(keep));
  }

  /** The y columns, [dReal, dFake, gp, rec]. */
  #curves(): (number | null)[][] {
    const [, dReal, dFake, gp, rec] = this.columns;
    return [dReal, dFake, gp, rec];
  }
}

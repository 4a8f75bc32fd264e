/**
 * A one-line progress bar with an ETA on stderr, redrawn in place when stderr is a terminal and
 * silent otherwise (pipes, logs and scripts get the result lines and one-line errors only, so
 * a failure is exactly one line). Hand-written: it is 40 lines, and never touches stdout,
 * which `--json` keeps for the result.
 */
import { forTerminal } from './output.js';

export interface ProgressBar {
  /** etaSeconds: the caller's own forecast, when it has a better one than elapsed/fraction. */
  update(fraction: number, label: string, etaSeconds?: number | null): void;
  done(message?: string): void;
}

const WIDTH = 24;

export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const started = Date.now();
  const interactive = stream.isTTY === true;
  let drawn = false;

  const eta = (fraction: number, given: number | null | undefined): string => {
    if (given === null || (given === undefined && fraction <= 0.02)) return 'ETA --:--';
    const remaining = given ?? ((Date.now() - started) / 1000) * ((1 - fraction) / fraction);
    const m = Math.floor(remaining / 60);
    const s = Math.round(remaining % 60);
    return `ETA ${m}:${String(s).padStart(2, '0')}`;
  };

  return {
    update(fraction, label, etaSeconds) {
      if (!interactive) return;
      const clamped = Math.max(0, Math.min(1, fraction));
      const percent = Math.floor(clamped * 100);
      const filled = Math.round(clamped * WIDTH);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
      const line = `${bar} ${String(percent).padStart(3)}% ${eta(clamped, etaSeconds)}  ${forTerminal(label)}`;
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 100) - 1)}`);
      drawn = true;
    },
    done(message) {
      if (interactive && drawn) stream.write('\r\x1b[2K');
      if (message) stream.write(`${forTerminal(message)}\n`);
    },
  };
}

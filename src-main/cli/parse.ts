/** Argument parsers shared by the commands; each throws commander's InvalidArgumentError (exit 2). */
import { InvalidArgumentError } from 'commander';

export function parseId(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError('expected a positive integer id');
  return value;
}

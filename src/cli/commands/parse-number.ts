// Parsing numeric command-line options: one parser for every command, so every number is checked
// the same way and an error names the option (commander then points to --help).
import { InvalidArgumentError } from 'commander';

/** A parser for a numeric option: an integer where `integer`, and at least `min` where given. */
export function parseNumber(flag: string, integer = false, min = -Infinity) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min) {
      throw new InvalidArgumentError(`${flag} must be ${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` ≥ ${min}` : ''}, got "${value}"`);
    }
    return n;
  };
}

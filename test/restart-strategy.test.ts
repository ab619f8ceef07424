import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import {
  DEFAULT_RESTART_STRATEGY,
  nextRestartDelay,
  parseRestartStrategy,
  type RestartStrategy,
  UNLIMITED_ATTEMPTS,
} from '../src/controller/restart-strategy.js';

const FIELD = 'config.restart_strategy';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).field;
  }
  throw new Error('expected a ValidationError');
}

describe('parseRestartStrategy', () => {
  it('absent → Flink-like default: fixed delay, unlimited attempts, 1 s', () => {
    expect(parseRestartStrategy(undefined, FIELD)).toEqual({ type: 'fixed_delay', attempts: UNLIMITED_ATTEMPTS, delay_ms: 1000 });
    expect(parseRestartStrategy(null, FIELD)).toBe(DEFAULT_RESTART_STRATEGY);
    expect(JSON.parse(JSON.stringify(DEFAULT_RESTART_STRATEGY))).toEqual(DEFAULT_RESTART_STRATEGY);
  });

  it('string form takes the defaults', () => {
    expect(parseRestartStrategy('none', FIELD)).toEqual({ type: 'none' });
    expect(parseRestartStrategy('fixed_delay', FIELD)).toEqual({ type: 'fixed_delay', attempts: 3, delay_ms: 10_000 });
    expect(parseRestartStrategy('exponential_backoff', FIELD)).toEqual({
      type: 'exponential_backoff',
      max_attempts: UNLIMITED_ATTEMPTS,
      initial_delay_ms: 1000,
      max_delay_ms: 60_000,
      multiplier: 2,
    });
    expect(parseRestartStrategy('failure_rate', FIELD)).toEqual({ type: 'failure_rate', max_failures: 3, interval_ms: 60_000, delay_ms: 10_000 });
  });

  it('object form overrides some parameters and defaults the rest', () => {
    expect(parseRestartStrategy({ type: 'fixed_delay', attempts: 5 }, FIELD)).toEqual({ type: 'fixed_delay', attempts: 5, delay_ms: 10_000 });
    expect(parseRestartStrategy({ type: 'exponential_backoff', multiplier: 1.5, max_delay_ms: 5000 }, FIELD)).toMatchObject({
      multiplier: 1.5,
      max_delay_ms: 5000,
      initial_delay_ms: 1000,
    });
  });

  it('rejects bad input naming the offending field', () => {
    expect(fieldOf(() => parseRestartStrategy('fixed-delay', FIELD))).toBe(FIELD);
    expect(fieldOf(() => parseRestartStrategy(42, FIELD))).toBe(FIELD);
    expect(fieldOf(() => parseRestartStrategy({ attempts: 3 }, FIELD))).toBe(`${FIELD}.type`);
    expect(fieldOf(() => parseRestartStrategy({ type: 'sometimes' }, FIELD))).toBe(`${FIELD}.type`);
    expect(fieldOf(() => parseRestartStrategy({ type: 'fixed_delay', delay: 100 }, FIELD))).toBe(`${FIELD}.delay`);
    expect(fieldOf(() => parseRestartStrategy({ type: 'fixed_delay', attempts: -1 }, FIELD))).toBe(`${FIELD}.attempts`);
    expect(fieldOf(() => parseRestartStrategy({ type: 'fixed_delay', attempts: 1.5 }, FIELD))).toBe(`${FIELD}.attempts`);
    expect(fieldOf(() => parseRestartStrategy({ type: 'fixed_delay', delay_ms: '10s' }, FIELD))).toBe(`${FIELD}.delay_ms`);
    expect(fieldOf(() => parseRestartStrategy({ type: 'exponential_backoff', multiplier: 0.5 }, FIELD))).toBe(`${FIELD}.multiplier`);
    expect(fieldOf(() => parseRestartStrategy({ type: 'exponential_backoff', initial_delay_ms: 5000, max_delay_ms: 10 }, FIELD))).toBe(
      `${FIELD}.max_delay_ms`,
    );
    expect(fieldOf(() => parseRestartStrategy({ type: 'failure_rate', interval_ms: 0 }, FIELD))).toBe(`${FIELD}.interval_ms`);
    expect(fieldOf(() => parseRestartStrategy({ type: 'none', attempts: 1 }, FIELD))).toBe(`${FIELD}.attempts`);
  });
});

describe('nextRestartDelay', () => {
  const at = (attempt: number, failures: number[] = [], now = 0) => ({ attempt, failures, now });

  it('none always gives up', () => {
    expect(nextRestartDelay({ type: 'none' }, at(1))).toBeNull();
  });

  it('fixed_delay allows exactly `attempts` restarts', () => {
    const s: RestartStrategy = { type: 'fixed_delay', attempts: 3, delay_ms: 500 };
    expect([1, 2, 3, 4].map((n) => nextRestartDelay(s, at(n)))).toEqual([500, 500, 500, null]);
    expect(nextRestartDelay({ type: 'fixed_delay', attempts: 0, delay_ms: 1 }, at(1))).toBeNull();
  });

  it('exponential_backoff grows by the multiplier, caps at max_delay_ms and gives up after max_attempts', () => {
    const s: RestartStrategy = { type: 'exponential_backoff', max_attempts: 8, initial_delay_ms: 1000, max_delay_ms: 60_000, multiplier: 2 };
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => nextRestartDelay(s, at(n)));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, null]);
    // No overflow to NaN far out.
    const unlimited: RestartStrategy = { ...s, max_attempts: UNLIMITED_ATTEMPTS };
    expect(nextRestartDelay(unlimited, at(5000))).toBe(60_000);
  });

  it('failure_rate counts only failures inside the interval (Flink: at most max_failures)', () => {
    const s: RestartStrategy = { type: 'failure_rate', max_failures: 2, interval_ms: 1000, delay_ms: 50 };
    expect(nextRestartDelay(s, at(1, [100], 100))).toBe(50);
    expect(nextRestartDelay(s, at(2, [100, 200], 200))).toBe(50);
    expect(nextRestartDelay(s, at(3, [100, 200, 300], 300))).toBeNull();
    // The first two have aged out of the window at t=1250.
    expect(nextRestartDelay(s, at(3, [100, 200, 1250], 1250))).toBe(50);
  });
});

// Restart strategies: how long the job machine waits in Recovering before it rebuilds a run, and
// when it stops trying. Flink's vocabulary and defaults (fixed_delay, exponential_backoff,
// failure_rate, none) so people who know Flink can read a spec without a manual.
//
// Only retryable failures ever reach a strategy: the job machine sends fatal ones (user errors,
// internal bugs) straight to Failing, so "retry forever" defaults cannot loop on a poison record.

import { ValidationError } from '../errors.js';
import type { RestartStrategyName } from '../types.js';

/** Stands in for "no limit" (Flink uses Integer.MAX_VALUE); a number so parsed strategies stay JSON-safe. */
export const UNLIMITED_ATTEMPTS = Number.MAX_SAFE_INTEGER;

export type RestartStrategy =
  | { type: 'none' }
  /** Restart up to `attempts` times over the job's life, waiting `delay_ms` before each. */
  | { type: 'fixed_delay'; attempts: number; delay_ms: number }
  /** Wait initial_delay_ms * multiplier^(attempt-1), capped at max_delay_ms; give up after max_attempts. */
  | { type: 'exponential_backoff'; max_attempts: number; initial_delay_ms: number; max_delay_ms: number; multiplier: number }
  /** Give up when more than `max_failures` failures fall within the last `interval_ms`. */
  | { type: 'failure_rate'; max_failures: number; interval_ms: number; delay_ms: number };

/** Defaults for the seed's string form (`"restart_strategy": "fixed_delay"`) and omitted fields. */
export const STRATEGY_DEFAULTS = {
  none: { type: 'none' },
  fixed_delay: { type: 'fixed_delay', attempts: 3, delay_ms: 10_000 },
  // Flink >= 1.19 retries exponential-delay forever; the 60 s cap already bounds how hard a broken
  // job hammers NATS, so a give-up count would only kill jobs that an outage outlasted.
  exponential_backoff: {
    type: 'exponential_backoff',
    max_attempts: UNLIMITED_ATTEMPTS,
    initial_delay_ms: 1_000,
    max_delay_ms: 60_000,
    multiplier: 2,
  },
  failure_rate: { type: 'failure_rate', max_failures: 3, interval_ms: 60_000, delay_ms: 10_000 },
} as const satisfies { [K in RestartStrategyName]: RestartStrategy & { type: K } };

/**
 * Used when a spec names no strategy: Flink's default for checkpointed jobs, fixed-delay with
 * unlimited attempts and a 1 s delay. A streaming job should ride out transient outages.
 */
export const DEFAULT_RESTART_STRATEGY: RestartStrategy = { type: 'fixed_delay', attempts: UNLIMITED_ATTEMPTS, delay_ms: 1_000 };

const NAMES = Object.keys(STRATEGY_DEFAULTS) as RestartStrategyName[];

/** How each parameter is checked: integer >= min, or (for the multiplier) any finite number >= min. */
const PARAMS: { [K in RestartStrategyName]: Record<string, { min: number; integer: boolean }> } = {
  none: {},
  fixed_delay: { attempts: { min: 0, integer: true }, delay_ms: { min: 0, integer: true } },
  exponential_backoff: {
    max_attempts: { min: 0, integer: true },
    initial_delay_ms: { min: 0, integer: true },
    max_delay_ms: { min: 0, integer: true },
    multiplier: { min: 1, integer: false },
  },
  failure_rate: {
    max_failures: { min: 0, integer: true },
    interval_ms: { min: 1, integer: true },
    delay_ms: { min: 0, integer: true },
  },
};

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(`${field}: ${message}`, [{ field, message }]);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkName(value: unknown, field: string): RestartStrategyName {
  if (typeof value === 'string' && (NAMES as string[]).includes(value)) return value as RestartStrategyName;
  throw invalid(field, `unknown restart strategy ${JSON.stringify(value)}; expected one of ${NAMES.join(', ')}`);
}

/**
 * Validates a spec's `restart_strategy`. Accepted forms:
 * - absent (`undefined`/`null`): {@link DEFAULT_RESTART_STRATEGY};
 * - a name, `"fixed_delay"`: that strategy with {@link STRATEGY_DEFAULTS};
 * - `{ "type": "fixed_delay", "attempts": 5 }`: omitted parameters take the defaults
 *   (the shape src/spec/config.ts lets through).
 * Unknown keys are rejected so a typo (`delay` for `delay_ms`) is not silently ignored.
 * @throws ValidationError whose field is `fieldPath` or a sub-path of it.
 */
export function parseRestartStrategy(value: unknown, fieldPath: string): RestartStrategy {
  if (value === undefined || value === null) return DEFAULT_RESTART_STRATEGY;
  if (typeof value === 'string') return STRATEGY_DEFAULTS[checkName(value, fieldPath)];
  if (!isRecord(value)) throw invalid(fieldPath, 'expected a strategy name or an object');

  if (!('type' in value)) throw invalid(`${fieldPath}.type`, `required strategy type is missing; expected one of ${NAMES.join(', ')}`);
  const name = checkName(value.type, `${fieldPath}.type`);
  const { type: _type, ...params } = value;

  const allowed = PARAMS[name];
  const out: Record<string, unknown> = { ...STRATEGY_DEFAULTS[name] };
  for (const [key, raw] of Object.entries(params)) {
    const field = `${fieldPath}.${key}`;
    const rule = allowed[key];
    if (!rule) {
      const known = Object.keys(allowed);
      throw invalid(field, `unknown parameter for ${name}${known.length ? `; expected ${known.join(', ')}` : ' (it takes none)'}`);
    }
    if (raw === undefined) continue;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || (rule.integer && !Number.isInteger(raw)) || raw < rule.min) {
      throw invalid(field, `expected ${rule.integer ? 'an integer' : 'a number'} >= ${rule.min}`);
    }
    out[key] = raw;
  }
  const strategy = out as RestartStrategy;
  if (strategy.type === 'exponential_backoff' && strategy.max_delay_ms < strategy.initial_delay_ms) {
    throw invalid(`${fieldPath}.max_delay_ms`, 'must be >= initial_delay_ms');
  }
  return strategy;
}

export interface RestartState {
  /** 1-based number of the restart being considered: 1 for the first restart since the user (re)started the job. */
  attempt: number;
  /** Timestamps (ms) of failures so far, including the one being handled now. */
  failures: readonly number[];
  now: number;
}

/** Milliseconds to wait before the next restart, or null to give up (the job then fails). */
export function nextRestartDelay(strategy: RestartStrategy, state: RestartState): number | null {
  switch (strategy.type) {
    case 'none':
      return null;
    case 'fixed_delay':
      return state.attempt > strategy.attempts ? null : strategy.delay_ms;
    case 'exponential_backoff': {
      if (state.attempt > strategy.max_attempts) return null;
      const raw = strategy.initial_delay_ms * strategy.multiplier ** Math.max(0, state.attempt - 1);
      // `raw` may be Infinity for large attempts; Math.min still yields the cap.
      return Math.min(strategy.max_delay_ms, raw);
    }
    case 'failure_rate': {
      // Flink's rule: restarting is allowed while the window holds at most max_failures failures.
      const since = state.now - strategy.interval_ms;
      const recent = state.failures.filter((t) => t > since && t <= state.now).length;
      return recent > strategy.max_failures ? null : strategy.delay_ms;
    }
  }
}

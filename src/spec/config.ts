// The `config` block of a job spec: parallelism, checkpointing, batching and restart settings,
// with defaults filled in.

import { parseRestartStrategy } from '../controller/restart-strategy.js';
import type { JobConfig } from '../types.js';
import { isObject, join, jsonType, type Problems, readInteger, readString, rejectUnknownKeys } from './problems.js';

export const CONFIG_DEFAULTS = {
  parallelism: 1,
  checkpoint_interval_ms: 10_000,
  batch_size: 4096,
  linger_ms: 5,
} as const;

const CONFIG_KEYS = ['parallelism', 'checkpoint_interval_ms', 'batch_size', 'linger_ms', 'state_backend', 'restart_strategy'];

/** Validates `config` (absent means all defaults); undefined when any setting is wrong. */
export function validateConfig(value: unknown, p: Problems): JobConfig | undefined {
  const path = 'config';
  if (value === undefined) return { ...CONFIG_DEFAULTS };
  if (!isObject(value)) {
    p.add(path, `expected an object, got ${jsonType(value)}`);
    return undefined;
  }
  const before = p.size;
  rejectUnknownKeys(value, CONFIG_KEYS, path, p);
  const parallelism = readInteger(value, 'parallelism', path, p, { min: 1, max: 256, fallback: CONFIG_DEFAULTS.parallelism });
  // Arroyo's bounds: under a second checkpoints would dominate the work, over a day they are useless.
  const checkpoint_interval_ms = readInteger(value, 'checkpoint_interval_ms', path, p, {
    min: 1000,
    max: 86_400_000,
    fallback: CONFIG_DEFAULTS.checkpoint_interval_ms,
  });
  const batch_size = readInteger(value, 'batch_size', path, p, { min: 1, max: 1_000_000, fallback: CONFIG_DEFAULTS.batch_size });
  const linger_ms = readInteger(value, 'linger_ms', path, p, { min: 0, max: 10_000, fallback: CONFIG_DEFAULTS.linger_ms });
  const state_backend = readString(value, 'state_backend', path, p, false);
  const restart_strategy = readRestartStrategy(value.restart_strategy, join(path, 'restart_strategy'), p);
  if (p.size !== before) return undefined;
  return {
    parallelism: parallelism!,
    checkpoint_interval_ms: checkpoint_interval_ms!,
    batch_size: batch_size!,
    linger_ms: linger_ms!,
    ...(state_backend !== undefined ? { state_backend } : {}),
    ...(restart_strategy !== undefined ? { restart_strategy } : {}),
  };
}

/**
 * Checked by the controller's own parser so submit and restart agree on what is valid. The user's
 * form is kept (not the parsed one): the API echoes the config as submitted, seed-001 style.
 */
function readRestartStrategy(value: unknown, path: string, p: Problems): JobConfig['restart_strategy'] {
  // null is "not given" to the controller's parser too.
  if (value === undefined || value === null) return undefined;
  const parsed = p.attempt(path, () => parseRestartStrategy(value, path));
  return parsed === undefined ? undefined : (value as JobConfig['restart_strategy']);
}

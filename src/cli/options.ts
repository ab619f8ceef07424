// Shared CLI option handling: where NATS is, which prefix, and how to fail a command clearly.

import { DEFAULT_PREFIX } from '../wire.js';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export function natsUrlOf(flag: string | undefined): string | undefined {
  return flag ?? process.env.RIVULET_NATS_URL ?? undefined;
}

export function prefixOf(flag: string | undefined): string {
  return flag ?? process.env.RIVULET_PREFIX ?? DEFAULT_PREFIX;
}

/** A usage or input problem: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once. */
export function untilSignal(): { promise: Promise<string>; dispose(): void } {
  let resolve!: (s: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  let seen = false;
  const handler = (sig: string) => {
    if (seen) process.exit(130);
    seen = true;
    resolve(sig);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    promise,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

// Progress of a replayable source whose input is a sequence of keys 0, 1, 2, ... (impulse: the
// counter; jetstream: stream sequence - 1) split over the subtasks by residue: subtask i of N owns
// the keys k with k % N === i and handles them in increasing order.
//
// A subtask's progress is { bound, prior? }: every owned key below `bound` is done (emitted, or
// skipped as bad), and an owned key at or above `bound` is done exactly when `prior` says so.
// `prior` is the restore the subtask started from (the old run's positions, at the old
// parallelism), so a new subtask that catches up on keys the old run left out can be checkpointed
// and restored again, at any parallelism, without repeating keys the old run did emit. The prior
// is pruned as the bound passes what it could claim, and disappears once the bound passes all of
// it (in steady state a position is a single number).
//
// Restore: key k was done by the old run iff done(positions[k % oldN], k), where
//   done(p, k) = k < p.bound || (p.prior !== undefined && done(p.prior.positions[k % p.prior.parallelism], k))
// and a null entry inside a prior claims nothing. A missing top-level entry means that old
// subtask had read nothing: its bound is the source's start. Each source names the bound in its
// wire format (`next` for impulse, `seq` for jetstream); this module works on { bound, prior }.

import { InternalError } from '../errors.js';
import type { SourceRestore } from './types.js';

export interface Progress {
  bound: number;
  prior?: Prior;
}

export interface Prior {
  parallelism: number;
  /** Indexed by old subtask; null claims nothing at or above the enclosing bound. */
  positions: (Progress | null)[];
}

/** How a source spells its bound on the wire (`{ next }`, `{ seq }`). */
export type BoundField = 'next' | 'seq';

/** What a restored subtask knows of the keys the old run already handled. */
export class Resume {
  /** Every key below this is done, whatever its subtask. */
  readonly floor: number;
  /** No key at or above this is done. */
  readonly horizon: number;
  private readonly prior: Prior;
  /** Pruned prior for one subtask, reused while the bound stays below `below` (where an entry drops out). */
  private cache: { prior: Prior | undefined; below: number } | null = null;

  /**
   * `start` is the bound of an old subtask that has no position (it had read nothing). Throws
   * when the restore does not hold positions in `field` format.
   */
  constructor(restore: SourceRestore, field: BoundField, start: number) {
    const n = restore.parallelism;
    if (!Number.isInteger(n) || n < 1 || !Array.isArray(restore.positions) || restore.positions.length > n) {
      throw new InternalError(`invalid source restore: parallelism ${String(n)}, ${describe(restore.positions)} positions`);
    }
    const positions: Progress[] = [];
    for (let i = 0; i < n; i++) {
      const raw = restore.positions[i];
      positions.push(raw === undefined || raw === null ? { bound: start } : parse(raw, field, `positions[${i}]`));
    }
    this.prior = { parallelism: n, positions };
    this.floor = Math.min(...positions.map((p) => p.bound));
    this.horizon = horizonOf(this.prior);
  }

  /** Whether key `k` was done by the old run. Cheap: one array lookup unless priors nest. */
  done(k: number): boolean {
    if (k < this.floor) return true;
    return k < this.horizon && doneIn(this.prior, k);
  }

  /**
   * The prior to report with `bound` for subtask `index` of `parallelism` (undefined: none
   * needed). Without a subtask (before start) the whole restore is kept, which is exact too.
   */
  priorFor(bound: number, index?: number, parallelism?: number): Prior | undefined {
    if (bound >= this.horizon) return undefined;
    if (index === undefined || parallelism === undefined) return this.prior;
    if (this.cache && bound < this.cache.below) return this.cache.prior;
    const g = gcd(parallelism, this.prior.parallelism);
    let below = Infinity;
    const positions = this.prior.positions.map((p, i) => {
      // Keys of subtask `index` never fall on old subtask i unless i ≡ index (mod g).
      if ((i - index) % g !== 0) return null;
      const kept = p ? prune(p, bound) : null;
      if (kept) below = Math.min(below, horizonOfProgress(kept));
      return kept;
    });
    const prior = positions.some((p) => p !== null) ? { parallelism: this.prior.parallelism, positions } : undefined;
    this.cache = { prior, below };
    return prior;
  }
}

/** { bound, prior } in a source's wire format: `{ [field]: bound, prior? }`, recursively. */
export function toWire(p: { bound: number; prior?: Prior | undefined }, field: BoundField): Record<string, unknown> {
  const out: Record<string, unknown> = { [field]: p.bound };
  if (p.prior) out.prior = { parallelism: p.prior.parallelism, positions: p.prior.positions.map((q) => (q ? toWire(q, field) : null)) };
  return out;
}

function parse(raw: unknown, field: BoundField, where: string): Progress {
  // A bare number is accepted as a bound: the simplest position a caller can write by hand.
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return { bound: raw };
  if (typeof raw !== 'object' || raw === null) throw badPosition(where, field, raw);
  const o = raw as Record<string, unknown>;
  const bound = o[field];
  if (typeof bound !== 'number' || !Number.isSafeInteger(bound) || bound < 0) throw badPosition(where, field, raw);
  if (o.prior === undefined || o.prior === null) return { bound };
  const pr = o.prior as Record<string, unknown>;
  const n = pr.parallelism;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || !Array.isArray(pr.positions) || pr.positions.length > n) {
    throw badPosition(`${where}.prior`, field, pr);
  }
  const positions: (Progress | null)[] = [];
  for (let i = 0; i < n; i++) {
    const q: unknown = pr.positions[i];
    positions.push(q === undefined || q === null ? null : parse(q, field, `${where}.prior.positions[${i}]`));
  }
  return { bound, prior: { parallelism: n, positions } };
}

function badPosition(where: string, field: BoundField, raw: unknown): InternalError {
  return new InternalError(`invalid restored source position at ${where}: expected { ${field}: integer >= 0, prior? }, got ${describe(raw)}`);
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 200) ?? String(v);
  } catch {
    return String(v);
  }
}

function doneIn(prior: Prior, k: number): boolean {
  const p = prior.positions[k % prior.parallelism];
  if (!p) return false;
  return k < p.bound || (p.prior !== undefined && doneIn(p.prior, k));
}

function horizonOf(prior: Prior): number {
  let h = 0;
  for (const p of prior.positions) if (p) h = Math.max(h, horizonOfProgress(p));
  return h;
}

function horizonOfProgress(p: Progress): number {
  return p.prior ? Math.max(p.bound, horizonOf(p.prior)) : p.bound;
}

/** What of `p` can still claim keys at or above `t`; null if nothing. */
function prune(p: Progress, t: number): Progress | null {
  if (horizonOfProgress(p) <= t) return null;
  if (!p.prior) return p;
  // The prior is consulted only for keys at or above p.bound.
  const inner = Math.max(t, p.bound);
  const positions = p.prior.positions.map((q) => (q ? prune(q, inner) : null));
  if (positions.every((q) => q === null)) return { bound: p.bound };
  return { bound: p.bound, prior: { parallelism: p.prior.parallelism, positions } };
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

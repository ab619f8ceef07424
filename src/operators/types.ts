// A chained (in-process) operator: batch in, batch out, columnar. Stateful operators also take
// part in checkpoints: their keyed state is snapshotted and restored by key group.

import type { RecordBatch } from 'apache-arrow';
import type { UdfRegistry } from '../sql/expr/index.js';
import type { Schema } from '../types.js';

/** Where an operator instance runs: which key groups it owns follows from these. */
export interface OperatorContext {
  subtaskIndex: number;
  parallelism: number;
  /** Counts rows dropped because they arrived after the watermark had passed their window. */
  onLateRows?(n: number): void;
  /** The job's user-defined functions, for the expressions operators compile. */
  udfs?: UdfRegistry;
}

/** Keyed state split by key group (0..KEY_GROUPS-1), values msgpack-able. */
export type KeyedSnapshot = Record<number, unknown>;

export interface BatchOperator {
  readonly name: string;
  readonly outputSchema: Schema;
  /**
   * Returns the transformed batch, or null when no row survives. `input` is the input the batch
   * came in on (a join's left = 0, right = 1); single-input operators ignore it.
   */
  process(batch: RecordBatch, input?: number): RecordBatch | null;
  /**
   * Event time advanced to `watermarkMs` (every input's watermark is at least that): emit what
   * it completes (closed windows) or null. The chain then passes the watermark on.
   */
  onWatermark?(watermarkMs: number): RecordBatch | null;
  /** Stateful operators: the state now, by key group. */
  snapshot?(): KeyedSnapshot;
  /**
   * The same, for operators whose state can be large: it may pause (yield to the event loop)
   * while it encodes. The caller guarantees nothing processes meanwhile; checkpoints use it.
   */
  snapshotYielding?(): Promise<KeyedSnapshot>;
  /**
   * Stateful operators: snapshots of every subtask of the previous run (any parallelism); the
   * operator keeps the key groups it owns now.
   */
  restore?(snapshots: KeyedSnapshot[]): void;
}

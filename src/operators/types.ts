// A chained (in-process) operator: batch in, batch out, columnar. Stateless for now.

import type { RecordBatch } from 'apache-arrow';
import type { Schema } from '../types.js';

export interface BatchOperator {
  readonly name: string;
  readonly outputSchema: Schema;
  /** Returns the transformed batch, or null when no row survives. */
  process(batch: RecordBatch): RecordBatch | null;
}

// The `impulse` source: generated rows (counter, subtask_index, timestamp), for tests, demos and
// benchmarks. Counter n is row n (numbering, pacing and exact restore: numbered-source.ts).
// Columns are filled as typed arrays; no row objects, no BigInts. With event_rate (records/s for
// the whole job, split over the subtasks) row k of this run carries the time it was due.

import type { RecordBatch } from 'apache-arrow';
import { batchFromColumns, makeColumn } from '../../dataflow/arrow/index.js';
import { IMPULSE_SCHEMA, type ImpulseSourceConfig, type Schema } from '../../types.js';
import { NumberedSource, type Pacing, type Rows } from '../numbered-source.js';
import type { SourceContext, SourceRestore } from '../types.js';

const TWO_32 = 4294967296;

export class ImpulseSource extends NumberedSource {
  readonly schema: Schema = IMPULSE_SCHEMA;

  constructor(
    private readonly config: ImpulseSourceConfig,
    restore?: SourceRestore,
  ) {
    super(restore);
  }

  protected pacing(ctx: SourceContext): Pacing {
    const rate = this.config.event_rate && this.config.event_rate > 0 ? this.config.event_rate / ctx.parallelism : 0;
    return { rate, limit: this.config.count ?? Infinity, deadline: Infinity };
  }

  protected build({ rows: n, first, step, list, k, started, rate }: Rows): RecordBatch {
    const counter = new BigInt64Array(n);
    const timestamp = new BigInt64Array(n);
    // Fill 64-bit columns through 32-bit words (little-endian): exact up to 2^53, no BigInt.
    const cw = new Int32Array(counter.buffer);
    for (let r = 0; r < n; r++) {
      const c = list ? list[r]! : first + r * step;
      cw[2 * r] = c % TWO_32;
      cw[2 * r + 1] = Math.floor(c / TWO_32);
    }
    const tw = new Int32Array(timestamp.buffer);
    const now = Date.now();
    for (let r = 0; r < n; r++) {
      const t = rate > 0 ? Math.floor(started + ((k + r) * 1000) / rate) : now;
      tw[2 * r] = t % TWO_32;
      tw[2 * r + 1] = Math.floor(t / TWO_32);
    }
    const index = new Int32Array(n).fill(this.ctx!.subtaskIndex);
    return batchFromColumns(IMPULSE_SCHEMA, [makeColumn('int64', counter), makeColumn('int32', index), makeColumn('timestamp', timestamp)]);
  }
}

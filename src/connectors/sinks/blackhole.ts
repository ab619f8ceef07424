// The `blackhole` sink: counts what it is given and drops it. Used to measure a pipeline without
// paying for output, so it must cost nothing per record.

import type { RecordBatch } from 'apache-arrow';
import type { Sink, SinkContext } from '../types.js';

export class BlackholeSink implements Sink {
  /** Records received so far (tests and benchmarks read it). */
  records = 0;
  batches = 0;

  async open(_ctx: SinkContext): Promise<void> {}

  async write(batch: RecordBatch): Promise<void> {
    this.records += batch.numRows;
    this.batches++;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}

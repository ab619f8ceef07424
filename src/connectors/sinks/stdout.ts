// The `stdout` sink: one JSON object per line. Each batch becomes a single write, and write()
// waits for 'drain' when the stream's buffer is full, so a slow terminal or pipe slows the job
// down instead of growing memory.

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { RecordBatch } from 'apache-arrow';
import { batchToJsonRows } from '../../dataflow/arrow/index.js';
import { ExternalError } from '../../errors.js';
import type { Sink, SinkContext } from '../types.js';

export interface StdoutSinkOptions {
  /** Where the lines go; defaults to process.stdout. The sink never ends this stream. */
  out?: Writable;
}

export class StdoutSink implements Sink {
  private readonly out: Writable;

  constructor(options: StdoutSinkOptions = {}) {
    this.out = options.out ?? process.stdout;
  }

  async open(_ctx: SinkContext): Promise<void> {}

  async write(batch: RecordBatch): Promise<void> {
    if (batch.numRows === 0) return;
    const text = batchToJsonRows(batch).join('\n') + '\n';
    if (!this.out.write(text)) await this.drained();
  }

  /** Resolves once everything written so far has been handed to the underlying resource. */
  async flush(): Promise<void> {
    if (this.out.writableNeedDrain) await this.drained();
    // An empty write's callback runs after every earlier write completed (writes are ordered).
    await new Promise<void>((resolve, reject) => this.out.write('', (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private async drained(): Promise<void> {
    // `once` rejects on 'error', and a stream closed before draining fails too: a broken pipe
    // must fail the write rather than hang it.
    const stop = new AbortController();
    try {
      await Promise.race([
        once(this.out, 'drain', { signal: stop.signal }),
        once(this.out, 'close', { signal: stop.signal }).then(() => {
          throw new ExternalError('output stream closed before it drained', { retryable: false });
        }),
      ]);
    } finally {
      stop.abort();
    }
  }
}

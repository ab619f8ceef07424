// Where a task's chain output goes: its sinks (last task) and/or its shuffle writers.

import type { RecordBatch } from 'apache-arrow';
import type { Sink } from '../connectors/types.js';
import type { ShuffleWriter } from '../dataflow/shuffle/writer.js';

export class TaskOutputs {
  constructor(
    readonly sinks: Sink[],
    readonly writers: ShuffleWriter[],
  ) {}

  /** `origin`: when a source handed over the rows (ms), carried across shuffles for latency. */
  async write(batch: RecordBatch, origin?: number): Promise<void> {
    const n = this.sinks.length + this.writers.length;
    if (n === 1) {
      await (this.sinks.length === 1 ? this.sinks[0]!.write(batch) : this.writers[0]!.write(batch, origin));
      return;
    }
    await Promise.all([...this.sinks.map((s) => s.write(batch)), ...this.writers.map((w) => w.write(batch, origin))]);
  }

  /** End of input: everything buffered goes out, downstream is told the stream ended. */
  async finish(): Promise<void> {
    await Promise.all([...this.sinks.map((s) => s.flush()), ...this.writers.map((w) => w.finish())]);
  }

  async close(): Promise<void> {
    for (const w of this.writers) w.close();
    await Promise.all(this.sinks.map((s) => s.close().catch(() => undefined)));
  }

  get bytesOut(): number {
    return this.writers.reduce((n, w) => n + w.bytesOut, 0);
  }

  get batchesOut(): number {
    return this.writers.reduce((n, w) => n + w.batchesOut, 0);
  }
}

// The `nexmark` source: Arroyo's Nexmark auction events (people, auctions, bids; see
// src/connectors/nexmark/model.ts), generated columnar. Event n is computed from n alone, so, as
// with impulse, subtask i of N generates events n ≡ i (mod N) in increasing order and the subtasks
// together produce 0..count-1 exactly once, whatever the batch sizes.
//
// Options: `event_rate` (events/s for the whole job, split over the subtasks; absent or 0: as fast
// as possible; it also spaces event times, 10,000 events/s of event time when unpaced), `count`
// (total events), `runtime_ms` (with a rate: rate × runtime events, as Arroyo; without: each
// subtask stops after that much wall-clock time), `seed`.
//
// Numbering, pacing and exact restore (position `{ next, prior? }`, key = event number) are
// numbered-source.ts's, as for impulse.

import type { RecordBatch } from 'apache-arrow';
import type { NexmarkSourceConfig, Schema } from '../../types.js';
import { NexmarkGenerator } from '../nexmark/generator.js';
import { nexmarkSchema } from '../nexmark/schema.js';
import { NumberedSource, type Pacing, type Rows } from '../numbered-source.js';
import type { SourceContext, SourceRestore } from '../types.js';

export { NEXMARK_SCHEMA } from '../nexmark/schema.js';

export class NexmarkSource extends NumberedSource {
  readonly schema: Schema;
  readonly generator: NexmarkGenerator;

  constructor(config: NexmarkSourceConfig, restore?: SourceRestore) {
    super(restore);
    this.generator = new NexmarkGenerator(config);
    this.schema = nexmarkSchema(config.columns);
  }

  protected pacing(ctx: SourceContext, started: number): Pacing {
    this.generator.anchor(started, this.next);
    const { limit, eventRate, wallClockLimitMs } = this.generator;
    return { rate: eventRate / ctx.parallelism, limit, deadline: wallClockLimitMs === null ? Infinity : started + wallClockLimitMs };
  }

  protected build({ rows, first, step, list }: Rows): RecordBatch {
    return this.generator.batch(rows, first, step, list);
  }
}

// The `nats` source: a core NATS subscription whose messages are JSON records.
//
// With parallelism > 1 every subtask joins one queue group (named from job and task), so the
// server hands each message to exactly one of them.
//
// Core NATS has no flow control. While an emit waits on a slow downstream the loop does not
// read, so new messages queue in the client's subscription, in memory and without bound; past a
// threshold we log a warning. If the client falls so far behind that the server's outbound buffer
// for this connection fills (nats-server's max_pending, 64 MiB by default), the server marks the
// connection a slow consumer and drops messages for it (or disconnects it). Messages published
// while no subtask is subscribed are lost too: use the `jetstream` source when input must not be.
//
// Not replayable, so not part of exactly-once: position() is `{ records }`, the rows handed to
// emit so far (informational), and a restore is accepted and ignored. Across a failure the source
// is at most once: messages published while the job recovers, and rows read but not yet through
// the pipeline when it failed, are gone.

import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { ExternalError } from '../../errors.js';
import type { NatsSourceConfig, Schema } from '../../types.js';
import { JsonBatchAssembler } from '../json-assembler.js';
import { JsonLoopSource } from '../json-source.js';
import type { SourceContext, SourcePosition, SourceRestore } from '../types.js';

/** Messages waiting in the subscription before we warn about a slow consumer. */
const BACKLOG_WARN = 100_000;
const BACKLOG_CHECK_EVERY = 4096;
const BACKLOG_WARN_INTERVAL_MS = 10_000;

/** Queue group shared by the subtasks of one task: same job, same task, one group. */
export function queueGroupName(jobId: string, taskId: string): string {
  return `rivulet_${jobId}_${taskId}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

export class NatsSource extends JsonLoopSource {
  readonly schema: Schema;
  private ctx: SourceContext | null = null;
  private sub: Subscription | null = null;
  private lastBacklogWarning = 0;

  /** `_restore` is ignored: core NATS cannot replay (see above). */
  constructor(
    private readonly config: NatsSourceConfig,
    _restore?: SourceRestore,
  ) {
    super();
    this.schema = config.schema;
  }

  /** `{ records }`: rows handed to emit so far, including the batch being emitted. Informational. */
  position(): SourcePosition {
    return { records: this.assembler?.rowsHanded ?? 0 };
  }

  async start(ctx: SourceContext): Promise<void> {
    if (this.stopping) return;
    this.ctx = ctx;
    this.assembler = new JsonBatchAssembler(this.schema, ctx, (err) => this.fail(err));
    const queue = ctx.parallelism > 1 ? queueGroupName(ctx.jobId, ctx.taskId) : undefined;
    this.sub = ctx.nc.subscribe(this.config.subject, queue ? { queue } : {});
    // The SUB is only known to the server once a round trip went by; after it, every message
    // published is ours.
    await flushOrFail(ctx.nc, this.config.subject);
    this.launch(ctx);
  }

  protected async read(): Promise<void> {
    const sub = this.sub!;
    const assembler = this.assembler!;
    let seen = 0;
    for await (const msg of sub) {
      if (this.halted) return;
      const full = assembler.add(msg.data);
      if (full) await full;
      if (++seen % BACKLOG_CHECK_EVERY === 0) this.checkBacklog(sub);
    }
  }

  protected interrupt(): void {
    // unsubscribe() ends the iterator after the messages it already holds.
    try {
      if (this.sub && !this.sub.isClosed()) this.sub.unsubscribe();
    } catch {
      // the connection closed meanwhile, and the subscription with it
    }
  }

  protected inputEnded(): void {
    // The iterator only ends by itself when the connection closed.
    this.fail(new ExternalError(`subscription to ${this.config.subject} ended: NATS connection closed`));
  }

  private checkBacklog(sub: Subscription): void {
    const pending = sub.getPending();
    const now = Date.now();
    if (pending < BACKLOG_WARN || now - this.lastBacklogWarning < BACKLOG_WARN_INTERVAL_MS) return;
    this.lastBacklogWarning = now;
    this.ctx?.log.warn(
      { subject: this.config.subject, pending },
      'nats source falls behind: messages pile up in memory; the server may drop them (slow consumer)',
    );
  }
}

async function flushOrFail(nc: NatsConnection, subject: string): Promise<void> {
  try {
    await nc.flush();
  } catch (err) {
    throw new ExternalError(`could not subscribe to ${subject}`, { cause: err });
  }
}

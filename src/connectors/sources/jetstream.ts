// The `jetstream` source: JSON records from a stream, read with an ordered consumer (no acks,
// recreated by the client at the right sequence after a gap or reconnect), from `start_sequence`
// or from the first message.
//
// Every subtask reads the whole stream and keeps the messages whose stream sequence satisfies
// (seq - 1) % parallelism === subtaskIndex. That spends bandwidth, but a subtask's input is then
// fixed by sequence alone, so a checkpoint is one number per subtask (position()) and replay
// needs no shuffle. nats-server 2.9 cannot filter a consumer by sequence residue, and 2.10's
// multiple filter subjects would not help either.
//
// consume() sends each next pull only when our iterator reaches it, so a slow downstream stops
// the pulls: at most about one pull's worth of messages waits in memory.
//
// Position: `{ seq, prior? }` (see progress.ts, with key = sequence - 1): every message of this
// subtask's share up to `seq` was handed to emit or reported bad, plus what `prior` claims above
// it. Restore at another parallelism: old sequence s was processed iff s <= seq of old subtask
// (s - 1) % oldN (recursively through its prior); new subtask j of M reads from the lowest old
// `seq` + 1 (start_sequence without a restore) and keeps each s with (s - 1) % M === j that the
// old run did not process. Restoring overrides start_sequence.

import {
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  JetStreamApiError,
  type Consumer,
  type ConsumerMessages,
  type OrderedConsumerOptions,
} from '@nats-io/jetstream';
import { ExternalError, RivuletError } from '../../errors.js';
import type { JetStreamSourceConfig, Schema } from '../../types.js';
import { JsonBatchAssembler } from '../json-assembler.js';
import { JsonLoopSource } from '../json-source.js';
import { Resume, toWire } from '../progress.js';
import { ensureConnectorStream } from '../stream-setup.js';
import type { SourceContext, SourcePosition, SourceRestore } from '../types.js';

/** Bounds of one pull: enough to keep the pipe full, small enough to bound memory. */
const MIN_PULL = 256;
const MAX_PULL = 8192;

export class JetStreamSource extends JsonLoopSource {
  readonly schema: Schema;
  private ctx: SourceContext | null = null;
  private consumer: Consumer | null = null;
  private messages: ConsumerMessages | null = null;

  private readonly resume: Resume | null;
  /** Last sequence handled before reading starts: start_sequence - 1, or where the restore left off. */
  private readonly startAfter: number;

  constructor(
    private readonly config: JetStreamSourceConfig,
    restore?: SourceRestore,
  ) {
    super();
    this.schema = config.schema;
    const configured = Math.max(0, (config.start_sequence ?? 1) - 1);
    this.resume = restore ? new Resume(restore, 'seq', configured) : null;
    this.startAfter = this.resume ? this.resume.floor : configured;
  }

  /**
   * `{ seq, prior? }`: seq is the last stream sequence this subtask is done with (its record was
   * handed to emit or reported bad, or it belongs to another subtask). Before start() it is where
   * reading will begin, minus one, with the whole restore as prior.
   */
  position(): SourcePosition {
    const seq = this.assembler?.position ?? this.startAfter;
    const ctx = this.ctx;
    return toWire({ bound: seq, prior: this.resume?.priorFor(seq, ctx?.subtaskIndex, ctx?.parallelism) }, 'seq');
  }

  async start(ctx: SourceContext): Promise<void> {
    if (this.stopping) return;
    this.ctx = ctx;
    const { stream, subject } = this.config;
    const startSequence = this.startAfter + 1;
    this.assembler = new JsonBatchAssembler(this.schema, ctx, (err) => this.fail(err), this.startAfter);
    try {
      const jsm = await jetstreamManager(ctx.nc);
      await ensureConnectorStream(jsm, stream, subject);
      const options: Partial<OrderedConsumerOptions> = { filter_subjects: subject };
      if (startSequence > 1) {
        options.deliver_policy = DeliverPolicy.StartSequence;
        options.opt_start_seq = startSequence;
      } else {
        options.deliver_policy = DeliverPolicy.All;
      }
      // The ordered consumer exists on the server once get() resolves: from here on every
      // message stored in the stream will be read.
      this.consumer = await jetstream(ctx.nc).consumers.get(stream, options);
      const pull = Math.min(MAX_PULL, Math.max(MIN_PULL, ctx.batchSize * ctx.parallelism));
      this.messages = await this.consumer.consume({ max_messages: pull });
    } catch (err) {
      if (err instanceof RivuletError) throw err;
      // A refusal (e.g. the existing stream does not hold `subject`) will not change on retry.
      const retryable = !(err instanceof JetStreamApiError) || err.status === 503;
      throw new ExternalError(`cannot read stream ${stream} (${subject}): ${errorMessage(err)}`, { cause: err, retryable });
    }
    this.watchStatus(this.messages);
    this.launch(ctx);
  }

  protected async read(): Promise<void> {
    const assembler = this.assembler!;
    const { parallelism, subtaskIndex } = this.ctx!;
    const resume = this.resume;
    for await (const msg of this.messages!) {
      if (this.halted) return;
      const seq = msg.seq;
      // Another subtask's share, or (after a restore) a message the old run already processed.
      if ((seq - 1) % parallelism !== subtaskIndex || (resume !== null && resume.done(seq - 1))) {
        assembler.skip(seq);
        continue;
      }
      const full = assembler.add(msg.data, seq);
      if (full) await full;
    }
  }

  protected interrupt(): void {
    const messages = this.messages;
    if (!messages) return;
    this.messages = null;
    messages.stop();
    // The ordered consumer is ephemeral (5 min inactivity); deleting it frees the server sooner.
    this.consumer?.delete().catch(() => undefined);
  }

  protected inputEnded(): void {
    this.fail(new ExternalError(`reading JetStream stream ${this.config.stream} ended: NATS connection closed`));
  }

  /** Logs what the consumer tells us about trouble; the ordered consumer recovers by itself. */
  private watchStatus(messages: ConsumerMessages): void {
    const log = this.ctx!.log;
    void (async () => {
      for await (const s of messages.status()) {
        if (s.type === 'stream_not_found' || s.type === 'heartbeats_missed' || s.type === 'ordered_consumer_recreated') {
          log.warn({ stream: this.config.stream, status: s }, 'jetstream source consumer status');
        }
      }
    })().catch(() => undefined);
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

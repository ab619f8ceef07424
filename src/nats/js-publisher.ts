// The fast JetStream publish path (see DESIGN.md): each message goes out as a plain core publish
// whose reply subject is `<inbox>.<ticket>` under ONE wildcard inbox subscription, so JetStream's
// acks are counted by a single callback instead of a request (and subscription) per message.
// `js.publish()` per message tops out near 14k msg/s here; this path does ~100k msg/s at 100 B
// and ~350 MiB/s at 64 KiB on the same 2 cores.
//
// Delivery: at least once into the stream, exactly once when the caller sets `Nats-Msg-Id` (then a
// retry of a message that was stored after all is dropped by JetStream's duplicate window). A
// publish without a Nats-Msg-Id can be stored twice if its ack is lost and it is retried.
//
// Ordering: messages are sent in publish order, but a message that is refused (stream full, no
// stream yet) or not acknowledged in time is sent again later, after messages published behind
// it. Order across a retry is therefore NOT guaranteed; consumers that need order restore it from
// their own sequence header (Rivulet-Seq, see src/wire.ts).
//
// Backpressure: at most `window` messages are unacknowledged; publish() waits for room beyond
// that. A stream with `discard: new` that is full refuses messages with "maximum bytes/messages
// exceeded"; the publisher then holds every message back and probes with the oldest one at
// growing intervals; once one is stored it sends two held messages per stored one until none are
// left. A full stream thus stalls producers and loses nothing.

import type { MsgHdrs, NatsConnection, Subscription, Msg } from '@nats-io/nats-core';
import { createInbox } from '@nats-io/nats-core';
import { ExternalError, InternalError } from '../errors.js';

export interface JsPublisherOptions {
  /** Most messages awaiting an ack at once. Default 256. */
  window?: number;
  /**
   * Most payload bytes awaiting an ack at once (one message may exceed it alone). Default 16 MiB:
   * a window of large batches would otherwise put hundreds of MiB in flight, and the server's
   * acks then come later than the ack timeout, which resends and makes it worse.
   */
  maxBytesInFlight?: number;
  /** A message without an ack after this long is sent again. Default 10000. */
  ackTimeoutMs?: number;
  /**
   * Resends of one message before giving up, for every kind of failure. Default: unlimited while
   * the stream is full (that is backpressure, not failure), 10 for no responders (no stream
   * listens on the subject), a 503 from JetStream, or an ack timeout.
   */
  maxRetries?: number;
  /** First wait before a resend; doubles per failed attempt up to 8x. Default 50. */
  retryDelayMs?: number;
}

export interface JsPublisherStats {
  /** Messages accepted by publish() (sent or held for sending); resends not counted. */
  published: number;
  /** Messages JetStream acknowledged as stored (including as duplicates). */
  acked: number;
  /** Resends after a refusal or ack timeout. */
  retries: number;
  /** Messages given up on because of a fatal error. */
  failed: number;
}

type FailureKind = 'full' | 'unavailable' | 'timeout' | 'rejected';

interface Entry {
  ticket: number;
  subject: string;
  payload: Uint8Array;
  headers: MsgHdrs | undefined;
  /** 'sent': awaiting an ack since `sentAt`; 'held': refused, waiting to be sent again. */
  state: 'sent' | 'held';
  sentAt: number;
  /** Failed attempts so far. */
  failures: number;
}

interface Waiter {
  ticket: number;
  subject: string;
  payload: Uint8Array;
  headers: MsgHdrs | undefined;
  /** performance.now() when it started waiting. */
  since: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface FlushWaiter {
  /** Resolves once every ticket below this is acknowledged. */
  upTo: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

const DEFAULT_WINDOW = 256;
const DEFAULT_ACK_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY_DELAY_MS = 50;
/** Retries for failures other than "stream full" when maxRetries is not given. */
const DEFAULT_FEW_RETRIES = 10;
const RESOLVED = Promise.resolve();
/** Held messages sent again per stored message while recovering from a refusal. */
const RELEASE_PER_ACK = 2;

/** JetStream's "store failed" error code, which carries "maximum bytes/messages exceeded". */
const ERR_STORE_FAILED = 10077;

export class JsPublisher {
  readonly stats: JsPublisherStats = { published: 0, acked: 0, retries: 0, failed: 0 };
  /** publish() calls that had to wait for room (backpressure). */
  waits = 0;
  /** Time publish() calls spent waiting for room, ms (the calls still waiting not included). */
  private waitedMs = 0;

  private readonly window: number;
  private readonly maxBytes: number;
  private bytesInFlight = 0;
  private readonly ackTimeoutMs: number;
  private readonly maxRetries: number | undefined;
  private readonly retryDelayMs: number;

  private readonly inboxPrefix: string;
  private readonly sub: Subscription;
  /** Admitted, unacknowledged messages; Map order is ticket order (tickets are admitted in order). */
  private readonly pending = new Map<number, Entry>();
  /** Refused messages waiting for the stream to take messages again. */
  private held: Entry[] = [];
  /** Messages to hand to nats.js at the next drain, in send order. */
  private outbox: Entry[] = [];
  /** publish() calls waiting for room in the window, in call order. */
  private readonly waiting: Waiter[] = [];
  private readonly flushWaiters: FlushWaiter[] = [];
  private nextTicket = 1;

  /** Set after a refusal; cleared by the next stored message. While set, new messages are held. */
  private blocked = false;
  /** The one held message resent to test whether the stream takes messages again. */
  private probe: Entry | null = null;
  private probeTimer: NodeJS.Timeout | null = null;

  /** Coarse clock (ms), advanced by the sweep timer: cheaper than Date.now() per message. */
  private now = Date.now();
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly sweepEveryMs: number;
  private fatal: Error | null = null;
  private closed = false;

  constructor(
    private readonly nc: NatsConnection,
    opts: JsPublisherOptions = {},
  ) {
    this.window = Math.max(1, opts.window ?? DEFAULT_WINDOW);
    this.maxBytes = Math.max(1, opts.maxBytesInFlight ?? 16 * 1024 * 1024);
    this.ackTimeoutMs = opts.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.maxRetries = opts.maxRetries;
    this.retryDelayMs = Math.max(1, opts.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS);
    // Honour a connection's inboxPrefix (set where permissions restrict reply subjects).
    const connOpts = (nc as NatsConnection & { options?: { inboxPrefix?: string } }).options;
    this.inboxPrefix = `${createInbox(connOpts?.inboxPrefix)}.`;
    this.sub = nc.subscribe(`${this.inboxPrefix}*`, {
      callback: (err, msg) => {
        if (err) this.fail(new ExternalError(`JetStream ack subscription failed: ${err.message}`, { cause: err }));
        else this.onAck(msg);
      },
    });
    this.sweepEveryMs = Math.max(5, Math.min(1_000, Math.floor(this.ackTimeoutMs / 4)));
    this.sweepTimer = setInterval(() => this.sweep(), this.sweepEveryMs);
    this.sweepTimer.unref();
    nc.closed()
      .then(() => {
        if (!this.closed) this.fail(new ExternalError('NATS connection closed while publishing to JetStream'));
      })
      .catch(() => undefined);
  }

  /** Queues a publish; resolves when the in-flight window has room again (that is the backpressure). Rejects only on a fatal error. */
  publish(subject: string, payload: Uint8Array, headers?: MsgHdrs): Promise<void> {
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.closed) return Promise.reject(new InternalError('JsPublisher.publish() after close()'));
    const ticket = this.nextTicket++;
    if (this.hasRoom() && this.waiting.length === 0) {
      this.admit(ticket, subject, payload, headers);
      return this.fatal ? Promise.reject(this.fatal) : RESOLVED;
    }
    this.waits++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ ticket, subject, payload, headers, since: performance.now(), resolve, reject });
    });
  }

  /** Time publishers have waited for room so far, ms, counting the wait under way. */
  blockedMs(): number {
    const oldest = this.waiting[0];
    return this.waitedMs + (oldest ? performance.now() - oldest.since : 0);
  }

  /** Resolves when everything published so far is acknowledged (stored) by JetStream; rejects with the first fatal error. */
  flush(): Promise<void> {
    if (this.fatal) return Promise.reject(this.fatal);
    const upTo = this.nextTicket;
    if (this.lowestOutstanding() >= upTo) return RESOLVED;
    return new Promise<void>((resolve, reject) => this.flushWaiters.push({ upTo, resolve, reject }));
  }

  /**
   * Waits for outstanding acks (unless `flush: false`), then drops the ack subscription.
   * Rejects with the fatal error, if one happened, after cleaning up.
   */
  async close(opts: { flush?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    try {
      if (opts.flush !== false) await this.flush();
    } finally {
      this.closed = true;
      this.outbox = []; // empty after a flush; after close({ flush: false }) nobody listens for acks
      clearInterval(this.sweepTimer);
      this.clearProbeTimer();
      const err = this.fatal ?? new ExternalError('JsPublisher closed with publishes unacknowledged');
      for (const w of this.waiting.splice(0)) w.reject(err);
      for (const f of this.flushWaiters.splice(0)) f.reject(err);
      try {
        if (!this.nc.isClosed()) this.sub.unsubscribe();
      } catch {
        // the connection went away meanwhile: the subscription went with it
      }
    }
  }

  // -------------------------------------------------------------------------------------------

  private admit(ticket: number, subject: string, payload: Uint8Array, headers: MsgHdrs | undefined): void {
    const entry: Entry = { ticket, subject, payload, headers, state: 'sent', sentAt: 0, failures: 0 };
    this.pending.set(ticket, entry);
    this.bytesInFlight += payload.byteLength;
    this.stats.published++;
    // Behind held messages, not past them: they go first when the stream takes messages again.
    if (this.blocked || this.nextHeld() !== undefined) this.hold(entry);
    else this.send(entry);
  }

  /**
   * Queues the message for the next outbox drain. nats.js writes to the socket in a microtask
   * after each publish, and a caller awaiting every publish() yields to microtasks each time, so
   * publishing right here would cost one socket write per message (half the CPU at 100 B).
   * Draining from setImmediate puts every message published in one go into one write.
   */
  private send(entry: Entry): void {
    entry.state = 'sent';
    entry.sentAt = this.now;
    this.outbox.push(entry);
    if (this.outbox.length === 1) setImmediate(this.drainOutbox);
  }

  private readonly drainOutbox = (): void => {
    const batch = this.outbox;
    this.outbox = [];
    for (const entry of batch) {
      if (this.fatal) return;
      // Settled meanwhile (a late ack of an earlier attempt): nothing to send.
      if (entry.state !== 'sent' || this.pending.get(entry.ticket) !== entry) continue;
      try {
        this.nc.publish(entry.subject, entry.payload, { reply: this.inboxPrefix + entry.ticket, headers: entry.headers });
      } catch (err) {
        // Closed connection, payload above max_payload, bad subject: none gets better by retrying.
        const reason = err instanceof Error ? err.message : String(err);
        this.fail(new ExternalError(`cannot publish to ${entry.subject}: ${reason}`, { cause: err, retryable: false }));
      }
    }
  };

  private onAck(msg: Msg): void {
    const ticket = Number(msg.subject.slice(this.inboxPrefix.length));
    const entry = this.pending.get(ticket);
    // Unknown: the ack of an attempt that was already settled (e.g. late after a resend).
    if (entry === undefined || this.fatal) return;
    const failure = classifyAck(msg);
    if (failure === null) this.stored(entry);
    else if (entry.state === 'sent') this.refused(entry, failure.kind, failure.reason);
    // A refusal of an earlier attempt of a message already held changes nothing.
  }

  private stored(entry: Entry): void {
    this.pending.delete(entry.ticket);
    this.bytesInFlight -= entry.payload.byteLength;
    this.stats.acked++;
    if (entry === this.probe) this.probe = null;
    if (this.blocked) {
      this.blocked = false;
      this.clearProbeTimer();
    }
    this.release(RELEASE_PER_ACK);
    this.admitWaiting();
    if (this.flushWaiters.length > 0) this.settleFlushes();
  }

  private refused(entry: Entry, kind: FailureKind, reason: string): void {
    entry.failures++;
    const limit = this.maxRetries ?? (kind === 'full' ? Infinity : DEFAULT_FEW_RETRIES);
    if (kind === 'rejected' || entry.failures > limit) {
      const tries = entry.failures === 1 ? 'once' : `${entry.failures} times`;
      this.fail(
        new ExternalError(`JetStream refused a message on ${entry.subject} (tried ${tries}): ${reason}`, {
          retryable: kind !== 'rejected',
        }),
      );
      return;
    }
    this.blocked = true;
    if (entry === this.probe) this.probe = null;
    this.hold(entry);
  }

  /** Holds in publish order, so the oldest message is probed and resent first. */
  private hold(entry: Entry): void {
    entry.state = 'held';
    let i = this.held.length;
    while (i > 0 && this.held[i - 1]!.ticket > entry.ticket) i--;
    this.held.splice(i, 0, entry);
    if (this.blocked) this.scheduleProbe();
  }

  /** While blocked, only one held message at a time is resent, after a backoff. */
  private scheduleProbe(): void {
    if (this.probe !== null || this.probeTimer !== null || this.fatal) return;
    const head = this.nextHeld();
    if (head === undefined) return;
    const delay = Math.min(this.retryDelayMs * 2 ** Math.max(0, head.failures - 1), this.retryDelayMs * 8);
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      const probe = this.nextHeld();
      if (probe === undefined || this.fatal || this.closed) return;
      this.held.shift();
      this.probe = probe;
      this.stats.retries++;
      this.send(probe);
    }, delay);
    this.probeTimer.unref();
  }

  /**
   * Sends up to `n` held messages. Called per stored message, so what is in flight grows 2x per
   * round trip (like TCP slow start) instead of the whole window being resent into a stream that
   * has room for a few: resending everything at once cost 3 sends per message against a slow
   * consumer.
   */
  private release(n: number): void {
    for (let i = 0; i < n && !this.blocked && !this.fatal; i++) {
      const e = this.nextHeld();
      if (e === undefined) return;
      this.held.shift();
      if (e.failures > 0) this.stats.retries++;
      this.send(e);
    }
  }

  /** First held message that is still unacknowledged (a late ack may have settled some). */
  private nextHeld(): Entry | undefined {
    while (this.held.length > 0) {
      const e = this.held[0]!;
      if (e.state === 'held' && this.pending.get(e.ticket) === e) return e;
      this.held.shift();
    }
    return undefined;
  }

  private admitWaiting(): void {
    while (this.waiting.length > 0 && this.hasRoom() && !this.fatal) {
      const w = this.waiting.shift()!;
      this.waitedMs += performance.now() - w.since;
      this.admit(w.ticket, w.subject, w.payload, w.headers);
      if (this.fatal) w.reject(this.fatal);
      else w.resolve();
    }
  }

  /** Room for one more message: under the message window and the byte budget (or nothing in flight). */
  private hasRoom(): boolean {
    return this.pending.size < this.window && (this.bytesInFlight < this.maxBytes || this.pending.size === 0);
  }

  private lowestOutstanding(): number {
    for (const ticket of this.pending.keys()) return ticket;
    return this.waiting[0]?.ticket ?? this.nextTicket;
  }

  private settleFlushes(): void {
    const low = this.lowestOutstanding();
    for (let i = this.flushWaiters.length - 1; i >= 0; i--) {
      const f = this.flushWaiters[i]!;
      if (low >= f.upTo) {
        this.flushWaiters.splice(i, 1);
        f.resolve();
      }
    }
  }

  /** Advances the clock and resends messages whose ack is overdue. */
  private sweep(): void {
    this.now = Date.now();
    if (this.fatal || this.pending.size === 0) return;
    // sentAt comes from the coarse clock, up to one sweep early: allow for that.
    const overdue = this.now - this.ackTimeoutMs - this.sweepEveryMs;
    for (const e of this.pending.values()) {
      if (e.state === 'sent' && e.sentAt < overdue) {
        this.refused(e, 'timeout', `no ack within ${this.ackTimeoutMs} ms`);
        if (this.fatal) return;
      }
    }
  }

  private fail(err: Error): void {
    if (this.fatal) return;
    this.fatal = err;
    this.stats.failed += this.pending.size + this.waiting.length;
    this.pending.clear();
    this.bytesInFlight = 0;
    this.held = [];
    this.outbox = [];
    this.probe = null;
    this.clearProbeTimer();
    for (const w of this.waiting.splice(0)) w.reject(err);
    for (const f of this.flushWaiters.splice(0)) f.reject(err);
  }

  private clearProbeTimer(): void {
    if (this.probeTimer !== null) clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }
}

/** null for a stored message; otherwise why JetStream did not store it. */
function classifyAck(msg: Msg): { kind: FailureKind; reason: string } | null {
  const data = msg.data;
  if (data.length === 0) {
    // A header-only status: 503 means no stream (or nothing at all) listens on the subject.
    const code = msg.headers?.code ?? 0;
    if (code === 503) return { kind: 'unavailable', reason: 'no responders: no stream captures this subject' };
    return { kind: 'rejected', reason: `unexpected status ${code} ${msg.headers?.description ?? ''}`.trim() };
  }
  // Fast path: a PubAck starts with {"stream"; only other replies are worth parsing.
  if (data[0] === 0x7b && data[1] === 0x22 && data[2] === 0x73) return null;
  let reply: { error?: { code?: number; err_code?: number; description?: string }; stream?: string };
  try {
    reply = JSON.parse(new TextDecoder().decode(data)) as typeof reply;
  } catch {
    return { kind: 'rejected', reason: `unreadable ack: ${new TextDecoder().decode(data.subarray(0, 200))}` };
  }
  if (reply.error === undefined) return reply.stream !== undefined ? null : { kind: 'rejected', reason: 'ack without a stream' };
  const { code, err_code: errCode, description = 'unknown error' } = reply.error;
  const reason = `${description} (${code ?? '?'}/${errCode ?? '?'})`;
  if (errCode === ERR_STORE_FAILED && /exceeded/.test(description)) return { kind: 'full', reason };
  if (code === 503) return { kind: 'unavailable', reason };
  return { kind: 'rejected', reason };
}

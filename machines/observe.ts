// The one place where state transitions are logged, for every machine: machines and actors never
// log their own transitions, so each transition produces exactly one line.
//
// It listens to the actor system's `@xstate.microstep` inspection events rather than to snapshots:
// a snapshot is published once per macrostep, so an eventless hop (Recovering → Compiling →
// Stopping in one step) or a re-entry (Restarting → Restarting) would be invisible in snapshots.

import type { InspectionEvent, Subscription } from 'xstate';

export interface TransitionRecord {
  from: string;
  to: string;
  /** Time spent in `from`, by `now()`. */
  duration_ms: number;
  /** Type of the event that caused the transition (`xstate.done.actor.compile`, `STOP`, ...). */
  event: string;
}

/** The part of a pino logger this needs. */
export interface TransitionLogger {
  info(obj: object, msg: string): void;
}

export interface ObserveOptions {
  log: TransitionLogger;
  now: () => number;
  /** Who is transitioning, e.g. `job j-123` or `subtask task-1/0`; goes into every line. */
  name: string;
  onTransition?(t: TransitionRecord): void;
}

/** What observeTransitions needs from an actor (an `Actor` from createActor has it). */
export interface ObservableActor {
  system: { inspect(observer: (ev: InspectionEvent) => void): Subscription };
  getSnapshot(): unknown;
}

/** A state value as one string: `Running`, `Recovering.backoff`, `running.aligning`. */
export function stateKey(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => {
        const sub = stateKey(v);
        return sub ? `${k}.${sub}` : k;
      })
      .join(',');
  }
  return '';
}

function valueOf(snapshot: unknown): unknown {
  return (snapshot as { value?: unknown } | undefined)?.value;
}

/**
 * Logs every transition of `actor` once: `{ machine, from, to, duration_ms, event }`. Call it
 * before `actor.start()`; the first state's duration counts from this call. Returns an unsubscribe.
 */
export function observeTransitions(actor: ObservableActor, opts: ObserveOptions): () => void {
  let current = stateKey(valueOf(actor.getSnapshot()));
  let enteredAt = opts.now();

  const sub = actor.system.inspect((ev) => {
    if (ev.type !== '@xstate.microstep' || ev.actorRef !== (actor as unknown)) return;
    const next = stateKey(valueOf(ev.snapshot));
    // Same key counts only for an explicit re-entering transition (e.g. RESTART in Restarting);
    // targetless transitions (context updates) are not state changes.
    const reentered = next === current && ev._transitions.some((t) => t.reenter && (t.target?.length ?? 0) > 0);
    if (!next || (next === current && !reentered)) return;

    const at = opts.now();
    const record: TransitionRecord = { from: current, to: next, duration_ms: at - enteredAt, event: ev.event.type };
    current = next;
    enteredAt = at;
    opts.log.info({ machine: opts.name, ...record }, `${opts.name}: ${record.from} -> ${record.to}`);
    opts.onTransition?.(record);
  });
  return () => sub.unsubscribe();
}

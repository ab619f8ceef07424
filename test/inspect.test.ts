// Observability: the central transition log (machines/observe.ts), the JSON-safe inspector and
// the machine graph (src/controller/inspect.ts).

import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, SimulatedClock, waitFor, type AnyEventObject } from 'xstate';
import type { JobSpec } from '../src/types.js';
import { jobMachine } from '../machines/job.js';
import { subtaskMachine } from '../machines/subtask.js';
import { observeTransitions, stateKey, type TransitionRecord } from '../machines/observe.js';
import { createInspector, type InspectionEvent, machineGraph, sanitize } from '../src/controller/inspect.js';

const SPEC: JobSpec = {
  name: 'test',
  config: { parallelism: 1, checkpoint_interval_ms: 10_000, batch_size: 4096, linger_ms: 5 },
  sources: [{ type: 'impulse', config: {} }],
  transformations: [],
  sinks: [{ type: 'blackhole', config: {} }],
};

interface Pending {
  resolve(v?: unknown): void;
}

/** A job actor whose actors settle only when the test says so. */
function manualJob(clock: SimulatedClock, inspect?: ReturnType<typeof createInspector>) {
  const pending: Record<string, Pending[]> = { compile: [], schedule: [], teardown: [], finish: [] };
  const manual = (name: string) => fromPromise<unknown, any>(() => new Promise((resolve) => pending[name]!.push({ resolve })));
  const machine = jobMachine.provide({
    actors: { compile: manual('compile'), schedule: manual('schedule'), teardown: manual('teardown'), finish: manual('finish') },
  });
  const actor = createActor(machine, {
    clock,
    ...(inspect ? { inspect } : {}),
    input: { job_id: 'j1', spec: SPEC, restartStrategy: { type: 'fixed_delay', attempts: 5, delay_ms: 1000 }, now: () => clock.now() },
  });
  const settle = () => new Promise<void>((r) => setTimeout(r, 0));
  return { actor, pending, settle };
}

function capture() {
  const lines: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  return { lines, log: { info: (obj: object, msg: string) => lines.push({ obj: obj as Record<string, unknown>, msg }) } };
}

describe('observeTransitions', () => {
  it('logs each transition once with from, to, time in the previous state and the event', async () => {
    const clock = new SimulatedClock();
    const { actor, pending, settle } = manualJob(clock);
    const { lines, log } = capture();
    const seen: TransitionRecord[] = [];
    observeTransitions(actor, { log, now: () => clock.now(), name: 'job j1', onTransition: (t) => seen.push(t) });
    actor.start();

    clock.increment(3);
    actor.send({ type: 'START' });
    clock.increment(10);
    pending.compile[0]!.resolve('plan');
    await settle();
    clock.increment(20);
    pending.schedule[0]!.resolve();
    await settle();
    clock.increment(7);
    actor.send({ type: 'TASK_FAILED', error: { message: 'x', domain: 'external', retryable: true } });
    clock.increment(2);
    pending.teardown[0]!.resolve();
    await settle();
    clock.increment(5);
    // Eventless hop: backoff → Compiling → Stopping in one macrostep; both are logged.
    actor.send({ type: 'STOP', mode: 'immediate' });
    actor.send({ type: 'RESUME' }); // refused in Stopping: no line

    expect(seen).toEqual([
      { from: 'Created', to: 'Compiling', duration_ms: 3, event: 'START' },
      { from: 'Compiling', to: 'Scheduling', duration_ms: 10, event: 'xstate.done.actor.compile' },
      { from: 'Scheduling', to: 'Running', duration_ms: 20, event: 'xstate.done.actor.schedule' },
      { from: 'Running', to: 'Recovering.tearingDown', duration_ms: 7, event: 'TASK_FAILED' },
      { from: 'Recovering.tearingDown', to: 'Recovering.backoff', duration_ms: 2, event: 'xstate.done.actor.teardown' },
      { from: 'Recovering.backoff', to: 'Compiling', duration_ms: 5, event: 'STOP' },
      { from: 'Compiling', to: 'Stopping', duration_ms: 0, event: 'STOP' },
    ]);
    expect(lines.map((l) => l.obj)).toEqual(seen.map((t) => ({ machine: 'job j1', ...t })));
    expect(lines[0]!.msg).toBe('job j1: Created -> Compiling');
  });

  it('logs an explicit re-entry (Restarting → Restarting) and nothing after unsubscribing', async () => {
    const clock = new SimulatedClock();
    const { actor, pending, settle } = manualJob(clock);
    const { lines, log } = capture();
    const stop = observeTransitions(actor, { log, now: () => clock.now(), name: 'job' });
    actor.start();
    actor.send({ type: 'START' });
    pending.compile[0]!.resolve();
    await settle();
    pending.schedule[0]!.resolve();
    await settle();
    actor.send({ type: 'RESTART' });
    clock.increment(4);
    actor.send({ type: 'RESTART' });
    expect(lines.slice(-2).map((l) => l.obj)).toEqual([
      { machine: 'job', from: 'Running', to: 'Restarting', duration_ms: 0, event: 'RESTART' },
      { machine: 'job', from: 'Restarting', to: 'Restarting', duration_ms: 4, event: 'RESTART' },
    ]);
    const count = lines.length;
    stop();
    actor.send({ type: 'STOP', mode: 'immediate' });
    expect(actor.getSnapshot().value).toBe('Stopping');
    expect(lines).toHaveLength(count);
  });

  it('works for the subtask machine and with a real pino logger', async () => {
    const out: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        out.push(String(chunk));
        cb();
      },
    });
    const logger = pino({ base: null, timestamp: false }, stream);
    let sendBack: ((e: AnyEventObject) => void) | undefined;
    const machine = subtaskMachine.provide({
      actors: {
        start: fromPromise(async () => undefined),
        dataLoop: fromCallback(({ sendBack: s }) => {
          sendBack = s;
        }),
        finish: fromPromise(async () => undefined),
        stop: fromPromise(async () => undefined),
      },
    });
    const actor = createActor(machine, { input: { job_id: 'j', run_id: 1, task_id: 'task-1', subtask_index: 2 } });
    let t = 0;
    observeTransitions(actor, { log: logger, now: () => t, name: 'subtask task-1/2' });
    actor.start();
    await waitFor(actor, (s) => s.matches('running'));
    t = 50;
    sendBack!({ type: 'BARRIER', epoch: 1 });
    await new Promise((r) => setImmediate(r));
    const logged = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.map((l) => [l.from, l.to, l.duration_ms, l.msg])).toEqual([
      ['starting', 'running.processing', 0, 'subtask task-1/2: starting -> running.processing'],
      ['running.processing', 'running.aligning', 50, 'subtask task-1/2: running.processing -> running.aligning'],
    ]);
  });

  it('stateKey flattens state values', () => {
    expect(stateKey('Running')).toBe('Running');
    expect(stateKey({ Recovering: 'backoff' })).toBe('Recovering.backoff');
    expect(stateKey({ a: { b: 'c' } })).toBe('a.b.c');
  });
});

describe('createInspector', () => {
  it('publishes JSON-safe events with prefixed actor ids for a whole job run', async () => {
    const clock = new SimulatedClock();
    const events: InspectionEvent[] = [];
    const { actor, pending, settle } = manualJob(clock, createInspector((e) => events.push(e), { idPrefix: 'ctl-7', now: () => 42 }));
    actor.start();
    actor.send({ type: 'START' });
    pending.compile[0]!.resolve({ fn: () => 1, nested: { deep: true } });
    await settle();
    pending.schedule[0]!.resolve();
    await settle();
    actor.send({ type: 'STOP', mode: 'immediate', reason: 'cancel' });
    pending.teardown[0]!.resolve();
    await settle();
    expect(actor.getSnapshot().value).toBe('Stopped');

    expect(events.length).toBeGreaterThan(10);
    for (const e of events) {
      expect(JSON.parse(JSON.stringify(e))).toStrictEqual(e);
      expect(e.actor_id.startsWith('ctl-7/')).toBe(true);
      if (e.parent_id) expect(e.parent_id.startsWith('ctl-7/')).toBe(true);
      expect(e.at).toBe(42);
    }
    const types = new Set(events.map((e) => e.type));
    expect(types).toEqual(new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot', '@xstate.microstep']));

    const root = `ctl-7/${actor.sessionId}`;
    const compile = events.find((e) => e.type === '@xstate.actor' && e.name === 'compile');
    expect(compile?.parent_id).toBe(root);
    const stop = events.find((e) => e.type === '@xstate.event' && e.event_type === 'STOP');
    expect(stop?.event).toEqual({ type: 'STOP', mode: 'immediate', reason: 'cancel' });
    // The init event carries the input: its `now` function must be gone, the rest kept.
    const init = events.find((e) => e.type === '@xstate.event' && e.event_type === 'xstate.init');
    expect((init?.event as { input: Record<string, unknown> }).input.job_id).toBe('j1');
    expect((init?.event as { input: Record<string, unknown> }).input).not.toHaveProperty('now');
    // The compile output reached the job as a done event, minus the function.
    const done = events.find((e) => e.type === '@xstate.event' && e.event_type === 'xstate.done.actor.compile');
    expect(done?.event).toMatchObject({ output: { nested: { deep: true } } });
    expect((done?.event as { output: object }).output).not.toHaveProperty('fn');
    const states = events.filter((e) => e.type === '@xstate.snapshot' && e.actor_id === root).map((e) => e.state);
    expect(states).toContain('Running');
    expect(states.at(-1)).toBe('Stopped');
  });

  it('reduces an oversized event to its type', () => {
    const events: InspectionEvent[] = [];
    const inspect = createInspector((e) => events.push(e), { idPrefix: 'p', maxEventBytes: 100 });
    const ref = { sessionId: 'x:1', send() {} };
    inspect({ type: '@xstate.event', rootId: 'x:0', actorRef: ref as never, sourceRef: undefined, event: { type: 'BIG', data: 'y'.repeat(200) } });
    expect(events[0]).toMatchObject({ actor_id: 'p/x:1', event_type: 'BIG', event: { type: 'BIG', truncated: true } });
  });
});

describe('sanitize', () => {
  it('drops functions, names actor refs, breaks cycles and caps size', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const out = sanitize({
      fn: () => 1,
      sym: Symbol('s'),
      ref: { sessionId: 'x:3', send() {} },
      err: new TypeError('bad'),
      big: 10n,
      nan: Number.NaN,
      bytes: new Uint8Array(16),
      long: 'z'.repeat(1000),
      list: Array.from({ length: 30 }, (_, i) => i),
      deep: { a: { b: { c: { d: { e: 1 } } } } },
      cyclic,
    }) as Record<string, unknown>;
    expect(out).not.toHaveProperty('fn');
    expect(out).not.toHaveProperty('sym');
    expect(out.ref).toBe('[actor x:3]');
    expect(out.err).toEqual({ name: 'TypeError', message: 'bad' });
    expect(out.big).toBe('10');
    expect(out.nan).toBe('NaN');
    expect(out.bytes).toBe('[binary 16 bytes]');
    expect((out.long as string).length).toBeLessThan(300);
    expect(out.list).toHaveLength(21);
    expect(out.deep).toEqual({ a: { b: { c: '[…]' } } });
    expect(out.cyclic).toEqual({ a: 1, self: '[circular]' });
    expect(JSON.parse(JSON.stringify(out))).toStrictEqual(out);
  });
});

describe('machineGraph', () => {
  it('is JSON-safe and covers nested states, invokes, delays and eventless edges', () => {
    const job = machineGraph(jobMachine);
    expect(JSON.parse(JSON.stringify(job))).toStrictEqual(job);
    expect(job.nodes).toHaveLength(1 + 14 + 2);
    expect(job.nodes.find((n) => n.id === 'job.Compiling')?.invokes).toEqual(['compile']);
    expect(job.edges).toContainEqual({ source: 'job.Compiling', target: 'job.Stopping', event: '', kind: 'always', guard: 'stopPending' });
    expect(job.edges.some((e) => e.source === 'job.Recovering.backoff' && e.kind === 'after' && e.target === 'job.Compiling')).toBe(true);
    // Targetless transitions (STOP recorded in Created) are not edges.
    expect(job.edges.filter((e) => e.source === 'job.Created').map((e) => e.target)).toEqual(['job.Compiling']);

    const sub = machineGraph(subtaskMachine);
    expect(sub.edges).toContainEqual({ source: 'subtask.running.processing', target: 'subtask.running.aligning', event: 'BARRIER', kind: 'event', guard: 'isNewEpoch' });
    expect(sub.nodes.find((n) => n.id === 'subtask.running')?.invokes).toEqual(['dataLoop']);
  });
});

// The subtask machine with fake start/dataLoop/finish/stop actors. The fake data loop hands its
// sendBack out, so tests play the part of the worker's data path.

import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, waitFor, type AnyEventObject } from 'xstate';
import { ExternalError } from '../src/errors.js';
import { failureOf } from '../machines/job.js';
import { subtaskMachine, type SubtaskEvent, type SubtaskStopInput } from '../machines/subtask.js';

type Outcome = 'ok' | 'hang' | Error;

function harness(outcomes: Partial<Record<'start' | 'finish' | 'stop', Outcome>> = {}, loopThrows?: Error) {
  const o = { start: 'ok' as Outcome, finish: 'ok' as Outcome, stop: 'ok' as Outcome, ...outcomes };
  const loop = { started: 0, cleanedUp: 0, sendBack: undefined as undefined | ((e: AnyEventObject) => void) };
  const stopInputs: SubtaskStopInput[] = [];
  const settle = (x: Outcome) => (x === 'ok' ? Promise.resolve() : x === 'hang' ? new Promise(() => {}) : Promise.reject(x));
  const machine = subtaskMachine.provide({
    actors: {
      start: fromPromise(() => settle(o.start)),
      dataLoop: fromCallback(({ sendBack }) => {
        loop.started++;
        if (loopThrows) throw loopThrows;
        loop.sendBack = sendBack;
        return () => {
          loop.cleanedUp++;
        };
      }),
      finish: fromPromise(() => settle(o.finish)),
      stop: fromPromise(({ input }) => {
        stopInputs.push(input);
        return settle(o.stop);
      }),
    },
  });
  const actor = createActor(machine, { input: { job_id: 'j1', run_id: 3, task_id: 'task-1', subtask_index: 0 } }).start();
  return {
    actor,
    loop,
    stopInputs,
    value: () => actor.getSnapshot().value,
    ctx: () => actor.getSnapshot().context,
    /** An event from the data loop, as the worker's loop would send it. */
    fromLoop: (e: SubtaskEvent) => loop.sendBack!(e),
    until: (v: string | object) => waitFor(actor, (s) => s.matches(v as never), { timeout: 1000 }),
  };
}

describe('subtask machine', () => {
  it('starting → running, then a full checkpoint cycle with the data loop alive throughout', async () => {
    const h = harness();
    expect(h.value()).toBe('starting');
    await h.until('running');
    expect(h.value()).toEqual({ running: 'processing' });
    expect(h.loop.started).toBe(1);

    h.fromLoop({ type: 'BARRIER', epoch: 1 });
    expect(h.value()).toEqual({ running: 'aligning' });
    expect(h.ctx().epoch).toBe(1);
    h.fromLoop({ type: 'ALIGNED' });
    expect(h.value()).toEqual({ running: 'snapshotting' });
    h.fromLoop({ type: 'SNAPSHOT_DONE' });
    expect(h.value()).toEqual({ running: 'processing' });
    expect(h.ctx()).toMatchObject({ epoch: null, last_snapshot_epoch: 1 });
    // Checkpointing must not restart the data path.
    expect(h.loop.started).toBe(1);
    expect(h.loop.cleanedUp).toBe(0);
  });

  it('ignores a barrier of an already completed epoch and out-of-order checkpoint events', async () => {
    const h = harness();
    await h.until('running');
    h.fromLoop({ type: 'ALIGNED' });
    h.fromLoop({ type: 'SNAPSHOT_DONE' });
    expect(h.value()).toEqual({ running: 'processing' });
    h.fromLoop({ type: 'BARRIER', epoch: 2 });
    h.fromLoop({ type: 'SNAPSHOT_DONE' }); // not aligned yet
    expect(h.value()).toEqual({ running: 'aligning' });
    h.fromLoop({ type: 'BARRIER', epoch: 3 }); // one checkpoint at a time
    expect(h.ctx().epoch).toBe(2);
    h.fromLoop({ type: 'ALIGNED' });
    h.fromLoop({ type: 'SNAPSHOT_DONE' });
    h.fromLoop({ type: 'BARRIER', epoch: 2 });
    expect(h.value()).toEqual({ running: 'processing' });
  });

  it('running → finishing → finished; leaving running cleans up the data loop', async () => {
    const h = harness({ finish: 'hang' });
    await h.until('running');
    h.fromLoop({ type: 'FINISHED' });
    expect(h.value()).toBe('finishing');
    expect(h.loop.cleanedUp).toBe(1);

    const done = harness();
    await done.until('running');
    done.fromLoop({ type: 'FINISHED' });
    await done.until('finished');
    expect(done.actor.getSnapshot().status).toBe('done');
  });

  it('STOP from any active state goes through stopping with the requested mode', async () => {
    const h = harness();
    await h.until('running');
    h.fromLoop({ type: 'BARRIER', epoch: 1 });
    h.actor.send({ type: 'STOP', mode: 'graceful' });
    expect(h.value()).toBe('stopping');
    await h.until('stopped');
    expect(h.stopInputs[0]).toMatchObject({ mode: 'graceful', task_id: 'task-1', run_id: 3 });
    expect(h.loop.cleanedUp).toBe(1);

    const s = harness({ start: 'hang' });
    s.actor.send({ type: 'STOP', mode: 'immediate' });
    await s.until('stopped');

    const f = harness({ finish: 'hang' });
    await f.until('running');
    f.fromLoop({ type: 'FINISHED' });
    f.actor.send({ type: 'STOP', mode: 'immediate' });
    await f.until('stopped');
  });

  it('FAILED from the data loop → failed with the error kept', async () => {
    const h = harness();
    await h.until('running');
    h.fromLoop({ type: 'FAILED', error: { message: 'strict cast', domain: 'user', retryable: false } });
    expect(h.value()).toBe('failed');
    expect(h.ctx().error).toEqual({ message: 'strict cast', domain: 'user', retryable: false });
    expect(h.loop.cleanedUp).toBe(1);
  });

  it('a crashing data loop, a failing start or a failing stop → failed', async () => {
    const crash = harness({}, new ExternalError('subscription lost'));
    await crash.until('failed');
    expect(crash.ctx().error).toMatchObject({ message: 'subscription lost', domain: 'external', retryable: true });

    const start = harness({ start: new ExternalError('stream missing', { retryable: false }) });
    await start.until('failed');
    expect(start.ctx().error).toMatchObject({ message: 'stream missing', retryable: false });

    const stop = harness({ stop: new Error('close failed') });
    await stop.until('running');
    stop.actor.send({ type: 'STOP', mode: 'immediate' });
    await stop.until('failed');
    expect(stop.ctx().error).toMatchObject({ message: 'close failed', domain: 'internal' });
  });

  it('refuses events that do not apply in the current state', async () => {
    const h = harness({ start: 'hang' });
    for (const e of [{ type: 'BARRIER', epoch: 1 }, { type: 'ALIGNED' }, { type: 'FINISHED' }, { type: 'SNAPSHOT_DONE' }] as SubtaskEvent[]) {
      h.actor.send(e);
      expect(h.value(), e.type).toBe('starting');
    }
  });

  it('placeholders fail loudly when the worker forgot to provide them', async () => {
    const actor = createActor(subtaskMachine, { input: { job_id: 'j', run_id: 1, task_id: 't', subtask_index: 0 } }).start();
    await waitFor(actor, (s) => s.matches('failed'), { timeout: 1000 });
    expect(actor.getSnapshot().context.error?.message).toMatch(/'start' was not provided/);
  });
});

describe('failureOf', () => {
  it('normalises worker data, thrown errors and lost workers', () => {
    expect(failureOf({ type: 'FAILED', error: { message: 'm', domain: 'weird', retryable: 'yes' } })).toEqual({
      message: 'm',
      domain: 'internal',
      retryable: false,
    });
    expect(failureOf({ type: 'xstate.error.actor.x', error: new ExternalError('e') })).toEqual({ message: 'e', domain: 'external', retryable: true });
    expect(failureOf({ type: 'xstate.error.actor.x', error: 'plain string' })).toEqual({ message: 'plain string', domain: 'internal', retryable: false });
    expect(failureOf({ type: 'WORKER_LOST', worker_id: 'w2' })).toEqual({ message: 'worker w2 lost', domain: 'external', retryable: true });
  });
});

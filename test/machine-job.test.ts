// The job machine, driven with fake compile/schedule/teardown/finish actors. Every transition seen
// here is collected; the last test checks that every edge of JOB_TRANSITIONS was exercised and
// that nothing outside the table ever happened.

import { describe, expect, it, test } from 'vitest';
import { createActor, fromPromise, SimulatedClock, waitFor } from 'xstate';
import { ExternalError, InternalError, ValidationError } from '../src/errors.js';
import type { JobSpec } from '../src/types.js';
import type { JobState } from '../src/wire.js';
import type { RestartStrategy } from '../src/controller/restart-strategy.js';
import {
  type JobContext,
  type JobEvent,
  JOB_STATES,
  JOB_TRANSITIONS,
  jobMachine,
  jobStateOf,
  RecompileRequiredError,
  type TeardownInput,
} from '../machines/job.js';
import { observeTransitions, type TransitionRecord } from '../machines/observe.js';
import { machineGraph } from '../src/controller/inspect.js';
import { jobStatus } from '../machines/status.js';

const SPEC: JobSpec = {
  name: 'test',
  config: { parallelism: 2, checkpoint_interval_ms: 10_000, batch_size: 4096, linger_ms: 5 },
  sources: [{ type: 'impulse', config: { count: 10 } }],
  transformations: [],
  sinks: [{ type: 'blackhole', config: {} }],
};

// ---------------------------------------------------------------------------------------------
// Harness

type ActorName = 'compile' | 'schedule' | 'teardown' | 'finish';
/** ok: resolve at once; hang: never settle; manual: settle through `pending`; an Error: reject with it. */
type Outcome = 'ok' | 'hang' | 'manual' | Error;
interface Pending {
  resolve(v?: unknown): void;
  reject(e: unknown): void;
}

const seenEdges = new Set<string>();
const violations: string[] = [];

/** Top-level edge of a transition record, or null for a move between Recovering's sub-states. */
function edgeOf(t: TransitionRecord): string | null {
  const from = t.from.split('.')[0]!;
  const to = t.to.split('.')[0]!;
  if (from === to && t.from !== t.to) return null;
  return `${from}->${to}`;
}

function harness(opts: { strategy?: RestartStrategy; outcomes?: Partial<Record<ActorName, Outcome>> } = {}) {
  const clock = new SimulatedClock();
  const outcomes: Record<ActorName, Outcome> = { compile: 'ok', schedule: 'ok', teardown: 'ok', finish: 'hang', ...opts.outcomes };
  const inputs: Record<ActorName, unknown[]> = { compile: [], schedule: [], teardown: [], finish: [] };
  const pending: Record<ActorName, Pending[]> = { compile: [], schedule: [], teardown: [], finish: [] };
  const fake = (name: ActorName) =>
    fromPromise<unknown, any>(({ input }) => {
      inputs[name].push(input);
      const o = outcomes[name];
      if (o === 'ok') return Promise.resolve({ from: name });
      if (o === 'hang') return new Promise(() => {});
      if (o === 'manual') return new Promise((resolve, reject) => pending[name].push({ resolve, reject }));
      return Promise.reject(o);
    });
  const machine = jobMachine.provide({
    actors: { compile: fake('compile'), schedule: fake('schedule'), teardown: fake('teardown'), finish: fake('finish') },
  });
  const actor = createActor(machine, {
    clock,
    input: { job_id: 'j1', spec: SPEC, ...(opts.strategy ? { restartStrategy: opts.strategy } : {}), now: () => clock.now() },
  });
  const transitions: TransitionRecord[] = [];
  observeTransitions(actor, {
    log: { info() {} },
    now: () => clock.now(),
    name: 'job j1',
    onTransition: (t) => {
      transitions.push(t);
      const edge = edgeOf(t);
      if (!edge) return;
      seenEdges.add(edge);
      const [from, to] = edge.split('->') as [JobState, JobState];
      if (!JOB_TRANSITIONS[from].includes(to)) violations.push(edge);
    },
  });
  actor.start();
  const h = {
    actor,
    clock,
    outcomes,
    inputs,
    pending,
    transitions,
    state: (): JobState => jobStateOf(actor.getSnapshot().value),
    value: () => actor.getSnapshot().value,
    ctx: (): JobContext => actor.getSnapshot().context,
    send: (e: JobEvent) => actor.send(e),
    /** Lets resolved promises run (fakes settle in microtasks). */
    settle: () => new Promise<void>((r) => setTimeout(r, 0)),
    until: async (state: JobState) => {
      await waitFor(actor, (s) => jobStateOf(s.value) === state, { timeout: 1000 });
    },
    /** From Created to Running with every actor succeeding. */
    toRunning: async () => {
      actor.send({ type: 'START' });
      await h.until('Running');
    },
    teardowns: () => inputs.teardown as TeardownInput[],
  };
  return h;
}

const FIXED = (attempts: number, delay_ms: number): RestartStrategy => ({ type: 'fixed_delay', attempts, delay_ms });
const retryable = { message: 'nats hiccup', domain: 'external' as const, retryable: true };
const fatal = { message: 'bad record', domain: 'user' as const, retryable: false };

// ---------------------------------------------------------------------------------------------

describe('job machine structure', () => {
  it('has exactly the 14 job states at the top level', () => {
    expect(Object.keys(jobMachine.root.states).sort()).toEqual([...JOB_STATES].sort());
    expect(JOB_STATES).toHaveLength(14);
  });

  it("has exactly the table's edges (walking the state node definitions)", () => {
    const actual = new Set<string>();
    for (const [name, top] of Object.entries(jobMachine.root.states)) {
      const walk = (node: typeof top): void => {
        const all = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
        for (const t of all) {
          for (const target of t.target ?? []) {
            const to = target.path[0]!;
            // Moves inside a top-level state are not job transitions, explicit re-entries are.
            if (to !== name || (node === top && t.reenter)) actual.add(`${name}->${to}`);
          }
        }
        Object.values(node.states).forEach(walk);
      };
      walk(top);
    }
    const expected = new Set(Object.entries(JOB_TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}->${to}`)));
    expect([...actual].sort()).toEqual([...expected].sort());
  });

  it('machineGraph reports the same top-level edges', () => {
    const g = machineGraph(jobMachine);
    const top = (id: string) => id.split('.')[1]!;
    const edges = new Set(
      g.edges.filter((e) => top(e.source) !== top(e.target) || e.reenter).map((e) => `${top(e.source)}->${top(e.target)}`),
    );
    const expected = Object.entries(JOB_TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}->${to}`));
    expect([...edges].sort()).toEqual(expected.sort());
    expect(g.nodes.find((n) => n.id === 'job.Recovering')?.initial).toBe('job.Recovering.tearingDown');
  });

  it('Finished is final, Failed and Stopped are not', () => {
    expect(jobMachine.root.states.Finished!.type).toBe('final');
    expect(jobMachine.root.states.Failed!.type).not.toBe('final');
    expect(jobMachine.root.states.Stopped!.type).not.toBe('final');
  });

  it('placeholder actors fail loudly when the controller forgot to provide them', async () => {
    const actor = createActor(jobMachine, { input: { job_id: 'j', spec: SPEC } }).start();
    actor.send({ type: 'START' });
    // compile placeholder rejects → Failing; teardown placeholder rejects → Failed.
    await waitFor(actor, (s) => s.matches('Failed'), { timeout: 1000 });
    expect(actor.getSnapshot().context.failure?.message).toMatch(/'compile' was not provided/);
  });
});

describe('happy path and context', () => {
  it('Created → Compiling → Scheduling → Running, storing plan, deployment, run_id and timestamps', async () => {
    const h = harness({ outcomes: { compile: 'manual', schedule: 'manual' } });
    expect(h.state()).toBe('Created');
    h.clock.increment(5);
    h.send({ type: 'START' });
    expect(h.state()).toBe('Compiling');
    expect(h.inputs.compile[0]).toMatchObject({ job_id: 'j1', spec: SPEC });
    h.clock.increment(10);
    h.pending.compile[0]!.resolve({ tasks: ['t1'] });
    await h.until('Scheduling');
    expect(h.ctx().plan).toEqual({ tasks: ['t1'] });
    expect(h.ctx().run_id).toBe(1);
    expect((h.inputs.schedule[0] as JobContext).plan).toEqual({ tasks: ['t1'] });
    h.clock.increment(20);
    h.pending.schedule[0]!.resolve({ placement: 'w1' });
    await h.until('Running');
    expect(h.ctx()).toMatchObject({ deployment: { placement: 'w1' }, started_at: 35, finished_at: null, state_entered_at: 35, created_at: 0 });
    expect(jobStatus(h.state(), h.ctx())).toBe('running');
  });

  it('Running → Finishing → Finished when the finish actor completes', async () => {
    const h = harness({ outcomes: { finish: 'manual' } });
    await h.toRunning();
    h.send({ type: 'SOURCES_FINISHED' });
    expect(h.state()).toBe('Finishing');
    h.clock.increment(7);
    h.pending.finish[0]!.resolve();
    await h.until('Finished');
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.ctx().finished_at).toBe(7);
  });

  it('Finishing → Finished on ALL_FINISHED', async () => {
    const h = harness();
    await h.toRunning();
    h.send({ type: 'SOURCES_FINISHED' });
    h.send({ type: 'ALL_FINISHED' });
    expect(h.state()).toBe('Finished');
  });

  it('Finishing → Failing → Failed when finishing fails (even retryably: there is no way back)', async () => {
    const h = harness({ outcomes: { finish: new ExternalError('sink flush failed') } });
    await h.toRunning();
    h.send({ type: 'SOURCES_FINISHED' });
    await h.until('Failed');
    expect(h.transitions.map((t) => t.to)).toEqual(['Compiling', 'Scheduling', 'Running', 'Finishing', 'Failing', 'Failed']);
    expect(h.ctx().failure).toEqual({ message: 'sink flush failed', domain: 'external', retryable: true });
  });

  it('Finishing → Failing on a task failure', async () => {
    const h = harness();
    await h.toRunning();
    h.send({ type: 'SOURCES_FINISHED' });
    h.send({ type: 'TASK_FAILED', error: retryable });
    expect(h.state()).toBe('Failing');
  });
});

describe('failures and the restart strategy', () => {
  it('Compiling → Failing → Failed on a compile error; Failed → Compiling on RESTART resets the budget', async () => {
    const h = harness({ outcomes: { compile: new ValidationError('no such column') } });
    h.send({ type: 'START' });
    await h.until('Failed');
    expect(h.ctx().failure).toEqual({ message: 'no such column', domain: 'user', retryable: false });
    expect(h.ctx().finished_at).not.toBeNull();
    expect(h.teardowns()[0]).toMatchObject({ reason: 'fail', mode: 'immediate' });
    expect(jobStatus(h.state(), h.ctx())).toBe('failed');

    h.outcomes.compile = 'hang';
    h.send({ type: 'RESTART' });
    expect(h.state()).toBe('Compiling');
    expect(h.ctx()).toMatchObject({ failure: null, attempt: 0, failures: [] });
    // A restarted job is new again until it runs.
    expect(jobStatus(h.state(), h.ctx())).toBe('submitted');
  });

  it('Running → Recovering on a retryable task failure, waits the fixed delay on the XState clock, then compiles', async () => {
    const h = harness({ strategy: FIXED(3, 5000) });
    await h.toRunning();
    h.outcomes.compile = 'hang';
    h.send({ type: 'TASK_FAILED', error: retryable });
    expect(h.state()).toBe('Recovering');
    await h.settle(); // teardown resolves
    expect(h.value()).toEqual({ Recovering: 'backoff' });
    expect(h.ctx()).toMatchObject({ restarts: 1, attempt: 1, restart_delay_ms: 5000, failure: retryable });
    expect(h.teardowns()[0]).toMatchObject({ reason: 'recover', mode: 'immediate', run_id: 1 });
    expect(jobStatus(h.state(), h.ctx())).toBe('running');

    h.clock.increment(4999);
    expect(h.state()).toBe('Recovering');
    h.clock.increment(1);
    expect(h.state()).toBe('Compiling');
    // Redeploying a job that has been running is still "running" to the API.
    expect(jobStatus(h.state(), h.ctx())).toBe('running');
  });

  it('WORKER_LOST recovers the same way and the next run gets a new run_id', async () => {
    const h = harness({ strategy: FIXED(3, 100) });
    await h.toRunning();
    const startedAt = h.ctx().started_at;
    h.send({ type: 'WORKER_LOST', worker_id: 'w7' });
    await h.settle();
    h.clock.increment(100);
    await h.until('Running');
    expect(h.ctx().run_id).toBe(2);
    expect(h.ctx().failure?.message).toBe('worker w7 lost');
    // A recovery does not reset the job's start time (Arroyo).
    expect(h.ctx().started_at).toBe(startedAt);
  });

  it('fixed_delay gives up after N attempts: Running → Failing → Failed', async () => {
    const h = harness({ strategy: FIXED(2, 10) });
    await h.toRunning();
    for (let i = 1; i <= 2; i++) {
      h.send({ type: 'TASK_FAILED', error: retryable });
      expect(h.state()).toBe('Recovering');
      await h.settle();
      h.clock.increment(10);
      await h.until('Running');
    }
    h.send({ type: 'TASK_FAILED', error: retryable });
    expect(h.state()).toBe('Failing');
    await h.until('Failed');
    expect(h.ctx()).toMatchObject({ restarts: 2, attempt: 2 });
    expect(h.ctx().failures).toHaveLength(3);
  });

  it('a fatal task failure goes straight to Failing whatever the strategy', async () => {
    const h = harness({ strategy: FIXED(100, 10) });
    await h.toRunning();
    h.send({ type: 'TASK_FAILED', error: fatal });
    expect(h.state()).toBe('Failing');
    expect(h.ctx().restarts).toBe(0);
  });

  it('strategy none never recovers', async () => {
    const h = harness({ strategy: { type: 'none' } });
    await h.toRunning();
    h.send({ type: 'WORKER_LOST', worker_id: 'w1' });
    expect(h.state()).toBe('Failing');
  });

  it('exponential backoff: the Recovering delays grow', async () => {
    const h = harness({
      strategy: { type: 'exponential_backoff', max_attempts: 10, initial_delay_ms: 100, max_delay_ms: 1000, multiplier: 2 },
    });
    await h.toRunning();
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      h.send({ type: 'TASK_FAILED', error: retryable });
      await h.settle();
      delays.push(h.ctx().restart_delay_ms!);
      h.clock.increment(delays[i]! - 1);
      expect(h.state()).toBe('Recovering');
      h.clock.increment(1);
      await h.until('Running');
    }
    expect(delays).toEqual([100, 200, 400]);
  });

  it('failure_rate gives up when failures crowd the interval, not when they are spread out', async () => {
    const h = harness({ strategy: { type: 'failure_rate', max_failures: 1, interval_ms: 1000, delay_ms: 10 } });
    await h.toRunning();
    h.send({ type: 'TASK_FAILED', error: retryable });
    await h.settle();
    h.clock.increment(10);
    await h.until('Running');
    h.clock.increment(2000); // the first failure leaves the window
    h.send({ type: 'TASK_FAILED', error: retryable });
    expect(h.state()).toBe('Recovering');
    await h.settle();
    h.clock.increment(10);
    await h.until('Running');
    h.send({ type: 'TASK_FAILED', error: retryable }); // second failure within 1 s
    expect(h.state()).toBe('Failing');
  });

  it('Scheduling → Recovering on a retryable deploy error, → Failing on a fatal one', async () => {
    const h = harness({ strategy: FIXED(3, 10), outcomes: { schedule: new ExternalError('no worker slots') } });
    h.send({ type: 'START' });
    await h.until('Recovering');
    expect(h.ctx().failure).toMatchObject({ message: 'no worker slots', retryable: true });

    const f = harness({ outcomes: { schedule: new InternalError('plan invariant broken') } });
    f.send({ type: 'START' });
    await f.until('Failed');
    expect(f.transitions.map((t) => t.to)).toEqual(['Compiling', 'Scheduling', 'Failing', 'Failed']);
  });

  it('Scheduling → Compiling when the plan must be recompiled, at most 3 times in a row', async () => {
    const h = harness({ outcomes: { schedule: new RecompileRequiredError('plan stale') } });
    h.send({ type: 'START' });
    await h.until('Failed');
    expect(h.transitions.map((t) => t.to)).toEqual([
      'Compiling', 'Scheduling', 'Compiling', 'Scheduling', 'Compiling', 'Scheduling', 'Compiling', 'Scheduling', 'Failing', 'Failed',
    ]);
    expect(h.inputs.compile).toHaveLength(4);
  });

  it('Recovering → Failing when the teardown fails fatally', async () => {
    const h = harness({ outcomes: { teardown: 'manual' } });
    await h.toRunning();
    h.send({ type: 'TASK_FAILED', error: retryable });
    h.pending.teardown[0]!.reject(new InternalError('cannot reach scheduler'));
    await h.until('Failing');
    expect(h.ctx().failure?.message).toBe('cannot reach scheduler');
  });

  it('a retryable teardown error in Recovering still proceeds to the backoff', async () => {
    const h = harness({ outcomes: { teardown: new ExternalError('worker did not answer') } });
    await h.toRunning();
    h.send({ type: 'TASK_FAILED', error: retryable });
    await h.settle();
    expect(h.value()).toEqual({ Recovering: 'backoff' });
  });
});

describe('stopping', () => {
  it('Running → Stopping → Stopped with the requested mode; a stop is resumable (paused)', async () => {
    const h = harness({ outcomes: { teardown: 'manual' } });
    await h.toRunning();
    h.send({ type: 'STOP', mode: 'graceful' });
    expect(h.state()).toBe('Stopping');
    expect(h.teardowns()[0]).toMatchObject({ reason: 'stop', mode: 'graceful', run_id: 1 });
    expect(jobStatus(h.state(), h.ctx())).toBe('running');
    h.pending.teardown[0]!.resolve();
    await h.until('Stopped');
    expect(jobStatus(h.state(), h.ctx())).toBe('paused');

    h.outcomes.compile = 'hang';
    h.send({ type: 'RESUME' });
    expect(h.state()).toBe('Compiling');
    expect(h.ctx().stop_reason).toBeNull();
  });

  it('CANCEL turns a paused job cancelled, which RESUME then refuses', async () => {
    const h = harness();
    await h.toRunning();
    h.send({ type: 'STOP', mode: 'immediate' });
    await h.until('Stopped');
    expect(jobStatus(h.state(), h.ctx())).toBe('paused');
    h.send({ type: 'CANCEL' });
    expect(h.state()).toBe('Stopped');
    expect(jobStatus(h.state(), h.ctx())).toBe('cancelled');
    h.send({ type: 'RESUME' });
    expect(h.state()).toBe('Stopped');
  });

  it('a cancelled job is cancelled and cannot be resumed', async () => {
    const h = harness();
    await h.toRunning();
    h.send({ type: 'STOP', mode: 'immediate', reason: 'cancel' });
    await h.until('Stopped');
    expect(h.teardowns()[0]).toMatchObject({ reason: 'cancel', mode: 'immediate' });
    expect(jobStatus(h.state(), h.ctx())).toBe('cancelled');
    h.send({ type: 'RESUME' });
    expect(h.state()).toBe('Stopped');
  });

  it('Running → CheckpointStopping → Stopped on CHECKPOINT_DONE', async () => {
    const h = harness({ outcomes: { teardown: 'hang' } });
    await h.toRunning();
    h.send({ type: 'STOP', mode: 'checkpoint' });
    expect(h.state()).toBe('CheckpointStopping');
    expect(h.teardowns()[0]).toMatchObject({ reason: 'checkpoint', mode: 'checkpoint' });
    h.send({ type: 'CHECKPOINT_DONE' });
    expect(h.state()).toBe('Stopped');
  });

  it('CheckpointStopping → Stopped when the teardown completes', async () => {
    const h = harness();
    await h.toRunning();
    h.send({ type: 'STOP', mode: 'checkpoint' });
    await h.until('Stopped');
  });

  it('CheckpointStopping → Stopping on a stronger STOP, or when the checkpoint cannot complete', async () => {
    const h = harness({ outcomes: { teardown: 'hang' } });
    await h.toRunning();
    h.send({ type: 'STOP', mode: 'checkpoint' });
    h.send({ type: 'STOP', mode: 'checkpoint' }); // same mode again: nothing to do
    expect(h.state()).toBe('CheckpointStopping');
    h.send({ type: 'STOP', mode: 'force' });
    expect(h.state()).toBe('Stopping');
    expect(h.teardowns()[1]).toMatchObject({ mode: 'force' });

    const r = harness({ outcomes: { teardown: 'manual' } });
    await r.toRunning();
    r.send({ type: 'STOP', mode: 'checkpoint' });
    r.pending.teardown[0]!.reject(new ExternalError('checkpoint timed out'));
    await r.until('Stopping');
    expect(r.teardowns()[1]).toMatchObject({ mode: 'immediate' });
  });

  it('CheckpointStopping → Failing on a fatal task failure', async () => {
    const h = harness({ outcomes: { teardown: 'hang' } });
    await h.toRunning();
    h.send({ type: 'STOP', mode: 'checkpoint' });
    h.send({ type: 'TASK_FAILED', error: fatal });
    expect(h.state()).toBe('Failing');
  });

  it('Stopping → Failing on a fatal teardown error', async () => {
    const h = harness({ outcomes: { teardown: new InternalError('stop protocol broken') } });
    await h.toRunning();
    h.send({ type: 'STOP', mode: 'immediate' });
    await h.until('Failed');
    expect(h.transitions.slice(-3).map((t) => t.to)).toEqual(['Stopping', 'Failing', 'Failed']);
  });

  it('Compiling → Stopping and Scheduling → Stopping; outside Running every non-force mode becomes immediate', async () => {
    const c = harness({ outcomes: { compile: 'hang' } });
    c.send({ type: 'START' });
    c.send({ type: 'STOP', mode: 'checkpoint' });
    await c.until('Stopped');
    expect(c.teardowns()[0]).toMatchObject({ mode: 'immediate', reason: 'stop' });

    const s = harness({ outcomes: { schedule: 'hang' } });
    s.send({ type: 'START' });
    await s.until('Scheduling');
    s.send({ type: 'STOP', mode: 'force', reason: 'cancel' });
    await s.until('Stopped');
    expect(s.teardowns()[0]).toMatchObject({ mode: 'force', reason: 'cancel' });
  });

  it('a STOP in Created is honoured as soon as the job starts compiling', async () => {
    const h = harness({ outcomes: { compile: 'hang' } });
    h.send({ type: 'STOP', mode: 'immediate', reason: 'cancel' });
    expect(h.state()).toBe('Created');
    h.send({ type: 'START' });
    await h.until('Stopped');
    expect(h.transitions.map((t) => t.to)).toEqual(['Compiling', 'Stopping', 'Stopped']);
    expect(jobStatus(h.state(), h.ctx())).toBe('cancelled');
  });

  it('a STOP during the backoff skips the delay: Recovering → Compiling → Stopping → Stopped', async () => {
    const h = harness({ strategy: FIXED(3, 60_000) });
    await h.toRunning();
    h.send({ type: 'TASK_FAILED', error: retryable });
    await h.settle();
    h.send({ type: 'STOP', mode: 'graceful', reason: 'cancel' });
    await h.until('Stopped');
    expect(h.transitions.slice(-4).map((t) => t.to)).toEqual(['Recovering.backoff', 'Compiling', 'Stopping', 'Stopped']);
    expect(h.inputs.compile).toHaveLength(1); // the recovery never compiled
  });

  it('a STOP while the failed run is being torn down waits for the teardown, then stops', async () => {
    const h = harness({ strategy: FIXED(3, 60_000), outcomes: { teardown: 'manual' } });
    await h.toRunning();
    h.send({ type: 'TASK_FAILED', error: retryable });
    h.send({ type: 'STOP', mode: 'immediate' });
    expect(h.value()).toEqual({ Recovering: 'tearingDown' });
    h.pending.teardown[0]!.resolve();
    await h.until('Stopping');
    h.pending.teardown[1]!.resolve();
    await h.until('Stopped');
  });
});

describe('rescaling and restarting', () => {
  it('Running → Rescaling → Scheduling with the new parallelism and a new run', async () => {
    const h = harness({ outcomes: { teardown: 'manual' } });
    await h.toRunning();
    h.send({ type: 'RESCALE', parallelism: 4 });
    expect(h.state()).toBe('Rescaling');
    expect(h.teardowns()[0]).toMatchObject({ reason: 'rescale', mode: 'checkpoint', run_id: 1 });
    h.pending.teardown[0]!.resolve();
    await h.until('Running');
    expect(h.ctx()).toMatchObject({ parallelism: 4, run_id: 2 });
    expect((h.inputs.schedule[1] as JobContext).parallelism).toBe(4);
    expect(h.inputs.compile).toHaveLength(1); // rescaling does not recompile
  });

  it('Rescaling → Stopping on STOP; → Failing on a fatal teardown error', async () => {
    const h = harness({ outcomes: { teardown: 'hang' } });
    await h.toRunning();
    h.send({ type: 'RESCALE', parallelism: 3 });
    h.send({ type: 'STOP', mode: 'immediate' });
    expect(h.state()).toBe('Stopping');

    const f = harness({ outcomes: { teardown: new InternalError('boom') } });
    await f.toRunning();
    f.send({ type: 'RESCALE', parallelism: 3 });
    await f.until('Failing');
  });

  it('Running → Restarting → Scheduling; RESTART again re-enters Restarting', async () => {
    const h = harness({ outcomes: { teardown: 'manual' } });
    await h.toRunning();
    h.send({ type: 'RESTART' });
    expect(h.state()).toBe('Restarting');
    h.send({ type: 'RESTART' });
    expect(h.state()).toBe('Restarting');
    expect(h.teardowns()).toHaveLength(2); // re-entered: a fresh teardown
    expect(h.teardowns()[1]).toMatchObject({ reason: 'restart' });
    h.pending.teardown[1]!.resolve();
    await h.until('Running');
    expect(h.ctx().run_id).toBe(2);
  });

  it('Restarting → Stopping, → CheckpointStopping, → Failing', async () => {
    const a = harness({ outcomes: { teardown: 'hang' } });
    await a.toRunning();
    a.send({ type: 'RESTART' });
    a.send({ type: 'STOP', mode: 'immediate' });
    expect(a.state()).toBe('Stopping');

    const b = harness({ outcomes: { teardown: 'hang' } });
    await b.toRunning();
    b.send({ type: 'RESTART' });
    b.send({ type: 'STOP', mode: 'checkpoint' });
    expect(b.state()).toBe('CheckpointStopping');

    const c = harness({ outcomes: { teardown: new InternalError('boom') } });
    await c.toRunning();
    c.send({ type: 'RESTART' });
    await c.until('Failing');
  });
});

describe('restart of a stopped job', () => {
  it('a cancelled job restarts (from Stopped) at a new parallelism; RESUME stays refused', async () => {
    const h = harness();
    await h.toRunning();
    h.send({ type: 'STOP', mode: 'immediate', reason: 'cancel' });
    await h.until('Stopped');
    h.outcomes.compile = 'hang';
    h.send({ type: 'RESUME' });
    await h.settle();
    expect(h.state()).toBe('Stopped');
    h.send({ type: 'RESTART', parallelism: 3 });
    expect(h.state()).toBe('Compiling');
    expect(h.ctx().parallelism).toBe(3);
    expect(h.ctx().stop_reason).toBeNull();
  });
});

describe('refused events leave the state (and context) unchanged', () => {
  const cases: Array<[string, (h: ReturnType<typeof harness>) => Promise<void>, JobEvent[]]> = [
    ['Created', async () => {}, [{ type: 'RESUME' }, { type: 'RESTART' }, { type: 'SOURCES_FINISHED' }, { type: 'RESCALE', parallelism: 2 }, { type: 'TASK_FAILED', error: fatal }]],
    ['Compiling', async (h) => { h.outcomes.compile = 'hang'; h.send({ type: 'START' }); }, [{ type: 'RESCALE', parallelism: 2 }, { type: 'RESUME' }, { type: 'RESTART' }, { type: 'CHECKPOINT_DONE' }, { type: 'START' }]],
    ['Running', (h) => h.toRunning(), [{ type: 'START' }, { type: 'RESUME' }, { type: 'CHECKPOINT_DONE' }, { type: 'ALL_FINISHED' }, { type: 'RESCALE', parallelism: 0 }, { type: 'RESCALE', parallelism: 1.5 }]],
    ['Stopping', async (h) => { h.outcomes.teardown = 'hang'; await h.toRunning(); h.send({ type: 'STOP', mode: 'immediate' }); }, [{ type: 'RESTART' }, { type: 'RESCALE', parallelism: 2 }, { type: 'STOP', mode: 'force' }, { type: 'TASK_FAILED', error: fatal }]],
    ['Stopped', async (h) => { await h.toRunning(); h.send({ type: 'STOP', mode: 'immediate' }); await h.until('Stopped'); }, [{ type: 'START' }, { type: 'RESCALE', parallelism: 2 }, { type: 'SOURCES_FINISHED' }, { type: 'STOP', mode: 'immediate' }]],
    ['Failed', async (h) => { await h.toRunning(); h.send({ type: 'TASK_FAILED', error: fatal }); await h.until('Failed'); }, [{ type: 'RESUME' }, { type: 'START' }, { type: 'STOP', mode: 'immediate' }]],
    ['Finishing', async (h) => { await h.toRunning(); h.send({ type: 'SOURCES_FINISHED' }); }, [{ type: 'STOP', mode: 'immediate' }, { type: 'RESTART' }, { type: 'RESCALE', parallelism: 2 }, { type: 'CHECKPOINT_DONE' }]],
    ['Recovering', async (h) => { h.outcomes.teardown = 'hang'; await h.toRunning(); h.send({ type: 'TASK_FAILED', error: retryable }); }, [{ type: 'RESTART' }, { type: 'TASK_FAILED', error: fatal }, { type: 'RESCALE', parallelism: 2 }, { type: 'SOURCES_FINISHED' }]],
    ['Failing', async (h) => { h.outcomes.teardown = 'hang'; await h.toRunning(); h.send({ type: 'TASK_FAILED', error: fatal }); }, [{ type: 'RESTART' }, { type: 'STOP', mode: 'force' }, { type: 'RESUME' }]],
  ];
  for (const [state, setup, events] of cases) {
    it(`${state} ignores ${events.map((e) => e.type).join(', ')}`, async () => {
      const h = harness();
      await setup(h);
      await h.settle();
      expect(h.state()).toBe(state);
      const before = { value: h.value(), ctx: { ...h.ctx() } };
      const calls = h.transitions.length;
      for (const e of events) {
        h.send(e);
        await h.settle();
        expect(h.value(), `${e.type} in ${state}`).toEqual(before.value);
      }
      expect(h.transitions).toHaveLength(calls);
      // Nothing was recorded either (a STOP in Failing/Finishing/Stopping is not remembered).
      expect(h.ctx()).toEqual(before.ctx);
    });
  }
});

describe('jobStatus', () => {
  const fresh = { stop_reason: null, started_at: null, finished_at: null };
  const live = { stop_reason: null, started_at: 10, finished_at: null };
  const expected: Record<JobState, string> = {
    Created: 'submitted',
    Compiling: 'submitted',
    Scheduling: 'submitted',
    Running: 'running',
    Rescaling: 'running',
    Restarting: 'running',
    Recovering: 'running',
    Finishing: 'running',
    CheckpointStopping: 'running',
    Stopping: 'running',
    Stopped: 'paused',
    Finished: 'finished',
    Failing: 'failed',
    Failed: 'failed',
  };

  it('maps all 14 states for a job that has not run yet', () => {
    for (const state of JOB_STATES) expect(jobStatus(state, fresh), state).toBe(expected[state]);
  });

  it('Compiling/Scheduling read running while a live job is redeployed, submitted after a terminal state', () => {
    expect(jobStatus('Compiling', live)).toBe('running');
    expect(jobStatus('Scheduling', live)).toBe('running');
    expect(jobStatus('Compiling', { ...live, finished_at: 20 })).toBe('submitted');
  });

  it('Stopped is cancelled for a cancel, paused for a stop', () => {
    expect(jobStatus('Stopped', { ...live, stop_reason: 'cancel' })).toBe('cancelled');
    expect(jobStatus('Stopped', { ...live, stop_reason: 'stop' })).toBe('paused');
    // Still stopping: not cancelled until the run is down.
    expect(jobStatus('Stopping', { ...live, stop_reason: 'cancel' })).toBe('running');
  });
});

test('every edge of JOB_TRANSITIONS was exercised, and no transition outside it ever happened', () => {
  const expected = Object.entries(JOB_TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}->${to}`));
  expect(violations).toEqual([]);
  expect(expected.filter((e) => !seenEdges.has(e))).toEqual([]);
});

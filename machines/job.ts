// The job machine: Arroyo's 14 job states as top-level states, and the only place that decides
// which state follows which. Slow work (compiling, deploying, tearing a run down, waiting for sinks)
// happens in invoked actors the controller supplies through `jobMachine.provide({ actors })`; the
// placeholders here only fail loudly, so a forgotten actor cannot pass for a working one.
//
// Timers (the restart delay) run on XState's clock, so `createActor(..., { clock })` controls them;
// timestamps come from `input.now` so tests and the controller agree on what "now" is.

import { assign, fromPromise, setup, type StateValue } from 'xstate';
import { asRivuletError, type ErrorDomain, InternalError } from '../src/errors.js';
import type { JobSpec } from '../src/types.js';
import type { JobState } from '../src/wire.js';
import { DEFAULT_RESTART_STRATEGY, nextRestartDelay, type RestartStrategy } from '../src/controller/restart-strategy.js';

/** Arroyo's stop modes: checkpoint then stop, drain, stop now, kill workers. */
export type JobStopMode = 'checkpoint' | 'graceful' | 'immediate' | 'force';
/** Why the user stopped the job: `cancel` is final (status cancelled), `stop` can be resumed (paused). */
export type StopReason = 'cancel' | 'stop';

/** A failure as the machine keeps it: plain data, JSON-safe. */
export interface FailureInfo {
  message: string;
  domain: ErrorDomain;
  retryable: boolean;
}

export type JobEvent =
  | { type: 'START' }
  | { type: 'STOP'; mode: JobStopMode; reason?: StopReason }
  | { type: 'RESUME' }
  /** A paused (Stopped) job becomes cancelled: no longer resumable. */
  | { type: 'CANCEL' }
  /** `parallelism`: run the restarted job at this parallelism (Stopped/Failed only). */
  | { type: 'RESTART'; parallelism?: number }
  | { type: 'RESCALE'; parallelism: number }
  | { type: 'SOURCES_FINISHED' }
  | { type: 'ALL_FINISHED' }
  | { type: 'TASK_FAILED'; error: FailureInfo }
  | { type: 'WORKER_LOST'; worker_id: string }
  | { type: 'CHECKPOINT_DONE' };

export interface JobInput {
  job_id: string;
  spec: JobSpec;
  /** Parsed strategy (parseRestartStrategy); absent: DEFAULT_RESTART_STRATEGY. */
  restartStrategy?: RestartStrategy;
  /** Clock for timestamps; Date.now when absent. */
  now?: () => number;
}

export interface JobContext {
  job_id: string;
  spec: JobSpec;
  restart_strategy: RestartStrategy;
  /** Kept in context so actions stay pure functions of context; dropped by JSON persistence (see jobNow). */
  now: () => number;
  /** Output of the `compile` actor. */
  plan: unknown;
  /** Output of the `schedule` actor (e.g. placement), handed to `teardown`. */
  deployment: unknown;
  /** Incremented on every entry to Scheduling: scopes a run's data subjects. The first run is 1. */
  run_id: number;
  /** Parallelism asked for by RESCALE; null = the spec's. */
  parallelism: number | null;
  /** Recoveries over the job's whole life (the metrics' `restarts`). */
  restarts: number;
  /** Recoveries since the user last started, resumed or restarted the job: the strategy's counter. */
  attempt: number;
  /** Failure timestamps (ms), newest last, at most MAX_FAILURES_KEPT: for failure_rate. */
  failures: number[];
  /** Delay chosen for the current Recovering, read by the `restartDelay` timer. */
  restart_delay_ms: number | null;
  /** Scheduling → Compiling round trips since the last Running; bounded to avoid a loop. */
  recompiles: number;
  /** The failure that sent the job to Recovering or Failing most recently; cleared on RESTART/RESUME. */
  failure: FailureInfo | null;
  /** Set by STOP; while non-null outside Stopped, a stop is pending (see Compiling). */
  stop_reason: StopReason | null;
  stop_mode: JobStopMode | null;
  created_at: number;
  /** When the current top-level state was entered. */
  state_entered_at: number;
  /** First Running of the current lifetime (cleared semantics as Arroyo: reset after a terminal state). */
  started_at: number | null;
  /** When Stopped, Finished or Failed was entered; null while the job is live. */
  finished_at: number | null;
}

/** Why a run is being torn down, for the teardown actor's logs and stop behaviour. */
export type TeardownReason = StopReason | 'checkpoint' | 'fail' | 'recover' | 'restart' | 'rescale';

export interface TeardownInput {
  job_id: string;
  run_id: number;
  reason: TeardownReason;
  mode: JobStopMode;
  deployment: unknown;
}

/**
 * The schedule actor rejects with this (or any error with `recompile: true`) when the plan it got
 * can no longer be deployed and must be compiled again (Arroyo's Scheduling → Compiling).
 */
export class RecompileRequiredError extends InternalError {
  readonly recompile = true;
}

/** Arroyo's controller transitions; the machine has exactly these edges (checked by a test). */
export const JOB_TRANSITIONS: Record<JobState, JobState[]> = {
  Created: ['Compiling'],
  Compiling: ['Scheduling', 'Stopping', 'Failing'],
  Scheduling: ['Running', 'Recovering', 'Failing', 'Stopping', 'Compiling'],
  Running: ['CheckpointStopping', 'Stopping', 'Finishing', 'Recovering', 'Rescaling', 'Restarting', 'Failing'],
  Rescaling: ['Scheduling', 'Stopping', 'Failing'],
  Restarting: ['Scheduling', 'Stopping', 'CheckpointStopping', 'Restarting', 'Failing'],
  Recovering: ['Compiling', 'Failing'],
  CheckpointStopping: ['Stopped', 'Stopping', 'Failing'],
  Stopping: ['Stopped', 'Failing'],
  Finishing: ['Finished', 'Failing'],
  Failing: ['Failed'],
  Stopped: ['Compiling'],
  Failed: ['Compiling'],
  Finished: [],
};

export const JOB_STATES = Object.keys(JOB_TRANSITIONS) as JobState[];

const MAX_RECOMPILES = 3;
const MAX_FAILURES_KEPT = 100;

/** The top-level job state of a snapshot value (Recovering has sub-states). */
export function jobStateOf(value: StateValue): JobState {
  return (typeof value === 'string' ? value : Object.keys(value)[0]) as JobState;
}

/** `context.now`, falling back to Date.now for contexts restored from JSON (functions do not survive). */
export function jobNow(context: Pick<JobContext, 'now'>): number {
  return typeof context.now === 'function' ? context.now() : Date.now();
}

const DOMAINS: readonly ErrorDomain[] = ['user', 'external', 'internal'];

/**
 * Normalises a failure event into a FailureInfo: TASK_FAILED / FAILED {error} (plain data from a
 * worker), WORKER_LOST, or an `xstate.error.actor.*` event (anything thrown, via asRivuletError).
 */
export function failureOf(event: unknown): FailureInfo {
  const e = event as { type?: string; error?: unknown; worker_id?: string };
  if (e.type === 'WORKER_LOST') return { message: `worker ${e.worker_id} lost`, domain: 'external', retryable: true };
  if ((e.type === 'TASK_FAILED' || e.type === 'FAILED') && e.error && typeof e.error === 'object' && !(e.error instanceof Error)) {
    const f = e.error as Partial<FailureInfo>;
    return {
      message: String(f.message ?? 'task failed'),
      domain: DOMAINS.includes(f.domain as ErrorDomain) ? (f.domain as ErrorDomain) : 'internal',
      retryable: f.retryable === true,
    };
  }
  const err = asRivuletError(e.error);
  return { message: err.message, domain: err.domain, retryable: err.retryable };
}

/** What the strategy says about restarting after `event`'s failure: the delay, or null to give up. */
function recoveryDelay(context: JobContext, event: unknown, now: number): number | null {
  if (!failureOf(event).retryable) return null;
  return nextRestartDelay(context.restart_strategy, {
    attempt: context.attempt + 1,
    failures: [...context.failures, now],
    now,
  });
}

function teardownInput(context: JobContext, reason: TeardownReason, mode: JobStopMode): TeardownInput {
  return { job_id: context.job_id, run_id: context.run_id, reason, mode, deployment: context.deployment };
}

function notProvided(name: string): Promise<never> {
  return Promise.reject(new InternalError(`job machine: actor '${name}' was not provided (use jobMachine.provide)`));
}

export const jobMachine = setup({
  types: {} as { context: JobContext; events: JobEvent; input: JobInput },
  // Outputs are typed `any` on purpose: XState's actor logic is invariant in its output, so with
  // `unknown` a provider typed `fromPromise<PhysicalPlan, JobContext>` would not be accepted.
  actors: {
    /** Compiling: builds the physical plan; output lands in context.plan. */
    compile: fromPromise<any, JobContext>(() => notProvided('compile')),
    /** Scheduling: deploys run `run_id` to workers; output lands in context.deployment. */
    schedule: fromPromise<any, JobContext>(() => notProvided('schedule')),
    /** Stopping/Failing/Recovering/Restarting/Rescaling/CheckpointStopping: stops the current run. Must be idempotent. */
    teardown: fromPromise<any, TeardownInput>(() => notProvided('teardown')),
    /** Finishing: waits until every sink has seen end of stream. */
    finish: fromPromise<any, JobContext>(() => notProvided('finish')),
  },
  delays: {
    restartDelay: ({ context }) => context.restart_delay_ms ?? 0,
  },
  guards: {
    isCheckpointStop: ({ event }) => event.type === 'STOP' && event.mode === 'checkpoint',
    stopPending: ({ context }) => context.stop_reason !== null,
    notCancelled: ({ context }) => context.stop_reason !== 'cancel',
    canRecover: ({ context, event }) => recoveryDelay(context, event, jobNow(context)) !== null,
    isFatal: ({ event }) => !failureOf(event).retryable,
    needsRecompile: ({ context, event }) =>
      context.recompiles < MAX_RECOMPILES && (event as { error?: { recompile?: unknown } }).error?.recompile === true,
    validParallelism: ({ event }) =>
      event.type === 'RESCALE' && Number.isInteger(event.parallelism) && event.parallelism >= 1 && event.parallelism <= 256,
  },
  actions: {
    enter: assign({ state_entered_at: ({ context }) => jobNow(context) }),
    markStarted: assign(({ context }) =>
      // Arroyo: start time is set on the first Running after submission or after a terminal state,
      // not on every recovery.
      context.started_at === null || context.finished_at !== null
        ? { started_at: jobNow(context), finished_at: null, recompiles: 0 }
        : { recompiles: 0 },
    ),
    markFinished: assign({ finished_at: ({ context }) => jobNow(context) }),
    nextRun: assign({ run_id: ({ context }) => context.run_id + 1 }),
    storePlan: assign({ plan: ({ event }) => (event as unknown as { output: unknown }).output }),
    storeDeployment: assign({ deployment: ({ event }) => (event as unknown as { output: unknown }).output }),
    countRecompile: assign({ recompiles: ({ context }) => context.recompiles + 1 }),
    setParallelism: assign({
      parallelism: ({ context, event }) =>
        event.type === 'RESCALE' || (event.type === 'RESTART' && event.parallelism !== undefined) ? event.parallelism! : context.parallelism,
    }),
    /**
     * Records a STOP. Outside Running there is nothing to checkpoint or drain, so (as Arroyo's
     * stop_if_desired_non_running) every mode but force becomes immediate.
     */
    markCancelled: assign({ stop_reason: 'cancel' as const }),
    recordStop: assign(({ event }, params: { running: boolean }) => {
      if (event.type !== 'STOP') return {};
      const mode: JobStopMode = params.running || event.mode === 'force' ? event.mode : 'immediate';
      return { stop_reason: event.reason ?? 'stop', stop_mode: mode };
    }),
    /** A checkpoint stop that cannot complete falls back to a plain immediate stop. */
    downgradeStop: assign({ stop_mode: 'immediate' as JobStopMode }),
    recover: assign(({ context, event }) => {
      const now = jobNow(context);
      return {
        failure: failureOf(event),
        restarts: context.restarts + 1,
        attempt: context.attempt + 1,
        failures: [...context.failures, now].slice(-MAX_FAILURES_KEPT),
        restart_delay_ms: recoveryDelay(context, event, now),
      };
    }),
    fail: assign(({ context, event }) => ({
      failure: failureOf(event),
      failures: [...context.failures, jobNow(context)].slice(-MAX_FAILURES_KEPT),
    })),
    /** A user (re)start: the strategy's budget starts over, the last failure and stop are forgotten. */
    resetForUserStart: assign({
      attempt: 0,
      failures: [] as number[],
      failure: null,
      restart_delay_ms: null,
      stop_reason: null,
      stop_mode: null,
    }),
  },
}).createMachine({
  id: 'job',
  initial: 'Created',
  context: ({ input }) => {
    const now = input.now ?? Date.now;
    const t = now();
    return {
      job_id: input.job_id,
      spec: input.spec,
      restart_strategy: input.restartStrategy ?? DEFAULT_RESTART_STRATEGY,
      now,
      plan: null,
      deployment: null,
      run_id: 0,
      parallelism: null,
      restarts: 0,
      attempt: 0,
      failures: [],
      restart_delay_ms: null,
      recompiles: 0,
      failure: null,
      stop_reason: null,
      stop_mode: null,
      created_at: t,
      state_entered_at: t,
      started_at: null,
      finished_at: null,
    };
  },
  states: {
    Created: {
      on: {
        START: 'Compiling',
        // Remembered; Compiling honours it at once (there is no Created → Stopping edge).
        STOP: { actions: { type: 'recordStop', params: { running: false } } },
      },
    },

    Compiling: {
      entry: 'enter',
      // A stop that arrived while no transition to Stopping existed (Created, Recovering) is
      // honoured here, as Arroyo's Compiling checks the stop mode first.
      always: { guard: 'stopPending', target: 'Stopping' },
      invoke: {
        id: 'compile',
        src: 'compile',
        input: ({ context }) => context,
        onDone: { target: 'Scheduling', actions: 'storePlan' },
        onError: { target: 'Failing', actions: 'fail' },
      },
      on: { STOP: { target: 'Stopping', actions: { type: 'recordStop', params: { running: false } } } },
    },

    Scheduling: {
      entry: ['enter', 'nextRun'],
      invoke: {
        id: 'schedule',
        src: 'schedule',
        input: ({ context }) => context,
        onDone: { target: 'Running', actions: 'storeDeployment' },
        onError: [
          { guard: 'needsRecompile', target: 'Compiling', actions: 'countRecompile' },
          { guard: 'canRecover', target: 'Recovering', actions: 'recover' },
          { target: 'Failing', actions: 'fail' },
        ],
      },
      on: { STOP: { target: 'Stopping', actions: { type: 'recordStop', params: { running: false } } } },
    },

    Running: {
      entry: ['enter', 'markStarted'],
      on: {
        STOP: [
          { guard: 'isCheckpointStop', target: 'CheckpointStopping', actions: { type: 'recordStop', params: { running: true } } },
          { target: 'Stopping', actions: { type: 'recordStop', params: { running: true } } },
        ],
        RESTART: 'Restarting',
        RESCALE: { guard: 'validParallelism', target: 'Rescaling', actions: 'setParallelism' },
        SOURCES_FINISHED: 'Finishing',
        TASK_FAILED: [
          { guard: 'canRecover', target: 'Recovering', actions: 'recover' },
          { target: 'Failing', actions: 'fail' },
        ],
        WORKER_LOST: [
          { guard: 'canRecover', target: 'Recovering', actions: 'recover' },
          { target: 'Failing', actions: 'fail' },
        ],
      },
    },

    Rescaling: {
      entry: 'enter',
      invoke: {
        id: 'teardown',
        src: 'teardown',
        input: ({ context }) => teardownInput(context, 'rescale', 'checkpoint'),
        onDone: 'Scheduling',
        // A retryable teardown error is not worth failing for: the next run's subjects are new.
        onError: [{ guard: 'isFatal', target: 'Failing', actions: 'fail' }, { target: 'Scheduling' }],
      },
      on: { STOP: { target: 'Stopping', actions: { type: 'recordStop', params: { running: false } } } },
    },

    Restarting: {
      entry: 'enter',
      invoke: {
        id: 'teardown',
        src: 'teardown',
        input: ({ context }) => teardownInput(context, 'restart', 'checkpoint'),
        onDone: 'Scheduling',
        onError: [{ guard: 'isFatal', target: 'Failing', actions: 'fail' }, { target: 'Scheduling' }],
      },
      on: {
        RESTART: { target: 'Restarting', reenter: true },
        STOP: [
          { guard: 'isCheckpointStop', target: 'CheckpointStopping', actions: { type: 'recordStop', params: { running: true } } },
          { target: 'Stopping', actions: { type: 'recordStop', params: { running: true } } },
        ],
      },
    },

    // Tear the failed run down, then wait the strategy's delay before compiling again.
    Recovering: {
      entry: 'enter',
      initial: 'tearingDown',
      on: { STOP: { actions: { type: 'recordStop', params: { running: false } } } },
      states: {
        tearingDown: {
          invoke: {
            id: 'teardown',
            src: 'teardown',
            input: ({ context }) => teardownInput(context, 'recover', 'immediate'),
            onDone: [{ guard: 'stopPending', target: '#job.Compiling' }, { target: 'backoff' }],
            onError: [
              { guard: 'isFatal', target: '#job.Failing', actions: 'fail' },
              { guard: 'stopPending', target: '#job.Compiling' },
              { target: 'backoff' },
            ],
          },
        },
        backoff: {
          after: { restartDelay: '#job.Compiling' },
          // No reason to sit out the delay for a job that is being stopped.
          on: { STOP: { target: '#job.Compiling', actions: { type: 'recordStop', params: { running: false } } } },
        },
      },
    },

    CheckpointStopping: {
      entry: 'enter',
      invoke: {
        id: 'teardown',
        src: 'teardown',
        input: ({ context }) => teardownInput(context, 'checkpoint', 'checkpoint'),
        onDone: 'Stopped',
        onError: [{ guard: 'isFatal', target: 'Failing', actions: 'fail' }, { target: 'Stopping', actions: 'downgradeStop' }],
      },
      on: {
        CHECKPOINT_DONE: 'Stopped',
        STOP: { guard: ({ event }) => event.mode !== 'checkpoint', target: 'Stopping', actions: { type: 'recordStop', params: { running: true } } },
        // The final checkpoint cannot complete without every task: fail on a fatal error, else stop plainly.
        TASK_FAILED: [{ guard: 'isFatal', target: 'Failing', actions: 'fail' }, { target: 'Stopping', actions: 'downgradeStop' }],
        WORKER_LOST: { target: 'Stopping', actions: 'downgradeStop' },
      },
    },

    Stopping: {
      entry: 'enter',
      invoke: {
        id: 'teardown',
        src: 'teardown',
        input: ({ context }) => teardownInput(context, context.stop_reason ?? 'stop', context.stop_mode ?? 'immediate'),
        onDone: 'Stopped',
        // Best effort: a retryable teardown error still ends in Stopped; a later run gets new subjects.
        onError: [{ guard: 'isFatal', target: 'Failing', actions: 'fail' }, { target: 'Stopped' }],
      },
    },

    Finishing: {
      entry: 'enter',
      invoke: {
        id: 'finish',
        src: 'finish',
        input: ({ context }) => context,
        onDone: 'Finished',
        // There is no way back to Running from here, so even a retryable error fails the job.
        onError: { target: 'Failing', actions: 'fail' },
      },
      on: {
        ALL_FINISHED: 'Finished',
        TASK_FAILED: { target: 'Failing', actions: 'fail' },
        WORKER_LOST: { target: 'Failing', actions: 'fail' },
      },
    },

    Failing: {
      entry: 'enter',
      invoke: {
        id: 'teardown',
        src: 'teardown',
        input: ({ context }) => teardownInput(context, 'fail', 'immediate'),
        onDone: 'Failed',
        // Already failing: a teardown error changes nothing but must not leave the job stuck here.
        onError: 'Failed',
      },
    },

    Stopped: {
      entry: ['enter', 'markFinished'],
      on: {
        RESUME: { guard: 'notCancelled', target: 'Compiling', actions: 'resetForUserStart' },
        // Cancelling a paused job: nothing runs; it only stops being resumable.
        CANCEL: { guard: 'notCancelled', actions: 'markCancelled' },
        // Restart (from the latest checkpoint or a savepoint) is allowed for cancelled jobs too.
        RESTART: { target: 'Compiling', actions: ['resetForUserStart', 'setParallelism'] },
      },
    },

    Finished: {
      type: 'final',
      entry: ['enter', 'markFinished'],
    },

    // Not final: RESTART compiles again (Arroyo's restart of a failed job).
    Failed: {
      entry: ['enter', 'markFinished'],
      on: { RESTART: { target: 'Compiling', actions: ['resetForUserStart', 'setParallelism'] } },
    },
  },
});

export type JobMachine = typeof jobMachine;

// The subtask machine: the lifecycle of one operator subtask on a worker. It tracks lifecycle only;
// records and batches flow inside the `dataLoop` actor and never travel as XState events (an event
// per batch would put the interpreter on the hot path).
//
// `running` is a parent state so the data loop, invoked there, lives across checkpoint alignment
// and snapshotting instead of being stopped and restarted at every barrier.

import { assign, fromCallback, fromPromise, setup, type EventObject } from 'xstate';
import { InternalError } from '../src/errors.js';
import type { StopMode } from '../src/wire.js';
import { failureOf, type FailureInfo } from './job.js';

export type SubtaskEvent =
  /** A checkpoint barrier for `epoch` reached this subtask (first input, or the trigger at a source). */
  | { type: 'BARRIER'; epoch: number }
  /** Every input has delivered the barrier. */
  | { type: 'ALIGNED' }
  /** The operator state of the current epoch is written. */
  | { type: 'SNAPSHOT_DONE' }
  | { type: 'STOP'; mode: StopMode }
  /** The data loop ran out of input (every source ended or every input sent end of stream). */
  | { type: 'FINISHED' }
  | { type: 'FAILED'; error: FailureInfo };

export interface SubtaskInput {
  job_id: string;
  run_id: number;
  task_id: string;
  subtask_index: number;
}

export interface SubtaskContext extends SubtaskInput {
  /** Epoch of the checkpoint in progress, null between checkpoints. */
  epoch: number | null;
  /** Newest epoch whose snapshot completed. */
  last_snapshot_epoch: number | null;
  stop_mode: StopMode | null;
  error: FailureInfo | null;
}

export interface SubtaskStopInput extends SubtaskContext {
  mode: StopMode;
}

function notProvided(name: string): never {
  throw new InternalError(`subtask machine: actor '${name}' was not provided (use subtaskMachine.provide)`);
}

export const subtaskMachine = setup({
  types: {} as { context: SubtaskContext; events: SubtaskEvent; input: SubtaskInput },
  // `any` outputs so providers with concrete output types are accepted (logic is invariant in output).
  actors: {
    /** starting: opens connectors and subscriptions. */
    start: fromPromise<any, SubtaskContext>(async () => notProvided('start')),
    /**
     * running: the data path. Sends BARRIER/ALIGNED/SNAPSHOT_DONE, FINISHED or FAILED back; the
     * cleanup it returns runs when the subtask leaves `running` (stop, finish, failure).
     */
    dataLoop: fromCallback<EventObject, SubtaskContext>(() => notProvided('dataLoop')),
    /** finishing: flushes sinks and sends end of stream downstream. */
    finish: fromPromise<any, SubtaskContext>(async () => notProvided('finish')),
    /** stopping: closes connectors; `mode` graceful drains first, immediate does not. */
    stop: fromPromise<any, SubtaskStopInput>(async () => notProvided('stop')),
  },
  guards: {
    // A barrier at or below a completed epoch is a duplicate (e.g. redelivered) and is ignored.
    isNewEpoch: ({ context, event }) =>
      event.type === 'BARRIER' && (context.last_snapshot_epoch === null || event.epoch > context.last_snapshot_epoch),
  },
  actions: {
    beginEpoch: assign({ epoch: ({ event, context }) => (event.type === 'BARRIER' ? event.epoch : context.epoch) }),
    completeEpoch: assign({ last_snapshot_epoch: ({ context }) => context.epoch, epoch: null }),
    recordStop: assign({ stop_mode: ({ event, context }) => (event.type === 'STOP' ? event.mode : context.stop_mode) }),
    // Handles both FAILED {error} and xstate.error.actor.* events.
    recordError: assign({ error: ({ event }) => failureOf(event) }),
  },
}).createMachine({
  id: 'subtask',
  initial: 'starting',
  context: ({ input }) => ({ ...input, epoch: null, last_snapshot_epoch: null, stop_mode: null, error: null }),
  // Any state that has not reached an end can fail.
  on: { FAILED: { target: '.failed', actions: 'recordError' } },
  states: {
    starting: {
      invoke: {
        id: 'start',
        src: 'start',
        input: ({ context }) => context,
        onDone: 'running',
        onError: { target: 'failed', actions: 'recordError' },
      },
      on: { STOP: { target: 'stopping', actions: 'recordStop' } },
    },

    running: {
      initial: 'processing',
      invoke: {
        id: 'dataLoop',
        src: 'dataLoop',
        input: ({ context }) => context,
        onError: { target: 'failed', actions: 'recordError' },
      },
      on: {
        FINISHED: 'finishing',
        STOP: { target: 'stopping', actions: 'recordStop' },
      },
      states: {
        processing: { on: { BARRIER: { guard: 'isNewEpoch', target: 'aligning', actions: 'beginEpoch' } } },
        aligning: { on: { ALIGNED: 'snapshotting' } },
        snapshotting: { on: { SNAPSHOT_DONE: { target: 'processing', actions: 'completeEpoch' } } },
      },
    },

    finishing: {
      invoke: {
        id: 'finish',
        src: 'finish',
        input: ({ context }) => context,
        onDone: 'finished',
        onError: { target: 'failed', actions: 'recordError' },
      },
      on: { STOP: { target: 'stopping', actions: 'recordStop' } },
    },

    stopping: {
      invoke: {
        id: 'stop',
        src: 'stop',
        input: ({ context }) => ({ ...context, mode: context.stop_mode ?? 'immediate' }),
        onDone: 'stopped',
        onError: { target: 'failed', actions: 'recordError' },
      },
    },

    finished: { type: 'final' },
    stopped: { type: 'final' },
    failed: { type: 'final' },
  },
});

export type SubtaskMachine = typeof subtaskMachine;

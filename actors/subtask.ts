// A subtask actor: the subtask machine (lifecycle) driving a SubtaskRunner (data path). The
// worker creates one per deployed subtask and hears about it only through `onEvent`.

import { createActor, fromCallback, fromPromise, type Actor } from 'xstate';
import { failureOf, type FailureInfo } from '../machines/job.js';
import { observeTransitions } from '../machines/observe.js';
import { subtaskMachine, type SubtaskContext, type SubtaskStopInput } from '../machines/subtask.js';
import { createInspector } from '../src/controller/inspect.js';
import { asJobFailure, JobRuntimeError } from '../src/errors.js';
import { encodeJson } from '../src/nats/codec.js';
import type { PhysicalTask } from '../src/types.js';
import { SubtaskRunner, type RunnerDeps } from '../src/worker/subtask-runner.js';
import type { DeployMsg, StopMode, SubtaskEventKind, SubtaskMetrics } from '../src/wire.js';

export interface SubtaskActorOptions {
  onEvent(event: SubtaskEventKind, error?: unknown): void;
  /** Where the JSON-safe inspection events of this actor are published. */
  inspectSubject: string;
  /** Prefix for inspection actor ids (the worker id). */
  idPrefix: string;
}

const asError = (f: FailureInfo) =>
  new JobRuntimeError(f.message, { domain: f.domain, retryable: f.retryable });

export class SubtaskActor {
  readonly key: string;
  readonly jobId: string;
  readonly runId: number;
  readonly taskId: string;
  private readonly runner: SubtaskRunner;
  private readonly actor: Actor<typeof subtaskMachine>;
  private readonly ended: Promise<void>;

  constructor(deps: RunnerDeps, deploy: DeployMsg, task: PhysicalTask, readonly index: number, o: SubtaskActorOptions) {
    this.jobId = deploy.job_id;
    this.runId = deploy.run_id;
    this.taskId = task.task_id;
    this.key = `${deploy.job_id}/${deploy.run_id}/${task.task_id}/${index}`;
    const runner = new SubtaskRunner(deps, deploy, task, index);
    this.runner = runner;
    const machine = subtaskMachine.provide({
      actors: {
        start: fromPromise<unknown, SubtaskContext>(() => runner.open()),
        dataLoop: fromCallback(({ sendBack }) => {
          runner.runInput().then(
            () => sendBack({ type: 'FINISHED' }),
            (err) => sendBack({ type: 'FAILED', error: failureOf({ error: asJobFailure(err) }) }),
          );
        }),
        finish: fromPromise<unknown, SubtaskContext>(() => runner.finishOutputs()),
        stop: fromPromise<unknown, SubtaskStopInput>(({ input }) => runner.stop(input.mode)),
      },
    });
    const inspect = createInspector((ev) => deps.nc.publish(o.inspectSubject, encodeJson(ev)), {
      idPrefix: `${o.idPrefix}/${task.task_id}/${index}`,
    });
    this.actor = createActor(machine, {
      input: { job_id: deploy.job_id, run_id: deploy.run_id, task_id: task.task_id, subtask_index: index },
      inspect,
    });
    const log = deps.log.child({ job_id: deploy.job_id, run_id: deploy.run_id });
    observeTransitions(this.actor, { log, now: Date.now, name: `subtask ${task.task_id}/${index}` });

    this.ended = new Promise((resolve) => {
      let reported = false;
      this.actor.subscribe((snap) => {
        if (typeof snap.value === 'object' && 'running' in snap.value) {
          if (!reported) o.onEvent('running');
          reported = true;
        }
        if (snap.status !== 'done') return;
        const state = snap.value as string;
        if (state === 'failed') {
          const err = asError(snap.context.error ?? { message: 'subtask failed', domain: 'internal', retryable: true });
          // A failed data path still holds consumers and sinks: release them.
          void runner.stop('immediate').finally(() => o.onEvent('failed', err));
        } else {
          o.onEvent(state === 'finished' ? 'finished' : 'stopped');
        }
        resolve();
      });
    });
  }

  get metrics(): SubtaskMetrics {
    return this.runner.metrics;
  }

  /** Starts the subtask; resolves when it is running (sources consume), rejects if it failed. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const sub = this.actor.subscribe((snap) => {
        if (snap.value === 'starting') return;
        sub.unsubscribe();
        if (snap.value === 'failed') {
          reject(asError(snap.context.error ?? { message: 'subtask failed to start', domain: 'internal', retryable: true }));
        } else resolve();
      });
      this.actor.start();
    });
  }

  /** Source subtasks: start checkpoint `epoch` (snapshot + barrier). */
  checkpoint(epoch: number, ref: string, thenStop = false): void {
    if (this.runner.isSource) void this.runner.checkpoint(epoch, ref, thenStop);
  }

  /** Checkpoint `epoch` completed: transactional sinks publish its output. */
  commit(epoch: number): Promise<void> {
    return this.runner.commit(epoch);
  }

  /** Stops the subtask and resolves once it reached an end (stopped, finished or failed). */
  async stop(mode: StopMode): Promise<void> {
    this.actor.send({ type: 'STOP', mode });
    await this.ended;
  }
}

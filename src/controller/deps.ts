// What the controller's job actors share: the NATS connection, the worker registry and the
// current run of every job.

import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { CheckpointStore } from '../checkpoint/store.js';
import type { RestoreRef, Subjects } from '../wire.js';
import type { JobJournal } from './job-journal.js';
import type { JobRun } from './run.js';
import type { WorkerRegistry } from './workers.js';

export interface ControllerDeps {
  nc: NatsConnection;
  jsm: JetStreamManager;
  subjects: Subjects;
  prefix: string;
  workers: WorkerRegistry;
  log: Logger;
  /** job_id → its current run (absent between runs). */
  runs: Map<string, JobRun>;
  /** How long scheduling waits for enough worker slots. */
  workerWaitMs: number;
  /** How long a worker may take to deploy or stop its subtasks. */
  commandTimeoutMs: number;
  store: CheckpointStore;
  /** Told of every new run as soon as it is placed (metrics follow the current run). */
  onRun(jobId: string, run: JobRun): void;
  /** Where a new run of the job starts from: its latest checkpoint or a chosen savepoint. */
  restorePointOf(jobId: string): RestoreRef | null;
  /** Newest checkpoint epoch the job has used. */
  lastEpochOf(jobId: string): number;
  /** A preview job stops itself this long after it started running. */
  previewTtlMs: number;
  /** Takes a checkpoint of the job's current run and waits until it is committed. */
  finalCheckpoint(jobId: string): Promise<void>;
  /** The job log stream: transitions, failures and checkpoints are written there. */
  journal?: JobJournal;
}

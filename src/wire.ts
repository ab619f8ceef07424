// The wire contract: every NATS subject, header and payload shape Rivulet uses. Tests, the CLI
// and the runtime import from here; docs/WIRE.md describes the same contract for people.

import type { JobSpec, PhysicalPlan, SubtaskAssignment } from './types.js';

export const DEFAULT_PREFIX = 'rivulet';
export const SERVICE_NAME = 'rivulet';
export const API_VERSION = 'v1';

/** Request-reply API operations, under `<prefix>.api.v1.jobs.<op>`. */
export const JOB_OPS = ['submit', 'list', 'get', 'cancel'] as const;
export type JobOp = (typeof JOB_OPS)[number];

export const HEADERS = {
  serviceError: 'Nats-Service-Error',
  serviceErrorCode: 'Nats-Service-Error-Code',
  msgId: 'Nats-Msg-Id',
  /** Data messages: `batch` (Arrow IPC body) or `eos` (end of stream, empty body). */
  kind: 'Rivulet-Kind',
  /** Data messages: index of the upstream subtask that sent it. */
  from: 'Rivulet-From',
  /** Data messages: per (upstream subtask, partition) sequence, from 1, for ordering and dedup. */
  seq: 'Rivulet-Seq',
} as const;

export type DataKind = 'batch' | 'eos';

/** All subjects for one deployment prefix. */
export function subjects(prefix: string = DEFAULT_PREFIX) {
  const api = `${prefix}.api.${API_VERSION}`;
  return {
    prefix,
    api: {
      all: `${api}.>`,
      job: (op: JobOp) => `${api}.jobs.${op}`,
    },
    /** JSON-safe XState inspection events of a job and its subtasks. */
    inspect: (jobId: string) => `${prefix}.inspect.${jobId}`,
    /** Preview sink output of a job (one JSON record per message). */
    output: (jobId: string) => `${prefix}.output.${jobId}`,
    /** Control plane between controller and workers (msgpack bodies). */
    control: {
      register: `${prefix}.ctl.register`,
      heartbeat: `${prefix}.ctl.heartbeat`,
      /** Workers publish subtask lifecycle events here. */
      taskEvents: `${prefix}.ctl.task`,
      /** Controller → one worker: deploy / stop. Request-reply. */
      worker: (workerId: string) => `${prefix}.ctl.worker.${workerId}`,
      /** Controller → all workers, e.g. when the controller (re)starts: please register. */
      broadcast: `${prefix}.ctl.broadcast`,
    },
    /** Shuffle data of one run of one job. */
    data: {
      stream: (jobId: string, runId: number) => `${prefix.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase()}_DATA_${jobId.replace(/[^A-Za-z0-9_-]/g, '_')}_${runId}`,
      all: (jobId: string, runId: number) => `${prefix}.data.${jobId}.${runId}.>`,
      partition: (jobId: string, runId: number, edgeId: string, partition: number) =>
        `${prefix}.data.${jobId}.${runId}.${edgeId}.${partition}`,
    },
  };
}
export type Subjects = ReturnType<typeof subjects>;

// ---------------------------------------------------------------------------------------------
// API payloads (JSON, snake_case as seed 001).

/** Coarse status vocabulary of seed 001. */
export type JobStatus = 'submitted' | 'running' | 'paused' | 'finished' | 'failed' | 'cancelled';

/** Arroyo's job states, the job machine's top-level states. */
export type JobState =
  | 'Created'
  | 'Compiling'
  | 'Scheduling'
  | 'Running'
  | 'Rescaling'
  | 'CheckpointStopping'
  | 'Recovering'
  | 'Restarting'
  | 'Stopping'
  | 'Stopped'
  | 'Finishing'
  | 'Finished'
  | 'Failing'
  | 'Failed';

export interface SubmitResponse {
  job_id: string;
  status: JobStatus;
  state: JobState;
  submitted_at: string;
  message: string;
}

export interface ListRequest {
  status?: JobStatus;
  limit?: number;
  offset?: number;
}

export interface JobSummary {
  job_id: string;
  name: string;
  status: JobStatus;
  state: JobState;
  submitted_at: string;
  started_at: string | null;
  finished_at: string | null;
  uptime_seconds: number;
  parallelism: number;
}

export interface ListResponse {
  jobs: JobSummary[];
  total: number;
  limit: number;
  offset: number;
}

export interface JobIdRequest {
  job_id: string;
}

export interface TaskInfo {
  task_id: string;
  name: string;
  status: JobStatus;
  parallelism: number;
}

export interface JobMetricsSummary {
  events_processed: number;
  events_emitted: number;
  deserialization_errors: number;
  throughput_per_sec: number;
  backpressure_events: number;
  restarts: number;
}

export interface JobDetails {
  job_id: string;
  name: string;
  status: JobStatus;
  state: JobState;
  config: JobSpec['config'];
  submitted_at: string;
  started_at: string | null;
  finished_at: string | null;
  uptime_seconds: number;
  failure_message: string | null;
  metrics: JobMetricsSummary;
  tasks: TaskInfo[];
}

export interface CancelResponse {
  job_id: string;
  status: 'cancelled';
  cancelled_at: string;
}

export interface ErrorBody {
  error: { code: number; message: string; details?: unknown };
}

// ---------------------------------------------------------------------------------------------
// Control plane payloads (msgpack).

export interface RegisterMsg {
  worker_id: string;
  slots: number;
  pid: number;
  host: string;
}

/** Per-subtask counters a worker reports with each heartbeat. */
export interface SubtaskMetrics {
  job_id: string;
  run_id: number;
  task_id: string;
  subtask_index: number;
  records_in: number;
  records_out: number;
  batches_in: number;
  batches_out: number;
  bytes_in: number;
  bytes_out: number;
  deserialization_errors: number;
  backpressure_events: number;
}

export interface HeartbeatMsg {
  worker_id: string;
  at: number;
  slots: number;
  used_slots: number;
  rss_bytes: number;
  subtasks: SubtaskMetrics[];
}

export type SubtaskEventKind = 'running' | 'finished' | 'failed' | 'stopped';

export interface TaskEventMsg {
  worker_id: string;
  job_id: string;
  run_id: number;
  task_id: string;
  subtask_index: number;
  event: SubtaskEventKind;
  error?: { name: string; message: string; domain: string; retryable: boolean };
  /** Final counters, sent with `finished`, `failed` and `stopped`. */
  metrics?: SubtaskMetrics;
}

export interface DeployMsg {
  type: 'deploy';
  job_id: string;
  run_id: number;
  prefix: string;
  spec: JobSpec;
  plan: PhysicalPlan;
  /** Subtasks this worker runs. */
  assignments: SubtaskAssignment[];
  /** Every subtask's placement, so peers can be addressed. */
  placement: SubtaskAssignment[];
}

export type StopMode = 'graceful' | 'immediate';

export interface StopMsg {
  type: 'stop';
  job_id: string;
  run_id: number;
  mode: StopMode;
}

export type WorkerCommand = DeployMsg | StopMsg;

/** Reply to a worker command: ok, or an error with its domain. */
export interface CommandReply {
  ok: boolean;
  error?: { name: string; message: string; domain: string; retryable: boolean };
}

// The wire contract: every NATS subject, header and payload shape Rivulet uses. Tests, the CLI
// and the runtime import from here; docs/WIRE.md describes the same contract for people.

import type { JobSpec, PhysicalPlan, SubtaskAssignment } from './types.js';

export const DEFAULT_PREFIX = 'rivulet';
export const SERVICE_NAME = 'rivulet';
export const API_VERSION = 'v1';

/** Request-reply API operations, under `<prefix>.api.v1.jobs.<op>`. */
export const JOB_OPS = [
  'submit',
  'list',
  'get',
  'cancel',
  'stop',
  'resume',
  'restart',
  'savepoint',
  'savepoints',
  'savepoint_delete',
  'checkpoints',
  'checkpoint_details',
  'delete',
  'output',
  'metrics',
  'operator_metrics',
  'logs',
  'errors',
] as const;
export type JobOp = (typeof JOB_OPS)[number];

/** Operations on SQL text that touch no job, under `<prefix>.api.v1.queries.<op>`. */
export const QUERY_OPS = ['validate'] as const;
export type QueryOp = (typeof QUERY_OPS)[number];

export const HEADERS = {
  serviceError: 'Nats-Service-Error',
  serviceErrorCode: 'Nats-Service-Error-Code',
  msgId: 'Nats-Msg-Id',
  /** Data messages: `batch` (Arrow IPC body), `barrier` (checkpoint), `watermark` or `eos` (end of stream); all but batch have an empty body. */
  kind: 'Rivulet-Kind',
  /** Data messages: index of the upstream subtask that sent it. */
  from: 'Rivulet-From',
  /** Data messages: per (upstream subtask, partition) sequence, from 1, for ordering and dedup. */
  seq: 'Rivulet-Seq',
  /** Barrier messages: the checkpoint epoch. */
  epoch: 'Rivulet-Epoch',
  /** Barrier messages: the snapshot folder (`ckpt-<epoch>` or a savepoint id). */
  ref: 'Rivulet-Ref',
  /** Watermark messages: event time in ms, or `idle` (the sender holds no watermark back). */
  watermark: 'Rivulet-Watermark',
  /** Batch messages: when the oldest row in it was handed over by a source (ms since the epoch), for end-to-end latency. */
  origin: 'Rivulet-Origin',
} as const;

export type DataKind = 'batch' | 'barrier' | 'watermark' | 'eos';

/** Stream and bucket names may not contain dots: `rivulet` → `RIVULET`. */
function bucketPrefix(prefix: string): string {
  return prefix.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase();
}

/** All subjects for one deployment prefix. */
export function subjects(prefix: string = DEFAULT_PREFIX) {
  const api = `${prefix}.api.${API_VERSION}`;
  return {
    prefix,
    api: {
      all: `${api}.>`,
      job: (op: JobOp) => `${api}.jobs.${op}`,
      query: (op: QueryOp) => `${api}.queries.${op}`,
    },
    /** JSON-safe XState inspection events of a job and its subtasks. */
    inspect: (jobId: string) => `${prefix}.inspect.${jobId}`,
    /** Preview sink output of a job (one JSON record per message). */
    output: (jobId: string) => `${prefix}.output.${jobId}`,
    /** Job logs: one JetStream stream per deployment, one subject per job and level (JSON entries). */
    logs: {
      stream: `${bucketPrefix(prefix)}_LOGS`,
      all: `${prefix}.logs.>`,
      job: (jobId: string) => `${prefix}.logs.${jobId}.*`,
      entry: (jobId: string, level: string) => `${prefix}.logs.${jobId}.${level}`,
    },
    /** Control plane between controller and workers (msgpack bodies). */
    control: {
      register: `${prefix}.ctl.register`,
      heartbeat: `${prefix}.ctl.heartbeat`,
      /** Workers publish subtask lifecycle events here. */
      taskEvents: `${prefix}.ctl.task`,
      /** Workers acknowledge a subtask's part of a checkpoint here. */
      checkpointAcks: `${prefix}.ctl.checkpoint`,
      /** Controller → one worker: deploy / stop. Request-reply. */
      worker: (workerId: string) => `${prefix}.ctl.worker.${workerId}`,
      /** Controller → all workers, e.g. when the controller (re)starts: please register. */
      broadcast: `${prefix}.ctl.broadcast`,
    },
    /** JetStream KV buckets and the Object Store bucket of this deployment. */
    buckets: {
      /** Job records, so a restarted controller re-adopts its jobs. */
      jobs: `${bucketPrefix(prefix)}_JOBS`,
      /** Checkpoint and savepoint metadata. */
      checkpoints: `${bucketPrefix(prefix)}_CHECKPOINTS`,
      /** Markers of committed sink epochs (exactly-once output). */
      sinkCommits: `${bucketPrefix(prefix)}_SINK_COMMITS`,
      /** Object Store: state snapshots (msgpack). */
      state: `${bucketPrefix(prefix)}_STATE`,
    },
    /** Shuffle data of one run of one job. */
    data: {
      stream: (jobId: string, runId: number) => `${bucketPrefix(prefix)}_DATA_${jobId.replace(/[^A-Za-z0-9_-]/g, '_')}_${runId}`,
      all: (jobId: string, runId: number) => `${prefix}.data.${jobId}.${runId}.>`,
      /** One channel: what upstream subtask `from` sends to downstream subtask `partition`. */
      channel: (jobId: string, runId: number, edgeId: string, partition: number, from: number) =>
        `${prefix}.data.${jobId}.${runId}.${edgeId}.${partition}.${from}`,
    },
  };
}
export type Subjects = ReturnType<typeof subjects>;

// ---------------------------------------------------------------------------------------------
// API payloads (JSON, snake_case as seed 001): inferred from the schemas in src/api/schema, which
// also validate requests and document the API, so no shape is written twice.

export type {
  CancelRequest,
  CancelResponse,
  CheckpointDetails,
  CheckpointDetailsRequest,
  CheckpointList,
  CheckpointSummary,
  DeleteJobResponse,
  ErrorBody,
  JobAction,
  JobDetails,
  JobIdRequest,
  JobMetricsSummary,
  JobOutput,
  JobState,
  JobStatus,
  JobStopMode,
  JobSummary,
  ListQuery,
  ListRequest,
  ListResponse,
  OperatorCheckpointGroup,
  OutputSink,
  QueryGraph,
  QueryProblem,
  RestartRequest,
  RestartResponse,
  ResumeResponse,
  Savepoint,
  SavepointDeleteRequest,
  SavepointDeleteResponse,
  SavepointList,
  SavepointRequest,
  StopRequest,
  StopResponse,
  SubmitRequest,
  SubmitResponse,
  TaskInfo,
  ValidateQueryRequest,
  ValidateQueryResponse,
} from './api/schema/index.js';

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
  /** Rows dropped because their window had already closed. */
  late_records: number;
  /** Time spent waiting for room to publish output (shuffle publishes that found the window full). */
  backpressure_ms?: number;
  /** Sink subtasks: end-to-end latency per batch, a cumulative sparse histogram (src/metrics/histogram.ts). */
  latency?: number[];
}

export interface HeartbeatMsg {
  worker_id: string;
  at: number;
  slots: number;
  used_slots: number;
  rss_bytes: number;
  /** process.cpuUsage() user + system, µs since the worker started. */
  cpu_us?: number;
  /** Memory of the worker's host (or its cgroup limit). */
  mem_total_bytes?: number;
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
  /** State to start from; absent for a fresh start. */
  restore?: RestoreRef;
  /** Newest checkpoint epoch the job has used: epochs a run makes up itself go above it. */
  epoch_floor: number;
}

/** Where a run's state comes from: a completed checkpoint or savepoint of some job. */
export interface RestoreRef {
  job_id: string;
  /** Snapshot folder: `ckpt-<epoch>` or a savepoint id. */
  ref: string;
  epoch: number;
  /** Parallelism of each task in the run that wrote the snapshot. */
  parallelism: Record<string, number>;
  /** Which task of that run held each logical node (state is keyed by node id). */
  nodes: Record<string, string>;
}

export interface CheckpointCmd {
  type: 'checkpoint';
  job_id: string;
  run_id: number;
  epoch: number;
  /** Snapshot folder the subtasks write to. */
  ref: string;
  /**
   * The final checkpoint of a stop (Arroyo's then_stop): after injecting the barrier a source
   * emits nothing more, so output after the checkpoint cannot be repeated by a resume.
   */
  then_stop?: boolean;
}

export interface CommitCmd {
  type: 'commit';
  job_id: string;
  run_id: number;
  epoch: number;
}

/** A subtask's part of a checkpoint, written and durable. */
export interface CheckpointAckMsg {
  worker_id: string;
  job_id: string;
  run_id: number;
  epoch: number;
  task_id: string;
  subtask_index: number;
  bytes: number;
  alignment_ms: number;
  sync_ms: number;
  async_ms: number;
  /** Set when the subtask could not take its part. */
  error?: string;
}

export type StopMode = 'graceful' | 'immediate';

export interface StopMsg {
  type: 'stop';
  job_id: string;
  run_id: number;
  mode: StopMode;
}

export type WorkerCommand = DeployMsg | StopMsg | CheckpointCmd | CommitCmd;

/** Reply to a worker command: ok, or an error with its domain. */
export interface CommandReply {
  ok: boolean;
  error?: { name: string; message: string; domain: string; retryable: boolean };
}

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
  checkpoint_count: number;
  last_checkpoint_duration_ms: number | null;
  checkpoint_failures: number;
  failures: number;
  late_records: number;
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
  savepoint_id?: string;
}

/** Arroyo's stop modes. */
export type JobStopMode = 'checkpoint' | 'graceful' | 'immediate' | 'force';

export interface StopRequest {
  job_id: string;
  /** Default `checkpoint`. */
  mode?: JobStopMode;
}

export interface StopResponse {
  job_id: string;
  status: JobStatus;
  state: JobState;
  stopped_at: string;
}

export interface ResumeResponse {
  job_id: string;
  status: JobStatus;
  state: JobState;
  resumed_at: string;
}

export interface SavepointList {
  job_id: string;
  savepoints: Savepoint[];
}

export interface SavepointDeleteRequest {
  job_id: string;
  savepoint_id: string;
}

export interface SavepointDeleteResponse {
  job_id: string;
  savepoint_id: string;
  deleted: true;
}

export interface CheckpointList {
  job_id: string;
  checkpoints: CheckpointSummary[];
}

export interface CheckpointDetailsRequest {
  job_id: string;
  epoch: number;
}

export interface CancelRequest {
  job_id: string;
  /** Take a savepoint first; its id comes back as `savepoint_id`. */
  savepoint?: boolean;
}

export interface RestartRequest {
  job_id: string;
  /** Restore from this savepoint instead of the latest checkpoint. */
  savepoint_id?: string;
  config_overrides?: { parallelism?: number };
}

export interface RestartResponse {
  job_id: string;
  status: JobStatus;
  restarted_at: string;
  restored_from_savepoint: string | null;
  message: string;
}

export interface SavepointRequest {
  job_id: string;
  description?: string;
}

export interface Savepoint {
  savepoint_id: string;
  job_id: string;
  created_at: string;
  size_bytes: number;
  /** Where the state lives: `nats-object-store://<bucket>/<job_id>/<savepoint_id>`. */
  location: string;
  description: string | null;
}

export interface CheckpointSummary {
  epoch: number;
  checkpoint_id: string;
  status: 'in_progress' | 'completed' | 'failed';
  kind: 'checkpoint' | 'savepoint';
  timestamp: string;
  start_time: string;
  finish_time: string | null;
  duration_ms: number | null;
  size_bytes: number;
}

/** Seed 000's operator checkpoint groups: per operator (task), per subtask bytes and spans. */
export interface OperatorCheckpointGroup {
  operator_id: string;
  name: string;
  bytes: number;
  started_metadata_write: string | null;
  finish_time: string | null;
  subtasks: Array<{
    index: number;
    bytes: number;
    alignment_ms: number;
    sync_ms: number;
    async_ms: number;
    finish_time: string;
  }>;
}

export interface CheckpointDetails extends CheckpointSummary {
  job_id: string;
  operator_checkpoint_groups: OperatorCheckpointGroup[];
}

/** `jobs.delete`: the job was at rest (Stopped, Finished or Failed) and is gone with its checkpoints and savepoints. */
export interface DeleteJobResponse {
  job_id: string;
  deleted: true;
}

/** `queries.validate` request: the SQL, optionally the UDF module it calls and the parallelism to plan with. */
export interface ValidateQueryRequest {
  query: string;
  /** TypeScript source of a UDF module (as a job's `udfs`). */
  udfs?: string;
  /** 1–256, default 1: the parallelism of the returned graph's nodes. */
  parallelism?: number;
}

/** One problem in a query; `line` and `column` count from 1 in the query text. */
export interface QueryProblem {
  message: string;
  line: number;
  column: number;
}

/**
 * The logical graph of a valid query, for display: its operators (`description` says what each
 * does, e.g. `where amount > 10000`) and how data moves between them (`forward`, or a `shuffle`
 * hash-partitioned by `keys`).
 */
export interface QueryGraph {
  nodes: Array<{ id: string; name: string; parallelism: number; description: string }>;
  edges: Array<{ from: string; to: string; kind: 'forward' | 'shuffle'; keys: string[] }>;
}

/** `queries.validate` reply: every problem found (empty when the query is valid), and its graph when valid. */
export interface ValidateQueryResponse {
  errors: QueryProblem[];
  graph: QueryGraph | null;
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
  /** Rows dropped because their window had already closed. */
  late_records: number;
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

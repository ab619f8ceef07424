// Schemas of the job ops that create and describe jobs: submit, list, get, output.

import { z } from 'zod';
import { CheckpointSummarySchema } from './checkpoints.js';
import { intIn, JobIdRequest, JobStateSchema, JobStatusSchema, requiredString, strictObject, Timestamp, type OpSchema } from './common.js';

export const LIST_DEFAULT_LIMIT = 100;
export const LIST_MAX_LIMIT = 1000;

/**
 * For docs and the client only: submit bodies are checked by the spec validator
 * (src/spec/validate.ts), which reports every problem with its path. So this stays permissive.
 */
const Connector = z.looseObject({ type: z.string(), config: z.record(z.string(), z.unknown()).optional() });
export const SubmitRequestSchema = z
  .looseObject({
    name: z.string().describe('Letters, digits, spaces, `_`, `-`, `.`; at most 128 characters'),
    config: z
      .looseObject({})
      .optional()
      .describe('parallelism, checkpoint_interval_ms, batch_size, linger_ms, restart_strategy, state_backend'),
    preview: z.boolean().optional().describe('All sinks become the preview sink, checkpoints every 24 h, stops itself after 60 s'),
    sources: z.array(Connector).optional(),
    transformations: z.array(Connector).optional(),
    sinks: z.array(Connector).optional(),
    query: z.string().optional().describe('A SQL job: the query stands for sources, transformations and sinks'),
    udfs: z.string().optional().describe('TypeScript source of a UDF module (SQL jobs)'),
    default_sink: z.enum(['preview', 'stdout']).optional().describe('Where a bare SELECT writes (SQL jobs)'),
  })
  .describe('A job spec (JSON form) or a SQL job; see the README');

export const JobConfigSchema = z.object({
  parallelism: z.int(),
  checkpoint_interval_ms: z.int(),
  batch_size: z.int(),
  linger_ms: z.int(),
  state_backend: z.string().optional(),
  restart_strategy: z.union([z.enum(['none', 'fixed_delay', 'exponential_backoff', 'failure_rate']), z.record(z.string(), z.unknown())]).optional(),
});

export const JobSummarySchema = z.object({
  job_id: z.string(),
  name: z.string(),
  status: JobStatusSchema,
  state: JobStateSchema,
  submitted_at: Timestamp,
  started_at: Timestamp.nullable(),
  finished_at: Timestamp.nullable(),
  uptime_seconds: z.int(),
  parallelism: z.int(),
});

export const JobMetricsSummarySchema = z.object({
  events_processed: z.number().describe('Records read by the sources'),
  events_emitted: z.number().describe('Records written by the sinks'),
  deserialization_errors: z.number(),
  throughput_per_sec: z.number(),
  backpressure_events: z.number(),
  restarts: z.int(),
  checkpoint_count: z.int(),
  last_checkpoint_duration_ms: z.number().nullable(),
  checkpoint_failures: z.int(),
  failures: z.int(),
  late_records: z.number(),
});

export const TaskInfoSchema = z.object({ task_id: z.string(), name: z.string(), status: JobStatusSchema, parallelism: z.int() });

export const STOP_TYPES = ['none', 'checkpoint', 'graceful', 'immediate', 'force'] as const;
/** Seed 000's get_action: what a UI offers for the job now. */
export const JobActionSchema = z.object({
  label: z.string().describe('e.g. Stop, Start, Stopping, Force Stop, Finished'),
  stop_type: z.enum(STOP_TYPES).nullable().describe('The stop mode the action sends (`none`: start/resume); null: no action'),
  in_progress: z.boolean().describe('The job is moving between states'),
});

export const JobDetailsSchema = JobSummarySchema.omit({ parallelism: true }).extend({
  config: JobConfigSchema,
  preview: z.boolean(),
  query: z.string().nullable().describe("A SQL job's query as submitted (null for a JSON spec)"),
  failure_message: z.string().nullable(),
  action: JobActionSchema,
  metrics: JobMetricsSummarySchema,
  tasks: z.array(TaskInfoSchema),
  checkpoints: z.array(CheckpointSummarySchema).describe('The newest checkpoints and savepoints, newest first'),
});

export const OutputSinkSchema = z.object({
  node_id: z.string(),
  type: z.string(),
  subject: z.string().nullable().describe('Core NATS subject the sink publishes to (null: stdout, blackhole)'),
  stream: z.string().nullable(),
});

/** One record of a job's output: what `JobManager.output` yields and each event of HTTP's `/output` stream. */
export const OutputRecordSchema = z.object({
  subject: z.string().describe('The subject it arrived on (which sink wrote it)'),
  record: z.unknown().describe('The record: one JSON object, column names as keys'),
});

export const jobOps = {
  submit: {
    summary: 'Submit a job (JSON spec or SQL); 429 when max_running_jobs jobs are live',
    request: SubmitRequestSchema,
    response: z.object({ job_id: z.string(), status: JobStatusSchema, state: JobStateSchema, submitted_at: Timestamp, message: z.string() }),
    errors: [400, 429],
  },
  list: {
    summary: 'Jobs newest first (submitted_at desc, job_id), by offset or by cursor',
    request: strictObject({
      status: JobStatusSchema.optional(),
      limit: intIn('limit', 1, LIST_MAX_LIMIT).default(LIST_DEFAULT_LIMIT),
      offset: intIn('offset', 0).optional().describe('Default 0; not with starting_after'),
      starting_after: requiredString('starting_after', 'the job_id of the last job of the previous page').optional(),
    }).refine((r) => r.offset === undefined || r.starting_after === undefined, {
      message: 'give either offset or starting_after, not both',
      path: ['starting_after'],
    }),
    response: z.object({
      jobs: z.array(JobSummarySchema),
      total: z.int().describe('Jobs matching the filter'),
      limit: z.int(),
      offset: z.int().describe('Position of the first job of this page among the matching jobs'),
      has_more: z.boolean(),
    }),
    errors: [400, 404],
  },
  get: {
    summary: 'Details of a job: config, times, metrics, tasks, newest checkpoints, the action a UI offers',
    request: JobIdRequest,
    response: JobDetailsSchema,
    errors: [400, 404],
  },
  output: {
    summary: "Where a job's output is published (preview subject and every sink)",
    request: JobIdRequest,
    response: z.object({
      job_id: z.string(),
      preview: z.boolean(),
      preview_subject: z.string().nullable().describe('`<prefix>.output.<job_id>` when the job has a preview sink'),
      inspect_subject: z.string().describe("The job's inspection events (`state` tells when it comes to rest)"),
      sinks: z.array(OutputSinkSchema),
    }),
    errors: [400, 404],
  },
} as const satisfies Record<string, OpSchema>;

export type SubmitRequest = z.input<typeof SubmitRequestSchema>;
export type SubmitResponse = z.infer<typeof jobOps.submit.response>;
export type ListRequest = z.input<typeof jobOps.list.request>;
export type ListQuery = z.output<typeof jobOps.list.request>;
export type ListResponse = z.infer<typeof jobOps.list.response>;
export type JobSummary = z.infer<typeof JobSummarySchema>;
export type JobMetricsSummary = z.infer<typeof JobMetricsSummarySchema>;
export type TaskInfo = z.infer<typeof TaskInfoSchema>;
export type JobAction = z.infer<typeof JobActionSchema>;
export type JobDetails = z.infer<typeof JobDetailsSchema>;
export type OutputSink = z.infer<typeof OutputSinkSchema>;
export type JobOutput = z.infer<typeof jobOps.output.response>;
export type OutputRecord = z.infer<typeof OutputRecordSchema>;

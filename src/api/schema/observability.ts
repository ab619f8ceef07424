// Schemas of the observability ops: metrics, operator_metrics, logs, errors (seed 001's metrics
// and logs shapes, seed 003's operator metric groups, Arroyo's paginated job errors).

import { z } from 'zod';
import { intIn, JobId, JobIdRequest, oneOf, strictObject, Timestamp, type OpSchema } from './common.js';

export const METRICS_WINDOWS = ['1m', '5m', '1h', '24h'] as const;
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const LOGS_DEFAULT_LIMIT = 1000;
export const LOGS_MAX_LIMIT = 10_000;
export const ERRORS_DEFAULT_LIMIT = 100;
export const ERRORS_MAX_LIMIT = 1000;
/** Seed 003's metric groups, per operator and subtask. */
export const OPERATOR_METRICS = ['messages_recv', 'messages_sent', 'bytes_recv', 'bytes_sent', 'batches_recv', 'batches_sent', 'deserialization_errors', 'backpressure'] as const;

const ms = z.number().nullable();

export const HistoryPointSchema = z.object({
  timestamp: Timestamp.describe('Start of the step'),
  throughput_per_sec: z.number(),
  events_processed: z.number(),
  latency_p99_ms: ms,
  backpressure_level: z.number(),
  errors: z.number(),
  cpu_usage_percent: z.number(),
  memory_used_mb: z.number(),
});

export const JobMetricsSchema = z.object({
  job_id: z.string(),
  timestamp: Timestamp,
  window: z.enum(METRICS_WINDOWS),
  metrics: z.object({
    events_processed_total: z.number().describe('Records read by the sources, all runs'),
    events_emitted_total: z.number().describe('Records written by the sinks, all runs'),
    events_processed: z.number().describe('Records read by the sources within the window'),
    throughput_per_sec: z.number().describe('events_processed / the seconds of the window the job was live'),
    latency: z
      .object({ p50_ms: ms, p95_ms: ms, p99_ms: ms, p999_ms: ms, samples: z.int() })
      .describe('Per batch, source hand-over to sink write; null without samples'),
    checkpoint: z.object({ count: z.int(), last_duration_ms: ms, failures: z.int() }),
    backpressure: z.object({
      events_total: z.number().describe('Output publishes that waited for room'),
      current_level: z.number().describe('Share of the last second the most blocked subtask waited, 0–1'),
      average_level: z.number().describe('The same, averaged over the window'),
    }),
    restarts: z.int(),
    resources: z
      .object({
        cpu_usage_percent: z.number().describe('100 = one core, averaged over the window'),
        memory_used_mb: z.number(),
        memory_total_mb: z.number().describe('Total memory of the hosts of those workers'),
        workers: z.int(),
        shared: z.boolean().describe('Some of those workers also run subtasks of other jobs'),
      })
      .describe('Totals of the worker processes running the job (not split between jobs)'),
    errors: z.object({
      count: z.number().describe('Undecodable records plus job failures, since the controller adopted the job'),
      in_window: z.number(),
      rate_per_min: z.number(),
    }),
  }),
  history: z.array(HistoryPointSchema),
});

export const OperatorMetricGroupSchema = z.object({
  operator_id: z.string().describe('The task id'),
  name: z.string(),
  parallelism: z.int(),
  metric_groups: z.array(
    z.object({
      name: z.enum(OPERATOR_METRICS),
      subtasks: z.array(
        z.object({
          index: z.int(),
          total: z.number().describe('Counter of the current run (backpressure: publishes that waited)'),
          metrics: z.array(z.object({ time: z.int().describe('ms since the epoch'), value: z.number() })).describe('Per second rate (backpressure: level 0–1), last 60 s'),
        }),
      ),
    }),
  ),
});

export const LogEntrySchema = z.object({
  id: z.string().describe('Stream sequence of the entry, the errors cursor'),
  timestamp: Timestamp,
  level: z.enum(LOG_LEVELS),
  message: z.string(),
  task_id: z.string().nullable(),
  subtask_index: z.int().nullable(),
  details: z.string().nullable(),
});

export const observabilityOps = {
  metrics: {
    summary: 'Job metrics over a window (1m, 5m, 1h, 24h) with a history series',
    request: strictObject({ job_id: JobId, window: oneOf('window', METRICS_WINDOWS).default('5m') }),
    response: JobMetricsSchema,
    errors: [400, 404],
  },
  operator_metrics: {
    summary: 'Per operator and subtask metric groups (empty when the job is not running)',
    request: JobIdRequest,
    response: z.object({ job_id: z.string(), data: z.array(OperatorMetricGroupSchema) }),
    errors: [400, 404],
  },
  logs: {
    summary: "A job's log entries, oldest first (tail: the newest `limit`)",
    request: strictObject({
      job_id: JobId,
      level: oneOf('level', LOG_LEVELS).optional().describe('Minimum level'),
      limit: intIn('limit', 1, LOGS_MAX_LIMIT).default(LOGS_DEFAULT_LIMIT),
      tail: z.boolean({ error: 'tail must be true or false' }).default(false),
    }),
    response: z.object({ job_id: z.string(), logs: z.array(LogEntrySchema), total: z.int().describe('Entries at that level or above'), limit: z.int() }),
    errors: [400, 404],
  },
  errors: {
    summary: "A job's error entries, newest first, by cursor",
    request: strictObject({
      job_id: JobId,
      starting_after: z
        .string({ error: 'starting_after must be an error id (a positive integer as a string)' })
        .regex(/^[1-9][0-9]{0,15}$/, 'starting_after must be an error id (a positive integer as a string)')
        .optional(),
      limit: intIn('limit', 1, ERRORS_MAX_LIMIT).default(ERRORS_DEFAULT_LIMIT),
    }),
    response: z.object({ data: z.array(LogEntrySchema), has_more: z.boolean() }),
    errors: [400, 404],
  },
} as const satisfies Record<string, OpSchema>;

export type MetricsWindow = (typeof METRICS_WINDOWS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type OperatorMetricName = (typeof OPERATOR_METRICS)[number];
export type HistoryPointBody = z.infer<typeof HistoryPointSchema>;
export type JobMetrics = z.infer<typeof JobMetricsSchema>;
export type OperatorMetricGroup = z.infer<typeof OperatorMetricGroupSchema>;
export type OperatorMetrics = z.infer<typeof observabilityOps.operator_metrics.response>;
export type LogEntry = z.infer<typeof LogEntrySchema>;
export type LogsRequest = z.input<typeof observabilityOps.logs.request>;
export type LogsQuery = z.output<typeof observabilityOps.logs.request>;
export type JobLogs = z.infer<typeof observabilityOps.logs.response>;
export type ErrorsRequest = z.input<typeof observabilityOps.errors.request>;
export type ErrorsQuery = z.output<typeof observabilityOps.errors.request>;
export type JobErrors = z.infer<typeof observabilityOps.errors.response>;

// Schemas of the lifecycle ops: cancel, stop, resume, restart, delete.

import { z } from 'zod';
import { intIn, JobId, JobIdRequest, JobStateSchema, JobStatusSchema, JobStopModeSchema, MAX_PARALLELISM, requiredString, strictObject, Timestamp, type OpSchema } from './common.js';

export const DEFAULT_STOP_MODE = 'checkpoint' as const;

export const lifecycleOps = {
  cancel: {
    summary: 'Cancel a live job (optionally after a savepoint); replies once it is Stopped',
    request: strictObject({
      job_id: JobId,
      savepoint: z.boolean({ error: 'savepoint must be true or false' }).default(false).describe('Take a savepoint first (needs a Running job)'),
    }),
    response: z.object({
      job_id: z.string(),
      status: z.literal('cancelled'),
      cancelled_at: Timestamp,
      savepoint_id: z.string().optional().describe('When a savepoint was taken first'),
    }),
    errors: [400, 404, 409],
  },
  stop: {
    summary: 'Stop a live job so it can be resumed; replies once it is at rest',
    request: strictObject({ job_id: JobId, mode: JobStopModeSchema.default(DEFAULT_STOP_MODE) }),
    response: z.object({ job_id: z.string(), status: JobStatusSchema, state: JobStateSchema, stopped_at: Timestamp }),
    errors: [400, 404, 409],
  },
  resume: {
    summary: 'Start a stopped (paused) job again from its last checkpoint',
    request: JobIdRequest,
    response: z.object({ job_id: z.string(), status: JobStatusSchema, state: JobStateSchema, resumed_at: Timestamp }),
    errors: [400, 404, 409, 429],
  },
  restart: {
    summary: 'Restart from the latest checkpoint or a savepoint, optionally at a new parallelism',
    request: strictObject({
      job_id: JobId,
      savepoint_id: requiredString('savepoint_id').optional().describe('Restore from this savepoint instead of the latest checkpoint'),
      config_overrides: strictObject({ parallelism: intIn('parallelism', 1, MAX_PARALLELISM).optional() }).optional(),
    }),
    response: z.object({
      job_id: z.string(),
      status: JobStatusSchema,
      restarted_at: Timestamp,
      restored_from_savepoint: z.string().nullable().describe('null: the latest checkpoint (or no state)'),
      message: z.string(),
    }),
    errors: [400, 404, 409, 429],
  },
  delete: {
    summary: 'Forget a job at rest with its checkpoints and savepoints',
    request: JobIdRequest,
    response: z.object({ job_id: z.string(), deleted: z.literal(true) }),
    errors: [400, 404, 409],
  },
} as const satisfies Record<string, OpSchema>;

export type CancelRequest = z.input<typeof lifecycleOps.cancel.request>;
export type CancelResponse = z.infer<typeof lifecycleOps.cancel.response>;
export type StopRequest = z.input<typeof lifecycleOps.stop.request>;
export type StopResponse = z.infer<typeof lifecycleOps.stop.response>;
export type ResumeResponse = z.infer<typeof lifecycleOps.resume.response>;
export type RestartRequest = z.infer<typeof lifecycleOps.restart.request>;
export type RestartResponse = z.infer<typeof lifecycleOps.restart.response>;
export type DeleteJobResponse = z.infer<typeof lifecycleOps.delete.response>;

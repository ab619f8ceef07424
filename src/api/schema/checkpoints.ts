// Schemas of the savepoint and checkpoint ops: savepoint, savepoints, savepoint_delete,
// checkpoints, checkpoint_details.

import { z } from 'zod';
import { intIn, JobId, JobIdRequest, requiredString, strictObject, Timestamp, type OpSchema } from './common.js';

export const MAX_DESCRIPTION_LENGTH = 1024;

export const SavepointSchema = z.object({
  savepoint_id: z.string(),
  job_id: z.string(),
  created_at: Timestamp,
  size_bytes: z.int(),
  location: z.string().describe('Where the state lives: `nats-object-store://<bucket>/<job_id>/<savepoint_id>`'),
  description: z.string().nullable(),
});

export const CheckpointSummarySchema = z.object({
  epoch: z.int(),
  checkpoint_id: z.string(),
  status: z.enum(['in_progress', 'completed', 'failed']),
  kind: z.enum(['checkpoint', 'savepoint']),
  timestamp: Timestamp,
  start_time: Timestamp,
  finish_time: Timestamp.nullable(),
  duration_ms: z.number().nullable(),
  size_bytes: z.int(),
});

/** Seed 000's operator checkpoint groups: per operator (task), per subtask bytes and spans. */
export const OperatorCheckpointGroupSchema = z.object({
  operator_id: z.string(),
  name: z.string(),
  bytes: z.int(),
  started_metadata_write: Timestamp.nullable(),
  finish_time: Timestamp.nullable(),
  subtasks: z.array(
    z.object({
      index: z.int(),
      bytes: z.int(),
      alignment_ms: z.number(),
      sync_ms: z.number(),
      async_ms: z.number(),
      finish_time: Timestamp,
    }),
  ),
});

export const CheckpointDetailsSchema = CheckpointSummarySchema.extend({
  job_id: z.string(),
  operator_checkpoint_groups: z.array(OperatorCheckpointGroupSchema),
});

const descriptionMessage = `description must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`;

export const checkpointOps = {
  savepoint: {
    summary: 'Take a savepoint of a Running job; replies once it is complete',
    request: strictObject({
      job_id: JobId,
      description: z.string({ error: descriptionMessage }).max(MAX_DESCRIPTION_LENGTH, descriptionMessage).optional(),
    }),
    response: SavepointSchema,
    errors: [400, 404, 409],
  },
  savepoints: {
    summary: "A job's completed savepoints",
    request: JobIdRequest,
    response: z.object({ job_id: z.string(), savepoints: z.array(SavepointSchema) }),
    errors: [400, 404],
  },
  savepoint_delete: {
    summary: 'Delete a savepoint',
    request: strictObject({ job_id: JobId, savepoint_id: requiredString('savepoint_id') }),
    response: z.object({ job_id: z.string(), savepoint_id: z.string(), deleted: z.literal(true) }),
    errors: [400, 404],
  },
  checkpoints: {
    summary: "A job's checkpoints and savepoints, in progress, completed or failed",
    request: JobIdRequest,
    response: z.object({ job_id: z.string(), checkpoints: z.array(CheckpointSummarySchema) }),
    errors: [400, 404],
  },
  checkpoint_details: {
    summary: 'One checkpoint with its operator checkpoint groups',
    request: strictObject({ job_id: JobId, epoch: intIn('epoch', 1).describe('A positive integer') }),
    response: CheckpointDetailsSchema,
    errors: [400, 404],
  },
} as const satisfies Record<string, OpSchema>;

export type Savepoint = z.infer<typeof SavepointSchema>;
export type CheckpointSummary = z.infer<typeof CheckpointSummarySchema>;
export type OperatorCheckpointGroup = z.infer<typeof OperatorCheckpointGroupSchema>;
export type CheckpointDetails = z.infer<typeof CheckpointDetailsSchema>;
export type SavepointRequest = z.input<typeof checkpointOps.savepoint.request>;
export type SavepointList = z.infer<typeof checkpointOps.savepoints.response>;
export type SavepointDeleteRequest = z.infer<typeof checkpointOps.savepoint_delete.request>;
export type SavepointDeleteResponse = z.infer<typeof checkpointOps.savepoint_delete.response>;
export type CheckpointList = z.infer<typeof checkpointOps.checkpoints.response>;
export type CheckpointDetailsRequest = z.infer<typeof checkpointOps.checkpoint_details.request>;

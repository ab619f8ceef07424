// What a checkpoint or savepoint is, as stored (JSON in the checkpoints KV bucket), and how it
// is shown on the wire. Meta is written by the controller; snapshots by the subtasks.

import { InternalError } from '../errors.js';
import type { CheckpointDetails, CheckpointSummary, OperatorCheckpointGroup, RestoreRef, Savepoint } from '../wire.js';

/**
 * One subtask's state at a barrier, keyed by logical node id. Stored as msgpack: plain data,
 * typed arrays, bigint, Date and Set survive; a Map comes back as a plain object.
 */
export interface SubtaskSnapshot {
  /** Source node id → read position. */
  sources: Record<string, unknown>;
  /** Operator node id → its snapshot. */
  operators: Record<string, unknown>;
  /** Sink node id → what it prepared for the epoch's commit. */
  sinks: Record<string, unknown>;
}

export interface SubtaskCheckpointStats {
  index: number;
  bytes: number;
  alignment_ms: number;
  sync_ms: number;
  async_ms: number;
  /** ms since the epoch. */
  finish_time: number;
}

export interface CheckpointMeta {
  job_id: string;
  epoch: number;
  run_id: number;
  kind: 'checkpoint' | 'savepoint';
  savepoint_id: string | null;
  description: string | null;
  /** Object folder of the snapshots: `ckpt-<epoch>` or the savepoint id. */
  ref: string;
  status: 'in_progress' | 'completed' | 'failed';
  /** ms since the epoch. */
  start_time: number;
  finish_time: number | null;
  state_bytes: number;
  /** task_id → parallelism of the run that wrote it (needed to restore at another parallelism). */
  parallelism: Record<string, number>;
  /** Logical node id → task_id of the run that wrote it (state is keyed by node, tasks are chains). */
  nodes: Record<string, string>;
  /** task_id → per-subtask stats. */
  operators: Record<string, { name: string; subtasks: SubtaskCheckpointStats[] }>;
}

/** Folder name of a checkpoint's snapshots. */
export function checkpointRef(epoch: number): string {
  return `ckpt-${epoch}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

export function toCheckpointSummary(meta: CheckpointMeta): CheckpointSummary {
  return {
    epoch: meta.epoch,
    checkpoint_id: `checkpoint-${meta.epoch}`,
    status: meta.status,
    kind: meta.kind,
    // Seed 001 shows one timestamp per checkpoint: when it completed, else when it began.
    timestamp: iso(meta.finish_time ?? meta.start_time),
    start_time: iso(meta.start_time),
    finish_time: isoOrNull(meta.finish_time),
    duration_ms: meta.finish_time === null ? null : meta.finish_time - meta.start_time,
    size_bytes: meta.state_bytes,
  };
}

export function toCheckpointDetails(meta: CheckpointMeta): CheckpointDetails {
  return {
    ...toCheckpointSummary(meta),
    job_id: meta.job_id,
    operator_checkpoint_groups: Object.entries(meta.operators).map(([taskId, op]) => toGroup(meta, taskId, op)),
  };
}

/**
 * Seed 000's group per operator. The controller starts writing a task's metadata once its last
 * subtask has acknowledged, and the write ends with the checkpoint's own meta; a task still
 * waiting for subtasks has neither time.
 */
function toGroup(meta: CheckpointMeta, taskId: string, op: CheckpointMeta['operators'][string]): OperatorCheckpointGroup {
  const subtasks = [...op.subtasks].sort((a, b) => a.index - b.index);
  const expected = meta.parallelism[taskId] ?? subtasks.length;
  const allIn = subtasks.length > 0 && subtasks.length >= expected;
  const lastAck = subtasks.reduce((m, s) => Math.max(m, s.finish_time), 0);
  return {
    operator_id: taskId,
    name: op.name,
    bytes: subtasks.reduce((sum, s) => sum + s.bytes, 0),
    started_metadata_write: allIn ? iso(lastAck) : null,
    finish_time: allIn && meta.status === 'completed' ? isoOrNull(meta.finish_time) : null,
    subtasks: subtasks.map((s) => ({
      index: s.index,
      bytes: s.bytes,
      alignment_ms: s.alignment_ms,
      sync_ms: s.sync_ms,
      async_ms: s.async_ms,
      finish_time: iso(s.finish_time),
    })),
  };
}

/** `location` comes from `CheckpointStore.location(job_id, ref)`. */
export function toSavepoint(meta: CheckpointMeta, location: string): Savepoint {
  if (meta.kind !== 'savepoint' || meta.savepoint_id === null) {
    throw new InternalError(`checkpoint ${meta.epoch} of ${meta.job_id} is not a savepoint`);
  }
  return {
    savepoint_id: meta.savepoint_id,
    job_id: meta.job_id,
    created_at: iso(meta.finish_time ?? meta.start_time),
    size_bytes: meta.state_bytes,
    location,
    description: meta.description,
  };
}

/** What a run needs to start from this checkpoint or savepoint. */
export function toRestoreRef(meta: CheckpointMeta): RestoreRef {
  return { job_id: meta.job_id, ref: meta.ref, epoch: meta.epoch, parallelism: { ...meta.parallelism }, nodes: { ...meta.nodes } };
}

// One subtask's part of a checkpoint: the state that goes into its SubtaskSnapshot, and the ack
// that reports the snapshot stored to the controller.

import type { SubtaskSnapshot } from '../checkpoint/store.js';
import type { SourcePosition } from '../connectors/types.js';
import type { TaskChain } from '../operators/chain.js';
import type { PhysicalTask } from '../types.js';
import type { CheckpointAckMsg, DeployMsg } from '../wire.js';

/**
 * The chain's state now: the source position and every stateful operator's snapshot; the sinks'
 * pre-committed data is added by the caller. Operators with large state (joins) may pause while
 * they encode, so heartbeats go on; the caller holds the subtask's serial section, so nothing
 * processes and the state cannot change halfway.
 */
export async function captureState(chain: TaskChain, sourcePosition: SourcePosition): Promise<SubtaskSnapshot> {
  const snap: SubtaskSnapshot = { sources: {}, operators: {}, sinks: {} };
  if (chain.sourceNode) snap.sources[chain.sourceNode] = sourcePosition;
  for (const [i, op] of chain.operators.entries()) {
    const node = chain.operatorNodes[i]!;
    if (op.snapshotYielding) snap.operators[node] = await op.snapshotYielding();
    else if (op.snapshot) snap.operators[node] = op.snapshot();
  }
  return snap;
}

export interface SnapshotTimes {
  /** Waiting for the barriers of every input (0 at a source). */
  alignmentMs: number;
  /** Snapshotting and forwarding the barrier, while processing waited. */
  syncMs: number;
  /** The store write after that, while processing went on. */
  asyncMs: number;
}

const ms = (t: number): number => Math.round(t * 100) / 100;

/** The ack of subtask `index` of `task` for checkpoint `epoch`: its snapshot (`bytes`) is stored. */
export function checkpointAck(deploy: DeployMsg, task: PhysicalTask, index: number, epoch: number, bytes: number, t: SnapshotTimes): Omit<CheckpointAckMsg, 'worker_id'> {
  return {
    job_id: deploy.job_id,
    run_id: deploy.run_id,
    epoch,
    task_id: task.task_id,
    subtask_index: index,
    bytes,
    alignment_ms: ms(t.alignmentMs),
    sync_ms: ms(t.syncMs),
    async_ms: ms(t.asyncMs),
  };
}

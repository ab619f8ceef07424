// Loads what a subtask needs from a completed checkpoint or savepoint: the old snapshots of every
// task that held one of this subtask's nodes, whatever the old parallelism and chaining.

import type { CheckpointStore, SubtaskSnapshot } from '../checkpoint/store.js';
import type { SourceRestore } from '../connectors/types.js';
import type { KeyedSnapshot } from '../operators/types.js';
import type { RestoreRef } from '../wire.js';

export class RestoredState {
  private constructor(
    /** node id → the old subtasks' snapshots (index = old subtask) */
    private readonly byNode: Map<string, (SubtaskSnapshot | null)[]>,
    readonly epoch: number,
  ) {}

  static async load(store: CheckpointStore, restore: RestoreRef, nodeIds: string[]): Promise<RestoredState> {
    const byNode = new Map<string, (SubtaskSnapshot | null)[]>();
    const tasks = new Set(nodeIds.map((n) => restore.nodes[n]).filter((t): t is string => t !== undefined));
    for (const oldTask of tasks) {
      const snaps = await store.readSnapshots(restore.job_id, restore.ref, oldTask, restore.parallelism[oldTask] ?? 0);
      for (const n of nodeIds) if (restore.nodes[n] === oldTask) byNode.set(n, snaps);
    }
    return new RestoredState(byNode, restore.epoch);
  }

  source(nodeId: string): SourceRestore | undefined {
    const snaps = this.byNode.get(nodeId);
    if (!snaps) return undefined;
    return { parallelism: snaps.length, positions: snaps.map((s) => s?.sources?.[nodeId]) };
  }

  operator(nodeId: string): KeyedSnapshot[] {
    return (this.byNode.get(nodeId) ?? []).map((s) => s?.operators?.[nodeId] as KeyedSnapshot | undefined).filter((x): x is KeyedSnapshot => x !== undefined);
  }

  /** Pending sink data of the old subtasks this subtask takes over: old k → new k mod parallelism. */
  sinkPending(nodeId: string, index: number, parallelism: number): unknown[] {
    const snaps = this.byNode.get(nodeId) ?? [];
    const out: unknown[] = [];
    snaps.forEach((s, k) => {
      const pending = s?.sinks?.[nodeId];
      if (k % parallelism === index && pending !== undefined && pending !== null) out.push(pending);
    });
    return out;
  }
}

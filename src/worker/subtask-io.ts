// The connections of one operator subtask, made from its deploy and task: the context its
// connectors get, its sinks (recovering what a restored checkpoint may not have committed), the
// shuffle writers of its output edges and the shuffle reader of its input edges.

import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { createSink } from '../connectors/registry.js';
import type { ConnectorContext, Sink } from '../connectors/types.js';
import { ShuffleReader } from '../dataflow/shuffle/reader.js';
import { ShuffleWriter } from '../dataflow/shuffle/writer.js';
import { localChannel, localChannelKey, sameWorker } from '../dataflow/shuffle/local.js';
import { JsPublisher } from '../nats/js-publisher.js';
import type { TaskChain } from '../operators/chain.js';
import type { PhysicalTask } from '../types.js';
import { subjects, type DeployMsg } from '../wire.js';
import type { RestoredState } from './restore.js';

/** What every connector of subtask `index` of `task` is given. */
export function connectorContext(deploy: DeployMsg, task: PhysicalTask, index: number, nc: NatsConnection, log: Logger): ConnectorContext {
  return {
    jobId: deploy.job_id,
    runId: deploy.run_id,
    taskId: task.task_id,
    subtaskIndex: index,
    parallelism: task.parallelism,
    nc,
    prefix: deploy.prefix,
    log,
  };
}

/** Creates the chain's sinks and opens them one after the other. */
export async function openSinks(chain: TaskChain, task: PhysicalTask, index: number, base: ConnectorContext, restored: RestoredState | null): Promise<Sink[]> {
  const sinks = chain.sinks.map((spec) => createSink(spec));
  for (const [i, sink] of sinks.entries()) {
    await sink.open({ ...base, schema: task.outputSchema });
    const pending = restored?.sinkPending(chain.sinkNodes[i]!, index, task.parallelism) ?? [];
    // Output of the restored checkpoint that may not have been committed before the failure.
    if (sink.recover && pending.length > 0) await sink.recover(pending);
  }
  return sinks;
}

/** One shuffle writer per output edge, all publishing through one publisher (none without output edges). */
export function createShuffleWriters(nc: NatsConnection, deploy: DeployMsg, task: PhysicalTask, index: number): { writers: ShuffleWriter[]; publisher: JsPublisher | null } {
  if (task.outputs.length === 0) return { writers: [], publisher: null };
  const targets = task.outputs.map((edge) => parallelismOf(deploy, edge.to_task));
  const publisher = new JsPublisher(nc, { window: 64 });
  const s = subjects(deploy.prefix);
  const writers = task.outputs.map(
    (edge, i) =>
      new ShuffleWriter({
        publisher,
        subjects: s,
        jobId: deploy.job_id,
        runId: deploy.run_id,
        edge,
        targetParallelism: targets[i]!,
        fromIndex: index,
        schema: task.outputSchema,
        batchSize: deploy.spec.config.batch_size,
        lingerMs: deploy.spec.config.linger_ms,
        // Target subtasks in this process get an in-process channel instead of JetStream.
        local: Array.from({ length: targets[i]! }, (_, p) =>
          sameWorker(deploy.placement, task.task_id, index, edge.to_task, p) ? localChannel(localChannelKey(deploy.job_id, deploy.run_id, edge.edge_id, p, index)) : null,
        ),
      }),
  );
  return { writers, publisher };
}

/** The reader of the task's input edges, not yet started; null for a task without inputs (a source). */
export function createShuffleReader(js: JetStreamClient, jsm: JetStreamManager, deploy: DeployMsg, task: PhysicalTask, index: number): ShuffleReader | null {
  if (task.inputs.length === 0) return null;
  const s = subjects(deploy.prefix);
  return new ShuffleReader({
    js,
    jsm,
    subjects: s,
    stream: s.data.stream(deploy.job_id, deploy.run_id),
    jobId: deploy.job_id,
    runId: deploy.run_id,
    taskId: task.task_id,
    index,
    inputs: task.inputs.map((edge) => {
      const senders = parallelismOf(deploy, edge.from_task);
      const local = Array.from({ length: senders }, (_, from) =>
        sameWorker(deploy.placement, edge.from_task, from, task.task_id, index) ? localChannel(localChannelKey(deploy.job_id, deploy.run_id, edge.edge_id, index, from)) : null,
      );
      return { edge, senders, local };
    }),
  });
}

function parallelismOf(deploy: DeployMsg, taskId: string): number {
  const t = deploy.plan.tasks.find((x) => x.task_id === taskId);
  if (!t) throw new Error(`plan has no task ${taskId}`);
  return t.parallelism;
}

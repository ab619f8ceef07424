// A worker process: registers with the controller over NATS, heartbeats, and hosts the subtask
// actors the controller deploys to it. Controller and workers share nothing but NATS, so the
// same code runs embedded (one machine) and across a NATS cluster.

import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { hostname, totalmem } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { SubtaskActor } from '../../actors/subtask.js';
import { asRivuletError } from '../errors.js';
import { decodeControl, encodeControl } from '../nats/codec.js';
import { connectNats } from '../nats/connect.js';
import {
  subjects,
  type CheckpointAckMsg,
  type CommandReply,
  type DeployMsg,
  type HeartbeatMsg,
  type RegisterMsg,
  type StopMsg,
  type SubtaskEventKind,
  type TaskEventMsg,
  type WorkerCommand,
} from '../wire.js';
import { CheckpointStore } from '../checkpoint/store.js';
import { loadUdfsCached } from '../spec/sql-spec.js';
import type { RunnerDeps } from './subtask-runner.js';

export interface WorkerOptions {
  natsUrl: string;
  prefix: string;
  slots: number;
  log: Logger;
  heartbeatMs?: number;
}

export interface WorkerHandle {
  id: string;
  nc: NatsConnection;
  stop(): Promise<void>;
}

export async function startWorker(o: WorkerOptions): Promise<WorkerHandle> {
  const id = `w-${hostname().replace(/[^A-Za-z0-9_-]/g, '_')}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const log = o.log.child({ worker_id: id });
  const nc = await connectNats(o.natsUrl, `rivulet-worker-${id}`);
  const s = subjects(o.prefix);
  const deps: RunnerDeps = {
    nc,
    js: jetstream(nc),
    jsm: await jetstreamManager(nc),
    store: await CheckpointStore.open(nc, o.prefix),
    log,
    ack: (msg) => nc.publish(s.control.checkpointAcks, encodeControl({ ...msg, worker_id: id } satisfies CheckpointAckMsg)),
  };
  const actors = new Map<string, SubtaskActor>();

  const sendEvent = (a: SubtaskActor, event: SubtaskEventKind, err?: unknown) => {
    const msg: TaskEventMsg = { worker_id: id, job_id: a.jobId, run_id: a.runId, task_id: a.taskId, subtask_index: a.index, event, metrics: a.metrics };
    if (err !== undefined) {
      const e = asRivuletError(err);
      msg.error = { name: e.name, message: e.message, domain: e.domain, retryable: e.retryable };
    }
    nc.publish(s.control.taskEvents, encodeControl(msg));
  };

  async function deploy(cmd: DeployMsg): Promise<void> {
    const started: SubtaskActor[] = [];
    // The job's UDF module (TypeScript source in the spec) is loaded once per worker process.
    if (cmd.spec.udfs !== undefined) await loadUdfsCached(cmd.spec.udfs);
    try {
      for (const a of cmd.assignments) {
        const task = cmd.plan.tasks.find((t) => t.task_id === a.task_id);
        if (!task) throw new Error(`deploy names unknown task ${a.task_id}`);
        const actor = new SubtaskActor(deps, cmd, task, a.subtask_index, {
          onEvent: (event, err) => {
            if (event === 'finished' || event === 'failed' || event === 'stopped') actors.delete(actor.key);
            sendEvent(actor, event, err);
          },
          inspectSubject: s.inspect(cmd.job_id),
          idPrefix: id,
        });
        actors.set(actor.key, actor);
        started.push(actor);
      }
      // Open every subtask: outputs and consumers first, so when this resolves sources consume.
      await Promise.all(started.map((a) => a.start()));
    } catch (err) {
      await Promise.all(started.map((a) => a.stop('immediate').catch(() => undefined)));
      for (const a of started) actors.delete(a.key);
      throw err;
    }
  }

  const actorsOf = (jobId: string, runId: number) => [...actors.values()].filter((a) => a.jobId === jobId && a.runId === runId);

  async function stopRun(cmd: StopMsg): Promise<void> {
    const mine = actorsOf(cmd.job_id, cmd.run_id);
    await Promise.all(mine.map((a) => a.stop(cmd.mode)));
    for (const a of mine) actors.delete(a.key);
  }

  const control = nc.subscribe(s.control.worker(id), {
    callback: (err, msg) => {
      if (err) return;
      void handleCommand(msg);
    },
  });

  async function handleCommand(msg: Msg): Promise<void> {
    let reply: CommandReply;
    try {
      const cmd = decodeControl<WorkerCommand>(msg.data);
      if (cmd.type === 'deploy') await deploy(cmd);
      else if (cmd.type === 'stop') await stopRun(cmd);
      else if (cmd.type === 'checkpoint') for (const a of actorsOf(cmd.job_id, cmd.run_id)) a.checkpoint(cmd.epoch, cmd.ref, cmd.then_stop === true);
      else if (cmd.type === 'commit') await Promise.all(actorsOf(cmd.job_id, cmd.run_id).map((a) => a.commit(cmd.epoch)));
      reply = { ok: true };
    } catch (err) {
      const e = asRivuletError(err);
      log.error({ err: e }, 'worker command failed');
      reply = { ok: false, error: { name: e.name, message: e.message, domain: e.domain, retryable: e.retryable } };
    }
    msg.respond(encodeControl(reply));
  }

  const register = async () => {
    const body: RegisterMsg = { worker_id: id, slots: o.slots, pid: process.pid, host: hostname() };
    for (let attempt = 0; !nc.isClosed(); attempt++) {
      try {
        await nc.request(s.control.register, encodeControl(body), { timeout: 2000 });
        log.info({ slots: o.slots }, 'registered with controller');
        return;
      } catch {
        if (attempt % 10 === 0) log.info('waiting for a controller');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  // A (re)started controller asks every worker to register again.
  const broadcast = nc.subscribe(s.control.broadcast, { callback: () => void register() });
  await nc.flush();
  void register();

  // For jobs.metrics: this process's CPU time, and the memory it could have (a cgroup limit when set).
  const cpuUs = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const limit = process.constrainedMemory?.() ?? 0;
  const memTotal = limit > 0 && limit < totalmem() ? limit : totalmem();
  const beat = setInterval(() => {
    const hb: HeartbeatMsg = {
      worker_id: id,
      at: Date.now(),
      slots: o.slots,
      used_slots: actors.size,
      rss_bytes: process.memoryUsage.rss(),
      cpu_us: cpuUs(),
      mem_total_bytes: memTotal,
      subtasks: [...actors.values()].map((a) => a.metrics),
    };
    nc.publish(s.control.heartbeat, encodeControl(hb));
  }, o.heartbeatMs ?? 1000);

  return {
    id,
    nc,
    async stop() {
      clearInterval(beat);
      control.unsubscribe();
      broadcast.unsubscribe();
      await Promise.all([...actors.values()].map((a) => a.stop('immediate').catch(() => undefined)));
      await nc.drain().catch(() => undefined);
    },
  };
}

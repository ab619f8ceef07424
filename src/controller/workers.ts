// The controller's view of the workers: who registered, their slots, their last heartbeat and
// the subtask metrics they reported. A worker silent for `timeoutMs` is declared lost.

import type { HeartbeatMsg, RegisterMsg, SubtaskMetrics } from '../wire.js';

export interface WorkerInfo {
  worker_id: string;
  slots: number;
  pid: number;
  host: string;
  registered_at: number;
  last_heartbeat: number;
  rss_bytes: number;
  subtasks: SubtaskMetrics[];
  /** CPU of the process between its last two heartbeats, 100 = one core. */
  cpu_percent?: number;
  /** Last reported CPU time (µs) and the worker's clock then, for the next difference. */
  cpu?: { us: number; at: number };
  mem_total_bytes?: number;
}

export class WorkerRegistry {
  private readonly workers = new Map<string, WorkerInfo>();
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly now: () => number = Date.now,
    readonly timeoutMs = 5000,
  ) {}

  register(msg: RegisterMsg): void {
    const t = this.now();
    const prev = this.workers.get(msg.worker_id);
    this.workers.set(msg.worker_id, {
      worker_id: msg.worker_id,
      slots: msg.slots,
      pid: msg.pid,
      host: msg.host,
      registered_at: prev?.registered_at ?? t,
      last_heartbeat: t,
      rss_bytes: prev?.rss_bytes ?? 0,
      subtasks: prev?.subtasks ?? [],
    });
    for (const w of this.waiters) w();
  }

  /** Returns false for a worker we do not know (it should register again). */
  heartbeat(msg: HeartbeatMsg): boolean {
    const w = this.workers.get(msg.worker_id);
    if (!w) return false;
    w.last_heartbeat = this.now();
    w.rss_bytes = msg.rss_bytes;
    w.subtasks = msg.subtasks;
    if (msg.cpu_us !== undefined) {
      if (w.cpu && msg.at > w.cpu.at) w.cpu_percent = Math.max(0, (msg.cpu_us - w.cpu.us) / 10 / (msg.at - w.cpu.at));
      w.cpu = { us: msg.cpu_us, at: msg.at };
    }
    if (msg.mem_total_bytes !== undefined) w.mem_total_bytes = msg.mem_total_bytes;
    return true;
  }

  /** Removes and returns the workers whose heartbeat is overdue. */
  reapLost(): WorkerInfo[] {
    const t = this.now();
    const lost = [...this.workers.values()].filter((w) => t - w.last_heartbeat > this.timeoutMs);
    for (const w of lost) this.workers.delete(w.worker_id);
    return lost;
  }

  remove(id: string): void {
    this.workers.delete(id);
  }

  live(): WorkerInfo[] {
    return [...this.workers.values()].sort((a, b) => a.registered_at - b.registered_at || a.worker_id.localeCompare(b.worker_id));
  }

  get(id: string): WorkerInfo | undefined {
    return this.workers.get(id);
  }

  /** Latest metrics of every subtask of one job run, across workers. */
  metricsOf(jobId: string, runId: number): SubtaskMetrics[] {
    const out: SubtaskMetrics[] = [];
    for (const w of this.workers.values()) {
      for (const m of w.subtasks) if (m.job_id === jobId && m.run_id === runId) out.push(m);
    }
    return out;
  }

  /** Resolves once at least `n` workers are registered, or rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs: number): Promise<void> {
    if (this.workers.size >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.workers.size >= n) {
          cleanup();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`only ${this.workers.size} of ${n} workers registered within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }
}

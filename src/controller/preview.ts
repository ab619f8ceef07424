// Preview jobs stop themselves (seed 000: after 60 s), counted from when the job started running
// in its current lifetime, so a recovery does not extend it and a resume grants a new preview.

import type { Logger } from 'pino';
import type { JobState } from '../wire.js';
import type { JobRecord } from './job-record.js';

const AT_REST = new Set<JobState>(['Stopped', 'Finished', 'Failed']);

export class PreviewTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {}

  /** Called on every state change of a job; only preview jobs are timed. */
  onState(job: JobRecord, to: JobState): void {
    if (!job.spec.preview) return;
    if (AT_REST.has(to)) return this.clear(job.job_id);
    if (to !== 'Running' || this.timers.has(job.job_id)) return;
    const started = job.actor.getSnapshot().context.started_at ?? Date.now();
    const timer = setTimeout(() => {
      this.timers.delete(job.job_id);
      if (AT_REST.has(job.state)) return;
      this.log.info({ job_id: job.job_id, ttl_ms: this.ttlMs }, 'preview job reached its TTL: stopping it');
      job.actor.send({ type: 'STOP', mode: 'immediate', reason: 'stop' });
    }, Math.max(0, started + this.ttlMs - Date.now()));
    // A pending preview must not keep a process alive.
    timer.unref();
    this.timers.set(job.job_id, timer);
  }

  clear(jobId: string): void {
    clearTimeout(this.timers.get(jobId));
    this.timers.delete(jobId);
  }

  clearAll(): void {
    for (const id of [...this.timers.keys()]) this.clear(id);
  }
}

// What a subtask reports in heartbeats: plain counters its data path increments (never per row),
// plus what is read where it is kept (publish backpressure, a sink's end-to-end latency).

import type { JsPublisher } from '../nats/js-publisher.js';
import { toSparse } from '../metrics/histogram.js';
import type { PhysicalTask } from '../types.js';
import type { DeployMsg, SubtaskMetrics } from '../wire.js';

/** Zeroed counters of subtask `index` of `task`. */
export function newCounters(deploy: DeployMsg, task: PhysicalTask, index: number): SubtaskMetrics {
  return {
    job_id: deploy.job_id,
    run_id: deploy.run_id,
    task_id: task.task_id,
    subtask_index: index,
    records_in: 0,
    records_out: 0,
    batches_in: 0,
    batches_out: 0,
    bytes_in: 0,
    bytes_out: 0,
    deserialization_errors: 0,
    backpressure_events: 0,
    late_records: 0,
  };
}

/**
 * The counters, with backpressure read from the publisher and latency from its histogram
 * (src/metrics/histogram.ts) filled in. Updates and returns `counters` itself.
 */
export function readMetrics(counters: SubtaskMetrics, publisher: JsPublisher | null, latency: Float64Array | null): SubtaskMetrics {
  if (publisher) {
    counters.backpressure_events = publisher.waits;
    counters.backpressure_ms = Math.round(publisher.blockedMs());
  }
  if (latency) counters.latency = toSparse(latency);
  return counters;
}

// The observability ops of the API (metrics, operator_metrics, logs, errors): what they need from
// the controller, and their handlers (body parsed with src/api/schema/observability.ts).

import type { ErrorsQuery, JobErrors, JobLogs, JobMetrics, LogsQuery, MetricsWindow, OperatorMetrics } from './schema/observability.js';
import { observabilityOps } from './schema/observability.js';
import { parseRequest } from './requests.js';
import type { Handler } from './service.js';

export interface ObservabilityApi {
  /** Totals, window rates and percentiles, and the history series of `window`. 404: unknown job. */
  metrics(jobId: string, window: MetricsWindow): Promise<JobMetrics>;
  /** Per operator and subtask; `data` is empty when the job is not running. */
  operatorMetrics(jobId: string): Promise<OperatorMetrics>;
  logs(q: LogsQuery): Promise<JobLogs>;
  errors(q: ErrorsQuery): Promise<JobErrors>;
}

export type ObservabilityOp = keyof typeof observabilityOps;

export function observabilityHandlers(api: ObservabilityApi): Record<ObservabilityOp, Handler> {
  return {
    metrics: (body) => {
      const req = parseRequest(observabilityOps.metrics.request, body);
      return api.metrics(req.job_id, req.window);
    },
    operator_metrics: (body) => api.operatorMetrics(parseRequest(observabilityOps.operator_metrics.request, body).job_id),
    logs: (body) => api.logs(parseRequest(observabilityOps.logs.request, body)),
    errors: (body) => api.errors(parseRequest(observabilityOps.errors.request, body)),
  };
}

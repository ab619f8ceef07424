// GET /api/v1/jobs/{job_id}/output: a job's output records as Server-Sent Events (seed 000,
// Arroyo's get_job_output). Each record is one `data:` event, `{"subject","record"}` as JSON, with
// ids counting from 0; the stream ends with an `end` event once the job is at rest, or when the
// client goes away. The records come from the subjects `jobs.output` names (output-stream.ts).

import type { NatsConnection } from '@nats-io/nats-core';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Logger } from 'pino';
import type { JobOutput } from '../../wire.js';
import { outputRecords, outputSubjects } from '../output-stream.js';
import { errorBody } from '../respond.js';
import type { JobApi } from '../service.js';

/** A comment line now and then keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

export interface SseDeps {
  nc: NatsConnection;
  api: JobApi;
  log: Logger;
}

/** `out` is the validated `jobs.output` reply; a job without NATS sinks is refused (409) before streaming. */
export function outputStream(c: Context, out: JobOutput, d: SseDeps): Response {
  outputSubjects(out);
  const stateOf = async () => (await d.api.get(out.job_id)).state;
  return streamSSE(c, async (stream) => {
    const abort = new AbortController();
    stream.onAbort(() => abort.abort());
    const keepalive = setInterval(() => void stream.write(': keepalive\n\n').catch(() => abort.abort()), KEEPALIVE_MS);
    let id = 0;
    try {
      for await (const r of outputRecords(d.nc, out, stateOf, { signal: abort.signal })) {
        await stream.writeSSE({ id: String(id++), data: JSON.stringify(r) });
      }
      if (!abort.signal.aborted) await stream.writeSSE({ event: 'end', data: JSON.stringify({ job_id: out.job_id, state: await stateOf() }) });
    } catch (err) {
      // Headers are sent: the failure goes in an `error` event, as the error body.
      d.log.warn({ err, job_id: out.job_id }, 'output stream failed');
      if (!abort.signal.aborted) await stream.writeSSE({ event: 'error', data: JSON.stringify(errorBody(err).body) }).catch(() => undefined);
    } finally {
      clearInterval(keepalive);
    }
  });
}

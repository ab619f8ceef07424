// GET /api/v1/jobs/{job_id}/output: a running job's records as Server-Sent Events, read by a real
// HTTP client (fetch's body stream) from a real controller (no token: the API is open).

import { describe, expect, it } from 'vitest';
import { OutputRecordSchema } from '../src/api/schema/index.js';
import { subjects } from '../src/wire.js';
import { eventually } from './helpers/collect.js';
import { http, sseEvents, type SseEvent } from './helpers/http.js';
import { useTestStack } from './helpers/stack.js';

const t = useTestStack({ workers: 1, httpPort: 0 });
const base = () => t.stack.controller.http!.url;
/** Subscriptions of the controller's NATS connection to `subject` (the stream's are among them). */
const subscribers = (subject: string) =>
  (t.stack.nc as unknown as { protocol: { subscriptions: { all(): Array<{ subject: string }> } } }).protocol.subscriptions.all().filter((s) => s.subject === subject).length;

async function submit(name: string, sources: unknown[], sinks: unknown[]): Promise<string> {
  const res = await http(base(), 'POST', '/api/v1/jobs', { body: { name, sources, transformations: [{ type: 'project', config: { expressions: ['counter', 'counter * 2 AS doubled'] } }], sinks } });
  expect(res.status).toBe(201);
  return res.body.job_id;
}
const paced = [{ type: 'impulse', config: { event_rate: 100 } }];
const preview = [{ type: 'preview', config: {} }];
const running = (jobId: string) => eventually(async () => (await http(base(), 'GET', `/api/v1/jobs/${jobId}`)).body.state === 'Running', 'Running');

describe('output as Server-Sent Events', () => {
  it('streams each record as a data event until the job is at rest, then an end event', async () => {
    const jobId = await submit('sse', paced, preview);
    await running(jobId);
    const res = await fetch(`${base()}/api/v1/jobs/${jobId}/output`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events: SseEvent[] = [];
    let stopped: Promise<unknown> | null = null;
    for await (const ev of sseEvents(res)) {
      events.push(ev);
      // Stop the job once a few records came; the stream goes on until the job is at rest.
      if (events.length === 10) stopped = http(base(), 'POST', `/api/v1/jobs/${jobId}/stop`, { body: { mode: 'immediate' } });
    }
    expect(await stopped).toMatchObject({ status: 200 });
    const records = events.filter((e) => e.event === 'message');
    expect(records.length).toBeGreaterThanOrEqual(10);
    expect(records.map((e) => e.id)).toEqual(records.map((_e, i) => String(i)));
    const data = records.map((e) => OutputRecordSchema.parse(JSON.parse(e.data)) as { subject: string; record: { counter: number } });
    for (const d of data) expect(d).toEqual({ subject: subjects(t.prefix).output(jobId), record: { counter: expect.any(Number), doubled: expect.any(Number) } });
    const counters = data.map((d) => d.record.counter);
    expect(counters).toEqual([...counters].sort((a, b) => a - b));
    expect(events.at(-1)).toMatchObject({ event: 'end' });
    expect(JSON.parse(events.at(-1)!.data)).toEqual({ job_id: jobId, state: 'Stopped' });
  });

  it('a client that goes away ends the stream and its subscriptions', async () => {
    const jobId = await submit('sse-leave', paced, preview);
    await running(jobId);
    const subject = subjects(t.prefix).output(jobId);
    const abort = new AbortController();
    const res = await fetch(`${base()}/api/v1/jobs/${jobId}/output`, { signal: abort.signal });
    const it = sseEvents(res)[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ event: 'message', id: '0' });
    expect(subscribers(subject)).toBe(1);
    abort.abort();
    await eventually(() => subscribers(subject) === 0, 'the output subscription to end', 5000);
    // The server serves on.
    expect((await http(base(), 'DELETE', `/api/v1/jobs/${jobId}`)).status).toBe(200);
  });

  it('a job at rest: the stream ends at once; errors before streaming are JSON', async () => {
    const done = await submit('sse-done', [{ type: 'impulse', config: { count: 3 } }], preview);
    await eventually(async () => (await http(base(), 'GET', `/api/v1/jobs/${done}`)).body.state === 'Finished', 'Finished');
    const events: SseEvent[] = [];
    for await (const ev of sseEvents(await fetch(`${base()}/api/v1/jobs/${done}/output`))) events.push(ev);
    expect(events).toEqual([{ event: 'end', data: JSON.stringify({ job_id: done, state: 'Finished' }) }]);

    const quiet = await submit('sse-quiet', [{ type: 'impulse', config: { count: 1 } }], [{ type: 'blackhole', config: {} }]);
    const conflict = await http(base(), 'GET', `/api/v1/jobs/${quiet}/output`);
    expect(conflict).toMatchObject({ status: 409, body: { error: { code: 409, message: expect.stringMatching(/no sink that publishes to NATS/) } } });
    expect(conflict.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await http(base(), 'GET', '/api/v1/jobs/job-nope/output')).status).toBe(404);
  });
});

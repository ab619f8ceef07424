// Submitting a SQL job: validateJobSpec takes `{"name","query","config","udfs"?}` beside the JSON
// form and reports query problems with line and column; compileJob plans it at the job's
// parallelism; through the API the job runs on real workers and its rows reach the preview sink.

import { describe, expect, it } from 'vitest';
import { compileJob } from '../actors/compile.js';
import { ApiError } from '../src/api/client.js';
import { ValidationError } from '../src/errors.js';
import { validateJobSpec } from '../src/spec/validate.js';
import { subjects } from '../src/wire.js';
import { useTestStack } from './helpers/stack.js';

const IMPULSE = "CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '0', message_count = '30');";
const QUERY = `${IMPULSE}\nSELECT counter, counter * 10 AS tens FROM impulse WHERE counter % 3 = 0;`;

function problems(body: unknown) {
  try {
    validateJobSpec(body);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.details ?? [];
  }
  throw new Error('expected the body to be rejected');
}

describe('validateJobSpec: the SQL form', () => {
  it('keeps the query (and UDF source), with empty graph lists and config defaults', () => {
    const spec = validateJobSpec({ name: 'tens', query: QUERY, config: { parallelism: 2 } });
    expect(spec).toMatchObject({ name: 'tens', query: QUERY, sources: [], transformations: [], sinks: [] });
    expect(spec.config).toMatchObject({ parallelism: 2, checkpoint_interval_ms: 10_000 });
    expect(spec.udfs).toBeUndefined();
  });

  it('reports query problems under "query" with line and column, with name and config problems', () => {
    const found = problems({ name: 'bad/name', query: `${IMPULSE}\nSELECT nope FROM impulse;`, config: { parallelism: 0 } });
    expect(found.map((p) => p.field).sort()).toEqual(['config.parallelism', 'name', 'query']);
    expect(found.find((p) => p.field === 'query')).toMatchObject({ line: 2, column: 8 });
  });

  it('refuses sources/transformations/sinks beside a query, unknown keys, a non-string query, a bad default_sink', () => {
    const found = problems({ name: 'x', query: QUERY, sources: [], sinks: [], extra: 1, default_sink: 'kafka' });
    expect(found.map((p) => p.field).sort()).toEqual(['default_sink', 'extra', 'sinks', 'sources']);
    expect(found.find((p) => p.field === 'sources')!.message).toContain('from the query');
    expect(problems({ name: 'x', query: 42 }).map((p) => p.field)).toEqual(['query']);
    expect(problems({ name: 'x', query: '  ' }).map((p) => p.field)).toEqual(['query']);
  });

  it('the JSON form is untouched', () => {
    const spec = validateJobSpec({ name: 'j', sources: [{ type: 'impulse', config: { count: 3 } }], sinks: [{ type: 'blackhole', config: {} }] });
    expect(spec.query).toBeUndefined();
    expect(spec.sources).toHaveLength(1);
  });
});

describe('compileJob: a SQL job', () => {
  it('is planned from its query at the parallelism it runs with', () => {
    const spec = validateJobSpec({ name: 'tens', query: QUERY, config: { parallelism: 2 } });
    const plan = compileJob(spec, 'rivulet');
    expect(plan.tasks.length).toBeGreaterThanOrEqual(1);
    expect(plan.tasks.every((task) => task.parallelism === 2)).toBe(true);
    expect(plan.tasks[0]!.operators[0]).toMatchObject({ kind: 'source', source: { type: 'impulse' } });
    const sinks = plan.tasks.flatMap((task) => task.operators).filter((op) => op.kind === 'sink');
    // A bare SELECT submitted through the API goes to the preview sink.
    expect(sinks).toMatchObject([{ kind: 'sink', sink: { type: 'preview' } }]);
    const one = compileJob({ ...spec, config: { ...spec.config, parallelism: 1 } }, 'rivulet');
    expect(one.tasks.every((task) => task.parallelism === 1)).toBe(true);
  });
});

describe('submit through the API', () => {
  const t = useTestStack({ workers: 1 });

  it('runs a SQL job to Finished with its rows on the preview subject', async () => {
    const rows: Array<{ counter: number; tens: number }> = [];
    const submitted = await t.client.submit({ name: 'tens', query: QUERY });
    // The preview subject is known once the id is; rows may only start after Scheduling.
    const sub = t.stack.nc.subscribe(subjects(t.prefix).output(submitted.job_id), { callback: (_e, m) => void rows.push(m.json()) });
    await t.stack.nc.flush();
    const done = await t.client.waitForState(submitted.job_id, ['Finished'], 30_000);
    await t.stack.nc.flush();
    sub.unsubscribe();
    expect(done.state).toBe('Finished');
    expect(done.query).toBe(QUERY); // jobs.get shows what was submitted
    expect(rows.map((r) => r.counter).sort((a, b) => a - b)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    expect(rows.every((r) => r.tens === r.counter * 10)).toBe(true);
  });

  it('a query with problems is a 400 whose details carry line and column', async () => {
    const err = await t.client.submit({ name: 'bad', query: `${IMPULSE}\nSELECT counter FROM impulse\nWHERE nope = 1;` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(400);
    expect((err as ApiError).details).toMatchObject([{ field: 'query', line: 3, column: 7 }]);
    // Nothing was created for it.
    expect((await t.client.list()).jobs.map((j) => j.name)).not.toContain('bad');
  });
});

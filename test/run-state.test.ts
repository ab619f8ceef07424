// `rivulet run` decides from the stored jobs whether to resume, refuse or start: the pipeline
// fingerprint (normalized query + parallelism + UDFs + default sink) and seed 002's rules.

import { describe, expect, it } from 'vitest';
import { normalizeQuery, pipelineHash } from '../src/cli/run-query.js';
import { planStart, type StoredPipeline } from '../src/cli/run-state.js';

describe('normalizeQuery', () => {
  it('drops comments, collapses whitespace and trailing semicolons', () => {
    const a = `-- counts\nSELECT  counter,\n\tcount(*)   /* all */ FROM impulse\nGROUP BY counter;\n\n`;
    expect(normalizeQuery(a)).toBe('SELECT counter, count(*) FROM impulse GROUP BY counter');
  });

  it('keeps string literals and quoted identifiers as they are, with doubled quotes', () => {
    const q = `SELECT 'a  --b', "x  y" FROM t WHERE s = 'it''s  /* here */'`;
    expect(normalizeQuery(q)).toBe(q);
    expect(normalizeQuery(`SELECT 'a  b'`)).not.toBe(normalizeQuery(`SELECT 'a b'`));
  });
});

describe('pipelineHash', () => {
  const base = { query: 'SELECT counter FROM impulse', parallelism: 1 };
  it('ignores formatting, not the query, parallelism, UDFs or default sink', () => {
    expect(pipelineHash(base)).toBe(pipelineHash({ ...base, query: '  SELECT counter\n FROM impulse ; -- x' }));
    expect(pipelineHash(base)).toBe(pipelineHash({ ...base, default_sink: 'preview' }));
    expect(pipelineHash(base)).not.toBe(pipelineHash({ ...base, query: 'SELECT counter FROM impulse2' }));
    expect(pipelineHash(base)).not.toBe(pipelineHash({ ...base, parallelism: 2 }));
    expect(pipelineHash(base)).not.toBe(pipelineHash({ ...base, udfs: 'export function f() {}' }));
    expect(pipelineHash(base)).not.toBe(pipelineHash({ ...base, default_sink: 'stdout' }));
  });
});

describe('planStart', () => {
  const job = (id: string, state: StoredPipeline['state'], status: StoredPipeline['status'], hash: string | null): StoredPipeline => ({
    job_id: id,
    name: id,
    state,
    status,
    hash,
  });

  it('an empty state starts the pipeline', () => {
    expect(planStart([], 'h', false)).toEqual({ kind: 'submit', forget: [] });
  });

  it('the same pipeline is resumed when stopped, restarted when failed, attached to when live', () => {
    expect(planStart([job('a', 'Stopped', 'paused', 'h')], 'h', false)).toMatchObject({ kind: 'resume', job: { job_id: 'a' } });
    expect(planStart([job('a', 'Failed', 'failed', 'h')], 'h', false)).toMatchObject({ kind: 'restart', job: { job_id: 'a' } });
    expect(planStart([job('a', 'Recovering', 'running', 'h')], 'h', false)).toMatchObject({ kind: 'attach', job: { job_id: 'a' } });
    // The match wins over other pipelines in the state (e.g. one --force left behind).
    expect(planStart([job('old', 'Stopped', 'paused', 'x'), job('a', 'Stopped', 'paused', 'h')], 'h', false)).toMatchObject({ kind: 'resume', job: { job_id: 'a' } });
  });

  it('another pipeline is refused without --force and forgotten with it', () => {
    const other = job('b', 'Stopped', 'paused', 'x');
    const spec = job('c', 'Running', 'running', null);
    expect(planStart([other, spec], 'h', false)).toEqual({ kind: 'refuse', others: [other, spec] });
    expect(planStart([other, spec], 'h', true)).toEqual({ kind: 'submit', forget: [other, spec] });
  });

  it('cancelled and finished jobs are past: neither resumed nor in the way', () => {
    const past = [job('a', 'Stopped', 'cancelled', 'h'), job('b', 'Finished', 'finished', 'x')];
    expect(planStart(past, 'h', false)).toEqual({ kind: 'submit', forget: [] });
  });
});

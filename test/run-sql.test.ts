// `rivulet run query.sql` as a user runs it (seed 002): real CLI processes with their embedded
// controller and workers on the test NATS (a prefix per pipeline state), the query validated
// first, rows on stdout, Ctrl-C as a stop with a final checkpoint, the same query resumed exactly,
// another one refused unless --force.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, describe, expect, it } from 'vitest';
import { JobStore } from '../src/checkpoint/job-store.js';
import { CLI_ENTRY } from '../src/paths.js';
import { getTestNatsUrl, uniqueName, useTestNats } from './helpers/nats.js';
import { processesWith } from './helpers/processes.js';

const t = useTestNats('run-sql');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rivulet-run-sql-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  stdin?: string;
  /** Called on every output; may signal the process (or, like a terminal, its whole group). */
  watch?: (out: Ran, signal: (sig: NodeJS.Signals, group?: boolean) => void) => void;
}

/** `rivulet run …` with its own process group, so a test can Ctrl-C the group as a terminal does. */
function rivulet(args: string[], o: RunOptions = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], { env: { ...process.env, RIVULET_LOG_LEVEL: 'warn' }, detached: true });
    const out: Ran = { code: null, stdout: '', stderr: '' };
    const signal = (sig: NodeJS.Signals, group = false) => {
      if (group) process.kill(-child.pid!, sig);
      else child.kill(sig);
    };
    child.stdout.on('data', (d) => {
      out.stdout += d;
      o.watch?.(out, signal);
    });
    child.stderr.on('data', (d) => {
      out.stderr += d;
      o.watch?.(out, signal);
    });
    child.stdin.end(o.stdin ?? '');
    child.on('exit', (code) => resolve({ ...out, code }));
  });
}

function queryFile(name: string, sql: string): string {
  const file = path.join(dir, `${name}.sql`);
  writeFileSync(file, sql);
  return file;
}


/** Every `counter` in a stream, in stream order. */
async function countersIn(stream: string): Promise<number[]> {
  const js = jetstream(t.nc);
  const info = await t.jsm.streams.info(stream).catch(() => null);
  if (!info || info.state.messages === 0) return [];
  const consumer = await js.consumers.get(stream);
  const out: number[] = [];
  const it = await consumer.fetch({ max_messages: info.state.messages, expires: 5_000 });
  for await (const m of it) {
    out.push((m.json() as { counter: number }).counter);
    if (out.length === info.state.messages) break;
  }
  return out;
}

const common = (prefix: string, state: string) => ['--nats', getTestNatsUrl(), '--prefix', prefix, '-s', path.join(dir, state)];
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** An unbounded impulse at `rate` rows/s into a JetStream sink (exactly-once). */
function impulseToJetStream(stream: string, subject: string, rate: number): string {
  return [
    `CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '${rate}');`,
    `CREATE TABLE out (counter BIGINT) WITH (connector = 'jetstream', stream = '${stream}', subject = '${subject}', format = 'json', type = 'sink');`,
    'INSERT INTO out SELECT counter FROM impulse;',
  ].join('\n');
}

describe('rivulet run: validation', () => {
  it('prints every problem as line:column: message and exits 1 without starting anything', async () => {
    const prefix = uniqueName('runv');
    const file = queryFile(
      'invalid',
      ["CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '10');", 'SELECT nope,', '  counter + missing', 'FROM impulse;'].join('\n'),
    );
    const started = Date.now();
    const ran = await rivulet(['run', file, ...common(prefix, 'invalid')]);
    expect(ran.code).toBe(1);
    expect(ran.stdout).toBe('');
    const problems = ran.stderr.split('\n').filter((l) => /^\d+:\d+: /.test(l));
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(problems.find((l) => l.includes('nope'))).toMatch(/^2:8: /);
    expect(problems.find((l) => l.includes('missing'))).toMatch(/^3:13: /);
    // Validation comes first: no state directory, nats-server, controller or worker for it.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(existsSync(path.join(dir, 'invalid'))).toBe(false);
  });


  it('a bad name or parallelism is refused before anything starts too', async () => {
    const sql = "CREATE TABLE impulse WITH (connector = 'impulse');\nSELECT counter FROM impulse;";
    const badName = await rivulet(['run', '-n', 'no/slashes', ...common(uniqueName('runv'), 'bad-name')], { stdin: sql });
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain('name: invalid job name');
    expect(existsSync(path.join(dir, 'bad-name'))).toBe(false);
    const badP = await rivulet(['run', '-p', '0', ...common(uniqueName('runv'), 'bad-p')], { stdin: sql });
    expect(badP.code).toBe(2);
    expect(badP.stderr).toContain('--parallelism');
  });
});

describe('rivulet run: a bounded query', () => {
  it('prints the rows of a bare SELECT on stdout (and nothing else there) and exits 0', async () => {
    const prefix = uniqueName('runb');
    const sql = [
      "CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '0', message_count = '20');",
      'SELECT counter, counter * counter AS sq FROM impulse WHERE counter % 2 = 0;',
    ].join('\n');
    // The query comes from stdin when no file is given.
    const ran = await rivulet(['run', '-n', 'squares', ...common(prefix, 'bounded')], { stdin: sql });
    expect(ran.stderr).toContain('pipeline finished');
    expect(ran.code).toBe(0);
    const rows = ran.stdout.trim().split('\n').map((l) => JSON.parse(l) as { counter: number; sq: number });
    expect(rows.map((r) => r.counter).sort((a, b) => a - b)).toEqual(range(10).map((i) => i * 2));
    expect(rows.every((r) => r.sq === r.counter * r.counter)).toBe(true);
    expect(processesWith(prefix)).toEqual([]);
  });
});

describe('rivulet run --udfs', () => {
  it('ships the UDF module with the query: the workers call it', async () => {
    const prefix = uniqueName('runu');
    const udfs = path.join(dir, 'triple.ts');
    writeFileSync(udfs, "import { udf } from 'rivulet/udf';\nexport const triple = udf({ args: ['int64'], returns: 'int64' }, (x: number): number => x * 3);\n");
    const sql = ["CREATE TABLE impulse WITH (connector = 'impulse', message_count = '5');", 'SELECT counter, triple(counter) AS t FROM impulse;'].join('\n');
    const ran = await rivulet(['run', '--udfs', udfs, queryFile('udf', sql), ...common(prefix, 'udf')]);
    expect(ran.stderr).toContain('pipeline finished');
    expect(ran.code).toBe(0);
    const rows = ran.stdout.trim().split('\n').map((l) => JSON.parse(l) as { counter: number; t: number });
    expect(rows.map((r) => [r.counter, r.t]).sort((a, b) => a[0]! - b[0]!)).toEqual(range(5).map((i) => [i, i * 3]));
  });

  it('a UDF module that does not load is reported before anything starts', async () => {
    const prefix = uniqueName('runu');
    const udfs = path.join(dir, 'broken.ts');
    writeFileSync(udfs, 'export const = ;\n');
    const ran = await rivulet(['run', '--udfs', udfs, queryFile('udf-broken', "CREATE TABLE impulse WITH (connector = 'impulse');\nSELECT counter FROM impulse;"), ...common(prefix, 'udf-broken')]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('udfs');
    expect(existsSync(path.join(dir, 'udf-broken'))).toBe(false);
  });
});

describe('rivulet run: stop and resume', () => {
  it('Ctrl-C takes a final checkpoint; the same query runs on exactly where it stopped', async () => {
    const prefix = uniqueName('runr');
    const stream = uniqueName('RUNR');
    const subject = `${stream}.out`;
    const sql = impulseToJetStream(stream, subject, 200);
    const args = (file: string) => ['run', file, ...common(prefix, 'resume')];

    /** Runs for `ms` once Running, then Ctrl-C (to the process only). */
    const runFor = async (file: string, ms: number) => {
      let sent = false;
      const ran = await rivulet(args(file), {
        watch: (out, signal) => {
          if (sent || !out.stderr.includes('is Running')) return;
          sent = true;
          setTimeout(() => signal('SIGINT'), ms);
        },
      });
      expect(sent).toBe(true);
      return ran;
    };

    const first = await runFor(queryFile('resume1', sql), 1500);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('created pipeline "query"');
    expect(first.stderr).toContain('stopping with a final checkpoint');
    expect(first.stderr).toMatch(/Stopped \(paused\) at checkpoint [1-9]/);
    expect(processesWith(prefix)).toEqual([]);
    // The final checkpoint's output is committed by the time the run has stopped (~300 rows at 200/s).
    const afterFirst = await countersIn(stream);
    expect(afterFirst.length).toBeGreaterThan(100);
    expect(afterFirst).toEqual(range(afterFirst.length));

    // Reformatted and commented, it is still the same pipeline.
    const again = `-- the same pipeline\n${sql.replace(/ /g, '  ').replace(/\n/g, '\n\n')}\n`;
    const second = await runFor(queryFile('resume2', again), 1500);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('resuming it from its last checkpoint');
    expect(processesWith(prefix)).toEqual([]);
    const afterSecond = await countersIn(stream);
    // Nothing repeated, nothing skipped: the counter went on from the final checkpoint.
    expect(afterSecond.length).toBeGreaterThan(afterFirst.length + 100);
    expect(afterSecond).toEqual(range(afterSecond.length));
    await t.jsm.streams.delete(stream);
  });

  it("a terminal's Ctrl-C (SIGINT to the whole process group) still stops with a final checkpoint", async () => {
    const prefix = uniqueName('runt');
    const stream = uniqueName('RUNT');
    const file = queryFile('terminal', impulseToJetStream(stream, `${stream}.out`, 100));
    let sent = false;
    const ran = await rivulet(['run', file, ...common(prefix, 'terminal')], {
      watch: (out, signal) => {
        if (sent || !out.stderr.includes('is Running')) return;
        sent = true;
        setTimeout(() => signal('SIGINT', true), 1000);
      },
    });
    expect(sent).toBe(true);
    expect(ran.code).toBe(0);
    // The workers must not die of the terminal's SIGINT before the final checkpoint is taken.
    expect(ran.stderr).toMatch(/Stopped \(paused\) at checkpoint [1-9]/);
    expect(processesWith(prefix)).toEqual([]);
    const counters = await countersIn(stream);
    expect(counters.length).toBeGreaterThan(0);
    expect(counters).toEqual(range(counters.length));
    await t.jsm.streams.delete(stream);
  });
});

describe('rivulet run: the state belongs to one pipeline', () => {
  it('refuses a different query, and with --force cancels and forgets the old one', async () => {
    const prefix = uniqueName('runf');
    // Each pipeline writes its own stream: a sink leaves an existing stream's subjects alone.
    const stream = uniqueName('RUNF');
    const streamB = `${stream}_B`;
    const fileA = queryFile('force-a', impulseToJetStream(stream, `${stream}.a`, 50));
    const fileB = queryFile('force-b', impulseToJetStream(streamB, `${streamB}.b`, 50));
    /** Ctrl-C once the pipeline is Running. */
    const stopWhenRunning = (): RunOptions['watch'] => {
      let sent = false;
      return (out, signal) => {
        if (sent || !out.stderr.includes('is Running')) return;
        sent = true;
        setTimeout(() => signal('SIGINT'), 300);
      };
    };

    const a = await rivulet(['run', '-n', 'pipeline-a', fileA, ...common(prefix, 'force')], { watch: stopWhenRunning() });
    expect(a.code).toBe(0);
    const store = await JobStore.open(t.nc, prefix);
    const [jobA] = await store.list();
    expect(jobA).toMatchObject({ state: 'Stopped', spec: { name: 'pipeline-a' } });

    const refused = await rivulet(['run', fileB, ...common(prefix, 'force')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is for a different pipeline');
    expect(refused.stderr).toContain(jobA!.job_id);
    expect(refused.stderr).toContain('--force');
    expect(processesWith(prefix)).toEqual([]);
    expect((await store.list()).map((j) => j.job_id)).toEqual([jobA!.job_id]);

    const forced = await rivulet(['run', '--force', '-n', 'pipeline-b', fileB, ...common(prefix, 'force')], { watch: stopWhenRunning() });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('cancelling and forgetting');
    const left = await store.list();
    // The old pipeline is gone with its record; only B remains, stopped and resumable.
    expect(left.map((j) => (j.spec as { name: string }).name)).toEqual(['pipeline-b']);
    expect(left[0]).toMatchObject({ state: 'Stopped' });
    expect(processesWith(prefix)).toEqual([]);

    const resumed = await rivulet(['run', fileB, ...common(prefix, 'force')], { watch: stopWhenRunning() });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('resuming');
    await t.jsm.streams.delete(stream).catch(() => undefined);
    await t.jsm.streams.delete(streamB).catch(() => undefined);
  });
});

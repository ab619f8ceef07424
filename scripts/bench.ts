// `npm run bench [-- --quick] [-- --json FILE] [-- --api]`: throughput of Rivulet jobs on the embedded stack,
// beside a raw JetStream copy measured in the same run. Speed goals live here, never in tests.
//
// Each job is bounded (impulse with `count`) and timed from submit until it is Finished; results
// are checked (every record processed) so a fast wrong run cannot pass.

import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RivuletClient } from '../src/api/client.js';
import { createLogger } from '../src/log.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { startStack } from '../src/stack.js';
import { apiBenchmark, PACE_MS } from './bench/api.js';
import { jetstreamCopyBaseline, type BaselineResult } from './bench/baseline.js';
import { LATENCY_QUERIES, measureLatency, type LatencyResult } from './bench/latency.js';
import { passthroughBenchmark, type PassthroughResult } from './bench/passthrough.js';

interface QueryResult {
  name: string;
  parallelism: number;
  events: number;
  seconds: number;
  events_per_sec: number;
  events_per_sec_per_core: number;
  peak_rss_mb: number;
  checkpoints: number;
  checkpoint_ms: number | null;
  state_bytes: number | null;
  /** End-to-end latency of the same query paced at 10k events/s (bench/latency.ts); null if not measured. */
  p50_ms: number | null;
  p99_ms: number | null;
}

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, json: { type: 'string' }, only: { type: 'string' }, api: { type: 'boolean' } } });
/**
 * `--only <text>[,<text>…]`: run only the jobs whose name contains one of them (latency runs are
 * named `latency <query>`; also `baseline`, `passthrough`).
 */
const only = values.only?.split(',').map((x) => x.trim());
const selected = (name: string) => only === undefined || only.some((o) => name.includes(o));
const quick = values.quick === true;
const COUNT = quick ? 5_000_000 : 50_000_000;
const AGG_COUNT = quick ? 10_000_000 : 60_000_000;
const CHECKPOINT_MS = quick ? 2_000 : 10_000;
/**
 * Events per Nexmark query: quick runs are a smoke check (~1-5 s each); full runs last about 30 s
 * at the speeds measured on 2 cores, so each sees a few 10 s checkpoints. q7 is held shorter: its
 * join keeps every bid for the TTL (1 minute of processing time), so unpaced its state grows with
 * the count (8 M events made checkpoints of hundreds of MB whose synchronous capture stalled the
 * worker past its heartbeat timeout).
 */
const NEXMARK_COUNTS: Record<string, number> = quick
  ? { q0: 2_000_000, q1: 2_000_000, q2: 2_000_000, q5: 2_000_000, q7: 2_000_000, q8: 2_000_000 }
  : { q0: 60_000_000, q1: 75_000_000, q2: 90_000_000, q5: 18_000_000, q7: 3_000_000, q8: 35_000_000 };
const NEXMARK_QUERIES = ['q0', 'q1', 'q2', 'q5', 'q7', 'q8'];

/**
 * A Nexmark example query, bounded to NEXMARK_COUNTS[name] events and writing to a blackhole, so the
 * figure is the engine's and not the preview subject's.
 */
function nexmark(name: string, parallelism: number): { name: string; query: string; config: unknown; events: number } {
  const count = NEXMARK_COUNTS[name]!;
  const text = readFileSync(path.join(PACKAGE_ROOT, 'examples', 'nexmark', `${name}.sql`), 'utf8');
  const bounded = text.replace(/WITH \(connector = 'nexmark'[^)]*\)/, `WITH (connector = 'nexmark', count = '${count}')`);
  const at = bounded.lastIndexOf('\nSELECT');
  const query = `${bounded.slice(0, at)}\nCREATE TABLE bench_out WITH (connector = 'blackhole');\nINSERT INTO bench_out${bounded.slice(at)}`;
  return { name: `nexmark-${name}-${parallelism}`, query, config: { parallelism, batch_size: 8192, checkpoint_interval_ms: CHECKPOINT_MS }, events: count };
}

/** Keyed updating aggregation over 10,000 keys, checkpointed every CHECKPOINT_MS. */
function aggregation(name: string, parallelism: number): unknown {
  return {
    name,
    config: { parallelism, batch_size: 8192, checkpoint_interval_ms: CHECKPOINT_MS },
    sources: [{ type: 'impulse', config: { count: AGG_COUNT } }],
    transformations: [
      { type: 'project', config: { expressions: ['counter % 10000 AS k', 'counter % 97 AS amount'] } },
      { type: 'aggregate', config: { group_by: ['k'], aggregates: ['count(*) AS n', 'sum(amount) AS total', 'max(amount) AS hi'] } },
    ],
    sinks: [{ type: 'blackhole', config: {} }],
  };
}

function pipeline(name: string, parallelism: number, keyBy: boolean): unknown {
  return {
    name,
    config: { parallelism, batch_size: 8192 },
    sources: [{ type: 'impulse', config: { count: COUNT } }],
    transformations: [
      { type: 'filter', config: { condition: 'counter % 4 <> 3' } },
      ...(keyBy ? [{ type: 'key_by', config: { keys: ['subtask_index'] } }] : []),
      { type: 'project', config: { expressions: ['counter', 'counter * 2 + 1 AS odd', 'subtask_index'] } },
    ],
    sinks: [{ type: 'blackhole', config: {} }],
  };
}

/** `--api`: only the API latency benchmark (bench/api.ts). */
async function apiMain(): Promise<void> {
  const results = await apiBenchmark(createLogger('bench', { level: 'warn', pretty: false }), values.only ? { only: values.only } : {});
  console.log(`\njob API latency, 100 jobs present (10 running), 50 concurrent clients: paced (one request per ${PACE_MS} ms each) and saturated (back to back):`);
  printTable(
    ['transport', 'op', 'load', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms'],
    results.map((r) => [r.transport, r.op, r.load, String(r.requests), r.per_sec.toLocaleString(), String(r.p50_ms), String(r.p99_ms), String(r.max_ms)]),
  );
  console.log(`\nmachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ api: results }, null, 2));
}

async function main(): Promise<void> {
  if (values.api) return apiMain();
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'rivulet-bench-'));
  const log = createLogger('bench', { level: 'warn', pretty: false });
  const stack = await startStack({ stateDir, workers: 2, prefix: 'bench', log, workerStdout: 'ignore' });
  const client = new RivuletClient(stack.nc, 'bench');
  const results: QueryResult[] = [];
  let baseline: BaselineResult | null = null;
  const latency: LatencyResult[] = [];
  let passthrough: PassthroughResult | null = null;
  try {
    // First, on fresh workers: its RSS halves show whether memory stays flat under a slow sink.
    if (selected('passthrough')) {
      const workerRss = () => Math.max(0, ...stack.controller.workers.live().map((w) => w.rss_bytes / 1024 ** 2));
      passthrough = await passthroughBenchmark(stack.nc, client, quick ? 200_000 : 1_000_000, workerRss);
      process.stderr.write(`  passthrough: ${passthrough.passthrough_events_per_sec.toLocaleString()} events/s (raw copy ${passthrough.copy_events_per_sec.toLocaleString()})\n`);
    }
    const cases: Array<[string, number, unknown]> = [
      ['impulse→filter→project→blackhole', 1, pipeline('bench-1', 1, false)],
      ['impulse→filter→project→blackhole', 2, pipeline('bench-2', 2, false)],
      ['same with key_by shuffle (JetStream between the two workers)', 2, pipeline('bench-2-shuffle', 2, true)],
      [`keyed aggregate, 10k keys, checkpoint every ${CHECKPOINT_MS / 1000}s`, 1, aggregation('bench-agg-1', 1)],
      [`keyed aggregate, 10k keys, checkpoint every ${CHECKPOINT_MS / 1000}s`, 2, aggregation('bench-agg-2', 2)],
      ...NEXMARK_QUERIES.flatMap((q): Array<[string, number, unknown]> => [
        [`nexmark ${q}`, 1, nexmark(q, 1)],
        [`nexmark ${q}`, 2, nexmark(q, 2)],
      ]),
    ];
    for (const [name, p, spec] of cases) {
      if (!selected(name)) continue;
      const rssPeak = { mb: 0 };
      const watch = setInterval(() => {
        for (const w of stack.controller.workers.live()) rssPeak.mb = Math.max(rssPeak.mb, w.rss_bytes / 1024 ** 2);
      }, 250);
      const t0 = performance.now();
      const { events: _counted, ...body } = spec as { events?: number };
      const { job_id } = await client.submit(body);
      const done = await client.waitForState(job_id, ['Finished'], 600_000);
      clearInterval(watch);
      // Wall clock from submit until Finished was seen: includes compiling and deploying (a few
      // ms) and up to one 50 ms poll, so the figure errs low rather than high.
      const seconds = (performance.now() - t0) / 1000;
      const events = (spec as { events?: number }).events ?? (spec as { sources: Array<{ config: { count: number } }> }).sources[0]!.config.count;
      if (done.metrics.events_processed !== events) throw new Error(`${name} p=${p}: processed ${done.metrics.events_processed} of ${events}`);
      const cps = (await client.listCheckpoints(job_id)).checkpoints.filter((c) => c.status === 'completed');
      const eps = Math.round(events / seconds);
      results.push({
        name,
        parallelism: p,
        events,
        seconds,
        events_per_sec: eps,
        events_per_sec_per_core: Math.round(eps / p),
        peak_rss_mb: Math.round(rssPeak.mb),
        checkpoints: cps.length,
        checkpoint_ms: cps.length ? Math.round(cps.reduce((n, c) => n + c.duration_ms!, 0) / cps.length) : null,
        state_bytes: cps.length ? cps.at(-1)!.size_bytes : null,
        p50_ms: null,
        p99_ms: null,
      });
      process.stderr.write(`  ${name} p=${p}: ${eps.toLocaleString()} events/s\n`);
    }
    for (const q of LATENCY_QUERIES) {
      if (!selected(`latency ${q}`)) continue;
      for (const p of [1, 2]) {
        const l = await measureLatency(stack.nc, client, q, p, 10_000, quick ? 4 : 10);
        latency.push(l);
        process.stderr.write(`  latency ${q} p=${p}: p50 ${l.p50_ms} ms, p99 ${l.p99_ms} ms (${l.records} records)\n`);
        const r = results.find((x) => x.name === `nexmark ${q}` && x.parallelism === p);
        if (r) Object.assign(r, { p50_ms: l.p50_ms, p99_ms: l.p99_ms });
      }
    }
    if (selected('baseline')) baseline = await jetstreamCopyBaseline(stack.nc, quick ? 500 : 2000, 8192);
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }

  const rows = results.map((r) => [
    r.name,
    String(r.parallelism),
    r.events_per_sec.toLocaleString(),
    r.events_per_sec_per_core.toLocaleString(),
    r.seconds.toFixed(2),
    String(r.peak_rss_mb),
    r.checkpoints ? `${r.checkpoints} × ${r.checkpoint_ms} ms` : '-',
    r.state_bytes === null ? '-' : `${Math.round(r.state_bytes / 1024)} KiB`,
    r.p50_ms === null ? '-' : `${r.p50_ms} / ${r.p99_ms}`,
  ]);
  printTable(['job', 'p', 'events/s', 'events/s/core', 'seconds', 'peak worker RSS MB', 'checkpoints (mean)', 'state', 'p50 / p99 ms'], rows);
  console.log('\nend-to-end latency at 10,000 events/s (arrival on a NATS subject minus event time, or minus window end for q5/q7/q8):');
  printTable(
    ['query', 'p', 'records', 'p50 ms', 'p99 ms'],
    latency.map((l) => [`nexmark ${l.query}`, String(l.parallelism), String(l.records), String(l.p50_ms), String(l.p99_ms)]),
  );
  if (baseline) {
    console.log(`\nraw JetStream copy (ordered consumer → pipelined publish, ${baseline.rows_per_message}-row Arrow batches of ${baseline.bytes_per_message} B):`);
    console.log(`  ${baseline.events_per_sec.toLocaleString()} events/s, ${baseline.mib_per_sec} MiB/s`);
  }
  if (passthrough) {
    console.log(`\nJetStream → JetStream, ${passthrough.messages.toLocaleString()} JSON records of ~${passthrough.bytes_per_message} B, one per message:`);
    console.log(`  raw copy (ordered consumer → pipelined publish with Nats-Msg-Id): ${passthrough.copy_events_per_sec.toLocaleString()} events/s`);
    console.log(`  Rivulet SQL passthrough, exactly-once sink, p=1: ${passthrough.passthrough_events_per_sec.toLocaleString()} events/s = ${passthrough.ratio} × raw copy`);
    console.log(`  its sink is slower than its source (commits publish one message per record): peak worker RSS ${passthrough.rss_first_half_mb} MB in the first half, ${passthrough.rss_second_half_mb} MB in the second`);
  }
  console.log(`\nmachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, node ${process.version}`);
  if (values.json) {
    const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, memory_gib: Math.round(os.totalmem() / 1024 ** 3), node: process.version };
    writeFileSync(values.json, JSON.stringify({ machine, queries: results, latency, baselines: {
      // The raw copy of the passthrough's own messages (same payloads), and the job itself.
      jetstream_copy_events_per_sec: passthrough?.copy_events_per_sec ?? null,
      passthrough_events_per_sec: passthrough?.passthrough_events_per_sec ?? null,
      passthrough_ratio: passthrough?.ratio ?? null,
      passthrough_rss_mb: passthrough ? [passthrough.rss_first_half_mb, passthrough.rss_second_half_mb] : null,
      // Rows/s of a raw copy of 8192-row Arrow batches: what JetStream carries for shuffles.
      arrow_batch_copy_events_per_sec: baseline?.events_per_sec ?? null,
    } }, null, 2));
  }
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(line(r));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

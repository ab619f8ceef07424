// `npm run bench [-- --quick] [-- --json FILE]`: throughput of Rivulet jobs on the embedded stack,
// beside a raw JetStream copy measured in the same run. Speed goals live here, never in tests.
//
// Each job is bounded (impulse with `count`) and timed from submit until it is Finished; results
// are checked (every record processed) so a fast wrong run cannot pass.

import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RivuletClient } from '../src/api/client.js';
import { createLogger } from '../src/log.js';
import { startStack } from '../src/stack.js';
import { jetstreamCopyBaseline, type BaselineResult } from './bench/baseline.js';

interface QueryResult {
  name: string;
  parallelism: number;
  events: number;
  seconds: number;
  events_per_sec: number;
  events_per_sec_per_core: number;
  peak_rss_mb: number;
}

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, json: { type: 'string' } } });
const quick = values.quick === true;
const COUNT = quick ? 5_000_000 : 50_000_000;

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

async function main(): Promise<void> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'rivulet-bench-'));
  const log = createLogger('bench', { level: 'warn', pretty: false });
  const stack = await startStack({ stateDir, workers: 2, prefix: 'bench', log, workerStdout: 'ignore' });
  const client = new RivuletClient(stack.nc, 'bench');
  const results: QueryResult[] = [];
  let baseline: BaselineResult | null = null;
  try {
    const cases: Array<[string, number, boolean]> = [
      ['impulse→filter→project→blackhole', 1, false],
      ['impulse→filter→project→blackhole', 2, false],
      ['same with key_by shuffle (JetStream hop)', 2, true],
    ];
    for (const [name, p, keyBy] of cases) {
      const rssPeak = { mb: 0 };
      const watch = setInterval(() => {
        for (const w of stack.controller.workers.live()) rssPeak.mb = Math.max(rssPeak.mb, w.rss_bytes / 1024 ** 2);
      }, 250);
      const t0 = performance.now();
      const { job_id } = await client.submit(pipeline(`bench-${p}${keyBy ? "-shuffle" : ""}`, p, keyBy));
      const done = await client.waitForState(job_id, ['Finished'], 600_000);
      clearInterval(watch);
      // Wall clock from submit until Finished was seen: includes compiling and deploying (a few
      // ms) and up to one 50 ms poll, so the figure errs low rather than high.
      const seconds = (performance.now() - t0) / 1000;
      if (done.metrics.events_processed !== COUNT) throw new Error(`${name} p=${p}: processed ${done.metrics.events_processed} of ${COUNT}`);
      const eps = Math.round(COUNT / seconds);
      results.push({ name, parallelism: p, events: COUNT, seconds, events_per_sec: eps, events_per_sec_per_core: Math.round(eps / p), peak_rss_mb: Math.round(rssPeak.mb) });
      process.stderr.write(`  ${name} p=${p}: ${eps.toLocaleString()} events/s\n`);
    }
    baseline = await jetstreamCopyBaseline(stack.nc, quick ? 500 : 2000, 8192);
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }

  const rows = results.map((r) => [r.name, String(r.parallelism), r.events_per_sec.toLocaleString(), r.events_per_sec_per_core.toLocaleString(), r.seconds.toFixed(2), String(r.peak_rss_mb)]);
  printTable(['job', 'p', 'events/s', 'events/s/core', 'seconds', 'peak worker RSS MB'], rows);
  if (baseline) {
    console.log(`\nraw JetStream copy (ordered consumer → pipelined publish, ${baseline.rows_per_message}-row Arrow batches of ${baseline.bytes_per_message} B):`);
    console.log(`  ${baseline.events_per_sec.toLocaleString()} events/s, ${baseline.mib_per_sec} MiB/s`);
  }
  console.log(`\nmachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, node ${process.version}`);
  if (values.json) {
    const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, memory_gib: Math.round(os.totalmem() / 1024 ** 3), node: process.version };
    writeFileSync(values.json, JSON.stringify({ machine, queries: results, baselines: { jetstream_copy_events_per_sec: baseline?.events_per_sec ?? null } }, null, 2));
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

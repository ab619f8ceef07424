// `npm run bench -- --api`: latency of jobs.get and jobs.list with 100 jobs present and 50
// concurrent clients, over NATS request-reply and over HTTP (seed 001 asks < 100 ms; the goal
// here is p99 < 5 ms). Two loads: `paced`, each client sends one request every PACE_MS (an open
// loop: latency counts from when the request was due, so a stalled server cannot hide its
// backlog), and `saturated`, each client sends its next request as soon as the last one is
// answered (the throughput ceiling; latency there is mostly queueing, 50 / throughput).
// The clients run in a worker thread: their event loop is not the controller's.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Logger } from 'pino';
import { RivuletClient } from '../../src/api/client.js';
import { connectNats } from '../../src/nats/connect.js';
import { startStack } from '../../src/stack.js';

export interface ApiBenchResult {
  transport: 'nats' | 'http';
  op: 'get' | 'list';
  load: 'paced' | 'saturated';
  requests: number;
  per_sec: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

interface ClientPlan {
  natsUrl: string;
  prefix: string;
  httpUrl: string;
  jobIds: string[];
  clients: number;
  seconds: number;
  loads: ApiBenchResult['load'][];
  /** Only the phases whose name (`nats get`, `http list`, …) contains this. */
  only?: string;
}

/** Each paced client's interval: 50 clients → 500 requests/s. */
export const PACE_MS = 100;
const JOBS = 100;
const RUNNING = 10;
const PREFIX = 'bench-api';

export async function apiBenchmark(log: Logger, o: { clients?: number; seconds?: number; loads?: ApiBenchResult['load'][]; only?: string } = {}): Promise<ApiBenchResult[]> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'rivulet-bench-api-'));
  const stack = await startStack({ stateDir, workers: 2, prefix: PREFIX, log, workerStdout: 'ignore', httpPort: 0 });
  const client = new RivuletClient(stack.nc, PREFIX);
  try {
    // 90 short bounded jobs (Finished, as most jobs of a long-lived deployment) and 10 running
    // ones, checkpointing every second, so `get` has checkpoints to read.
    const jobIds: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const live = i < RUNNING;
      const spec = {
        name: `api-bench-${i}`,
        config: { checkpoint_interval_ms: 1000 },
        sources: [{ type: 'impulse', config: live ? { event_rate: 10 } : { count: 10 } }],
        sinks: [{ type: 'blackhole', config: {} }],
      };
      jobIds.push((await client.submit(spec)).job_id);
      if (!live) await client.waitForState(jobIds.at(-1)!, ['Finished'], 30_000);
    }
    await new Promise((r) => setTimeout(r, 3000)); // a few checkpoints of the running jobs
    const plan: ClientPlan = { natsUrl: stack.natsUrl, prefix: PREFIX, httpUrl: stack.controller.http!.url, jobIds, clients: o.clients ?? 50, seconds: o.seconds ?? 5, loads: o.loads ?? ['paced', 'saturated'], ...(o.only ? { only: o.only } : {}) };
    const worker = new Worker(new URL(import.meta.url), { workerData: { apiBench: plan } });
    const results = await new Promise<ApiBenchResult[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    for (const id of jobIds.slice(0, RUNNING)) await client.cancel(id);
    return results;
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** In the worker: each phase runs `clients` loops of back-to-back requests for `seconds`. */
async function runClients(p: ClientPlan): Promise<ApiBenchResult[]> {
  const conns = await Promise.all(Array.from({ length: p.clients }, (_x, i) => connectNats(p.natsUrl, `api-bench-${i}`)));
  const nats = conns.map((nc) => new RivuletClient(nc, p.prefix));
  const pick = () => p.jobIds[Math.floor(Math.random() * p.jobIds.length)]!;
  const http = async (url: string) => {
    const res = await fetch(url);
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    await res.arrayBuffer();
  };
  const calls: Record<string, (i: number) => Promise<unknown>> = {
    'nats get': (i) => nats[i]!.get(pick()),
    'nats list': (i) => nats[i]!.list(),
    'http get': () => http(`${p.httpUrl}/api/v1/jobs/${pick()}`),
    'http list': () => http(`${p.httpUrl}/api/v1/jobs`),
  };
  const results: ApiBenchResult[] = [];
  for (const [name, call] of Object.entries(calls)) {
    if (p.only && !name.includes(p.only)) continue;
    const [transport, op] = name.split(' ') as [ApiBenchResult['transport'], ApiBenchResult['op']];
    await phase(p.clients, 0.5, null, call); // warm-up: connections, JIT
    for (const load of p.loads) {
      const samples = await phase(p.clients, p.seconds, load === 'paced' ? PACE_MS : null, call);
      samples.sort((a, b) => a - b);
      const q = (f: number) => Math.round(samples[Math.min(samples.length - 1, Math.floor(f * samples.length))]! * 100) / 100;
      results.push({ transport, op, load, requests: samples.length, per_sec: Math.round(samples.length / p.seconds), p50_ms: q(0.5), p99_ms: q(0.99), max_ms: q(1) });
    }
  }
  await Promise.all(conns.map((nc) => nc.close()));
  return results;
}

/** Latencies of `clients` loops for `seconds`: back to back, or one request per `paceMs` each. */
async function phase(clients: number, seconds: number, paceMs: number | null, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_x, i) => {
      // Paced clients start spread over one interval, then keep their schedule.
      let due = paceMs === null ? 0 : start + (paceMs * i) / clients;
      for (;;) {
        let t0 = performance.now();
        if (paceMs !== null) {
          const wait = due - t0;
          // On schedule: timed from when it goes out (not the timer's lateness). Behind schedule
          // (the last reply came after this one was due): timed from when it was due.
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          t0 = wait > 0 ? performance.now() : due;
        }
        if (t0 >= end) return;
        await call(i);
        samples.push(performance.now() - t0);
        if (paceMs !== null) due += paceMs;
      }
    }),
  );
  return samples;
}

const plan = (workerData as { apiBench?: ClientPlan } | null)?.apiBench;
if (!isMainThread && plan) void runClients(plan).then((r) => parentPort!.postMessage(r));

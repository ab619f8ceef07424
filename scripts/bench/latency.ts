// End-to-end latency of a paced Nexmark query: the generator runs in real time (event time =
// wall clock at generation), the query writes to a core NATS subject, and each arriving record's
// latency is its arrival time minus its event time (`datetime`), on the same machine's clock.

import type { NatsConnection } from '@nats-io/nats-core';
import type { RivuletClient } from '../../src/api/client.js';

export interface LatencyResult {
  query: string;
  parallelism: number;
  rate: number;
  records: number;
  p50_ms: number;
  p99_ms: number;
}

const QUERIES: Record<string, string> = {
  q0: 'SELECT bid.auction, bid.bidder, bid.price, bid.datetime FROM nexmark WHERE bid IS NOT NULL',
  q1: 'SELECT bid.auction, bid.bidder, bid.price * 0.908 AS price, bid.datetime FROM nexmark WHERE bid IS NOT NULL',
};

export const LATENCY_QUERIES = Object.keys(QUERIES);

export async function measureLatency(nc: NatsConnection, client: RivuletClient, name: string, parallelism: number, rate: number, seconds: number): Promise<LatencyResult> {
  const subject = `bench.latency.${name}.${parallelism}.${process.pid}`;
  const query = `CREATE TABLE nexmark WITH (connector = 'nexmark', realtime = 'true', event_rate = '${rate}', runtime = '${seconds}');
CREATE TABLE out WITH (connector = 'nats', subject = '${subject}', format = 'json');
INSERT INTO out ${QUERIES[name]};`;
  const latencies: number[] = [];
  const sub = nc.subscribe(subject, {
    callback: (_e, m) => {
      const at = Date.now();
      latencies.push(at - Date.parse(m.json<{ datetime: string }>().datetime));
    },
  });
  await nc.flush();
  const { job_id } = await client.submit({ name: `latency-${name}-${parallelism}`, query, config: { parallelism } });
  await client.waitForState(job_id, ['Finished'], 120_000);
  await new Promise((r) => setTimeout(r, 200));
  sub.unsubscribe();
  // The first second includes deploying and warming up; measure the steady part.
  const steady = latencies.slice(Math.floor(latencies.length / 3)).sort((a, b) => a - b);
  const pct = (p: number) => steady[Math.min(steady.length - 1, Math.floor(p * steady.length))] ?? NaN;
  return { query: name, parallelism, rate, records: latencies.length, p50_ms: pct(0.5), p99_ms: pct(0.99) };
}

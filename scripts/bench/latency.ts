// End-to-end latency of a paced Nexmark query: the generator runs in real time (event time =
// wall clock at generation), the query writes to a core NATS subject, and each arriving record's
// latency is its arrival time minus `t`, on the same machine's clock. For the stateless queries
// (q0–q2) `t` is the event's time; for the windowed ones (q5, q7, q8) it is the end of the
// record's window, the earliest instant the result could exist. The windowed variants use short
// windows (q5: hop 100 ms / 500 ms; q7 and q8: tumble 200 ms) so a short run closes many, and a 10 ms watermark delay (the
// realtime generator's events are at most 5 ms out of order at 10k events/s, so none is late):
// their latency is that delay plus the time to close the window, join and publish.

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

const BID = `CREATE VIEW bid AS SELECT bid.auction AS auction, bid.bidder AS bidder, bid.price AS price, bid.datetime AS datetime FROM nexmark WHERE bid IS NOT NULL;`;

/** Each query's statements after the source table; its output has a timestamp column `t`. */
const QUERIES: Record<string, string> = {
  q0: 'INSERT INTO out SELECT bid.auction, bid.bidder, bid.price, bid.datetime AS t FROM nexmark WHERE bid IS NOT NULL;',
  q1: 'INSERT INTO out SELECT bid.auction, bid.bidder, bid.price * 0.908 AS price, bid.datetime AS t FROM nexmark WHERE bid IS NOT NULL;',
  q2: 'INSERT INTO out SELECT bid.auction, bid.price, bid.datetime AS t FROM nexmark WHERE bid IS NOT NULL AND bid.auction % 123 = 0;',
  q5: `INSERT INTO out SELECT AuctionBids.auction, AuctionBids.num, AuctionBids.window.end AS t
FROM (SELECT bid.auction AS auction, count(*) AS num, hop(interval '100 milliseconds', interval '500 milliseconds') AS window
      FROM nexmark WHERE bid IS NOT NULL GROUP BY auction, window) AS AuctionBids
JOIN (SELECT max(CountBids.num) AS maxn, CountBids.window
      FROM (SELECT count(*) AS num, hop(interval '100 milliseconds', interval '500 milliseconds') AS window
            FROM nexmark WHERE bid IS NOT NULL GROUP BY bid.auction, window) AS CountBids
      GROUP BY CountBids.window) AS MaxBids
ON AuctionBids.window = MaxBids.window AND AuctionBids.num >= MaxBids.maxn;`,
  q7: `${BID}
INSERT INTO out SELECT B.auction, B.price, B.bidder, M.window.end AS t
FROM bid AS B
JOIN (SELECT max(price) AS maxprice, tumble(interval '200 milliseconds') AS window FROM bid GROUP BY window) AS M ON B.price = M.maxprice
WHERE B.datetime >= M.window.start AND B.datetime < M.window.end;`,
  q8: `INSERT INTO out SELECT P.id, P.name, P.window.end AS t
FROM (SELECT person.id AS id, person.name AS name, tumble(interval '200 milliseconds') AS window
      FROM nexmark WHERE person IS NOT NULL GROUP BY 1, 2, window) AS P
JOIN (SELECT auction.seller AS seller, tumble(interval '200 milliseconds') AS window
      FROM nexmark WHERE auction IS NOT NULL GROUP BY 1, window) AS A
ON P.id = A.seller AND P.window = A.window;`,
};

export const LATENCY_QUERIES = Object.keys(QUERIES);

export async function measureLatency(nc: NatsConnection, client: RivuletClient, name: string, parallelism: number, rate: number, seconds: number): Promise<LatencyResult> {
  const subject = `rivulet-bench.latency.${name}.${parallelism}.${process.pid}`;
  const query = `CREATE TABLE nexmark WITH (connector = 'nexmark', realtime = 'true', event_rate = '${rate}', runtime = '${seconds}', watermark_delay = '10 milliseconds');
CREATE TABLE out WITH (connector = 'nats', subject = '${subject}', format = 'json');
${QUERIES[name]}`;
  const samples: { at: number; latency: number }[] = [];
  const sub = nc.subscribe(subject, {
    callback: (_e, m) => {
      const at = Date.now();
      samples.push({ at, latency: at - Date.parse(m.json<{ t: string }>().t) });
    },
  });
  await nc.flush();
  const t0 = Date.now();
  const { job_id } = await client.submit({ name: `latency-${name}-${parallelism}`, query, config: { parallelism } });
  await client.waitForState(job_id, ['Finished'], 120_000);
  await new Promise((r) => setTimeout(r, 200));
  sub.unsubscribe();
  // The steady part: not the first third (deploying, warming up), nor what arrived after the
  // generator's last event (the end of input closes every open window at once).
  const end = t0 + seconds * 1000;
  const steady = samples
    .filter((s) => s.at >= t0 + (seconds * 1000) / 3 && s.at <= end)
    .map((s) => s.latency)
    .sort((a, b) => a - b);
  const pct = (p: number) => steady[Math.min(steady.length - 1, Math.floor(p * steady.length))] ?? NaN;
  return { query: name, parallelism, rate, records: steady.length, p50_ms: pct(0.5), p99_ms: pct(0.99) };
}

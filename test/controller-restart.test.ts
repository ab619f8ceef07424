// A controller that dies (as in a crash: its runs are left to the workers) and is started again
// re-adopts its jobs from the job store and recovers them from their last checkpoint, exactly.

import { describe, expect, it } from 'vitest';
import { startController } from '../src/controller/controller.js';
import { createLogger } from '../src/log.js';
import { connectNats } from '../src/nats/connect.js';
import { aggSpec, expectExactlyOnce, matchesReference, reference, txs, type AggRow } from './helpers/aggregates.js';
import { eventually } from './helpers/collect.js';
import { getTestNatsUrl, uniqueName } from './helpers/nats.js';
import { useTestStack } from './helpers/stack.js';
import { fillStream, readStream } from './helpers/streams.js';

const t = useTestStack({ workers: 2, heartbeatTimeoutMs: 1500 });

describe('controller restart', () => {
  it('a restarted controller re-adopts the job, which keeps its state and finishes exactly', async () => {
    const n = { inStream: uniqueName('IN'), inSubject: uniqueName('agg_in'), outStream: uniqueName('OUT'), outSubject: uniqueName('agg_out') };
    const a = txs(0, 2000);
    await fillStream(t.stack.nc, n.inStream, n.inSubject, a);
    const { job_id } = await t.client.submit(aggSpec('adopt', n.inStream, n.inSubject, n.outStream, n.outSubject, 2));
    await t.client.waitForState(job_id, ['Running']);
    await eventually(async () => (await t.client.get(job_id)).metrics.checkpoint_count > 0, 'a checkpoint');
    // As a crash would: the old controller's runs are left to the workers.
    await t.stack.controller.stop({ abandon: true });
    const b = txs(a.length, 2000);
    await fillStream(t.stack.nc, n.inStream, n.inSubject, b);
    const nc = await connectNats(getTestNatsUrl(), 'second-controller');
    const second = await startController({ nc, prefix: t.prefix, log: createLogger('second', { level: 'warn', pretty: false }), heartbeatTimeoutMs: 1500 });
    try {
      expect(second.jobs.has(job_id)).toBe(true);
      const ref = reference(a.concat(b));
      await eventually(async () => matchesReference(await readStream<AggRow>(t.stack.nc, n.outStream), ref), 'exact output after the controller restart', 45_000);
      await new Promise((r) => setTimeout(r, 500));
      expectExactlyOnce(await readStream<AggRow>(t.stack.nc, n.outStream), ref);
      const details = await t.client.get(job_id);
      expect(details.state).toBe('Running');
      await t.client.cancel(job_id);
    } finally {
      await second.stop();
      await nc.close();
    }
  });
});


import { it, expect } from 'vitest';
import { CheckpointStore } from './src/checkpoint/store.js';
import { subjects } from './src/wire.js';
import { uniqueName, useTestNats } from './test/helpers/nats.js';
const t = useTestNats('leak');
it('consumers', async () => {
  const p = uniqueName('leak');
  const s = await CheckpointStore.open(t.nc, p);
  for (let i = 0; i < 50; i++) await s.listMeta('job-x');
  await s.putMeta({ job_id: 'job-x', epoch: 1, run_id: 1, kind: 'checkpoint', savepoint_id: null, description: null, ref: 'ckpt-1', status: 'completed', start_time: 1, finish_time: 2, state_bytes: 0, parallelism: {}, nodes: {}, operators: {} });
  for (let i = 0; i < 50; i++) await s.listMeta('job-x');
  const t0 = performance.now();
  for (let i = 0; i < 50; i++) await s.listMeta('job-x');
  console.log('listMeta ms', (performance.now() - t0) / 50);
  await new Promise((r) => setTimeout(r, 500));
  const info = await t.jsm.streams.info(`KV_${subjects(p).buckets.checkpoints}`);
  console.log('consumers', info.state.consumer_count);
  expect(info.state.consumer_count).toBeLessThan(5);
});

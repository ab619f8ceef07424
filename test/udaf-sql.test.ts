// TypeScript UDFs end to end: a scalar UDF inside a UDAF's argument, in a windowed SQL query run
// on worker processes, the module shipped with the job as source text.

import { describe, expect, it } from 'vitest';
import { previewOutputs } from './helpers/collect.js';
import { useTestStack } from './helpers/stack.js';

const t = useTestStack({ workers: 1 });

const UDFS = `
import { udf, udaf } from 'rivulet/udf';
export const triple = udf({ args: ['int64'], returns: 'int64' }, (x: number) => x * 3);
export const my_sum = udaf({ args: ['int64'], returns: 'int64' }, {
  create: () => 0,
  add: (acc: number, x: number) => acc + x,
  merge: (a: number, b: number) => a + b,
  result: (acc: number) => acc,
});
`;

describe('UDFs in SQL', () => {
  it('a UDAF over a scalar UDF in a tumble window matches the plain-JS result', async () => {
    const query = `CREATE TABLE impulse WITH (connector = 'impulse', count = '200');
SELECT my_sum(triple(counter)) AS s, count(*) AS n, tumble(interval '1 hour') AS window FROM impulse GROUP BY window;`;
    const outputs = await previewOutputs<{ s: number; n: number }>(t.stack.nc, t.prefix);
    const { job_id } = await t.client.submit({ name: 'udaf', query, udfs: UDFS });
    await t.client.waitForState(job_id, ['Finished']);
    const rows = await outputs.waitFor(job_id, 1);
    outputs.stop();
    // All 200 counters fall in one or two hour windows; the sums over windows add up.
    expect(rows.reduce((a, r) => a + r.n, 0)).toBe(200);
    expect(rows.reduce((a, r) => a + r.s, 0)).toBe(3 * ((199 * 200) / 2));
  });

  // The name is taken for a scalar function, so the error is about the ungrouped column.
  it('an unknown aggregate name is a 400 with its position', async () => {
    const query = `CREATE TABLE impulse WITH (connector = 'impulse', count = '10');
SELECT nope_sum(counter) AS s, tumble(interval '1 hour') AS window FROM impulse GROUP BY window;`;
    const err = await t.client.submit({ name: 'bad', query, udfs: UDFS }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 400 });
    expect((err as { details: Array<{ line?: number }> }).details[0]!.line).toBe(2);
  });
});

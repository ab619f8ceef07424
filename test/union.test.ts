// The union operator: batches of any input pass on with their column data untouched, under one
// output schema (first input's names, nullable where any input is); mismatched inputs are refused.

import { describe, expect, it } from 'vitest';
import { JsonBatchBuilder } from '../src/dataflow/arrow/index.js';
import { buildChain } from '../src/operators/chain.js';
import { unionOperator } from '../src/operators/union.js';
import type { PhysicalTask, Schema } from '../src/types.js';

const A: Schema = { fields: [{ name: 'id', type: 'int64', nullable: false }, { name: 'name', type: 'utf8' }] };
const B: Schema = { fields: [{ name: 'n', type: 'int64' }, { name: 'label', type: 'utf8', nullable: false }] };

function batch(schema: Schema, rows: object[]) {
  const b = new JsonBatchBuilder(schema, rows.length);
  rows.forEach((r) => b.appendObject(r));
  return b.finish();
}

describe('union', () => {
  it('passes every input batch on with the same column data under the output schema', () => {
    const op = unionOperator([A, B]);
    expect(op.outputSchema).toEqual({ fields: [{ name: 'id', type: 'int64', nullable: true }, { name: 'name', type: 'utf8', nullable: true }] });
    const a = batch(A, [{ id: 1, name: 'x' }, { id: 2, name: null }]);
    const b = batch(B, [{ n: null, label: 'y' }]);
    const outA = op.process(a, 0)!;
    const outB = op.process(b, 1)!;
    expect(outA.data.children).toEqual(a.data.children);
    outB.data.children.forEach((d, i) => expect(d).toBe(b.data.children[i]));
    expect(outB.schema.fields.map((f) => f.name)).toEqual(['id', 'name']);
    expect(outA.schema.fields).toEqual(outB.schema.fields);
    expect(outA.toArray().map((r) => r.toJSON())).toEqual([{ id: 1n, name: 'x' }, { id: 2n, name: null }]);
    expect(outB.toArray().map((r) => r.toJSON())).toEqual([{ id: null, name: 'y' }]);
    expect(op.process(batch(A, []), 0)).toBeNull();
  });

  it('refuses inputs whose column types differ', () => {
    const C: Schema = { fields: [{ name: 'id', type: 'int32' }, { name: 'name', type: 'utf8' }] };
    expect(() => unionOperator([A, C])).toThrow(/union input 1/);
    expect(() => unionOperator([A]).process(batch(C, [{ id: 1, name: 'a' }]), 0)).toThrow(/expected int64, utf8/);
  });

  it('is built by the chain from the task inputs', () => {
    const task: PhysicalTask = { task_id: 'task-2', name: 'union', parallelism: 1, operators: [{ kind: 'union' }], node_ids: ['u'], inputSchema: A, outputSchema: A, inputs: [], outputs: [] };
    const chain = buildChain(task, { subtaskIndex: 0, parallelism: 1 }, [A, B]);
    expect(chain.run(batch(B, [{ n: 5, label: 'z' }]), 1)!.toArray().map((r) => r.toJSON())).toEqual([{ id: 5n, name: 'z' }]);
    // Without them, the task's input schema stands for every input.
    expect(buildChain(task, { subtaskIndex: 0, parallelism: 1 }).operators[0]!.outputSchema).toEqual({ fields: [{ name: 'id', type: 'int64', nullable: false }, { name: 'name', type: 'utf8', nullable: true }] });
  });
});

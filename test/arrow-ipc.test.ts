import * as arrow from 'apache-arrow';
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { InternalError } from '../src/errors.js';
import {
  JsonBatchBuilder,
  batchToJsonRows,
  decodeBatch,
  emptyBatch,
  encodeBatch,
  fromArrowSchema,
} from '../src/dataflow/arrow/index.js';
import type { Schema } from '../src/types.js';

const SCHEMA: Schema = {
  fields: [
    { name: 'id', type: 'int64', nullable: false },
    { name: 'i', type: 'int32' },
    { name: 'f', type: 'float64' },
    { name: 's', type: 'utf8' },
    { name: 'b', type: 'bool' },
    { name: 't', type: 'timestamp' },
  ],
};

/** Rows with every type and a null pattern that does not line up with byte boundaries. */
function sample(n: number, schema: Schema = SCHEMA): arrow.RecordBatch {
  const b = new JsonBatchBuilder(schema, 4);
  for (let k = 0; k < n; k++) {
    const row = {
      id: k * 1_000_003 - 7,
      i: k % 3 === 0 ? null : -k,
      f: k % 5 === 1 ? null : k / 3,
      s: k % 4 === 2 ? null : k % 7 === 0 ? `ü-${k}-✓` : `key-${k}`,
      b: k % 6 === 5 ? null : k % 2 === 0,
      t: k % 9 === 4 ? null : 1_700_000_000_000 + k,
    };
    expect(b.appendObject(row)).toBeNull();
  }
  return b.finish();
}

/** Rows as Arrow JS itself reads them: an oracle independent of our JSON encoder. */
function arrowRows(batch: arrow.RecordBatch): unknown[] {
  return batch.toArray().map((r) => {
    const o = r!.toJSON() as Record<string, unknown>;
    for (const k of Object.keys(o)) if (typeof o[k] === 'bigint') o[k] = Number(o[k]);
    return o;
  });
}

describe('encodeBatch / decodeBatch', () => {
  it('round-trips every type with nulls, on the first (Arrow JS) and later (own) decode paths', () => {
    const batch = sample(37);
    const bytes = encodeBatch(batch);
    const first = decodeBatch(bytes);
    const second = decodeBatch(encodeBatch(batch));
    for (const back of [first, second]) {
      expect(back.numRows).toBe(37);
      expect(arrowRows(back)).toEqual(arrowRows(batch));
      expect(batchToJsonRows(back)).toEqual(batchToJsonRows(batch));
      expect(fromArrowSchema(back.schema)).toEqual(SCHEMA);
    }
    expect(second.getChild('s')!.nullCount).toBe(batch.getChild('s')!.nullCount);
  });

  it('writes streams Arrow JS reads, and reads streams Arrow JS writes', () => {
    const batch = sample(21);
    const theirs = arrow.tableFromIPC(encodeBatch(batch));
    expect(theirs.batches).toHaveLength(1);
    expect(arrowRows(theirs.batches[0]!)).toEqual(arrowRows(batch));

    const written = arrow.RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
    decodeBatch(written); // learns the schema
    expect(arrowRows(decodeBatch(written))).toEqual(arrowRows(batch));
  });

  it('encodes sliced batches (bit offsets, rebased Utf8 offsets)', () => {
    const batch = sample(40);
    for (const [from, to] of [
      [3, 29],
      [8, 16],
      [13, 14],
      [0, 40],
    ] as const) {
      const slice = batch.slice(from, to);
      for (const back of [decodeBatch(encodeBatch(slice)), arrow.tableFromIPC(encodeBatch(slice)).batches[0]!]) {
        expect(arrowRows(back)).toEqual(arrowRows(batch).slice(from, to));
      }
    }
  });

  it('decodes from misaligned memory, Node Buffers included', () => {
    const bytes = encodeBatch(sample(10));
    decodeBatch(bytes);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(arrowRows(decodeBatch(shifted.subarray(3)))).toEqual(arrowRows(sample(10)));
    // NATS hands out Node Buffers, whose slice() is a view, not a copy.
    const buf = Buffer.alloc(bytes.length + 5);
    buf.set(bytes, 5);
    expect(arrowRows(decodeBatch(buf.subarray(5)))).toEqual(arrowRows(sample(10)));
  });

  it('handles empty batches and batches without columns', () => {
    const empty = emptyBatch(SCHEMA);
    expect(decodeBatch(encodeBatch(empty)).numRows).toBe(0);
    expect(decodeBatch(encodeBatch(empty)).numCols).toBe(6);
    const none = emptyBatch({ fields: [] });
    expect(decodeBatch(encodeBatch(none)).numCols).toBe(0);
  });

  it('concatenates a stream with several batches', () => {
    const a = sample(5);
    const b = sample(9);
    const written = arrow.RecordBatchStreamWriter.writeAll([a, b]).toUint8Array(true);
    const expected = [...arrowRows(a), ...arrowRows(b)];
    expect(arrowRows(decodeBatch(written))).toEqual(expected);
    expect(arrowRows(decodeBatch(written))).toEqual(expected);
  });

  it('falls back to Arrow JS for types Rivulet does not produce', () => {
    const table = arrow.tableFromArrays({ small: Int16Array.of(1, 2, 3), f: Float32Array.of(0.5, 1, 2) });
    const bytes = arrow.tableToIPC(table, 'stream');
    for (let k = 0; k < 2; k++) {
      const back = decodeBatch(bytes);
      expect([...back.getChild('small')!.toArray()]).toEqual([1, 2, 3]);
      expect([...back.getChild('f')!.toArray()]).toEqual([0.5, 1, 2]);
      // ...but does not write them, rather than writing them wrong
      expect(() => encodeBatch(back)).toThrow(InternalError);
    }
  });

  it('rejects garbage with an InternalError', () => {
    expect(() => decodeBatch(new Uint8Array([1, 2, 3]))).toThrow(InternalError);
    const bytes = encodeBatch(sample(8));
    decodeBatch(bytes);
    expect(() => decodeBatch(bytes.subarray(0, bytes.length - 40))).toThrow(InternalError);
  });
});

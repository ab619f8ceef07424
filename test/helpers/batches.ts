// Building Arrow batches from plain rows for operator tests, and reading them back as plain values.

import { Bool, Float64, Int32, Int64, RecordBatch, TimestampMillisecond, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { expect } from 'vitest';
import { JsonBatchBuilder } from '../../src/dataflow/arrow/index.js';
import type { FieldType, Schema } from '../../src/types.js';

export type Row = Record<string, unknown>;

/**
 * One batch of `schema` holding `rows`, decoded as a source decodes its messages (JsonBatchBuilder):
 * int64 from numbers or decimal strings, timestamps from epoch milliseconds or ISO-8601. A row the
 * decoder rejects fails the test.
 */
export function batchOf(schema: Schema, rows: readonly Row[]): RecordBatch {
  const b = new JsonBatchBuilder(schema, rows.length);
  for (const r of rows) expect(b.appendObject(r)).toBeNull();
  return b.finish();
}

const ARROW: Record<FieldType, () => DataType> = {
  int32: () => new Int32(), int64: () => new Int64(), float64: () => new Float64(),
  utf8: () => new Utf8(), bool: () => new Bool(), timestamp: () => new TimestampMillisecond(),
};

/**
 * One batch of `schema` from columns of plain values, built by Arrow itself (vectorFromArray), not
 * by Rivulet's decoder; int64 values are given as numbers (or null).
 */
export function batchOfColumns(schema: Schema, cols: Record<string, unknown[]>): RecordBatch {
  const children = Object.fromEntries(
    schema.fields.map((f) => {
      const raw = cols[f.name]!;
      const values = f.type === 'int64' ? raw.map((v) => (v === null ? null : BigInt(v as number))) : raw;
      return [f.name, vectorFromArray(values, ARROW[f.type]()).data[0]!];
    }),
  );
  return new RecordBatch(children);
}

/**
 * How an int64 (a bigint) is read back:
 * - `number`: always as a Number (exact only up to 2^53);
 * - `string-when-unsafe`: as a Number when that is exact, else as its exact decimal string;
 * - `string`: always as its decimal string.
 */
export type BigintAs = 'number' | 'string-when-unsafe' | 'string';

export interface ReadOptions {
  /** Default `number`. */
  bigint?: BigintAs;
}

function reader(opts: ReadOptions): (v: unknown) => unknown {
  switch (opts.bigint ?? 'number') {
    case 'number':
      return (v) => (typeof v === 'bigint' ? Number(v) : v);
    case 'string-when-unsafe':
      return (v) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v);
    case 'string':
      return (v) => (typeof v === 'bigint' ? v.toString() : v);
  }
}

/** A batch's rows as plain objects keyed by field name, in schema order; no batch (null) is no rows. */
export function rowsOf(batch: RecordBatch | null, opts: ReadOptions = {}): Row[] {
  if (!batch) return [];
  const read = reader(opts);
  const out: Row[] = [];
  for (let r = 0; r < batch.numRows; r++) {
    const row: Row = {};
    batch.schema.fields.forEach((f, c) => {
      row[f.name] = read(batch.getChildAt(c)!.get(r));
    });
    out.push(row);
  }
  return out;
}

/** rowsOf keeping int64 exact: a Number when that is exact, else the exact decimal string. */
export function exactRowsOf(batch: RecordBatch | null): Row[] {
  return rowsOf(batch, { bigint: 'string-when-unsafe' });
}

/** A batch's rows as arrays of their column values, in schema order; no batch (null) is no rows. */
export function tuplesOf(batch: RecordBatch | null, opts: ReadOptions = {}): unknown[][] {
  if (!batch) return [];
  const read = reader(opts);
  const cols = batch.schema.fields.map((_, c) => batch.getChildAt(c)!);
  return Array.from({ length: batch.numRows }, (_, r) => cols.map((col) => read(col.get(r))));
}

/**
 * A batch's rows as JSON texts with int64 as exact decimal strings: compared as strings, and
 * sortable, so outputs of subtasks can be compared whatever their order.
 */
export function jsonRowsOf(batch: RecordBatch | null): string[] {
  return rowsOf(batch, { bigint: 'string' }).map((row) => JSON.stringify(row));
}

import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  JsonBatchBuilder,
  batchToJsonBytes,
  batchToJsonRows,
  decodeBatch,
  encodeBatch,
  parseTimestamp,
} from '../src/dataflow/arrow/index.js';
import type { Schema } from '../src/types.js';

const ALL: Schema = {
  fields: [
    { name: 'id', type: 'int64', nullable: false },
    { name: 'n', type: 'int32' },
    { name: 'big', type: 'int64' },
    { name: 'amount', type: 'float64' },
    { name: 'name', type: 'utf8' },
    { name: 'ok', type: 'bool' },
    { name: 'ts', type: 'timestamp' },
  ],
};

const enc = new TextEncoder();
const json = (v: unknown): Uint8Array => enc.encode(typeof v === 'string' ? v : JSON.stringify(v));

function build(schema: Schema, rows: unknown[], capacity?: number): arrow.RecordBatch {
  const b = new JsonBatchBuilder(schema, capacity);
  for (const r of rows) expect(b.appendJson(json(r))).toBeNull();
  return b.finish();
}

const parsed = (batch: arrow.RecordBatch): Record<string, unknown>[] => batchToJsonRows(batch).map((s) => JSON.parse(s));

describe('JSON -> batch -> IPC -> batch -> JSON', () => {
  it('round-trips every type, with nulls', () => {
    const rows = [
      { id: 1, n: -5, big: 2 ** 40 + 3, amount: 1.5, name: 'héllo "q" \\ \n', ok: true, ts: 1700000000123 },
      { id: 2, n: null, big: null, amount: null, name: null, ok: null, ts: null },
      { id: 3, n: 2147483647, big: '-9223372036854775808', amount: -0.25, name: '', ok: false, ts: '2024-02-29T23:59:59.5Z' },
      { id: 4, name: '日本語 🎉' },
    ];
    const batch = build(ALL, rows, 2); // capacity 2 also forces every column to grow
    expect(batch.numRows).toBe(4);
    const back = decodeBatch(encodeBatch(batch));
    expect(batchToJsonRows(back)).toEqual(batchToJsonRows(batch));
    expect(parsed(back)).toEqual([
      { id: 1, n: -5, big: 2 ** 40 + 3, amount: 1.5, name: 'héllo "q" \\ \n', ok: true, ts: '2023-11-14T22:13:20.123Z' },
      { id: 2, n: null, big: null, amount: null, name: null, ok: null, ts: null },
      { id: 3, n: 2147483647, big: -9223372036854775808, amount: -0.25, name: '', ok: false, ts: '2024-02-29T23:59:59.500Z' },
      { id: 4, n: null, big: null, amount: null, name: '日本語 🎉', ok: null, ts: null },
    ]);
    // The exact digits survive (JSON.parse above rounds them).
    expect(batchToJsonRows(back)[2]).toContain('"big":-9223372036854775808,');
  });

  it('keeps int64 values beyond 2^31 and 2^53 exact', () => {
    const schema: Schema = { fields: [{ name: 'v', type: 'int64' }] };
    const batch = build(schema, [{ v: 2 ** 31 }, { v: -(2 ** 31) - 1 }, { v: 2 ** 53 - 1 }, { v: '9007199254740993' }, { v: '9223372036854775807' }]);
    const col = batch.getChild('v')!;
    expect([...col.toArray()]).toEqual([2n ** 31n, -(2n ** 31n) - 1n, 2n ** 53n - 1n, 9007199254740993n, 9223372036854775807n]);
    expect(batchToJsonRows(batch)).toEqual([
      '{"v":2147483648}',
      '{"v":-2147483649}',
      '{"v":9007199254740991}',
      '{"v":9007199254740993}',
      '{"v":9223372036854775807}',
    ]);
  });

  it('reads timestamps as ms numbers or ISO-8601 / RFC 3339 strings', () => {
    const schema: Schema = { fields: [{ name: 't', type: 'timestamp' }] };
    const batch = build(schema, [
      { t: 0 },
      { t: '2024-01-02T03:04:05Z' },
      { t: '2024-01-02T03:04:05.678+02:00' },
      { t: '2024-01-02 03:04:05.6789-0130' },
      { t: '2024-01-02' },
      { t: '2024-01-02T03:04' },
      { t: -1 },
    ]);
    expect(parsed(batch).map((r) => r['t'])).toEqual([
      '1970-01-01T00:00:00.000Z',
      '2024-01-02T03:04:05.000Z',
      '2024-01-02T01:04:05.678Z',
      '2024-01-02T04:34:05.678Z',
      '2024-01-02T00:00:00.000Z',
      '2024-01-02T03:04:00.000Z',
      '1969-12-31T23:59:59.999Z',
    ]);
    expect(parseTimestamp('0099-03-01T00:00:00Z')).toBe(new Date('0099-03-01T00:00:00Z').getTime());
    for (const bad of ['2024-02-30', '2024-13-01', '2024-01-01T24:00:00Z', 'March 7, 2024', '2024-01-01T00:00:00+25:00', '20240101']) {
      expect(parseTimestamp(bad), bad).toBeNaN();
    }
  });
});

describe('JsonBatchBuilder rejections', () => {
  const schema: Schema = {
    fields: [
      { name: 'a', type: 'utf8' },
      { name: 'x', type: 'int32' },
      { name: 'amount', type: 'float64' },
      { name: 'must', type: 'bool', nullable: false },
    ],
  };

  it('names the field and the problem', () => {
    const b = new JsonBatchBuilder(schema);
    expect(b.appendJson(json({ must: true, amount: '1.5' }))).toBe('field "amount": expected float64, got string');
    expect(b.appendJson(json({ a: 'x' }))).toBe('field "must" is required');
    expect(b.appendJson(json({ must: null }))).toBe('field "must" is required');
    expect(b.appendJson(json({ must: 1 }))).toBe('field "must": expected bool, got number');
    expect(b.appendJson(json({ must: true, x: 1.5 }))).toMatch(/^field "x": expected int32, got non-integer number/);
    expect(b.appendJson(json({ must: true, x: 2 ** 31 }))).toMatch(/^field "x": expected int32, got out-of-range number/);
    expect(b.appendJson(json({ must: true, x: '1' }))).toBe('field "x": expected int32, got string');
    expect(b.appendJson(json({ must: true, a: 5 }))).toBe('field "a": expected utf8, got number');
    expect(b.appendJson(json({ must: true, a: ['x'] }))).toBe('field "a": expected utf8, got array');
    expect(b.length).toBe(0);
  });

  it('rejects non-objects and invalid JSON', () => {
    const b = new JsonBatchBuilder(schema);
    for (const text of ['[1,2]', '"str"', '42', 'null', 'true']) expect(b.appendJson(json(text)), text).toBe('not a JSON object');
    expect(b.appendJson(json('{"must": tru'))).toMatch(/^invalid JSON: /);
    expect(b.appendJson(new Uint8Array(0))).toMatch(/^invalid JSON: /);
    expect(b.appendObject(undefined)).toBe('not a JSON object');
    expect(b.length).toBe(0);
  });

  it('leaves the builder exactly as before a bad row', () => {
    const b = new JsonBatchBuilder(schema, 1);
    expect(b.appendJson(json({ a: 'first', x: 1, amount: 1, must: true }))).toBeNull();
    // Fails on the last field after staging a string, a null and a number in the others.
    expect(b.appendJson(json({ a: 'bad-row-text', x: null, amount: 2, must: 'no' }))).not.toBeNull();
    expect(b.appendJson(json({ a: null, x: 3, amount: 'x', must: true }))).not.toBeNull();
    expect(b.appendJson(json({ x: 4, amount: 4, must: false }))).toBeNull();
    expect(b.length).toBe(2);
    const batch = b.finish();
    expect(parsed(batch)).toEqual([
      { a: 'first', x: 1, amount: 1, must: true },
      { a: null, x: 4, amount: 4, must: false },
    ]);
    const name = batch.getChild('a')!.data[0]!;
    expect(name.values.length).toBe(5); // no bytes of the rejected rows
  });

  it('ignores extra keys and inherited names, and starts over after finish()', () => {
    const s: Schema = { fields: [{ name: 'toString', type: 'utf8' }, { name: 'v', type: 'int32' }] };
    const b = new JsonBatchBuilder(s);
    expect(b.appendJson(json({ v: 1, extra: { deep: [1] } }))).toBeNull();
    expect(b.appendJson(json({ toString: 'own', v: 2 }))).toBeNull();
    expect(parsed(b.finish())).toEqual([
      { toString: null, v: 1 },
      { toString: 'own', v: 2 },
    ]);
    expect(b.length).toBe(0);
    expect(b.finish().numRows).toBe(0);
    expect(b.appendObject({ v: 7 })).toBeNull();
    expect(parsed(b.finish())).toEqual([{ toString: null, v: 7 }]);
  });

  it('checks int64 and timestamp ranges', () => {
    const s: Schema = { fields: [{ name: 'i', type: 'int64' }, { name: 't', type: 'timestamp' }] };
    const b = new JsonBatchBuilder(s);
    expect(b.appendJson(json({ i: '9223372036854775808' }))).toMatch(/^field "i": expected int64, got out-of-range string/);
    expect(b.appendJson(json({ i: '12a' }))).toMatch(/^field "i": expected int64, got non-numeric string/);
    expect(b.appendJson(json({ i: 1e19 }))).toMatch(/^field "i": expected int64, got out-of-range number/);
    expect(b.appendJson(json({ t: 'yesterday' }))).toMatch(/^field "t": expected timestamp, got string that is not ISO-8601/);
    expect(b.appendJson(json({ t: 1.5 }))).toMatch(/^field "t": expected timestamp, got number 1.5/);
    expect(b.appendJson(json({ t: true }))).toBe('field "t": expected timestamp, got boolean');
    expect(b.appendObject({ i: 5n, t: new Date(86400000) })).toBeNull();
    expect(parsed(b.finish())).toEqual([{ i: 5, t: '1970-01-02T00:00:00.000Z' }]);
  });
});

describe('batchToJsonBytes', () => {
  it('encodes each row as UTF-8 of its JSON text', () => {
    const schema: Schema = { fields: [{ name: 's', type: 'utf8' }, { name: 'f', type: 'float64' }] };
    const rows = Array.from({ length: 50 }, (_, i) => ({ s: i % 7 === 0 ? 'ünï ✓'.repeat(i) : `r${i}`, f: i / 4 }));
    const batch = build(schema, rows);
    const dec = new TextDecoder();
    const bytes = batchToJsonBytes(batch);
    expect(bytes.map((b) => JSON.parse(dec.decode(b)))).toEqual(rows);
    expect(bytes.map((b) => dec.decode(b))).toEqual(batchToJsonRows(batch));
  });

  it('writes non-finite floats as null', () => {
    const schema: Schema = { fields: [{ name: 'f', type: 'float64' }] };
    const b = new JsonBatchBuilder(schema);
    for (const f of [NaN, Infinity, -Infinity, 1e300]) expect(b.appendObject({ f })).toBeNull();
    expect(batchToJsonRows(b.finish())).toEqual(['{"f":null}', '{"f":null}', '{"f":null}', '{"f":1e+300}']);
  });
});

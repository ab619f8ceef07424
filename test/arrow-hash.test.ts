import type * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  JsonBatchBuilder,
  batchFromColumns,
  concatBatches,
  decodeBatch,
  encodeBatch,
  hashKeys,
  makeColumn,
  murmur3Bytes,
  partitionIndices,
  partitionOfHash,
} from '../src/dataflow/arrow/index.js';
import type { Schema } from '../src/types.js';

const SCHEMA: Schema = {
  fields: [
    { name: 'user', type: 'utf8' },
    { name: 'n', type: 'int64' },
    { name: 'ok', type: 'bool' },
    { name: 'f', type: 'float64' },
  ],
};

function sample(capacity?: number): arrow.RecordBatch {
  const b = new JsonBatchBuilder(SCHEMA, capacity);
  for (let i = 0; i < 12; i++) {
    expect(b.appendObject({ user: i === 5 ? null : `user-${i}`, n: i * 1000003, ok: i % 3 === 0 ? null : i % 2 === 0, f: i / 2 })).toBeNull();
  }
  return b.finish();
}

const lists = (parts: Int32Array[]): number[][] => parts.map((p) => [...p]);

describe('murmur3', () => {
  it('matches the reference MurmurHash3_x86_32 vectors', () => {
    const enc = new TextEncoder();
    const m = (s: string, seed: number): number => {
      const b = enc.encode(s);
      return murmur3Bytes(b, 0, b.length, seed);
    };
    expect(m('', 0)).toBe(0);
    expect(m('', 1)).toBe(0x514e28b7);
    expect(m('', 0xffffffff)).toBe(0x81f16f39);
    expect(m('\0\0\0\0', 0)).toBe(0x2362f9de);
    expect(['a', 'ab', 'abc', 'abcd'].map((s) => m(s, 0x9747b28c))).toEqual([0x7fa09ea6, 0x74875592, 0xc84a62dd, 0xf0478627]);
    expect(m('The quick brown fox jumps over the lazy dog', 0x9747b28c)).toBe(0x2fa826cd);
  });
});

describe('hashKeys / partitionIndices', () => {
  it('gives the pinned hashes and partitions (same in every process and run)', () => {
    const batch = sample();
    // Pinned once; cross-checked against an independent MurmurHash3 implementation.
    expect([...hashKeys(batch, ['user']).subarray(0, 2)]).toEqual([861677947, 4171401059]);
    expect([...hashKeys(batch, ['n', 'f']).subarray(0, 2)]).toEqual([3415317804, 2058985708]);
    expect(lists(partitionIndices(batch, ['user'], 4))).toEqual([[0, 3, 9], [5, 7, 10, 11], [6], [1, 2, 4, 8]]);
    expect(lists(partitionIndices(batch, ['user', 'n', 'ok', 'f'], 3))).toEqual([[2, 6, 8], [1, 5, 11], [0, 3, 4, 7, 9, 10]]);
  });

  it('depends on the values only, not on how the batch was built or sliced', () => {
    const a = sample();
    const rebuilt = decodeBatch(encodeBatch(concatBatches(SCHEMA, [sample(1).slice(0, 5), sample(3).slice(5)])));
    const keys = ['user', 'n', 'ok', 'f'];
    expect(lists(partitionIndices(rebuilt, keys, 5))).toEqual(lists(partitionIndices(a, keys, 5)));
    expect([...hashKeys(a.slice(3, 10), keys)]).toEqual([...hashKeys(a, keys).subarray(3, 10)]);
  });

  it('hashes equal numbers alike across int32, int64, float64 and timestamp; nulls alike', () => {
    const s: Schema = {
      fields: [
        { name: 'i', type: 'int32' },
        { name: 'l', type: 'int64' },
        { name: 'd', type: 'float64' },
        { name: 't', type: 'timestamp' },
      ],
    };
    const valid = Uint8Array.of(1, 1, 1, 0);
    const batch = batchFromColumns(s, [
      makeColumn('int32', Int32Array.of(5, -7, 0, 1), valid),
      makeColumn('int64', BigInt64Array.of(5n, -7n, 0n, 2n), valid),
      makeColumn('float64', Float64Array.of(5, -7, -0, 3), valid),
      makeColumn('timestamp', BigInt64Array.of(5n, -7n, 0n, 4n), valid),
    ]);
    const h = ['i', 'l', 'd', 't'].map((k) => [...hashKeys(batch, [k])]);
    expect(h[1]).toEqual(h[0]);
    expect(h[2]).toEqual(h[0]);
    expect(h[3]).toEqual(h[0]);
    expect(new Set(h[0]).size).toBe(4);
    // 0.5 is not integral: it hashes its IEEE bytes, unlike 0.
    const f = batchFromColumns({ fields: [{ name: 'd', type: 'float64' }] }, [makeColumn('float64', Float64Array.of(0.5, 0))]);
    const fh = hashKeys(f, ['d']);
    expect(fh[0]).not.toBe(fh[1]);
  });

  it('spreads distinct keys evenly and keeps every row exactly once', () => {
    const b = new JsonBatchBuilder({ fields: [{ name: 'k', type: 'utf8' }] }, 10000);
    for (let i = 0; i < 10000; i++) b.appendObject({ k: `k${i}` });
    const batch = b.finish();
    const parts = partitionIndices(batch, ['k'], 8);
    for (const p of parts) expect(Math.abs(p.length - 1250)).toBeLessThan(150);
    const all = parts.flatMap((p) => [...p]).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 10000 }, (_, i) => i));
    for (const p of parts) expect([...p]).toEqual([...p].sort((x, y) => x - y));
  });

  it('maps hash ranges to partitions', () => {
    expect(partitionOfHash(0, 3)).toBe(0);
    expect(partitionOfHash(0xffffffff, 3)).toBe(2);
    expect(partitionOfHash(0x80000000, 2)).toBe(1);
    expect(partitionOfHash(0x7fffffff, 2)).toBe(0);
    expect(lists(partitionIndices(sample(), ['user'], 1))).toEqual([[...Array(12).keys()]]);
    expect(() => partitionIndices(sample(), ['user'], 0)).toThrow();
    expect(() => hashKeys(sample(), ['nope'])).toThrow(/nope/);
  });
});

import { describe, expect, it } from 'vitest';
import { JsonBatchBuilder, hashKeys } from '../src/dataflow/arrow/index.js';
import { KeyColumns } from '../src/operators/aggregate/keys.js';
import { KeyTable } from '../src/operators/window/key-table.js';
import { keyGroupOfHash } from '../src/state/key-groups.js';
import type { FieldType, Schema } from '../src/types.js';
import { rng } from './helpers/random.js';

const SCHEMA: Schema = {
  fields: [
    { name: 'user', type: 'utf8' },
    { name: 'id', type: 'int64' },
    { name: 'f', type: 'float64' },
    { name: 'b', type: 'bool' },
  ],
};
const NAMES = ['user', 'id', 'f', 'b'];
const TYPES: FieldType[] = ['utf8', 'int64', 'float64', 'bool'];


function randomBatch(next: () => number, n: number, keys: number) {
  const b = new JsonBatchBuilder(SCHEMA, n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(next() * keys);
    b.appendObject({
      user: k % 17 === 0 ? null : `user-${k % 1000}-é`,
      id: k % 13 === 0 ? null : (2n ** 60n + BigInt(k)).toString(),
      f: k % 11 === 0 ? null : [0, -0, 1.5, NaN][k % 4],
      b: k % 7 === 0 ? null : k % 2 === 0,
    });
  }
  return b.finish();
}

describe('window key table', () => {
  it('finds every held key by row hash or by string, never a wrong one, through thousands of adds and frees', () => {
    const next = rng(3);
    const table = new KeyTable(TYPES);
    const held = new Map<string, { id: number; refs: number }>();
    const indexed = new Set<string>();
    let maxHeld = 0;
    for (let round = 0; round < 40; round++) {
      const batch = randomBatch(next, 600, 5000);
      const keys = new KeyColumns(batch, NAMES, TYPES);
      const hashes = hashKeys(batch, NAMES);
      for (let i = 0; i < batch.numRows; i++) {
        const key = keys.encode(i);
        let id = table.findRow(hashes[i]!, keys, i);
        if (id >= 0) {
          // A live id of this very key, not a freed one.
          expect(table.key(id)).toBe(key);
          expect(table.find(key)).toBe(id);
        } else {
          // Once a key's hash is known, the index must find it.
          expect(indexed.has(key)).toBe(false);
          id = table.find(key);
          const hashNow = id >= 0 || round % 5 !== 0;
          if (id >= 0) table.addHash(id, hashes[i]!);
          else id = table.intern(key, keyGroupOfHash(hashes[i]!), hashNow ? hashes[i]! : undefined);
          if (hashNow) indexed.add(key);
        }
        expect(held.get(key)?.id ?? id).toBe(id);
        if (!held.has(key) || next() < 0.3) {
          table.ref(id);
          const h = held.get(key) ?? { id, refs: 0 };
          h.refs++;
          held.set(key, h);
        }
      }
      // Free a fifth of the keys (so the index grows past a few rebuilds and also loses keys).
      for (const [key, h] of [...held]) {
        if (next() < 0.8) continue;
        while (h.refs > 0) {
          table.unref(h.id);
          h.refs--;
        }
        held.delete(key);
        indexed.delete(key);
      }
      expect(table.size).toBe(held.size);
      maxHeld = Math.max(maxHeld, held.size);
      for (const [key, h] of held) {
        expect(table.find(key)).toBe(h.id);
        expect(table.key(h.id)).toBe(key);
      }
    }
    expect(maxHeld).toBeGreaterThan(1500);
    const [key, last] = [...held][0]!;
    for (; last.refs > 0; last.refs--) table.unref(last.id);
    expect(table.find(key)).toBe(-1);
    expect(() => table.unref(last.id)).toThrow(/released more often/);
  });

  it('forgets a freed key at every index size, also the key whose addition grew the index', () => {
    const table = new KeyTable(TYPES);
    const batch = randomBatch(rng(9), 5000, 1_000_000);
    const keys = new KeyColumns(batch, NAMES, TYPES);
    const hashes = hashKeys(batch, NAMES);
    const seen = new Set<string>();
    for (let i = 0; i < batch.numRows; i++) {
      const key = keys.encode(i);
      if (seen.has(key)) continue;
      seen.add(key);
      const id = table.intern(key, 0, hashes[i]!);
      table.ref(id);
      expect(table.findRow(hashes[i]!, keys, i)).toBe(id);
      // Free it and look again: gone; then hold it again.
      table.unref(id);
      expect(table.findRow(hashes[i]!, keys, i)).toBe(-1);
      table.ref(table.intern(key, 0, hashes[i]!));
    }
    expect(seen.size).toBeGreaterThan(2100);
  });

  it('gives back key columns and orders keys column by column, nulls last', () => {
    const table = new KeyTable(['int64', 'utf8']);
    const keys = ['v-3;s1:b', 'v-3;s1:a', '~s1:a', 'v9007199254740993;~', 'v2;s1:é'];
    const ids = keys.map((k, i) => table.intern(k, i));
    const batch = table.columns(Int32Array.from(ids));
    expect(batch.map((c) => [...c].map((v) => (typeof v === 'bigint' ? v.toString() : v)))).toEqual([
      ['-3', '-3', null, '9007199254740993', '2'],
      ['b', 'a', 'a', null, 'é'],
    ]);
    const sorted = [...ids].sort((a, b) => table.compare(a, b)).map((id) => table.key(id));
    expect(sorted).toEqual(['v-3;s1:a', 'v-3;s1:b', 'v2;s1:é', 'v9007199254740993;~', '~s1:a']);
  });
});

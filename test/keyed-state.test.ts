import { describe, expect, it } from 'vitest';
import { InternalError } from '../src/errors.js';
import { KEY_GROUPS, keyGroupRange } from '../src/state/key-groups.js';
import { KeyedState, type StateCodec } from '../src/state/keyed-state.js';

interface Acc {
  n: number;
}
const CODEC: StateCodec<Acc> = {
  encode: (a) => a.n,
  decode: (d) => ({ n: d as number }),
};

function filled(entries: [number, string, number][]): KeyedState<Acc> {
  const s = new KeyedState(CODEC);
  for (const [kg, key, n] of entries) s.set(kg, key, { n });
  return s;
}

describe('KeyedState', () => {
  it('keeps values per key group and key', () => {
    const s = filled([[3, 'a', 1], [3, 'b', 2], [100, 'a', 3]]);
    expect(s.size).toBe(3);
    expect(s.get(3, 'a')).toEqual({ n: 1 });
    expect(s.get(100, 'a')).toEqual({ n: 3 });
    expect(s.get(4, 'a')).toBeUndefined();
    s.set(3, 'a', { n: 9 });
    expect(s.size).toBe(3);
    expect([...s.entries()]).toEqual([[3, 'a', { n: 9 }], [3, 'b', { n: 2 }], [100, 'a', { n: 3 }]]);
    expect(() => s.set(KEY_GROUPS, 'x', { n: 0 })).toThrow(InternalError);
  });

  it('snapshots only the non-empty key groups, as encoded entries', () => {
    expect(filled([[3, 'a', 1], [3, 'b', 2], [100, 'a', 3]]).snapshot()).toEqual({ 3: [['a', 1], ['b', 2]], 100: [['a', 3]] });
    expect(new KeyedState(CODEC).snapshot()).toEqual({});
  });

  it('restores only the key groups of its range, from every old snapshot, replacing what it held', () => {
    const old = [filled([[0, 'a', 1], [80, 'b', 2]]).snapshot(), filled([[128, 'c', 3], [255, 'd', 4]]).snapshot()];
    const s = filled([[1, 'stale', 0]]);
    s.restore(old, keyGroupRange(0, 2)); // groups 0..127
    expect([...s.entries()]).toEqual([[0, 'a', { n: 1 }], [80, 'b', { n: 2 }]]);
    s.restore(old, keyGroupRange(1, 3)); // groups 86..170
    expect([...s.entries()]).toEqual([[128, 'c', { n: 3 }]]);
    s.restore(old, { start: 0, end: KEY_GROUPS });
    expect(s.size).toBe(4);
  });

  it('deletes a key, and only once', () => {
    const s = filled([[3, 'a', 1], [3, 'b', 2]]);
    expect(s.delete(3, 'a')).toBe(true);
    expect(s.delete(3, 'a')).toBe(false);
    expect(s.delete(9, 'zz')).toBe(false);
    expect(s.size).toBe(1);
    expect([...s.entries()]).toEqual([[3, 'b', { n: 2 }]]);
  });

  it('rejects snapshots that overlap or are malformed', () => {
    const all = { start: 0, end: KEY_GROUPS };
    const s = new KeyedState(CODEC);
    expect(() => s.restore([{ 5: [['a', 1]] }, { 5: [['b', 2]] }], all)).toThrow(/key group 5 is in snapshots 0 and 1/);
    expect(() => s.restore([{ [KEY_GROUPS]: [] }], all)).toThrow(InternalError);
    expect(() => s.restore([{ 5: 'x' }], all)).toThrow(InternalError);
    expect(() => s.restore([{ 5: [[1, 2]] }], all)).toThrow(InternalError);
    // Outside the range nothing is looked at, not even an overlap.
    expect(() => s.restore([{ 5: [['a', 1]] }, { 5: [['b', 2]] }], { start: 6, end: 7 })).not.toThrow();
  });
});

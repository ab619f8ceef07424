// The join without a window (inner only): each side keeps its rows for ttl_ms of processing time.
// A new batch on one side is matched at once against the other side's live rows of its keys,
// the pairs go out, and then the batch is stored for the other side's later rows. This is the
// path for joining e.g. a windowed aggregate's output with a raw stream (Arroyo #165).

import type * as arrow from 'apache-arrow';
import { InternalError } from '../../errors.js';
import { hashKeys, takeRows } from '../../dataflow/arrow/index.js';
import { keyGroupRange } from '../../state/key-groups.js';
import type { Schema } from '../../types.js';
import { Grouper } from '../aggregate/grouping.js';
import { KeyColumns } from '../aggregate/keys.js';
import type { BatchOperator, KeyedSnapshot, OperatorContext } from '../types.js';
import { IntList } from './int-list.js';
import { type Chunk, checkBatch, nullKeyRows, type SideKeys, sideKeys } from './keys.js';
import { joinedBatch, type SideRows } from './output.js';
import { RowStore } from './row-store.js';
import { joinOutputSchema, type JoinSpecFields } from './schema.js';
import { SideCodec } from './snapshot.js';
import { joinSnapshot, restoreParts } from './state.js';

/** Arroyo's default state TTL for joins without a window: a day. */
export const DEFAULT_JOIN_TTL_MS = 24 * 60 * 60 * 1000;

export interface TtlJoinOptions {
  /** Processing-time clock in ms (tests inject one); default Date.now. */
  now?: () => number;
}

interface Side {
  schema: Schema;
  keys: SideKeys;
  codec: SideCodec;
  store: RowStore;
  name: string;
}

export class TtlJoin implements BatchOperator {
  readonly name = 'join';
  readonly outputSchema: Schema;
  private readonly sides: [Side, Side];
  private readonly now: () => number;
  private readonly grouper = new Grouper();
  /** Stored chunks keep arrival order even if the clock steps back. */
  private lastTag = -Infinity;

  constructor(
    spec: JoinSpecFields,
    left: Schema,
    right: Schema,
    private readonly ctx: OperatorContext,
    options: TtlJoinOptions = {},
  ) {
    this.outputSchema = joinOutputSchema(left, right, spec);
    if (spec.window || spec.join_type !== 'inner') throw new InternalError('TtlJoin is the inner join without a window');
    const ttl = spec.ttl_ms ?? DEFAULT_JOIN_TTL_MS;
    this.now = options.now ?? Date.now;
    const side = (schema: Schema, keys: string[], name: string): Side => {
      const k = sideKeys(schema, keys);
      return { schema, keys: k, codec: new SideCodec(schema, k), store: new RowStore(ttl), name };
    };
    this.sides = [side(left, spec.left_keys, 'left'), side(right, spec.right_keys, 'right')];
  }

  /** Rows held per side (for tests and metrics). */
  get held(): [number, number] {
    return [this.sides[0].store.rows, this.sides[1].store.rows];
  }

  process(input: arrow.RecordBatch, index = 0): arrow.RecordBatch | null {
    if (index !== 0 && index !== 1) throw new InternalError(`join has inputs 0 and 1, got ${index}`);
    const now = this.expire();
    const side = this.sides[index]!;
    const other = this.sides[1 - index]!;
    checkBatch(input, side.schema, side.name);
    const batch = withoutNullKeys(input, side.keys.names);
    if (!batch) return null;

    const hashes = hashKeys(batch, side.keys.names);
    const cols = new KeyColumns(batch, side.keys.names, side.keys.types);
    const { gid, first } = this.grouper.group(hashes, cols);
    const keyOf = Array.from(first, (row) => cols.encode(row));
    const refsOf = keyOf.map((key) => other.store.lookup(key));

    // Pairs: this batch's row, the other side's chunk (an index into `stored`) and row. Only the
    // chunks referenced are listed: the other side may hold many.
    const stored: Chunk[] = [];
    const slot = new Map<number, number>();
    let lastSeq = -1;
    let lastSlot = -1;
    const own = new IntList();
    const part = new IntList();
    const row = new IntList();
    for (let i = 0; i < gid.length; i++) {
      const refs = refsOf[gid[i]!];
      if (!refs) continue;
      const p = refs.pairs;
      for (let j = refs.from; j < p.length; j += 2) {
        const seq = p[j]!;
        if (seq !== lastSeq) {
          let at = slot.get(seq);
          if (at === undefined) slot.set(seq, (at = stored.push(other.store.chunk(seq)) - 1));
          [lastSeq, lastSlot] = [seq, at];
        }
        own.push(i);
        part.push(lastSlot);
        row.push(p[j + 1]!);
      }
    }
    const out = own.length === 0 ? null : this.emit(index, batch, own.view(), stored, part.view(), row.view());
    this.lastTag = Math.max(this.lastTag, now);
    side.store.add({ batch, hashes, tag: this.lastTag }, gid, keyOf);
    return out;
  }

  /** No event time here; a watermark is just a chance to drop expired rows. */
  onWatermark(): arrow.RecordBatch | null {
    this.expire();
    return null;
  }

  snapshot(): KeyedSnapshot {
    const [left, right] = this.sides;
    return joinSnapshot(left.codec.encode(left.store.live()), right.codec.encode(right.store.live()), null, keyGroupRange(this.ctx.subtaskIndex, this.ctx.parallelism));
  }

  async snapshotYielding(): Promise<KeyedSnapshot> {
    const [left, right] = this.sides;
    const [l, r] = [await left.codec.encodeYielding(left.store.live()), await right.codec.encodeYielding(right.store.live())];
    return joinSnapshot(l, r, null, keyGroupRange(this.ctx.subtaskIndex, this.ctx.parallelism));
  }

  restore(snapshots: KeyedSnapshot[]): void {
    const parts = restoreParts(snapshots, keyGroupRange(this.ctx.subtaskIndex, this.ctx.parallelism));
    this.sides.forEach((side, s) => {
      side.store.clear();
      for (const chunk of side.codec.decode(s === 0 ? parts.left : parts.right)) this.storeChunk(side, chunk);
    });
  }

  private storeChunk(side: Side, chunk: Chunk): void {
    const cols = new KeyColumns(chunk.batch, side.keys.names, side.keys.types);
    const { gid, first } = this.grouper.group(chunk.hashes, cols);
    side.store.add(chunk, gid, Array.from(first, (row) => cols.encode(row)));
    this.lastTag = Math.max(this.lastTag, chunk.tag);
  }

  private expire(): number {
    const now = this.now();
    for (const side of this.sides) side.store.expire(now);
    return now;
  }

  private emit(index: number, batch: arrow.RecordBatch, own: Int32Array, stored: Chunk[], part: Int32Array, row: Int32Array): arrow.RecordBatch {
    const mine: SideRows = { batches: [batch], part: null, row: own };
    const theirs: SideRows = { batches: stored.map((c) => c.batch), part, row };
    const [l, r] = index === 0 ? [mine, theirs] : [theirs, mine];
    return joinedBatch(this.outputSchema, this.sides[0].schema.fields.length, l, r);
  }
}

/** The rows whose key has no null (an inner join never matches them); null when none is left. */
function withoutNullKeys(batch: arrow.RecordBatch, keys: readonly string[]): arrow.RecordBatch | null {
  const nulls = nullKeyRows(batch, keys);
  if (!nulls) return batch.numRows === 0 ? null : batch;
  const keep = new IntList(batch.numRows);
  for (let i = 0; i < nulls.length; i++) if (!nulls[i]) keep.push(i);
  return keep.length === 0 ? null : takeRows(batch, keep.view());
}

// The windowed join: each side's rows are assigned to (tumble or hop) windows by their time
// column and buffered per window as chunks (a batch's rows of one window, with their key
// hashes); when the watermark completes a window, its two sides are matched key by key
// (match.ts) and the joined rows go out, outer rows padded with nulls. A row whose every window
// is already complete is late: dropped and counted.

import type * as arrow from 'apache-arrow';
import { InternalError } from '../../errors.js';
import { concatBatches, hashKeys, int64AsFloat64, singleData, validityOf } from '../../dataflow/arrow/index.js';
import { keyGroupRange } from '../../state/key-groups.js';
import type { JoinType, Schema } from '../../types.js';
import type { BatchOperator, KeyedSnapshot, OperatorContext } from '../types.js';
import { IntList } from './int-list.js';
import { type Chunk, checkBatch, chunkOf, nullKeyRows, type SideKeys, sideKeys } from './keys.js';
import { matchRows } from './match.js';
import { joinedBatch } from './output.js';
import { joinOutputSchema, type JoinSpecFields } from './schema.js';
import { SideCodec } from './snapshot.js';
import { joinSnapshot, restoreParts } from './state.js';
import { type WindowAssigner, windowAssigner } from './windows.js';

interface WindowBuffers {
  start: number;
  end: number;
  /** Chunks of the left (0) and right (1) side. */
  sides: [Chunk[], Chunk[]];
}

interface Side {
  schema: Schema;
  keys: SideKeys;
  time: string;
  codec: SideCodec;
  name: string;
}

export class WindowedJoin implements BatchOperator {
  readonly name = 'join';
  readonly outputSchema: Schema;
  private readonly type: JoinType;
  private readonly assigner: WindowAssigner;
  private readonly sides: [Side, Side];
  private readonly windows = new Map<number, WindowBuffers>();
  private watermark = -Infinity;
  private readonly starts: Float64Array;

  constructor(
    spec: JoinSpecFields,
    left: Schema,
    right: Schema,
    private readonly ctx: OperatorContext,
  ) {
    this.outputSchema = joinOutputSchema(left, right, spec);
    const window = spec.window;
    if (!window || window.kind === 'session' || !spec.time_columns) throw new InternalError('WindowedJoin needs a tumble or hop window and time columns');
    this.type = spec.join_type;
    this.assigner = windowAssigner(window);
    this.starts = new Float64Array(this.assigner.most);
    const side = (schema: Schema, keys: string[], time: string, name: string): Side => {
      const k = sideKeys(schema, keys);
      return { schema, keys: k, time, codec: new SideCodec(schema, k), name };
    };
    this.sides = [side(left, spec.left_keys, spec.time_columns[0], 'left'), side(right, spec.right_keys, spec.time_columns[1], 'right')];
  }

  /** Windows holding rows (for tests and metrics). */
  get openWindows(): number {
    return this.windows.size;
  }

  process(batch: arrow.RecordBatch, input = 0): arrow.RecordBatch | null {
    if (input !== 0 && input !== 1) throw new InternalError(`join has inputs 0 and 1, got ${input}`);
    const n = batch.numRows;
    if (n === 0) return null;
    const side = this.sides[input]!;
    checkBatch(batch, side.schema, side.name);
    const timeData = singleData(batch.getChild(side.time)!);
    const times = int64AsFloat64(batch.getChild(side.time)!);
    const timeValid = validityOf(timeData);
    // An inner join never emits a row with a null key: do not keep it.
    const nullKeys = this.type === 'inner' ? nullKeyRows(batch, side.keys.names) : null;
    const hashes = hashKeys(batch, side.keys.names);

    const rowsOf = new Map<number, IntList>();
    let lastStart = NaN;
    let lastRows: IntList | null = null;
    let late = 0;
    for (let i = 0; i < n; i++) {
      // A row without an event time belongs to no window.
      if (timeValid && ((timeValid[(timeData.offset + i) >> 3]! >> ((timeData.offset + i) & 7)) & 1) === 0) continue;
      const count = this.assigner.starts(times[i]!, this.starts);
      let kept = 0;
      for (let k = 0; k < count; k++) {
        const start = this.starts[k]!;
        if (start + this.assigner.size - 1 <= this.watermark) continue;
        kept++;
        if (nullKeys?.[i]) continue;
        if (start !== lastStart) {
          lastStart = start;
          lastRows = rowsOf.get(start) ?? null;
          if (!lastRows) rowsOf.set(start, (lastRows = new IntList(n)));
        }
        lastRows!.push(i);
      }
      if (kept === 0 && count > 0) late++;
    }
    for (const [start, rows] of rowsOf) {
      let w = this.windows.get(start);
      if (!w) this.windows.set(start, (w = { start, end: start + this.assigner.size, sides: [[], []] }));
      w.sides[input]!.push(chunkOf(batch, hashes, rows.view(), start));
    }
    if (late > 0) this.ctx.onLateRows?.(late);
    return null;
  }

  onWatermark(watermarkMs: number): arrow.RecordBatch | null {
    if (!(watermarkMs > this.watermark)) return null;
    this.watermark = watermarkMs;
    const due = [...this.windows.values()].filter((w) => w.end - 1 <= watermarkMs).sort((a, b) => a.end - b.end || a.start - b.start);
    const out: arrow.RecordBatch[] = [];
    for (const w of due) {
      this.windows.delete(w.start);
      const joined = this.fire(w);
      if (joined) out.push(joined);
    }
    if (out.length === 0) return null;
    return out.length === 1 ? out[0]! : concatBatches(this.outputSchema, out);
  }

  snapshot(): KeyedSnapshot {
    const chunks = (s: 0 | 1): Chunk[] => [...this.windows.values()].flatMap((w) => w.sides[s]);
    const [left, right] = this.sides;
    return joinSnapshot(
      left.codec.encode(chunks(0)),
      right.codec.encode(chunks(1)),
      this.watermark === -Infinity ? null : this.watermark,
      keyGroupRange(this.ctx.subtaskIndex, this.ctx.parallelism),
    );
  }

  async snapshotYielding(): Promise<KeyedSnapshot> {
    const chunks = (s: 0 | 1): Chunk[] => [...this.windows.values()].flatMap((w) => w.sides[s]);
    const [left, right] = this.sides;
    const [l, r] = [await left.codec.encodeYielding(chunks(0)), await right.codec.encodeYielding(chunks(1))];
    return joinSnapshot(l, r, this.watermark === -Infinity ? null : this.watermark, keyGroupRange(this.ctx.subtaskIndex, this.ctx.parallelism));
  }

  restore(snapshots: KeyedSnapshot[]): void {
    const parts = restoreParts(snapshots, keyGroupRange(this.ctx.subtaskIndex, this.ctx.parallelism));
    this.windows.clear();
    this.watermark = parts.watermark ?? -Infinity;
    ([0, 1] as const).forEach((s) => {
      for (const chunk of this.sides[s].codec.decode(s === 0 ? parts.left : parts.right)) {
        const start = chunk.tag;
        let w = this.windows.get(start);
        if (!w) this.windows.set(start, (w = { start, end: start + this.assigner.size, sides: [[], []] }));
        w.sides[s].push(chunk);
      }
    });
  }

  /** The joined rows of one complete window, or null when none. */
  private fire(w: WindowBuffers): arrow.RecordBatch | null {
    const [lc, rc] = w.sides;
    if (this.type === 'inner' && (lc.length === 0 || rc.length === 0)) return null;
    if (this.type === 'left' && lc.length === 0) return null;
    if (this.type === 'right' && rc.length === 0) return null;
    const [left, right] = this.sides;
    const l = { batch: concatBatches(left.schema, lc.map((c) => c.batch)), hashes: concatHashes(lc), keys: left.keys };
    const r = { batch: concatBatches(right.schema, rc.map((c) => c.batch)), hashes: concatHashes(rc), keys: right.keys };
    const m = matchRows(l, r, this.type);
    if (m.left.length === 0) return null;
    return joinedBatch(this.outputSchema, left.schema.fields.length, { batches: [l.batch], part: null, row: m.left }, { batches: [r.batch], part: null, row: m.right });
  }
}

function concatHashes(chunks: readonly Chunk[]): Uint32Array {
  if (chunks.length === 1) return chunks[0]!.hashes;
  const out = new Uint32Array(chunks.reduce((n, c) => n + c.hashes.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c.hashes, at);
    at += c.hashes.length;
  }
  return out;
}

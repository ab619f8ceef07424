// A side's stored rows in a checkpoint: split by key group (so a rescale hands each group to
// whichever subtask owns it now), each group's rows one Arrow IPC message with an extra column
// holding each row's chunk tag (window start, or when the row was stored). Restoring regroups
// the rows by tag into chunks again.

import type * as arrow from 'apache-arrow';
import { InternalError } from '../../errors.js';
import { concatBatches, decodeBatch, encodeBatch, fieldTypeOf, hashKeys, singleData } from '../../dataflow/arrow/index.js';
import { fixedData } from '../../dataflow/arrow/data.js';
import { arrowType, assembleBatch, toArrowSchema } from '../../dataflow/arrow/schema.js';
import { takeData } from '../../dataflow/arrow/take.js';
import { KEY_GROUPS, keyGroupOfHash } from '../../state/key-groups.js';
import type { Schema } from '../../types.js';
import { gather } from './gather.js';
import type { Chunk, SideKeys } from './keys.js';

const TAG_FIELD = '__rivulet_join_tag';
/** encodeYielding pauses after about this much encoded state. */
const YIELD_BYTES = 16 * 1024 * 1024;

export class SideCodec {
  private readonly tagged: Schema;

  constructor(
    private readonly schema: Schema,
    private readonly keys: SideKeys,
  ) {
    this.tagged = { fields: [...schema.fields, { name: TAG_FIELD, type: 'float64', nullable: false }] };
  }

  /** The rows of `chunks` by key group: one IPC message per group that holds any. */
  encode(chunks: readonly Chunk[]): Map<number, Uint8Array> {
    return new Map(this.groups(chunks));
  }

  /**
   * encode(), yielding to the event loop after every few MB: a large state (Nexmark q7 unpaced:
   * ~180 MB) took seconds in one go, and the worker's heartbeats stopped meanwhile. The caller
   * holds the subtask's serial section, so the state cannot change during the pauses.
   */
  async encodeYielding(chunks: readonly Chunk[]): Promise<Map<number, Uint8Array>> {
    const out = new Map<number, Uint8Array>();
    let since = 0;
    for (const [kg, bytes] of this.groups(chunks)) {
      out.set(kg, bytes);
      if ((since += bytes.byteLength) >= YIELD_BYTES) {
        since = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return out;
  }

  private *groups(chunks: readonly Chunk[]): Generator<[number, Uint8Array]> {
    const counts = new Int32Array(KEY_GROUPS + 1);
    for (const c of chunks) for (let i = 0; i < c.hashes.length; i++) counts[keyGroupOfHash(c.hashes[i]!) + 1]!++;
    for (let kg = 0; kg < KEY_GROUPS; kg++) counts[kg + 1]! += counts[kg]!;
    const total = counts[KEY_GROUPS]!;
    const part = new Int32Array(total);
    const row = new Int32Array(total);
    const fill = counts.slice(0, KEY_GROUPS);
    chunks.forEach((c, p) => {
      for (let i = 0; i < c.hashes.length; i++) {
        const at = fill[keyGroupOfHash(c.hashes[i]!)]!++;
        part[at] = p;
        row[at] = i;
      }
    });
    const schema = toArrowSchema(this.tagged);
    for (let kg = 0; kg < KEY_GROUPS; kg++) {
      const from = counts[kg]!;
      const n = counts[kg + 1]! - from;
      if (n === 0) continue;
      const parts = part.subarray(from, from + n);
      const rows = row.subarray(from, from + n);
      const tags = new Float64Array(n);
      for (let i = 0; i < n; i++) tags[i] = chunks[parts[i]!]!.tag;
      const children = this.schema.fields.map((f, c) =>
        gather(
          arrowType(f.type),
          chunks.map((ch) => ch.batch.data.children[c]!),
          parts,
          rows,
        ),
      );
      children.push(fixedData(arrowType('float64'), n, tags, null, 0));
      yield [kg, encodeBatch(assembleBatch(schema, n, children))];
    }
  }

  /** Chunks back from `encode`'s messages (any groups, from any snapshots): one per tag, ascending. */
  decode(messages: readonly Uint8Array[]): Chunk[] {
    if (messages.length === 0) return [];
    const batches = messages.map((m) => this.check(decodeBatch(m)));
    const all = concatBatches(this.tagged, batches);
    const n = all.numRows;
    const width = this.schema.fields.length;
    const tags = singleData(all.getChildAt(width)!).values as Float64Array;
    const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => tags[a]! - tags[b]! || a - b);
    const schema = toArrowSchema(this.schema);
    const chunks: Chunk[] = [];
    for (let from = 0; from < n; ) {
      const tag = tags[order[from]!]!;
      let to = from + 1;
      while (to < n && tags[order[to]!] === tag) to++;
      const rows = order.subarray(from, to);
      const batch = assembleBatch(
        schema,
        rows.length,
        all.data.children.slice(0, width).map((d) => takeData(d, rows)),
      );
      chunks.push({ batch, hashes: hashKeys(batch, this.keys.names), tag });
      from = to;
    }
    return chunks;
  }

  private check(batch: arrow.RecordBatch): arrow.RecordBatch {
    const fields = this.tagged.fields;
    const ok = batch.numCols === fields.length && batch.data.children.every((d, i) => fieldTypeOf(d.type) === fields[i]!.type);
    if (!ok) throw new InternalError('join state in the snapshot does not match the join input schema');
    return batch;
  }
}

// Per batch, what both window kinds need first: each row's event time and the batch's distinct
// keys (one group id per row, as the aggregate groups them), with each key's KeyTable id looked
// up once per key and batch, and interned only when a row actually opens state for it.

import type * as arrow from 'apache-arrow';
import { hashKeys, int64AsFloat64, singleData, validityOf } from '../../dataflow/arrow/index.js';
import { InternalError } from '../../errors.js';
import { keyGroupOfHash } from '../../state/key-groups.js';
import type { FieldType } from '../../types.js';
import type { Grouper } from '../aggregate/grouping.js';
import { KeyColumns } from '../aggregate/keys.js';
import type { KeyTable } from './key-table.js';

/** Event time of each row in ms (a double, exact to 2^53), and which rows have one. */
export interface EventTimes {
  t: Float64Array;
  /** Validity bitmap, row i at bit `off + i`; null when no row is null. */
  valid: Uint8Array | null;
  off: number;
}

export function eventTimes(batch: arrow.RecordBatch, column: string): EventTimes {
  const vector = batch.getChild(column);
  if (!vector) throw new InternalError(`time column "${column}" is missing from the batch`);
  const data = singleData(vector);
  return { t: int64AsFloat64(vector), valid: validityOf(data), off: data.offset };
}

export class BatchKeys {
  /** Distinct keys in the batch, and each row's. */
  readonly count: number;
  readonly gid: Int32Array;
  private readonly first: Int32Array;
  private readonly hashes: Uint32Array;
  private readonly keys: KeyColumns;
  /** Per key: its id, -1 when the table does not hold it, -2 before the first look. */
  private readonly ids: Int32Array;
  private readonly names: string[];

  constructor(batch: arrow.RecordBatch, groupBy: string[], types: readonly FieldType[], grouper: Grouper, private readonly table: KeyTable) {
    this.hashes = hashKeys(batch, groupBy);
    this.keys = new KeyColumns(batch, groupBy, types);
    const groups = grouper.group(this.hashes, this.keys);
    this.count = groups.count;
    this.gid = groups.gid;
    this.first = groups.first;
    this.ids = new Int32Array(this.count).fill(-2);
    this.names = new Array<string>(this.count);
  }

  /** Key g's id when some state holds it, else -1. */
  find(g: number): number {
    let id = this.ids[g]!;
    if (id === -2) {
      const row = this.first[g]!;
      const hash = this.hashes[row]!;
      id = this.table.findRow(hash, this.keys, row);
      if (id < 0) {
        // Not indexed: a new key, or one restored from a snapshot that has not shown its hash yet.
        this.names[g] = this.keys.encode(row);
        id = this.table.find(this.names[g]!);
        if (id >= 0) this.table.addHash(id, hash);
      }
      this.ids[g] = id;
    }
    return id;
  }

  /** Key g's id, added to the table when new (the caller then references it). */
  intern(g: number): number {
    let id = this.find(g);
    if (id < 0) {
      const hash = this.hashes[this.first[g]!]!;
      this.ids[g] = id = this.table.intern(this.names[g]!, keyGroupOfHash(hash), hash);
    }
    return id;
  }
}

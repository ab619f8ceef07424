// Arrow batches -> one JSON object per row, built column-wise: each column is formatted once into
// per-row JSON fragments (no row objects, no toJSON()), then fragments are joined per row.

import type * as arrow from 'apache-arrow';
import { Buffer, isAscii } from 'node:buffer';
import { InternalError } from '../../errors.js';
import { getBit } from './bits.js';
import { singleData } from './concat.js';
import { validityOf, words } from './data.js';
import { fieldTypeOf } from './schema.js';
import { formatTimestamp, MAX_TIMESTAMP_MS } from './timestamp.js';

const TWO_32 = 4294967296;
// hi word range in which hi * 2^32 + lo is a safe integer
const SAFE_HI = 2 ** 21;

/** JSON text of each row: keys are column names; int64 as numbers, timestamps as ISO-8601 UTC strings. */
export function batchToJsonRows(batch: arrow.RecordBatch): string[] {
  const n = batch.numRows;
  const fields = batch.schema.fields;
  const cells: string[][] = [];
  const keys: string[] = [];
  for (let c = 0; c < fields.length; c++) {
    keys.push((c === 0 ? '{' : ',') + JSON.stringify(fields[c]!.name) + ':');
    cells.push(formatColumn(singleData(batch.getChildAt(c)!)));
  }
  const rows = new Array<string>(n);
  if (fields.length === 0) return rows.fill('{}');
  for (let r = 0; r < n; r++) {
    let s = keys[0]! + cells[0]![r]!;
    for (let c = 1; c < cells.length; c++) s += keys[c]! + cells[c]![r]!;
    rows[r] = s + '}';
  }
  return rows;
}

/** The rows as UTF-8 bytes, for publishing; they share a few large buffers instead of one each. */
export function batchToJsonBytes(batch: arrow.RecordBatch): Uint8Array[] {
  const rows = batchToJsonRows(batch);
  let chars = 0;
  for (const r of rows) chars += r.length;
  let buf = Buffer.allocUnsafe(Math.max(chars + (chars >> 3), 64));
  let at = 0;
  const out = new Array<Uint8Array>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    // Only non-ASCII text needs more bytes than chars; a fresh buffer catches that rare case.
    if (buf.length - at < row.length * 3) {
      buf = Buffer.allocUnsafe(Math.max(row.length * 3, chars));
      at = 0;
    }
    const written = buf.write(row, at, 'utf8');
    out[i] = buf.subarray(at, at + written);
    at += written;
  }
  return out;
}

function formatColumn(data: arrow.Data): string[] {
  const n = data.length;
  const out = new Array<string>(n);
  const type = fieldTypeOf(data.type);
  switch (type) {
    case 'int32':
    case 'float64': {
      const v = data.values as Int32Array | Float64Array;
      // JSON has no NaN or Infinity.
      for (let i = 0; i < n; i++) out[i] = Number.isFinite(v[i]!) ? String(v[i]) : 'null';
      break;
    }
    case 'int64':
    case 'timestamp': {
      const w = words(data.values as BigInt64Array);
      const big = data.values as BigInt64Array;
      const ts = type === 'timestamp';
      for (let i = 0; i < n; i++) {
        const hi = w[2 * i + 1]!;
        if (hi >= -SAFE_HI && hi < SAFE_HI) {
          const v = hi * TWO_32 + (w[2 * i]! >>> 0);
          out[i] = ts && v >= -MAX_TIMESTAMP_MS && v <= MAX_TIMESTAMP_MS ? `"${formatTimestamp(v)}"` : String(v);
        } else {
          out[i] = String(big[i]);
        }
      }
      break;
    }
    case 'bool': {
      const v = data.values as Uint8Array;
      for (let i = 0; i < n; i++) out[i] = getBit(v, data.offset + i) ? 'true' : 'false';
      break;
    }
    case 'utf8':
      formatUtf8(data, out);
      break;
    default:
      throw new InternalError(`cannot write ${String(data.type)} as JSON`);
  }
  const validity = validityOf(data);
  if (validity) for (let i = 0; i < n; i++) if (!getBit(validity, data.offset + i)) out[i] = 'null';
  return out;
}

function formatUtf8(data: arrow.Data, out: string[]): void {
  const o = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const n = data.length;
  const start = o[0]!;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset + start, o[n]! - start);
  if (isAscii(buf)) {
    // Decode the whole column once; byte offsets are char offsets, and slices share its memory.
    const all = buf.toString('latin1');
    for (let i = 0; i < n; i++) out[i] = JSON.stringify(all.slice(o[i]! - start, o[i + 1]! - start));
  } else {
    for (let i = 0; i < n; i++) out[i] = JSON.stringify(buf.toString('utf8', o[i]! - start, o[i + 1]! - start));
  }
}

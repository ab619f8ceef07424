// Output columns of the changed groups, straight from the per-batch (value, count) arrays. A group
// whose count is 0 has no non-null value yet: its sum/avg/min/max is NULL.

import type { Vector } from 'apache-arrow';
import { InternalError } from '../../errors.js';
import { makeColumn, makeUtf8Column } from '../../dataflow/arrow/index.js';
import type { FieldType } from '../../types.js';
import type { AggregateFn } from './calls.js';

const TWO_32 = 4294967296;

/** The column of one aggregate for groups 0..G-1. `values`/`counts` are kept (not copied). */
export function aggregateColumn(fn: AggregateFn, type: FieldType, values: Float64Array, counts: Float64Array, texts: (Uint8Array | null)[] | null): Vector {
  if (fn === 'count') return makeColumn('int64', int64From(counts));
  const validity = validityOf(counts);
  if (fn === 'avg') {
    for (let g = 0; g < values.length; g++) values[g] = counts[g]! > 0 ? values[g]! / counts[g]! : 0;
    return makeColumn('float64', values, validity);
  }
  switch (type) {
    case 'float64':
      return makeColumn('float64', values, validity);
    case 'int32':
      return makeColumn('int32', Int32Array.from(values), validity);
    case 'int64':
    case 'timestamp':
      return makeColumn(type, int64From(values), validity);
    case 'utf8':
      if (!texts) throw new InternalError(`${fn} of text has no text values`);
      return textColumn(texts);
    case 'bool':
      break;
  }
  throw new InternalError(`no ${fn} output for type ${type}`);
}

/** One validity byte per group, or undefined when every group has a value. */
function validityOf(counts: Float64Array): Uint8Array | undefined {
  let missing = false;
  for (let g = 0; g < counts.length && !missing; g++) missing = counts[g] === 0;
  if (!missing) return undefined;
  const out = new Uint8Array(counts.length);
  for (let g = 0; g < counts.length; g++) out[g] = counts[g]! > 0 ? 1 : 0;
  return out;
}

/** Whole numbers as int64, written as two 32-bit words each (no BigInt per value); exact to 2^53. */
export function int64From(values: Float64Array): BigInt64Array {
  const out = new BigInt64Array(values.length);
  const w = new Int32Array(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const hi = Math.floor(v / TWO_32);
    w[2 * i] = (v - hi * TWO_32) | 0;
    w[2 * i + 1] = hi | 0;
  }
  return out;
}

function textColumn(texts: (Uint8Array | null)[]): Vector {
  const offsets = new Int32Array(texts.length + 1);
  let total = 0;
  for (let g = 0; g < texts.length; g++) offsets[g + 1] = total += texts[g]?.length ?? 0;
  const bytes = new Uint8Array(total);
  let validity: Uint8Array | undefined;
  texts.forEach((t, g) => {
    if (t) bytes.set(t, offsets[g]!);
    else (validity ??= new Uint8Array(texts.length).fill(1))[g] = 0;
  });
  return makeUtf8Column(offsets, bytes, validity);
}

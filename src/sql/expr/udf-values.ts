// Conversion between the engine's columns and the plain JavaScript values UDFs take and return
// (see udf-api.ts for the mapping). Used per row by scalar UDF calls, and by the aggregate
// operators for aggregate UDFs (jsValues / vectorFromJs work on Arrow vectors).

import type { Vector } from 'apache-arrow';
import { JobRuntimeError } from '../../errors.js';
import type { FieldType } from '../../types.js';
import { readColumn, toVector } from './arrow.js';
import type { Col, Mask } from './col.js';
import { StrBuilder, decode } from './utf8.js';

/** Row reader of a column: the JS value of row i (validity is checked by the caller). */
export function jsReader(col: Col): (i: number) => unknown {
  if (col.t === 'str') return (i) => decode(col.bytes, col.offsets[i]!, col.offsets[i + 1]!);
  if (col.t === 'bool') return (i) => col.v[i] === 1;
  return (i) => col.v[i];
}

/** Converts one returned value for a column of `type`: a number/string/boolean, null, or an error. */
type Conv = (x: unknown) => number | string | boolean | null | { error: string };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function describe(x: unknown): string {
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x)}`;
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') return `${typeof x} ${String(x)}`;
  if (x instanceof Promise || (typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function')) {
    return 'a Promise (UDFs must be synchronous)';
  }
  return Array.isArray(x) ? 'an array' : typeof x === 'object' ? 'an object' : typeof x;
}

function converter(type: FieldType): Conv {
  const bad = (x: unknown) => ({ error: `returned ${describe(x)}, but its declared result type is ${type}` });
  switch (type) {
    case 'utf8':
      return (x) => (typeof x === 'string' ? x : bad(x));
    case 'bool':
      return (x) => (typeof x === 'boolean' ? x : bad(x));
    case 'float64':
      return (x) => (typeof x === 'number' ? x : typeof x === 'bigint' ? Number(x) : bad(x));
    case 'int32':
    case 'int64':
    case 'timestamp':
      return (x) => {
        const v = typeof x === 'bigint' ? Number(x) : type === 'timestamp' && x instanceof Date ? x.getTime() : x;
        if (typeof v !== 'number' || !Number.isInteger(v)) return bad(x);
        if (type === 'int32' && (v < INT32_MIN || v > INT32_MAX)) return { error: `returned ${v}, out of range for int32` };
        return v;
      };
  }
}

/** Builds a result column of `type` from JS values, row by row. */
export class JsColumnBuilder {
  private readonly conv: Conv;
  private readonly valid: Mask;
  private readonly nums: Float64Array | Uint8Array | null;
  private readonly strs: StrBuilder | null;
  private row = 0;

  constructor(
    readonly type: FieldType,
    private readonly n: number,
  ) {
    this.conv = converter(type);
    this.valid = new Uint8Array(n);
    this.strs = type === 'utf8' ? new StrBuilder(n) : null;
    this.nums = type === 'utf8' ? null : type === 'bool' ? new Uint8Array(n) : new Float64Array(n);
  }

  /** Appends the next row; returns an error message for a value of the wrong type. */
  push(x: unknown): string | null {
    const i = this.row++;
    if (x === null || x === undefined) {
      this.strs?.endRow();
      return null;
    }
    const v = this.conv(x);
    if (v !== null && typeof v === 'object') {
      this.strs?.endRow();
      return v.error;
    }
    this.valid[i] = 1;
    if (this.strs) {
      this.strs.pushString(v as string);
      this.strs.endRow();
    } else {
      this.nums![i] = v === true ? 1 : v === false ? 0 : (v as number);
    }
    return null;
  }

  finish(): Col {
    if (this.row !== this.n) throw new Error(`internal: ${this.row} of ${this.n} rows built`);
    if (this.strs) return this.strs.finish(this.valid);
    if (this.type === 'bool') return { t: 'bool', v: this.nums as Uint8Array, valid: this.valid };
    return { t: 'num', v: this.nums as Float64Array, valid: this.valid };
  }
}

/** The JS values of a vector of FieldType `type` (int64 as numbers, timestamps as ms). */
export function jsValues(vector: Vector, type: FieldType): unknown[] {
  const out: unknown[] = [];
  for (const data of vector.data) {
    const col = readColumn(data, `${type} value`);
    const read = jsReader(col);
    for (let i = 0; i < data.length; i++) out.push(col.valid !== null && col.valid[i] === 0 ? null : read(i));
  }
  return out;
}

/**
 * An Arrow vector of `type` from JS values (aggregate UDF results). A value of the wrong type
 * fails the job as a user error naming `what` (e.g. the UDF).
 */
export function vectorFromJs(values: readonly unknown[], type: FieldType, what: string): Vector {
  const b = new JsColumnBuilder(type, values.length);
  for (const x of values) {
    const err = b.push(x);
    if (err !== null) throw new JobRuntimeError(`${what} ${err}`, { domain: 'user', retryable: false });
  }
  return toVector(b.finish(), type, values.length);
}

// `WITH (key = value, ...)` of CREATE TABLE: the values as text with their positions, and typed
// readers that report a bad value at the value itself.

import type { Node } from 'sql-parser-cst';
import { ValidationError } from '../../errors.js';
import { parseInterval } from '../expr/interval.js';
import { SqlError } from '../problems.js';
import { endOf, startOf } from '../syntax.js';

export interface OptionValue {
  key: string;
  value: string;
  keyAt: number;
  valueAt: number;
}

export class TableOptions {
  private readonly used = new Set<string>();

  constructor(readonly values: Map<string, OptionValue>) {}

  /** Reads the WITH clause's items; duplicate keys and non-literal values are errors. */
  static read(items: Node[], query: string): TableOptions {
    const textOf = (n: Node) => query.slice(startOf(n), endOf(n));
    const values = new Map<string, OptionValue>();
    for (const item of items) {
      if (item.type !== 'table_option') throw new SqlError('expected key = value', startOf(item));
      const name = item.name as Node;
      const key = (name.type === 'identifier' ? name.name : textOf(name)).toLowerCase();
      if (values.has(key)) throw new SqlError(`option "${key}" is given twice`, startOf(name));
      const v = item.value as Node | undefined;
      if (!v) throw new SqlError(`option "${key}" needs a value (${key} = '...')`, startOf(item));
      values.set(key, { key, value: literalText(v, key, textOf), keyAt: startOf(name), valueAt: startOf(v) });
    }
    return new TableOptions(values);
  }

  get(key: string): OptionValue | undefined {
    this.used.add(key);
    return this.values.get(key);
  }

  string(key: string): string | undefined {
    const v = this.get(key);
    if (v && v.value.trim() === '') throw new SqlError(`option "${key}" must not be empty`, v.valueAt);
    return v?.value;
  }

  required(key: string, why: string, at: number): string {
    const v = this.string(key);
    if (v === undefined) throw new SqlError(`missing option "${key}" (${why})`, at);
    return v;
  }

  /** A whole number ≥ min, given as a number or a numeric string. */
  integer(key: string, min = 0): number | undefined {
    const v = this.get(key);
    if (!v) return undefined;
    const n = Number(v.value.trim());
    if (!/^\s*-?\d+\s*$/.test(v.value) || !Number.isSafeInteger(n) || n < min) {
      throw new SqlError(`option "${key}" must be a whole number ≥ ${min}, got '${v.value}'`, v.valueAt);
    }
    return n;
  }

  /** A number ≥ 0 (rates). */
  number(key: string): number | undefined {
    const v = this.get(key);
    if (!v) return undefined;
    const n = Number(v.value.trim());
    if (v.value.trim() === '' || !Number.isFinite(n) || n < 0) throw new SqlError(`option "${key}" must be a number ≥ 0, got '${v.value}'`, v.valueAt);
    return n;
  }

  /** A duration: milliseconds as a bare number, or an interval ('5 seconds', INTERVAL '5' SECOND). */
  durationMs(key: string): number | undefined {
    const v = this.get(key);
    if (!v) return undefined;
    if (/^\s*\d+\s*$/.test(v.value)) return Number(v.value);
    try {
      const ms = parseInterval(v.value);
      if (ms < 0) throw new ValidationError('must not be negative');
      return ms;
    } catch (err) {
      if (err instanceof ValidationError) throw new SqlError(`option "${key}": ${err.message}`, v.valueAt);
      throw err;
    }
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.get(key);
    if (!v) return undefined;
    const value = v.value.trim().toLowerCase();
    if (!(allowed as readonly string[]).includes(value)) {
      throw new SqlError(`option "${key}" must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${v.value}'`, v.valueAt);
    }
    return value as T;
  }

  /** Options given but never read by the connector: typos, mostly. */
  unknown(): OptionValue[] {
    return [...this.values.values()].filter((v) => !this.used.has(v.key));
  }
}

function literalText(v: Node, key: string, textOf: (n: Node) => string): string {
  switch (v.type) {
    case 'string_literal':
      return v.value;
    case 'number_literal':
    case 'interval_literal':
      return textOf(v);
    case 'boolean_literal':
      return v.value ? 'true' : 'false';
    case 'identifier':
      return v.name;
    default:
      throw new SqlError(`option "${key}" must be a literal ('text', a number or a name)`, startOf(v));
  }
}

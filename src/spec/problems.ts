// Collects every problem found in a job spec, plus the small typed readers the spec checks share.
// Readers report into the collector and return undefined instead of throwing, so validation can
// go on and show the user every mistake at once.

import { type ErrorDetail, ValidationError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

export class Problems {
  readonly details: ErrorDetail[] = [];

  /** `field` is a JSON path; '' means the body as a whole. */
  add(field: string, message: string): void {
    this.details.push(field ? { field, message } : { message });
  }

  get size(): number {
    return this.details.length;
  }

  /** Runs a compile step that throws ValidationError; its details join ours. Anything else is a bug and propagates. */
  attempt<T>(field: string, step: () => T): T | undefined {
    try {
      return step();
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      for (const d of err.details ?? [{ message: err.message }]) this.details.push({ ...d, field: d.field ?? field });
      return undefined;
    }
  }

  /** One error for the whole spec; the message names the first few problems so logs stay useful. */
  toError(): ValidationError {
    const shown = this.details.slice(0, 3).map((d) => (d.field ? `${d.field}: ${d.message}` : d.message));
    const more = this.details.length > 3 ? `; and ${this.details.length - 3} more` : '';
    const count = this.details.length === 1 ? '1 problem' : `${this.details.length} problems`;
    return new ValidationError(`invalid job spec (${count}): ${shown.join('; ')}${more}`, [...this.details]);
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON-ish type name for messages: `expected a string, got array`. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function rejectUnknownKeys(obj: JsonObject, allowed: readonly string[], path: string, p: Problems): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const expected = allowed.length ? `expected ${allowed.join(', ')}` : 'this type takes no settings';
    p.add(join(path, key), `unknown key "${key}" (${expected})`);
  }
}

/**
 * Reads `obj[key]` as an object. Absent means `{}` when `optional` (connectors such as impulse or
 * preview need no settings); required fields inside are then reported individually.
 */
export function readObject(obj: JsonObject, key: string, path: string, p: Problems, optional: boolean): JsonObject | undefined {
  const value = obj[key];
  if (value === undefined && optional) return {};
  if (isObject(value)) return value;
  p.add(join(path, key), value === undefined ? 'required object is missing' : `expected an object, got ${jsonType(value)}`);
  return undefined;
}

export function readString(obj: JsonObject, key: string, path: string, p: Problems, required: boolean): string | undefined {
  const value = obj[key];
  if (value === undefined) {
    if (required) p.add(join(path, key), 'required string is missing');
    return undefined;
  }
  if (typeof value !== 'string') {
    p.add(join(path, key), `expected a string, got ${jsonType(value)}`);
    return undefined;
  }
  if (value.trim() === '') {
    p.add(join(path, key), 'must not be empty');
    return undefined;
  }
  return value;
}

/** Integer in [min, max]; absent gives `fallback` (undefined fallback means the field is optional and stays absent). */
export function readInteger(
  obj: JsonObject,
  key: string,
  path: string,
  p: Problems,
  range: { min: number; max?: number; fallback?: number },
): number | undefined {
  const value = obj[key];
  if (value === undefined) return range.fallback;
  const bounds = range.max === undefined ? `≥ ${range.min}` : `from ${range.min} to ${range.max}`;
  const ok = typeof value === 'number' && Number.isSafeInteger(value) && value >= range.min && (range.max === undefined || value <= range.max);
  if (!ok) p.add(join(path, key), `must be an integer ${bounds}, got ${JSON.stringify(value) ?? jsonType(value)}`);
  return ok ? value : undefined;
}

/** Non-empty array of non-empty strings (expression lists, key lists). */
export function readStringList(obj: JsonObject, key: string, path: string, p: Problems): string[] | undefined {
  const value = obj[key];
  const field = join(path, key);
  if (!Array.isArray(value)) {
    p.add(field, value === undefined ? 'required list is missing' : `expected an array of strings, got ${jsonType(value)}`);
    return undefined;
  }
  if (value.length === 0) {
    p.add(field, 'must list at least one item');
    return undefined;
  }
  let ok = true;
  value.forEach((item, i) => {
    if (typeof item === 'string' && item.trim() !== '') return;
    ok = false;
    p.add(join(field, i), typeof item === 'string' ? 'must not be empty' : `expected a string, got ${jsonType(item)}`);
  });
  return ok ? (value as string[]) : undefined;
}

/** Only JSON is spoken on the wire for now; absent means json. */
export function readFormat(obj: JsonObject, path: string, p: Problems): 'json' | undefined {
  const value = obj.format;
  if (value === undefined || value === 'json') return 'json';
  p.add(join(path, 'format'), `unsupported format ${JSON.stringify(value)} (only "json" is supported)`);
  return undefined;
}

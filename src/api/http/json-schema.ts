// JSON Schema (2020-12, as OpenAPI 3.1 uses it) of the ops' zod schemas, made once per op: the
// OpenAPI document is built from them, and the HTTP routes read their field types from them.

import { z } from 'zod';
import { API_SCHEMAS, type OpSchema } from '../schema/index.js';
import type { OpRef } from './routes.js';

export type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[]; type?: unknown };

export function opSchema(op: OpRef): OpSchema {
  const [group, name] = op.split('.') as ['jobs' | 'queries', string];
  return (API_SCHEMAS[group] as Record<string, OpSchema>)[name]!;
}

const cache = new Map<string, JsonSchema>();

/** A zod schema as JSON Schema: requests as a caller writes them (defaults make fields optional). */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete s.$schema; // OpenAPI 3.1 documents name the dialect once, not per schema
  return s;
}

export function requestJsonSchema(op: OpRef): JsonSchema {
  const key = `${op}:request`;
  let s = cache.get(key);
  if (!s) cache.set(key, (s = toJsonSchema(opSchema(op).request, 'input')));
  return s;
}

export function responseJsonSchema(op: OpRef): JsonSchema {
  const key = `${op}:response`;
  let s = cache.get(key);
  if (!s) cache.set(key, (s = toJsonSchema(opSchema(op).response, 'output')));
  return s;
}

const fieldTypes = new Map<OpRef, Record<string, unknown>>();

/** Top-level request fields and their JSON types (`integer`, `boolean`, …). */
export function requestFields(op: OpRef): Record<string, unknown> {
  let t = fieldTypes.get(op);
  if (!t) {
    t = Object.fromEntries(Object.entries(requestJsonSchema(op).properties ?? {}).map(([k, v]) => [k, v.type]));
    fieldTypes.set(op, t);
  }
  return t;
}

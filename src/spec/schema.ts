// Declared schemas: parsing them out of a spec, the schema each source produces, and the union
// of several sources (they feed the same pipeline, so their columns must line up).

import { nexmarkSchema } from '../connectors/nexmark/schema.js';
import { InternalError } from '../errors.js';
import { FIELD_TYPES, type Field, type FieldType, IMPULSE_SCHEMA, type Schema, type SourceSpec } from '../types.js';
import { isObject, join, jsonType, type Problems, readString, rejectUnknownKeys } from './problems.js';

/** Parses `{ fields: [...] }`; undefined when anything is wrong, so later checks skip this schema. */
export function parseSchema(value: unknown, path: string, p: Problems): Schema | undefined {
  if (!isObject(value)) {
    p.add(path, value === undefined ? 'required schema is missing' : `expected an object, got ${jsonType(value)}`);
    return undefined;
  }
  const before = p.size;
  rejectUnknownKeys(value, ['fields'], path, p);
  const list = value.fields;
  const listPath = join(path, 'fields');
  if (!Array.isArray(list) || list.length === 0) {
    p.add(listPath, Array.isArray(list) ? 'a schema needs at least one field' : 'expected a non-empty array of fields');
    return undefined;
  }
  const fields: Field[] = [];
  const seen = new Map<string, number>();
  list.forEach((raw, i) => {
    const field = parseField(raw, join(listPath, i), p);
    // Duplicates are judged on the raw name so they show up even next to a broken type.
    const name = isObject(raw) && typeof raw.name === 'string' ? raw.name : undefined;
    if (name === undefined) return;
    const first = seen.get(name);
    if (first !== undefined) p.add(join(join(listPath, i), 'name'), `duplicate field name "${name}" (also fields[${first}])`);
    else seen.set(name, i);
    if (field) fields.push(field);
  });
  return p.size === before ? { fields } : undefined;
}

function parseField(raw: unknown, path: string, p: Problems): Field | undefined {
  if (!isObject(raw)) {
    p.add(path, `expected a field object {name, type, nullable?}, got ${jsonType(raw)}`);
    return undefined;
  }
  rejectUnknownKeys(raw, ['name', 'type', 'nullable'], path, p);
  const name = readString(raw, 'name', path, p, true);
  const type = raw.type;
  let ok = true;
  if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) {
    const got = type === undefined ? 'missing type' : typeof type === 'string' ? `unknown type "${type}"` : `expected a type name, got ${jsonType(type)}`;
    p.add(join(path, 'type'), `${got} (expected one of ${FIELD_TYPES.join(', ')})`);
    ok = false;
  }
  if (raw.nullable !== undefined && typeof raw.nullable !== 'boolean') {
    p.add(join(path, 'nullable'), `expected a boolean, got ${jsonType(raw.nullable)}`);
    ok = false;
  }
  if (!ok || name === undefined) return undefined;
  // JSON input may omit any field, hence nullable unless the user promises otherwise.
  return { name, type: type as FieldType, nullable: raw.nullable !== false };
}

/** The schema a (validated) source emits. */
export function sourceSchema(source: SourceSpec): Schema {
  switch (source.type) {
    case 'impulse':
      return IMPULSE_SCHEMA;
    case 'nexmark':
      return nexmarkSchema(source.config.columns);
    default:
      return source.config.schema;
  }
}

/** Why `other` cannot be unioned with `base` (names and types must match in order), or undefined. */
export function schemaMismatch(base: Schema, other: Schema): string | undefined {
  const describe = (s: Schema) => s.fields.map((f) => `${f.name} ${f.type}`).join(', ');
  const same =
    base.fields.length === other.fields.length &&
    base.fields.every((f, i) => f.name === other.fields[i]!.name && f.type === other.fields[i]!.type);
  return same ? undefined : `(${describe(other)}) vs (${describe(base)})`;
}

/** Union of matching schemas: a column is nullable if any source may leave it null. */
export function unionSchemas(schemas: Schema[]): Schema {
  const [first, ...rest] = schemas;
  if (!first) throw new InternalError('unionSchemas needs at least one schema');
  return {
    fields: first.fields.map((f, i) => ({
      ...f,
      nullable: (f.nullable ?? true) || rest.some((s) => s.fields[i]!.nullable ?? true),
    })),
  };
}

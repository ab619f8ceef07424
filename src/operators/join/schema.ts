// The join's output schema (also what the SQL planner asks for) and the checks that make a join
// spec runnable: keys that exist and can be equal across the sides, time columns, a window kind
// the operator supports, one output name per column.

import { ValidationError } from '../../errors.js';
import type { Field, FieldType, OperatorSpec, Schema } from '../../types.js';

export type JoinSpec = Extract<OperatorSpec, { kind: 'join' }>;
/** The parts of a join spec that decide its output and its checks (`kind` is not needed). */
export type JoinSpecFields = Omit<JoinSpec, 'kind'>;

/**
 * Left columns then right columns, renamed to `output_names`. A side that an outer join may
 * leave unmatched becomes nullable throughout (left join: the right columns; right join: the
 * left ones; full: all). Throws ValidationError when the spec does not fit the schemas.
 */
export function joinOutputSchema(left: Schema, right: Schema, spec: JoinSpecFields): Schema {
  checkJoin(left, right, spec);
  const nullLeft = spec.join_type === 'right' || spec.join_type === 'full';
  const nullRight = spec.join_type === 'left' || spec.join_type === 'full';
  const field = (f: Field, name: string, forceNull: boolean): Field => ({ name, type: f.type, nullable: forceNull || (f.nullable ?? true) });
  const n = left.fields.length;
  return {
    fields: [
      ...left.fields.map((f, i) => field(f, spec.output_names[i]!, nullLeft)),
      ...right.fields.map((f, i) => field(f, spec.output_names[n + i]!, nullRight)),
    ],
  };
}

/** Key values of these types can be equal across the sides (and hash alike: src/dataflow/arrow/hash.ts). */
function comparable(a: FieldType, b: FieldType): boolean {
  const numeric = (t: FieldType): boolean => t === 'int32' || t === 'int64' || t === 'float64';
  return a === b || (numeric(a) && numeric(b));
}

function fieldOf(schema: Schema, name: string, what: string): Field {
  const f = schema.fields.find((x) => x.name === name);
  if (!f) throw new ValidationError(`join: ${what} "${name}" is not a column of its input (${schema.fields.map((x) => x.name).join(', ')})`);
  return f;
}

function checkJoin(left: Schema, right: Schema, spec: JoinSpecFields): void {
  if (!['inner', 'left', 'right', 'full'].includes(spec.join_type)) throw new ValidationError(`join: unknown join type "${String(spec.join_type)}"`);
  if (spec.left_keys.length !== spec.right_keys.length) {
    throw new ValidationError(`join: ${spec.left_keys.length} left keys but ${spec.right_keys.length} right keys`);
  }
  spec.left_keys.forEach((name, i) => {
    const l = fieldOf(left, name, 'left key');
    const r = fieldOf(right, spec.right_keys[i]!, 'right key');
    if (!comparable(l.type, r.type)) throw new ValidationError(`join: key ${name} (${l.type}) cannot equal ${r.name} (${r.type})`);
  });
  const total = left.fields.length + right.fields.length;
  if (spec.output_names.length !== total) {
    throw new ValidationError(`join: ${spec.output_names.length} output names for ${total} columns (${left.fields.length} left + ${right.fields.length} right)`);
  }
  const seen = new Set<string>();
  for (const name of spec.output_names) {
    if (seen.has(name)) throw new ValidationError(`join: output name "${name}" appears twice`);
    seen.add(name);
  }
  if (spec.window) {
    const w = spec.window;
    if (w.kind === 'session') throw new ValidationError('join: session windows are not supported in joins (use tumble or hop)');
    const positive = (x: number): boolean => Number.isSafeInteger(x) && x > 0;
    if (!positive(w.size_ms) || (w.kind === 'hop' && !positive(w.slide_ms))) {
      throw new ValidationError(`join: ${w.kind} window sizes must be positive whole milliseconds`);
    }
    if (!spec.time_columns || spec.time_columns.length !== 2) throw new ValidationError('join: a windowed join needs time_columns [left, right]');
    const [lt, rt] = spec.time_columns;
    for (const [schema, name, side] of [[left, lt, 'left'], [right, rt, 'right']] as const) {
      const f = fieldOf(schema, name, `${side} time column`);
      if (f.type !== 'timestamp' && f.type !== 'int64') throw new ValidationError(`join: ${side} time column "${name}" is ${f.type}, not a timestamp`);
    }
  } else {
    if (spec.join_type !== 'inner') throw new ValidationError(`join: a ${spec.join_type} join needs a window (only inner joins run without one)`);
    if (spec.ttl_ms !== undefined && !(Number.isFinite(spec.ttl_ms) && spec.ttl_ms > 0)) throw new ValidationError('join: ttl_ms must be a positive number');
  }
}

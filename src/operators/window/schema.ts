// The checks and output schema of `window_aggregate`, shared by the operator and whoever plans or
// validates a job (the SQL planner, spec validation): the same function the operator builds
// itself with, so the two cannot disagree.
//
// Output: the group_by columns (their input types, nullable unless declared otherwise), then
// `window_start` and `window_end` (timestamp, never null), then one column per aggregate, typed
// as the updating aggregate types them (aggregate/calls.ts): count → int64 (not null), sum →
// int64 or float64, avg → float64, min/max → the argument's type (nullable as it is).

import { ValidationError, type ErrorDetail } from '../../errors.js';
import type { CompileOptions } from '../../sql/expr/index.js';
import type { Field, OperatorSpec, Schema, WindowSpec } from '../../types.js';
import { type AggregateCall, compileAggregateCall } from '../aggregate/calls.js';

export type WindowAggregateSpec = Extract<OperatorSpec, { kind: 'window_aggregate' }>;

export const WINDOW_START = 'window_start';
export const WINDOW_END = 'window_end';

export interface CompiledWindowAggregate {
  schema: Schema;
  keyFields: Field[];
  calls: AggregateCall[];
}

/**
 * The output schema; throws a ValidationError listing every problem (fields under `fieldPath`).
 * `options.udfs`: scalar UDFs aggregate arguments may call.
 */
export function windowAggregateSchema(spec: WindowAggregateSpec, input: Schema, fieldPath?: string, options?: CompileOptions): Schema {
  return compileWindowAggregate(spec, input, fieldPath, options).schema;
}

export function compileWindowAggregate(spec: WindowAggregateSpec, input: Schema, fieldPath?: string, options?: CompileOptions): CompiledWindowAggregate {
  const details: ErrorDetail[] = [];
  const at = (sub: string) => (fieldPath === undefined ? sub : `${fieldPath}.${sub}`);
  const problem = (field: string, message: string) => details.push({ field: at(field), message });

  for (const p of windowProblems(spec.window)) problem(`window.${p.field}`, p.message);
  const time = input.fields.find((f) => f.name === spec.time_column);
  if (!time) problem('time_column', `time column "${spec.time_column}" is not in the input schema`);
  else if (time.type !== 'timestamp') problem('time_column', `time column "${spec.time_column}" must be a timestamp, got ${time.type}`);

  const taken = new Map<string, string>([[WINDOW_START, 'window_start'], [WINDOW_END, 'window_end']]);
  const keyFields: Field[] = [];
  spec.group_by.forEach((name, i) => {
    const field = input.fields.find((f) => f.name === name);
    const other = taken.get(name);
    if (!field) problem(`group_by[${i}]`, `group_by column "${name}" is not in the input schema`);
    else if (other !== undefined) problem(`group_by[${i}]`, `duplicate output name "${name}" (also ${other})`);
    else {
      taken.set(name, `group_by[${i}]`);
      keyFields.push({ ...field, nullable: field.nullable ?? true });
    }
  });

  const calls: AggregateCall[] = [];
  spec.aggregates.forEach((text, i) => {
    const field = at(`aggregates[${i}]`);
    try {
      const call = compileAggregateCall(text, input, field, options);
      const other = taken.get(call.outputName);
      if (other !== undefined) problem(`aggregates[${i}]`, `duplicate output name "${call.outputName}" (also ${other}); add "AS <alias>"`);
      else {
        taken.set(call.outputName, `aggregates[${i}]`);
        calls.push(call);
      }
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      details.push(...(err.details ?? [{ field, message: err.message }]));
    }
  });

  if (details.length > 0) {
    const first = details[0]!;
    const message = first.field !== undefined ? `${first.field}: ${first.message}` : first.message;
    throw new ValidationError(details.length > 1 ? `${message} (and ${details.length - 1} more)` : message, details);
  }
  const bounds: Field[] = [
    { name: WINDOW_START, type: 'timestamp', nullable: false },
    { name: WINDOW_END, type: 'timestamp', nullable: false },
  ];
  const schema = { fields: [...keyFields, ...bounds, ...calls.map((c) => ({ name: c.outputName, type: c.type, nullable: c.nullable }))] };
  return { schema, keyFields, calls };
}

/** Window sizes must be whole positive milliseconds (hop: a slide no longer than the size). */
export function windowProblems(window: WindowSpec): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const positive = (field: string, value: unknown) => {
    if (!(typeof value === 'number' && Number.isSafeInteger(value) && value > 0)) out.push({ field, message: `${field} must be a positive whole number of milliseconds, got ${String(value)}` });
  };
  switch (window.kind) {
    case 'tumble':
      positive('size_ms', window.size_ms);
      break;
    case 'hop':
      positive('slide_ms', window.slide_ms);
      positive('size_ms', window.size_ms);
      if (out.length === 0 && window.slide_ms > window.size_ms) out.push({ field: 'slide_ms', message: `slide_ms (${window.slide_ms}) must not exceed size_ms (${window.size_ms})` });
      break;
    case 'session':
      positive('gap_ms', window.gap_ms);
      break;
    default:
      out.push({ field: 'kind', message: `unknown window kind "${(window as { kind: unknown }).kind}" (expected tumble, hop or session)` });
  }
  return out;
}

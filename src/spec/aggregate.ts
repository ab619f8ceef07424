// `aggregate {group_by, aggregates}`: the checks, and the output schema (group_by columns as they
// are, then one column per aggregate). Shared with the planner, which derives node schemas the
// same way.

import { compileAggregateCall } from '../operators/aggregate/calls.js';
import { isChangelog } from '../operators/aggregate/retract.js';
import type { Field, Schema } from '../types.js';
import { join, type Problems } from './problems.js';

/** Output fields of an aggregate; undefined (with problems reported) when anything is wrong. */
export function aggregateFields(groupBy: string[], aggregates: string[], input: Schema, path: string, p: Problems): Field[] | undefined {
  const before = p.size;
  // A spec's aggregate emits plain rows; only SQL's updating aggregates take a changelog (`_op`) input.
  if (isChangelog(input)) p.add(join(path, 'group_by'), 'the input has an _op column (a changelog): aggregate it in SQL, whose updating GROUP BY takes retractions back');
  const fields: Field[] = [];
  const seen = new Map<string, string>();
  groupBy.forEach((key, i) => {
    const field = input.fields.find((f) => f.name === key);
    if (!field || seen.has(key)) return; // reported by the key checks
    seen.set(key, `group_by[${i}]`);
    fields.push({ ...field, nullable: field.nullable ?? true });
  });
  aggregates.forEach((text, i) => {
    const field = join(join(path, 'aggregates'), i);
    const call = p.attempt(field, () => compileAggregateCall(text, input, field));
    if (!call) return;
    const first = seen.get(call.outputName);
    if (first !== undefined) {
      p.add(field, `duplicate output name "${call.outputName}" (also ${first}); add "AS <alias>"`);
      return;
    }
    seen.set(call.outputName, `aggregates[${i}]`);
    fields.push({ name: call.outputName, type: call.type, nullable: call.nullable });
  });
  return p.size === before ? fields : undefined;
}

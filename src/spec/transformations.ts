// `transformations[i]`: filter, project, key_by and aggregate, each checked against the schema
// flowing into it. A project or aggregate replaces the schema, so each step hands the next one its
// output schema.

import { compileCondition, compileProjection } from '../sql/expr/index.js';
import type { Field, Schema, TransformationSpec, TransformationType } from '../types.js';
import { aggregateFields } from './aggregate.js';
import { isObject, join, jsonType, type Problems, readObject, readString, readStringList, rejectUnknownKeys } from './problems.js';

const TRANSFORMATION_TYPES: readonly TransformationType[] = ['filter', 'project', 'key_by', 'aggregate'];

export interface CheckedTransformation {
  spec: TransformationSpec | undefined;
  /** Schema after this step; undefined when unknown, so later expressions are not checked against a guess. */
  output: Schema | undefined;
}

/** `input` undefined means an earlier part is broken: only the shape of this step is checked. */
export function validateTransformation(raw: unknown, path: string, p: Problems, input: Schema | undefined): CheckedTransformation {
  if (!isObject(raw)) {
    p.add(path, `expected a transformation object {type, config}, got ${jsonType(raw)}`);
    return { spec: undefined, output: input };
  }
  rejectUnknownKeys(raw, ['type', 'config'], path, p);
  const type = raw.type;
  if (typeof type !== 'string' || !(TRANSFORMATION_TYPES as readonly string[]).includes(type)) {
    const got = typeof type === 'string' ? `unknown transformation type "${type}"` : 'missing transformation type';
    p.add(join(path, 'type'), `${got} (expected one of ${TRANSFORMATION_TYPES.join(', ')})`);
    // Unknown step: its effect on the schema is unknown too.
    return { spec: undefined, output: undefined };
  }
  const configPath = join(path, 'config');
  const config = readObject(raw, 'config', path, p, false);
  if (!config) return { spec: undefined, output: type === 'project' || type === 'aggregate' ? undefined : input };
  switch (type as TransformationType) {
    case 'filter': {
      rejectUnknownKeys(config, ['condition'], configPath, p);
      const condition = readString(config, 'condition', configPath, p, true);
      if (condition !== undefined && input) checkCondition(condition, input, join(configPath, 'condition'), p);
      return { spec: condition === undefined ? undefined : { type: 'filter', config: { condition } }, output: input };
    }
    case 'project': {
      rejectUnknownKeys(config, ['expressions'], configPath, p);
      const expressions = readStringList(config, 'expressions', configPath, p);
      const fields = expressions && input ? projectFields(expressions, input, join(configPath, 'expressions'), p) : undefined;
      return { spec: expressions && { type: 'project', config: { expressions } }, output: fields && { fields } };
    }
    case 'key_by': {
      rejectUnknownKeys(config, ['keys'], configPath, p);
      const keys = readStringList(config, 'keys', configPath, p);
      if (keys) checkKeys(keys, input, join(configPath, 'keys'), p);
      return { spec: keys && { type: 'key_by', config: { keys } }, output: input };
    }
    case 'aggregate': {
      rejectUnknownKeys(config, ['group_by', 'aggregates'], configPath, p);
      const group_by = readStringList(config, 'group_by', configPath, p);
      const aggregates = readStringList(config, 'aggregates', configPath, p);
      if (group_by) checkKeys(group_by, input, join(configPath, 'group_by'), p);
      const fields = group_by && aggregates && input ? aggregateFields(group_by, aggregates, input, configPath, p) : undefined;
      const spec = group_by && aggregates ? { type: 'aggregate' as const, config: { group_by, aggregates } } : undefined;
      return { spec, output: fields && { fields } };
    }
  }
}

function checkCondition(condition: string, input: Schema, field: string, p: Problems): void {
  const compiled = p.attempt(field, () => compileCondition(condition, input, field));
  // The expression module should already insist on a boolean; a rows-in/rows-out filter needs one.
  if (compiled && compiled.type !== 'bool') p.add(field, `condition must be boolean, got ${compiled.type}`);
}

/**
 * Output fields of a project: one per item, named by its alias or column. Shared with the planner,
 * which derives node schemas the same way.
 */
export function projectFields(expressions: string[], input: Schema, path: string, p: Problems): Field[] | undefined {
  const before = p.size;
  const fields: Field[] = [];
  const seen = new Map<string, number>();
  expressions.forEach((text, i) => {
    const field = join(path, i);
    const compiled = p.attempt(field, () => compileProjection(text, input, field));
    if (!compiled) return;
    const first = seen.get(compiled.outputName);
    if (first !== undefined) {
      p.add(field, `duplicate output name "${compiled.outputName}" (also expressions[${first}]); add "AS <alias>"`);
      return;
    }
    seen.set(compiled.outputName, i);
    fields.push({ name: compiled.outputName, type: compiled.type, nullable: compiled.nullable });
  });
  return p.size === before ? fields : undefined;
}

function checkKeys(keys: string[], input: Schema | undefined, path: string, p: Problems): void {
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    if (seen.has(key)) p.add(join(path, i), `duplicate key "${key}"`);
    seen.add(key);
    if (input && !input.fields.some((f) => f.name === key)) {
      // Keys name columns exactly (the shuffle looks them up by name), unlike unquoted SQL identifiers.
      const near = input.fields.find((f) => f.name.toLowerCase() === key.toLowerCase());
      const hint = near ? `did you mean "${near.name}"?` : `available: ${input.fields.map((f) => f.name).join(', ')}`;
      p.add(join(path, i), `unknown column "${key}" (${hint})`);
    }
  });
}

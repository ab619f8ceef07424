// Turns a submitted JSON body into a normalized JobSpec, or one ValidationError listing every
// problem found (each with the JSON path of its field), so users fix a spec in one round trip.
// Two forms: seed 001's sources/transformations/sinks, or SQL (`query`, see sql-spec.ts).

import { DEFAULT_PREFIX } from '../wire.js';
import type { JobSpec, Schema, SourceSpec, TransformationSpec } from '../types.js';
import { validateConfig } from './config.js';
import { isObject, join, jsonType, Problems, readString, rejectUnknownKeys } from './problems.js';
import { schemaMismatch, sourceSchema, unionSchemas } from './schema.js';
import { validateSink } from './sinks.js';
import { isSqlBody, prepareJobBody, rejectUnknownSqlKeys, validateSqlParts } from './sql-spec.js';
import { validateSource } from './sources.js';
import { validateTransformation } from './transformations.js';

export interface ValidateOptions {
  /** Deployment subject prefix; connector subjects under `<prefix>.` are refused. */
  prefix?: string;
}

const TOP_LEVEL_KEYS = ['name', 'config', 'sources', 'transformations', 'sinks', 'preview'];
/** Arroyo checkpoints a preview once a day: it runs for a minute, its state is thrown away. */
export const PREVIEW_CHECKPOINT_INTERVAL_MS = 86_400_000;
const NAME_PATTERN = /^[\p{L}\p{N} _.-]+$/u;
const NAME_MAX = 128;

export function validateJobSpec(input: unknown, options: ValidateOptions = {}): JobSpec {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const p = new Problems();
  if (!isObject(input)) {
    p.add('', `a job spec must be a JSON object, got ${jsonType(input)}`);
    throw p.toError();
  }
  if (isSqlBody(input)) {
    // The SQL form: the query stands for sources, transformations and sinks.
    rejectUnknownSqlKeys(input, p);
    const name = validateName(input, p);
    const config = validateConfig(input.config, p);
    const sql = validateSqlParts(input, config, prefix, p);
    const preview = validatePreview(input, p);
    if (p.size > 0) throw p.toError();
    return withPreview({ name: name!, config: config!, sources: [], transformations: [], sinks: [], ...sql! }, preview);
  }
  rejectUnknownKeys(input, TOP_LEVEL_KEYS, '', p);
  const name = validateName(input, p);
  const config = validateConfig(input.config, p);
  const sources = validateList(input.sources, 'sources', p, false, (raw, path) => validateSource(raw, path, p, prefix));
  const schema = sources && unionOf(sources, p);
  const transformations = validateTransformations(input.transformations, schema, p);
  const sinks = validateList(input.sinks, 'sinks', p, false, (raw, path) => validateSink(raw, path, p, prefix));
  const preview = validatePreview(input, p);
  if (p.size > 0) throw p.toError();
  // No problems reported means every part parsed; the assertions only narrow the types.
  return withPreview({ name: name!, config: config!, sources: sources!, transformations: transformations!, sinks: sinks! }, preview);
}

function validatePreview(input: Record<string, unknown>, p: Problems): boolean {
  const v = input.preview;
  if (v !== undefined && typeof v !== 'boolean') p.add('preview', `expected true or false, got ${jsonType(v)}`);
  return v === true;
}

/** A preview keeps its sinks in the spec (for the record); the planner swaps them (actors/compile.ts). */
function withPreview(spec: JobSpec, preview: boolean): JobSpec {
  if (!preview) return spec;
  return { ...spec, preview: true, config: { ...spec.config, checkpoint_interval_ms: PREVIEW_CHECKPOINT_INTERVAL_MS } };
}

/**
 * validateJobSpec for bodies that may carry a UDF module: the module is loaded (asynchronously,
 * once per source text) before the synchronous checks, which then find it.
 */
export async function validateJobSpecAsync(input: unknown, options: ValidateOptions = {}): Promise<JobSpec> {
  await prepareJobBody(input);
  return validateJobSpec(input, options);
}

function validateName(input: Record<string, unknown>, p: Problems): string | undefined {
  const name = readString(input, 'name', '', p, true);
  if (name === undefined) return undefined;
  if (name.length > NAME_MAX) p.add('name', `must be at most ${NAME_MAX} characters, got ${name.length}`);
  else if (!NAME_PATTERN.test(name)) p.add('name', `invalid job name "${name}" (letters, digits, spaces, "_", "-" and "." only)`);
  return name;
}

/** Checks an array field entry by entry; undefined if the list or any entry is broken. */
function validateList<T>(
  value: unknown,
  key: string,
  p: Problems,
  mayBeEmpty: boolean,
  check: (raw: unknown, path: string) => T | undefined,
): T[] | undefined {
  if (!Array.isArray(value)) {
    p.add(key, value === undefined ? `required list of ${key} is missing` : `expected an array, got ${jsonType(value)}`);
    return undefined;
  }
  if (value.length === 0 && !mayBeEmpty) {
    p.add(key, `a job needs at least one entry in ${key}`);
    return undefined;
  }
  const items = value.map((raw, i) => check(raw, join(key, i)));
  return items.every((item) => item !== undefined) ? (items as T[]) : undefined;
}

/** All sources feed the same pipeline, so their schemas must agree. */
function unionOf(sources: SourceSpec[], p: Problems): Schema | undefined {
  const schemas = sources.map(sourceSchema);
  let ok = true;
  schemas.forEach((schema, i) => {
    const mismatch = i === 0 ? undefined : schemaMismatch(schemas[0]!, schema);
    if (!mismatch) return;
    ok = false;
    p.add(`sources[${i}]`, `schema differs from sources[0], but sources are unioned and must produce the same columns: ${mismatch}`);
  });
  return ok ? unionSchemas(schemas) : undefined;
}

/** Walks the steps in order, each checked against the previous step's output schema. */
function validateTransformations(value: unknown, schema: Schema | undefined, p: Problems): TransformationSpec[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    p.add('transformations', `expected an array, got ${jsonType(value)}`);
    return undefined;
  }
  const specs: (TransformationSpec | undefined)[] = [];
  let current = schema;
  value.forEach((raw, i) => {
    const checked = validateTransformation(raw, join('transformations', i), p, current);
    specs.push(checked.spec);
    current = checked.output;
  });
  return specs.every((s) => s !== undefined) ? (specs as TransformationSpec[]) : undefined;
}

// The SQL form of a job: `{"name", "query", "config", "udfs"?, "default_sink"?}`. The query is
// compiled at submit only to report its problems (with line and column); the job keeps the text
// and is compiled again by actors/compile.ts, so the plan always matches the running parallelism.

import { ValidationError } from '../errors.js';
import { loadUdfs, type UdfRegistry } from '../sql/expr/udf.js';
import { compileSql } from '../sql/index.js';
import type { JobConfig, JobSpec, LogicalGraph } from '../types.js';
import { jsonType, type JsonObject, type Problems } from './problems.js';

/** Where a bare SELECT (no INSERT INTO) writes: `preview` for API jobs, `stdout` for `rivulet run`. */
export type DefaultSink = 'preview' | 'stdout';
export const DEFAULT_SINKS: readonly DefaultSink[] = ['preview', 'stdout'];

/** A SQL job spec: JobSpec with `query`, plus where a bare SELECT goes (kept with the job). */
export type SqlJobSpec = JobSpec & { query: string; default_sink?: DefaultSink };

export const SQL_TOP_LEVEL_KEYS = ['name', 'config', 'query', 'udfs', 'default_sink', 'preview'];
/** Keys of the JSON form that a SQL job gets from its query instead. */
const GRAPH_KEYS = ['sources', 'transformations', 'sinks'];

/** A body is a SQL job when it has `query`; everything else is the JSON (seed-001) form. */
export function isSqlBody(input: JsonObject): boolean {
  return input.query !== undefined;
}

export function rejectUnknownSqlKeys(input: JsonObject, p: Problems): void {
  for (const key of Object.keys(input)) {
    if (SQL_TOP_LEVEL_KEYS.includes(key)) continue;
    if (GRAPH_KEYS.includes(key)) p.add(key, `a SQL job takes its ${key} from the query; give either "query" or ${GRAPH_KEYS.join('/')}`);
    else p.add(key, `unknown key "${key}" (expected ${SQL_TOP_LEVEL_KEYS.join(', ')})`);
  }
}

/**
 * Checks `query`, `udfs` and `default_sink`, and compiles the query (at the config's
 * parallelism, 1 when the config is broken, so query problems are reported either way).
 */
export function validateSqlParts(
  input: JsonObject,
  config: JobConfig | undefined,
  prefix: string,
  p: Problems,
): Pick<SqlJobSpec, 'query' | 'udfs' | 'default_sink'> | undefined {
  const before = p.size;
  const query = input.query;
  if (typeof query !== 'string' || query.trim() === '') {
    p.add('query', typeof query === 'string' ? 'must not be empty' : `expected the SQL text as a string, got ${jsonType(query)}`);
  }
  const udfs = input.udfs;
  if (udfs !== undefined && typeof udfs !== 'string') p.add('udfs', `expected the TypeScript source of a UDF module as a string, got ${jsonType(udfs)}`);
  const defaultSink = input.default_sink;
  if (defaultSink !== undefined && !DEFAULT_SINKS.includes(defaultSink as DefaultSink)) {
    p.add('default_sink', `must be one of ${DEFAULT_SINKS.join(', ')}, got ${JSON.stringify(defaultSink)}`);
  }
  if (p.size !== before) return undefined;
  const spec = {
    query: query as string,
    ...(udfs !== undefined ? { udfs: udfs as string } : {}),
    ...(defaultSink !== undefined ? { default_sink: defaultSink as DefaultSink } : {}),
  };
  const registry = spec.udfs === undefined ? undefined : p.attempt('udfs', () => loadedUdfs(spec.udfs!));
  if (spec.udfs !== undefined && registry === undefined) return undefined;
  p.attempt('query', () => compileSqlSpec(spec, { parallelism: config?.parallelism ?? 1, prefix, udfs: registry }));
  return p.size === before ? spec : undefined;
}

/** The logical graph of a SQL spec; its UDF module must have been loaded (loadUdfsCached). */
export function compileSqlSpec(
  spec: Pick<SqlJobSpec, 'query' | 'default_sink'>,
  o: { parallelism: number; prefix: string; udfs?: UdfRegistry | undefined },
): LogicalGraph {
  return compileSql(spec.query, {
    parallelism: o.parallelism,
    prefix: o.prefix,
    defaultSink: spec.default_sink ?? 'preview',
    ...(o.udfs ? { udfs: o.udfs } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// UDF modules load asynchronously, while validation and planning are synchronous (the schedule
// actor re-plans without awaiting). So modules are loaded once, ahead, keyed by their source text,
// and looked up synchronously afterwards.

const MAX_CACHED = 64;
const udfCache = new Map<string, Promise<UdfRegistry>>();
const udfLoaded = new Map<string, { registry: UdfRegistry } | { error: ValidationError }>();

/** Loads (once) the UDF module with this source; a broken module rejects with a ValidationError. */
export function loadUdfsCached(source: string): Promise<UdfRegistry> {
  const cached = udfCache.get(source);
  if (cached) return cached;
  const loading = loadUdfs(source).then(
    (registry: UdfRegistry) => {
      udfLoaded.set(source, { registry });
      return registry;
    },
    (cause: unknown) => {
      const error = cause instanceof ValidationError ? cause : new ValidationError(`cannot load the UDF module: ${cause instanceof Error ? cause.message : String(cause)}`, undefined, cause);
      udfLoaded.set(source, { error });
      throw error;
    },
  );
  udfCache.set(source, loading);
  // Oldest first: a long-lived controller does not keep every module it ever saw.
  while (udfCache.size > MAX_CACHED) {
    const oldest = udfCache.keys().next().value as string;
    udfCache.delete(oldest);
    udfLoaded.delete(oldest);
  }
  return loading;
}

/** The registry of a module loadUdfsCached has finished loading; undefined if it has not. */
export function cachedUdfs(source: string): UdfRegistry | undefined {
  const entry = udfLoaded.get(source);
  if (entry && 'error' in entry) throw entry.error;
  return entry?.registry;
}

function loadedUdfs(source: string): UdfRegistry {
  const registry = cachedUdfs(source);
  if (!registry) throw new ValidationError('the UDF module was not loaded before validation (validate with validateJobSpecAsync)');
  return registry;
}

/** Loads what a body's synchronous validation needs: its UDF module, if it has one. Never throws. */
export async function prepareJobBody(input: unknown): Promise<void> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return;
  const udfs = (input as JsonObject).udfs;
  if ((input as JsonObject).query !== undefined && typeof udfs === 'string') await loadUdfsCached(udfs).catch(() => undefined);
}

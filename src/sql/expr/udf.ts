// TypeScript user-defined functions. A job ships the SOURCE of one module (JobSpec.udfs); every
// process that compiles the job loads it here: sucrase strips the types and turns the ES imports
// into CommonJS (fast, no type-check, no compile step for the user), and the code runs as a
// function in this realm (UDFs are trusted code, like a Flink job's jar). Its `require` knows
// only 'rivulet/udf' (udf-api.ts) and Node's built-ins, since nothing else is sure to exist on
// every worker. Exports made with udf()/udaf() become functions named by the export
// (lower-cased); other exports are ignored.

import { isBuiltin, createRequire } from 'node:module';
import vm from 'node:vm';
import { transform } from 'sucrase';
import { ValidationError, type ErrorDetail } from '../../errors.js';
import { FIELD_TYPES, type FieldType } from '../../types.js';
import { FUNCTIONS } from './functions.js';
import { EXTRACT_FN } from './rewrite.js';
import * as udfApi from './udf-api.js';
import { UDF_MARK, type NullHandling } from './udf-api.js';
import type { AggregateUdf, ScalarUdf, UdfRegistry } from './udf-types.js';

export type { AggregateUdf, NullHandling, ScalarUdf, UdfRegistry };
export { emptyUdfRegistry } from './udf-types.js';
export { udf, udaf } from './udf-api.js';

/** The module specifier user code imports the helpers from. */
export const UDF_MODULE = 'rivulet/udf';

/** Built-in aggregate names (the aggregate operators' own functions), which UDFs may not shadow. */
const BUILTIN_AGGREGATES = ['count', 'sum', 'min', 'max', 'avg'];

const nodeRequire = createRequire(import.meta.url);

/**
 * Loads a UDF module from its TypeScript source. Rejects with a ValidationError (field `udfs`)
 * when it does not compile, throws while loading, or declares a function badly.
 */
export async function loadUdfs(source: string): Promise<UdfRegistry> {
  const exports = runModule(compileModule(source));
  const registry: UdfRegistry = { scalar: new Map(), aggregate: new Map() };
  const seen = new Map<string, string>();
  for (const [exportName, value] of Object.entries(exports)) {
    if (!isMarked(value)) continue;
    const name = sqlName(exportName, seen);
    if (value[UDF_MARK] === 'scalar') registry.scalar.set(name, scalarUdf(exportName, name, value));
    else registry.aggregate.set(name, aggregateUdf(exportName, name, value));
  }
  return registry;
}

function invalid(message: string, where?: { line: number; column: number }): ValidationError {
  const detail: ErrorDetail = { field: 'udfs', message, ...(where ?? {}) };
  return new ValidationError(`udfs: ${message}`, [detail]);
}

function compileModule(source: string): string {
  try {
    return transform(source, { transforms: ['typescript', 'imports'], filePath: 'udfs.ts' }).code;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const loc = /\((\d+):(\d+)\)/.exec(msg);
    // sucrase reports 0-based columns.
    throw invalid(`the UDF module does not compile: ${msg}`, loc ? { line: Number(loc[1]), column: Number(loc[2]) + 1 } : undefined);
  }
}

function runModule(code: string): Record<string, unknown> {
  // One line for the wrapper's head keeps the module's line numbers in stack traces.
  const wrapper = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, { filename: 'udfs.ts' }) as (
    ...args: unknown[]
  ) => void;
  const module = { exports: {} as Record<string, unknown> };
  const require = (id: string): unknown => {
    if (id === UDF_MODULE) return udfApi;
    if (isBuiltin(id)) return nodeRequire(id);
    throw new Error(`cannot import "${id}": a UDF module may import only '${UDF_MODULE}' and Node built-ins`);
  };
  try {
    wrapper(module.exports, require, module, 'udfs.ts', '.');
  } catch (err) {
    const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new ValidationError(`udfs: the UDF module threw while loading: ${msg}`, [{ field: 'udfs', message: `the UDF module threw while loading: ${msg}` }], err);
  }
  const exports = module.exports;
  return typeof exports === 'object' && exports !== null ? exports : {};
}

type Marked = { [UDF_MARK]: 'scalar' | 'aggregate'; declaration: unknown; fn?: unknown; impl?: unknown };

function isMarked(v: unknown): v is Marked {
  if (typeof v !== 'object' || v === null) return false;
  const mark = (v as Partial<Marked>)[UDF_MARK];
  return mark === 'scalar' || mark === 'aggregate';
}

/** The SQL name of an export; SQL lower-cases function names, so two exports may collide. */
function sqlName(exportName: string, seen: Map<string, string>): string {
  const name = exportName.toLowerCase();
  const fail = (why: string): never => {
    throw invalid(`export "${exportName}": ${why}`);
  };
  if (!/^[a-z_][a-z0-9_]*$/.test(name) || name === EXTRACT_FN) fail('a UDF name must be a plain SQL identifier (letters, digits, _)');
  if (Object.hasOwn(FUNCTIONS, name) || BUILTIN_AGGREGATES.includes(name)) fail(`"${name}" is a built-in function; choose another name`);
  const other = seen.get(name);
  if (other !== undefined) fail(`same SQL name as export "${other}" (function names are case-insensitive)`);
  seen.set(name, exportName);
  return name;
}

interface Checked {
  args: FieldType[];
  returns: FieldType;
  nulls: NullHandling;
}

function declaration(exportName: string, d: unknown): Checked {
  const fail = (why: string): never => {
    throw invalid(`export "${exportName}": ${why}`);
  };
  if (typeof d !== 'object' || d === null) return fail('the declaration must be an object { args, returns }');
  const decl = d as Record<string, unknown>;
  const extra = Object.keys(decl).find((k) => !['args', 'returns', 'nulls'].includes(k));
  if (extra !== undefined) fail(`unknown declaration key "${extra}" (expected args, returns, nulls)`);
  const types = FIELD_TYPES.join(', ');
  if (!Array.isArray(decl.args)) fail(`args must be an array of types (${types})`);
  const args = decl.args as unknown[];
  args.forEach((t, i) => {
    if (!FIELD_TYPES.includes(t as FieldType)) fail(`args[${i}] must be one of ${types}, got ${JSON.stringify(t)}`);
  });
  if (!FIELD_TYPES.includes(decl.returns as FieldType)) fail(`returns must be one of ${types}, got ${JSON.stringify(decl.returns)}`);
  const nulls = decl.nulls ?? 'skip';
  if (nulls !== 'skip' && nulls !== 'call') fail(`nulls must be 'skip' or 'call', got ${JSON.stringify(nulls)}`);
  return { args: args as FieldType[], returns: decl.returns as FieldType, nulls: nulls as NullHandling };
}

function scalarUdf(exportName: string, name: string, m: Marked): ScalarUdf {
  const d = declaration(exportName, m.declaration);
  if (typeof m.fn !== 'function') throw invalid(`export "${exportName}": udf() needs a function as its second argument`);
  return { kind: 'scalar', name, exportName, ...d, fn: m.fn as ScalarUdf['fn'] };
}

function aggregateUdf(exportName: string, name: string, m: Marked): AggregateUdf {
  const d = declaration(exportName, m.declaration);
  const impl = m.impl as Record<string, unknown> | null;
  if (typeof impl !== 'object' || impl === null) throw invalid(`export "${exportName}": udaf() needs { create, add, merge, result } as its second argument`);
  for (const key of ['create', 'add', 'merge', 'result']) {
    if (typeof impl[key] !== 'function') throw invalid(`export "${exportName}": ${key} must be a function`);
  }
  if (impl.retract !== undefined && typeof impl.retract !== 'function') throw invalid(`export "${exportName}": retract must be a function`);
  const f = impl as unknown as {
    create(): unknown;
    add(acc: unknown, ...args: unknown[]): unknown;
    merge(a: unknown, b: unknown): unknown;
    result(acc: unknown): unknown;
    retract?(acc: unknown, ...args: unknown[]): unknown;
  };
  // Bound so that implementations may use `this` (an object literal with methods).
  return {
    kind: 'aggregate', name, exportName, ...d,
    create: f.create.bind(f),
    add: f.add.bind(f),
    merge: f.merge.bind(f),
    result: f.result.bind(f),
    ...(f.retract ? { retract: f.retract.bind(f) } : {}),
  };
}

// Compiles one aggregate item, `fn(arg) [AS alias]`, against the input schema. The call is parsed
// with sql-parser-cst (as `SELECT <item>`, like src/sql/expr); its argument is any scalar
// expression, compiled by the expression engine from its own slice of the text.
//
// Types: count(*) / count(expr) / count(DISTINCT expr) → int64 (never null); sum of int32/int64 → int64, of float64 →
// float64; avg → float64; min/max → the argument's type, for int32, int64, float64, timestamp and
// utf8 (utf8 ordered by code point, i.e. by UTF-8 bytes). sum/avg/min/max ignore nulls and are
// null for a group with no non-null value (so nullable exactly when the argument is).
// DISTINCT is accepted in count only (the one aggregate where it changes the result and that
// issue 4 asks for); count(DISTINCT x) counts the distinct non-null values of x.

import { parse as parseSql, type FuncCall } from 'sql-parser-cst';
import { rewriteSyntax } from '../../sql/expr/index.js';
import { ValidationError, type ErrorDetail } from '../../errors.js';
import { ExprCompileError } from '../../sql/expr/ast.js';
import { type CompileOptions, compileExpression, type CompiledExpr } from '../../sql/expr/index.js';
import { PREFIX } from '../../sql/expr/cst.js';
import { lineCol, parseExpression } from '../../sql/expr/parse.js';
import type { FieldType, Schema } from '../../types.js';
import { checkUdfArgTypes } from '../../sql/expr/udf-call.js';
import type { AggregateUdf } from '../../sql/expr/udf-types.js';

export type AggregateFn = 'count' | 'sum' | 'min' | 'max' | 'avg';
/** What a call computes: a built-in aggregate, or a user-defined one (AggregateCall.udaf). */
export type AggregateKind = AggregateFn | 'udaf';
export const AGGREGATE_FNS: readonly AggregateFn[] = ['count', 'sum', 'min', 'max', 'avg'];

export interface AggregateCall {
  readonly text: string;
  readonly fn: AggregateKind;
  /** count(DISTINCT expr): the group keeps the set of values seen. */
  readonly distinct: boolean;
  /** null for count(*). */
  readonly arg: CompiledExpr | null;
  /** Alias, else the function name (as Postgres names the column). */
  readonly outputName: string;
  readonly type: FieldType;
  readonly nullable: boolean;
  /**
   * A user-defined aggregate (`udfs.aggregate`): `fn` is then 'udaf', `arg` null and `args` its
   * arguments. Each group keeps the UDAF's accumulator; the output is result(acc), nullable.
   */
  readonly udaf?: AggregateUdf;
  readonly args?: readonly CompiledExpr[];
}

/** min/max of text: its running value is bytes, kept apart from the numbers. */
export function isText(call: AggregateCall): boolean {
  return (call.fn === 'min' || call.fn === 'max') && call.type === 'utf8';
}

const NUMERIC: readonly FieldType[] = ['int32', 'int64', 'float64'];
const ORDERED: readonly FieldType[] = ['int32', 'int64', 'float64', 'timestamp', 'utf8'];

interface Range {
  range?: [number, number];
}

/** Throws ValidationError (with `fieldPath` and the column in `text`) when the item is invalid. */
/** `options.udfs`: scalar UDFs the argument may call, and aggregate UDFs the call may name. */
export function compileAggregateCall(text: string, schema: Schema, fieldPath?: string, options?: CompileOptions): AggregateCall {
  const fail = (message: string, node?: Range): never => {
    throw invalid(message, text, fieldPath, node?.range ? node.range[0] - PREFIX.length : undefined);
  };
  let program;
  try {
    program = parseSql(PREFIX + rewriteSyntax(text), { dialect: 'postgresql', includeRange: true, filename: 'aggregate' });
  } catch {
    // The expression parser words syntax errors well; let it re-parse and throw one.
    rethrow(() => parseExpression(text, true), text, fieldPath);
    return fail('could not parse the aggregate');
  }
  const stmt = program.statements[0];
  const clause = stmt?.type === 'select_stmt' && stmt.clauses.length === 1 ? stmt.clauses[0] : undefined;
  const items = clause?.type === 'select_clause' && clause.modifiers.length === 0 ? clause.columns?.items : undefined;
  if (program.statements.some((s, i) => i > 0 && s.type !== 'empty') || !items || items.length !== 1) {
    return fail('expected one aggregate call such as count(*) or sum(amount) [AS name]');
  }
  let call = items[0]!;
  let alias: string | null = null;
  if (call.type === 'alias') {
    if (call.columnAliases) fail('column alias lists are not supported', call.columnAliases);
    alias = call.alias.name;
    call = call.expr;
  }
  if (call.type !== 'func_call' || call.name.type !== 'identifier' || !call.args) {
    return fail(`expected an aggregate call ${AGGREGATE_FNS.map((f) => `${f}(...)`).join(', ')}`, call);
  }
  const fn = call.name.name.toLowerCase() as AggregateFn;
  const udaf = options?.udfs?.aggregate.get(fn);
  if (udaf && !AGGREGATE_FNS.includes(fn)) return compileUdafCall(text, udaf, call, alias, schema, fieldPath, options, fail);
  if (!AGGREGATE_FNS.includes(fn)) fail(`unknown aggregate function "${call.name.name}" (expected one of ${AGGREGATE_FNS.join(', ')})`, call.name);
  if (call.filter) fail('FILTER (...) is not supported', call.filter);
  if (call.over) fail('window functions (OVER ...) are not supported', call.over);
  const fa = call.args.expr;
  const distinct = Boolean(fa.distinctKw);
  if (distinct && fn !== 'count') fail(`DISTINCT is only supported in count(DISTINCT ...), not in ${fn}(...)`, fa.distinctKw);
  if (fa.orderBy || fa.limit || fa.having || fa.nullHandlingKw) fail(`extra clauses in ${fn}(...) are not supported`, call);
  const args = fa.args.items;
  if (args.length !== 1) fail(`${fn} takes exactly one argument, got ${args.length}`, call);
  const argNode = args[0]!;
  const outputName = alias ?? fn;
  if (argNode.type === 'all_columns') {
    if (fn !== 'count') fail(`${fn}(*) is not allowed; only count(*)`, argNode);
    if (distinct) fail('count(DISTINCT *) is not allowed; name a column', argNode);
    return { text, fn, distinct, arg: null, outputName, type: 'int64', nullable: false };
  }
  const [start, end] = (argNode as Range).range!.map((r) => r - PREFIX.length) as [number, number];
  const arg = rethrow(() => compileExpression(text.slice(start, end), schema, fieldPath, options), text, fieldPath, start);
  if (fn === 'count') return { text, fn, distinct, arg, outputName, type: 'int64', nullable: false };
  const allowed = fn === 'min' || fn === 'max' ? ORDERED : NUMERIC;
  if (!allowed.includes(arg.type)) {
    fail(`${fn} needs a ${fn === 'min' || fn === 'max' ? 'numeric, timestamp or text' : 'numeric'} argument, got ${arg.type}`, argNode);
  }
  const type: FieldType = fn === 'avg' ? 'float64' : fn === 'sum' ? (arg.type === 'float64' ? 'float64' : 'int64') : arg.type;
  return { text, fn, distinct, arg, outputName, type, nullable: arg.nullable };
}

/** `name(arg, ...)` of an aggregate UDF: the arguments compile as expressions and must fit its declaration. */
function compileUdafCall(
  text: string,
  udaf: AggregateUdf,
  call: FuncCall,
  alias: string | null,
  schema: Schema,
  fieldPath: string | undefined,
  options: CompileOptions | undefined,
  fail: (message: string, node?: Range) => never,
): AggregateCall {
  const name = udaf.name;
  if (call.filter) fail('FILTER (...) is not supported', call.filter);
  if (call.over) fail('window functions (OVER ...) are not supported', call.over);
  const fa = call.args!.expr;
  if (fa.distinctKw) fail(`DISTINCT is not supported in ${name}(...)`, fa.distinctKw);
  if (fa.orderBy || fa.limit || fa.having || fa.nullHandlingKw) fail(`extra clauses in ${name}(...) are not supported`, call);
  const nodes = fa.args.items;
  const args = nodes.map((node) => {
    if (node.type === 'all_columns') fail(`${name}(*) is not allowed; pass its arguments`, node);
    const [start, end] = (node as Range).range!.map((r) => r - PREFIX.length) as [number, number];
    return rethrow(() => compileExpression(text.slice(start, end), schema, fieldPath, options), text, fieldPath, start);
  });
  const err = checkUdfArgTypes(udaf, args.map((a) => a.type));
  if (err !== null) {
    const bad = args.findIndex((a, i) => i < udaf.args.length && checkUdfArgTypes({ name, args: [udaf.args[i]!] }, [a.type]) !== null);
    fail(err, bad >= 0 ? (nodes[bad] as Range) : call);
  }
  return { text, fn: 'udaf', distinct: false, arg: null, outputName: alias ?? name, type: udaf.returns, nullable: true, udaf, args };
}

function invalid(message: string, text: string, fieldPath: string | undefined, pos: number | undefined): ValidationError {
  const detail: ErrorDetail = { message };
  if (fieldPath !== undefined) detail.field = fieldPath;
  if (pos !== undefined) placeAt(detail, text, pos);
  return new ValidationError(fieldPath !== undefined ? `${fieldPath}: ${message}` : message, [detail]);
}

function placeAt(detail: ErrorDetail, text: string, pos: number): void {
  const { line, column } = lineCol(text, pos);
  if (text.includes('\n')) detail.line = line;
  else delete detail.line;
  detail.column = column;
}

/**
 * Runs a step that compiles the text (or the slice of it at `offset`) and re-bases the columns
 * of its errors onto the whole item, so they point into what the user wrote.
 */
function rethrow<T>(step: () => T, text: string, fieldPath: string | undefined, offset = 0): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof ValidationError) {
      const details = (err.details ?? []).map((d) => {
        const out = { ...d };
        if (d.column !== undefined) placeAt(out, text, offset + columnToPos(text.slice(offset), d.line ?? 1, d.column));
        return out;
      });
      throw new ValidationError(err.message, details, err);
    }
    // parseExpression throws the engine's ExprCompileError (with a position) on a syntax error.
    if (err instanceof ExprCompileError) throw invalid(err.message, text, fieldPath, err.pos);
    throw err;
  }
}

function columnToPos(text: string, line: number, column: number): number {
  let pos = 0;
  for (let l = 1; l < line; l++) pos = text.indexOf('\n', pos) + 1;
  return pos + column - 1;
}

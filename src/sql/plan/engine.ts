// The expression engine (src/sql/expr) and the aggregate call compiler type-check every piece of
// text the planner puts into an OperatorSpec, against the schema at that point; their errors
// (a column of the piece of text) are mapped back to the query through the Snippet.

import { ValidationError } from '../../errors.js';
import { compileAggregateCall } from '../../operators/aggregate/calls.js';
import type { Field, Schema } from '../../types.js';
import { compileCondition, compileProjection, type UdfRegistry } from '../expr/index.js';
import { Reported, type Problems } from '../problems.js';
import { offsetOf } from '../text-map.js';
import { quoteName, type Snippet } from './snippet.js';

export interface EngineContext {
  problems: Problems;
  udfs?: UdfRegistry | undefined;
}

export interface ProjectionItem {
  expr: Snippet;
  /** Output column name (always given: the planner names every column). */
  name: string;
}

/** Projection texts (`expr AS name`) and their fields; every failing item is reported, then Reported is thrown. */
export function checkProjection(items: ProjectionItem[], input: Schema, ctx: EngineContext): { expressions: string[]; fields: Field[] } {
  const before = ctx.problems.size;
  const expressions: string[] = [];
  const fields: Field[] = [];
  for (const item of items) {
    const text = asText(item.expr, item.name);
    const compiled = report(ctx, item.expr, () => compileProjection(text, input, undefined, { udfs: ctx.udfs }));
    expressions.push(text);
    if (compiled) fields.push({ name: item.name, type: compiled.type, nullable: compiled.nullable });
  }
  ctx.problems.check(before);
  return { expressions, fields };
}

/** A filter condition's text; throws Reported after reporting when it is not a valid boolean. */
export function checkCondition(cond: Snippet, input: Schema, ctx: EngineContext): string {
  const before = ctx.problems.size;
  report(ctx, cond, () => compileCondition(cond.text, input, undefined, { udfs: ctx.udfs }));
  ctx.problems.check(before);
  return cond.text;
}

/** The field an aggregate item (`fn(arg) AS name`) produces; `at` is where the call is in the query. */
export function aggregateField(text: string, input: Schema, at: number, ctx: EngineContext): Field | undefined {
  try {
    const call = compileAggregateCall(text, input, undefined, { udfs: ctx.udfs });
    return { name: call.outputName, type: call.type, nullable: call.nullable };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    for (const d of err.details ?? [{ message: err.message }]) ctx.problems.add(d.message, at);
    return undefined;
  }
}

/** `expr AS name`, or just the column when it keeps its name. */
export function asText(expr: Snippet, name: string): string {
  const quoted = quoteName(name);
  return expr.text === quoted ? quoted : `${expr.text} AS ${quoted}`;
}

function report<T>(ctx: EngineContext, expr: Snippet, step: () => T): T | undefined {
  try {
    return step();
  } catch (err) {
    if (err instanceof Reported) throw err;
    if (!(err instanceof ValidationError)) throw err;
    for (const d of err.details ?? [{ message: err.message }]) {
      // Engine columns are 1-based in the one-line text; past its end means the alias part.
      const offset = d.column === undefined ? 0 : Math.min(offsetOf(expr.text, d.line ?? 1, d.column), expr.text.length);
      ctx.problems.add(d.message, expr.at(offset));
    }
    return undefined;
  }
}

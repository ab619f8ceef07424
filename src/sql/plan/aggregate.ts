// An aggregating SELECT becomes [project keys/arguments] → aggregate → [HAVING filter] → project.
// With a time window it is a `window_aggregate` (one row per window and group once the window
// closes); grouping by the window of an already windowed input groups the rows of each of those
// windows (a 1 ms tumble on their time, window end − 1); without a window it is an updating
// `aggregate` (a changelog, state kept for updating_ttl). Keyed operators get a shuffle on the keys.

import type { FuncCall, GroupByClause, HavingClause, Node } from 'sql-parser-cst';
import { ValidationError } from '../../errors.js';
import { aggregateSchema, OP_COLUMN } from '../../operators/aggregate.js';
import { windowAggregateSchema } from '../../operators/window/schema.js';
import type { Field, OperatorSpec, WindowSpec } from '../../types.js';
import { SqlError } from '../problems.js';
import { startOf, unparen } from '../syntax.js';
import type { PlanContext } from './context.js';
import { aggregateField } from './engine.js';
import { type Agg, analyzeGrouping, type Grouping, type Key, type Win } from './group.js';
import { type OutItem, project, uniqueName } from './project.js';
import { type Relation, timeColumnName, visible, type WindowCols } from './relation.js';
import { defaultName, filter, type SelectItem } from './select.js';
import { quoteName, Snippet } from './snippet.js';
import { type PostScope, postScope } from './post-scope.js';
import { isWindowCall } from './translate.js';
import { windowSpecOf } from './windows.js';

export function planAggregation(rel: Relation, items: SelectItem[], groupBy: GroupByClause | undefined, having: HavingClause | undefined, ctx: PlanContext, top: boolean): Relation {
  const at = groupBy ? startOf(groupBy) : items[0]?.at ?? 0;
  const g = analyzeGrouping(rel, items, groupBy, having, ctx);
  const win = g.window as Win | null;
  // An updating input is a changelog: count/sum/avg fold its retractions (aggregate/retract.ts), but a window needs rows that stay put.
  if (rel.updating && win) throw new SqlError('a time window over the output of a GROUP BY without a window (an updating table) is not supported', win.at);
  if (win?.kind === 'new' && rel.time === null) {
    throw new SqlError(`${win.spec.kind}(...) needs event time, and this input has none: give its table WATERMARK FOR <column> or event_time_field`, win.at);
  }
  const time = win?.kind === 'instant' ? (rel.time ?? quoteName(win.cols.end)) : rel.time;

  // Output names: keys keep their column's name, aggregates take their select alias when they can.
  const taken = new Map<string, true>(win ? [['window_start', true], ['window_end', true]] : []);
  g.keys.forEach((k, i) => {
    k.name = uniqueName(k.column ? k.column.name : k.item?.alias?.name ?? `_key${i}`, taken);
    taken.set(k.name, true);
  });
  for (const a of g.aggs) {
    const item = items.find((it) => it.node && unparen(it.node) === a.call);
    a.name = uniqueName(item?.alias?.name ?? a.fn, taken);
    taken.set(a.name, true);
  }

  // Keys, arguments and the time must be columns of the aggregate's input: compute them first if not.
  const bare = (s: Snippet) => rel.columns.find((c) => quoteName(c.name) === s.text)?.name;
  const argColumn = new Map<Agg, string>();
  const pre: OutItem[] = g.keys.map((k) => ({ expr: k.expr, name: k.name, at: k.at }));
  g.aggs.forEach((a, i) => {
    if (!a.arg) return;
    const col = bare(a.arg);
    const same = col !== undefined ? pre.find((p) => p.expr.text === a.arg!.text) : undefined;
    const name = same?.name ?? uniqueName(col ?? `_arg${i}`, new Map(pre.map((p) => [p.name, true])));
    if (!same) pre.push({ expr: a.arg, name, at: startOf(a.call) });
    argColumn.set(a, name);
  });
  let timeColumn: string | undefined;
  if (win && time !== null) {
    const same = pre.find((p) => p.expr.text === time);
    timeColumn = same?.name ?? uniqueName(timeColumnName(rel) ?? '_timestamp', new Map(pre.map((p) => [p.name, true])));
    if (!same) pre.push({ expr: Snippet.make(time, win.at), name: timeColumn, at: win.at });
  }
  const needPre = pre.some((p) => bare(p.expr) !== p.name) || g.keys.length + g.aggs.length === 0 || pre.length < rel.columns.length;
  const input = needPre ? project({ ...rel, window: null }, pre, ctx, { top: true, window: null }) : rel;
  const schema = input.node.outputSchema;

  const before = ctx.problems.size;
  const texts: string[] = [];
  for (const a of g.aggs) {
    const arg = argColumn.get(a);
    const text = `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${arg !== undefined ? quoteName(arg) : '*'}) AS ${quoteName(a.name)}`;
    aggregateField(text, schema, startOf(a.call), ctx);
    texts.push(text);
  }
  ctx.problems.check(before);
  const groupBy_ = g.keys.map((k) => k.name);
  const op: OperatorSpec = win
    ? { kind: 'window_aggregate', window: win.kind === 'new' ? win.spec : { kind: 'tumble', size_ms: 1 }, time_column: timeColumn!, group_by: groupBy_, aggregates: texts }
    : { kind: 'aggregate', group_by: groupBy_, aggregates: texts, updating: true, ttl_ms: ctx.ttlMs };
  // The operators' own schema functions, so planner and runtime cannot disagree.
  let fields: Field[];
  try {
    const options = { udfs: ctx.udfs };
    fields = op.kind === 'window_aggregate' ? windowAggregateSchema(op, schema, undefined, options).fields : aggregateSchema(groupBy_, texts, schema, true, options).fields;
  } catch (err) {
    if (err instanceof ValidationError) throw new SqlError(err.details?.[0]?.message ?? err.message, at);
    throw err;
  }
  const node = ctx.graph.add(op.kind, op, [{ node: input.node, keys: groupBy_ }], { fields });
  const aggRel: Relation = {
    node,
    columns: fields.map((f) => ({ name: f.name, label: f.name, field: f, ...(f.name === OP_COLUMN ? { hidden: true } : {}) })),
    time: null,
    window: null,
    updating: !win,
  };
  const scope = postScope(rel, g, ctx);
  const filtered = having ? filter(aggRel, [having.expr as Node], ctx, scope) : aggRel;
  return selectAfter(filtered, items, g, scope, ctx, top);
}

/** The select list over the aggregate's output. */
function selectAfter(aggRel: Relation, items: SelectItem[], g: Grouping, scope: PostScope, ctx: PlanContext, top: boolean): Relation {
  const win = g.window as Win | null;
  const out: OutItem[] = [];
  let windowOut: WindowCols | null = null;
  const bounds = win?.kind === 'new' ? { start: 'window_start', end: 'window_end' } : win?.kind === 'instant' ? { start: keyOf(g.keys, win.cols.start), end: keyOf(g.keys, win.cols.end) } : undefined;
  const spec = win?.kind === 'new' ? win.spec : win?.kind === 'instant' ? win.cols.spec : undefined;
  const before = ctx.problems.size;
  for (const item of items) {
    ctx.problems.attempt(() => {
      const node = unparen(item.node!);
      const at = item.alias?.at ?? item.at;
      const struct = isWindowCall(node) ? windowStruct(node, spec, bounds, ctx) : scope.structOf(node);
      if (struct) {
        // An unaliased window call is named by its text, as Arroyo names it (`window` stays free).
        const base = item.alias?.name ?? (isWindowCall(node) ? defaultName(node, ctx) : struct.label.split('.').pop()!);
        const names = struct.columns.map((c) => `${base}${c.suffix}`);
        struct.columns.forEach((c, i) => out.push({ expr: Snippet.make(quoteName(c.name), at), name: names[i]!, at }));
        const si = struct.columns.findIndex((c) => c.name === bounds?.start);
        const ei = struct.columns.findIndex((c) => c.name === bounds?.end);
        if (spec && si >= 0 && ei >= 0) windowOut = { spec, start: names[si]!, end: names[ei]! };
        return;
      }
      const expr = scope.translate(node);
      out.push({ expr, name: item.alias?.name ?? defaultName(node, ctx, scope.columnOf(node)), at });
    });
  }
  ctx.problems.check(before);
  const time = bounds ? `${quoteName(bounds.end)} - 1` : null;
  return project(aggRel, out, ctx, { top, window: windowOut, time });
}

function keyOf(keys: Key[], column: string): string {
  return keys.find((k) => k.column?.name === column)!.name;
}

function windowStruct(call: FuncCall, spec: WindowSpec | undefined, bounds: { start: string; end: string } | undefined, ctx: PlanContext) {
  const own = windowSpecOf(call, ctx.q.text);
  if (!spec || !bounds || JSON.stringify(own) !== JSON.stringify(spec)) throw new SqlError('this time window is not the one the query groups by', startOf(call));
  return { label: 'window', columns: [{ name: bounds.start, suffix: '.start' }, { name: bounds.end, suffix: '.end' }] };
}

/** SELECT DISTINCT: an updating aggregate grouped by every column. */
export function planDistinct(rel: Relation, ctx: PlanContext, at: number): Relation {
  if (rel.updating) throw new SqlError('DISTINCT over an updating table (a GROUP BY without a window) is not supported', at);
  const cols = visible(rel);
  const keys = cols.map((c) => c.name);
  const op: OperatorSpec = { kind: 'aggregate', group_by: keys, aggregates: [], updating: true, ttl_ms: ctx.ttlMs };
  const fields: Field[] = [...cols.map((c) => ({ ...c.field, nullable: c.field.nullable ?? true })), { name: OP_COLUMN, type: 'utf8', nullable: false }];
  const node = ctx.graph.add('aggregate', op, [{ node: rel.node, keys }], { fields });
  return {
    node,
    columns: [...cols.map((c, i) => ({ ...c, field: fields[i]! })), { name: OP_COLUMN, label: OP_COLUMN, field: fields[fields.length - 1]!, hidden: true }],
    time: null,
    window: null,
    updating: true,
  };
}

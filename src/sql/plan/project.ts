// A `project` node from output items, keeping what later operators need: event time (as a hidden
// `_timestamp` when the items drop the time column, unless the rows go straight to a sink) and
// the `_op` column of an updating input. A projection that changes nothing adds no node.

import { SqlError } from '../problems.js';
import type { PlanContext } from './context.js';
import { checkProjection } from './engine.js';
import { type Column, OP_COLUMN, type Relation, TIME_COLUMN, type WindowCols } from './relation.js';
import { quoteName, Snippet } from './snippet.js';

export interface OutItem {
  expr: Snippet;
  name: string;
  /** How the query names it (default: `name`). */
  label?: string;
  /** Where the item is, for a duplicate name. */
  at: number;
  hidden?: boolean;
}

export interface ProjectOptions {
  /** Rows go straight to a sink: no hidden time column. */
  top: boolean;
  /** The window bounds among the items (default: tracked through pass-through items). */
  window?: WindowCols | null;
  /** Event time after the projection, when the caller knows better (an aggregation's output). */
  time?: string | null;
}

export function project(rel: Relation, items: OutItem[], ctx: PlanContext, o: ProjectOptions): Relation {
  const all = [...items];
  const seen = new Map<string, OutItem>();
  for (const item of all) {
    if (seen.has(item.name)) throw new SqlError(`duplicate output column "${item.name}"; name one of them differently with AS`, item.at);
    seen.set(item.name, item);
  }
  const passed = (physical: string) => all.find((i) => i.expr.text === quoteName(physical));
  let time: string | null = null;
  const wantTime = o.time !== undefined ? o.time : rel.time;
  if (!o.top && wantTime !== null) {
    const kept = all.find((i) => i.expr.text === wantTime);
    if (kept) time = quoteName(kept.name);
    else {
      all.push({ expr: Snippet.make(wantTime, 0), name: uniqueName(TIME_COLUMN, seen), at: 0, hidden: true });
      time = quoteName(all[all.length - 1]!.name);
    }
  }
  if (rel.updating && !passed(OP_COLUMN)) all.push({ expr: Snippet.make(quoteName(OP_COLUMN), 0), name: OP_COLUMN, at: 0, hidden: true });

  let window: WindowCols | null = null;
  if (o.window !== undefined) window = o.window;
  else if (rel.window) {
    const start = passed(rel.window.start);
    const end = passed(rel.window.end);
    if (start && end) window = { spec: rel.window.spec, start: start.name, end: end.name };
  }
  const columns = (fields: { name: string }[]): Column[] =>
    all.map((item, i) => ({
      name: item.name,
      label: item.label ?? item.name,
      field: { ...(fields[i] as Column['field']) },
      ...(item.hidden ? { hidden: true } : {}),
    }));

  // Same columns in the same order: relabel only.
  const identity = all.length === rel.columns.length && all.every((item, i) => item.name === rel.columns[i]!.name && item.expr.text === quoteName(item.name));
  if (identity) {
    return { ...rel, columns: columns(rel.node.outputSchema.fields), time: o.top ? null : time, window };
  }
  const { expressions, fields } = checkProjection(all.map((i) => ({ expr: i.expr, name: i.name })), rel.node.outputSchema, ctx);
  const node = ctx.graph.add('project', { kind: 'project', expressions }, [{ node: rel.node }], { fields });
  return { node, columns: columns(fields), time, window, updating: rel.updating };
}

/** The relation with hidden columns added (join keys, event time), every column kept as it is. */
export function extend(rel: Relation, extra: OutItem[], ctx: PlanContext): Relation {
  if (extra.length === 0) return rel;
  const keep: OutItem[] = rel.columns.map((c) => ({ expr: Snippet.make(quoteName(c.name), 0), name: c.name, label: c.label, at: 0, ...(c.hidden ? { hidden: true } : {}) }));
  const out = project({ ...rel, updating: false }, [...keep, ...extra.map((e) => ({ ...e, hidden: true }))], ctx, { top: true, window: rel.window });
  const columns = out.columns.map((c, i) => {
    const q = rel.columns[i]?.qualifier;
    return q === undefined ? c : { ...c, qualifier: q };
  });
  return { ...out, columns, time: rel.time, updating: rel.updating };
}

export function uniqueName(base: string, taken: Map<string, unknown>): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

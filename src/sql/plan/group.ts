// What an aggregating SELECT groups by and computes: the GROUP BY keys (columns, expressions,
// select aliases, ordinals), its time window (a tumble/hop/session call, or the window of an
// already windowed input: "instant" grouping), and the aggregate calls of the select list and
// HAVING, each once.

import type { FuncCall, GroupByClause, HavingClause, Node } from 'sql-parser-cst';
import type { WindowSpec } from '../../types.js';
import { SqlError } from '../problems.js';
import { childNodes, listItems, startOf, unparen } from '../syntax.js';
import type { PlanContext } from './context.js';
import type { Column, Relation, WindowCols } from './relation.js';
import { nameParts, resolveName } from './resolve.js';
import { findWindowCall, inputScope, type SelectItem } from './select.js';
import { quoteName, Snippet } from './snippet.js';
import { FUNCTIONS } from '../expr/functions.js';
import { callName, isAggregateCall, isWindowCall, translate } from './translate.js';
import { windowSpecOf } from './windows.js';

export interface Key {
  /** Engine text over the input. */
  expr: Snippet;
  /** The input column, when the key is one. */
  column?: Column;
  /** The select item it came from (`GROUP BY 1`, `GROUP BY alias`). */
  item?: SelectItem;
  at: number;
  /** Set by the planner: the column's name in the aggregate's output. */
  name: string;
}

export type Win = { kind: 'new'; spec: WindowSpec; at: number; alias: string } | { kind: 'instant'; cols: WindowCols; at: number };

export interface Agg {
  call: FuncCall;
  fn: string;
  distinct: boolean;
  /** Engine text of the argument over the input; null for count(*). */
  arg: Snippet | null;
  /** Dedupe key: the same call twice is computed once. */
  key: string;
  name: string;
}

export interface Grouping {
  keys: Key[];
  window: Win | null;
  aggs: Agg[];
  /** Every aggregate call of the query (several calls may share one Agg). */
  byCall: Map<FuncCall, Agg>;
}

export function analyzeGrouping(rel: Relation, items: SelectItem[], groupBy: GroupByClause | undefined, having: HavingClause | undefined, ctx: PlanContext): Grouping {
  const scope = inputScope(rel, 'GROUP BY');
  const keys: Key[] = [];
  let window: Win | null = null;
  const setWindow = (w: Win) => {
    if (window && !(window.kind === 'new' && w.kind === 'new' && JSON.stringify(window.spec) === JSON.stringify(w.spec))) {
      throw new SqlError('a query groups by at most one time window', w.at);
    }
    window = window ?? w;
  };
  const addKey = (k: Omit<Key, 'name'>) => {
    if (!keys.some((x) => x.expr.key === k.expr.key)) keys.push({ ...k, name: '' });
  };
  for (const g of groupBy ? listItems(groupBy.columns as Node) : []) {
    if (g.type.startsWith('group_by_')) throw new SqlError('ROLLUP, CUBE and GROUPING SETS are not supported', startOf(g));
    const { node, item } = groupTarget(g, items, rel, ctx);
    if (isWindowCall(node)) {
      setWindow({ kind: 'new', spec: windowSpecOf(node, ctx.q.text), at: startOf(node), alias: item?.alias?.name ?? 'window' });
      continue;
    }
    const parts = nameParts(node, ctx.q.autoQuoted);
    if (parts) {
      const r = resolveName(rel, parts);
      const cols = r.kind === 'column' ? [r.column] : r.columns;
      const w = rel.window;
      if (w && cols.some((c) => c.name === w.start || c.name === w.end)) setWindow({ kind: 'instant', cols: w, at: startOf(node) });
      for (const c of cols) addKey({ expr: Snippet.make(quoteName(c.name), startOf(node)), column: c, at: startOf(node), ...(item ? { item } : {}) });
      continue;
    }
    const win = findWindowCall(node);
    if (win) throw new SqlError(`${callName(win)}(...) must be a GROUP BY item of its own`, startOf(win));
    addKey({ expr: translate(node, scope, ctx), at: startOf(node), ...(item ? { item } : {}) });
  }
  // An instant grouping keeps the window's bounds as keys, so they can be selected.
  const inst = window as Win | null;
  if (inst?.kind === 'instant') {
    for (const name of [inst.cols.start, inst.cols.end]) {
      const column = rel.columns.find((c) => c.name === name)!;
      addKey({ expr: Snippet.make(quoteName(name), inst.at), column, at: inst.at });
    }
  }
  for (const item of items) {
    if (!item.node) throw new SqlError('* cannot be used in an aggregating query; list the columns', item.at);
    const w = findWindowCall(item.node);
    if (!w) continue;
    const spec = windowSpecOf(w, ctx.q.text);
    const current = window as Win | null;
    if (current?.kind === 'new' && JSON.stringify(current.spec) === JSON.stringify(spec)) {
      // `tumble(...) AS w ... GROUP BY tumble(...)`: the window is called w.
      if (unparen(item.node) === w && item.alias) current.alias = item.alias.name;
      continue;
    }
    throw new SqlError(`time window function ${callName(w)}(...) must also be in GROUP BY (e.g. ${callName(w)}(...) AS window ... GROUP BY window)`, startOf(w));
  }
  const aggs: Agg[] = [];
  const byCall = new Map<FuncCall, Agg>();
  const walk = (n: Node) => {
    if (isAggregateCall(n, ctx.udfs)) return void byCall.set(n, addAgg(n, rel, aggs, ctx));
    // Said here, before its arguments would be reported as columns missing from GROUP BY.
    const name = callName(n);
    if (name !== undefined && !Object.hasOwn(FUNCTIONS, name) && !isWindowCall(n) && !ctx.udfs?.scalar.has(name)) {
      throw new SqlError(`unknown function "${name}" (not a built-in or registered scalar or aggregate function)`, startOf(n));
    }
    if (n.type === 'select_stmt' || n.type === 'compound_select_stmt') return;
    for (const c of childNodes(n)) if (c.field !== 'dataType') walk(c.node);
  };
  for (const item of items) walk(item.node!);
  if (having) walk(having.expr as Node);
  return { keys, window, aggs, byCall };
}

/** What a GROUP BY item means: an ordinal or a select alias stands for that select item. */
function groupTarget(g: Node, items: SelectItem[], rel: Relation, ctx: PlanContext): { node: Node; item?: SelectItem } {
  const n = unparen(g);
  if (n.type === 'number_literal') {
    const i = Number(n.text);
    const item = Number.isInteger(i) ? items[i - 1] : undefined;
    if (!item?.node) throw new SqlError(`GROUP BY ${n.text}: there is no select item ${n.text}${item ? ' (it is *)' : ''}`, startOf(n));
    return { node: unparen(item.node), item };
  }
  const parts = nameParts(n, ctx.q.autoQuoted);
  if (parts?.length === 1) {
    const p = parts[0]!;
    const item = items.find((i) => i.alias && (p.quoted ? i.alias.name === p.name : i.alias.name.toLowerCase() === p.name.toLowerCase()));
    // An input column of that name wins over a select alias (as in PostgreSQL).
    const isColumn = (() => {
      try {
        return resolveName(rel, parts).kind === 'column';
      } catch {
        return false;
      }
    })();
    if (item?.node && !isColumn) return { node: unparen(item.node), item };
  }
  return { node: n };
}

function addAgg(call: FuncCall, rel: Relation, aggs: Agg[], ctx: PlanContext): Agg {
  const fn = callName(call)!;
  const fa = call.args!.expr;
  if (call.filter) throw new SqlError('FILTER (...) is not supported', startOf(call.filter));
  if (call.over) throw new SqlError('window functions (OVER ...) are not supported', startOf(call.over));
  if (fa.orderBy || fa.limit || fa.having || fa.nullHandlingKw) throw new SqlError(`extra clauses in ${fn}(...) are not supported`, startOf(call));
  const args = fa.args.items as Node[];
  if (args.length !== 1) throw new SqlError(`${fn} takes exactly one argument, got ${args.length}`, startOf(call));
  const a = args[0]!;
  let arg: Snippet | null = null;
  if (a.type === 'all_columns') {
    if (fn !== 'count') throw new SqlError(`${fn}(*) is not allowed; only count(*)`, startOf(a));
  } else {
    const inner = findAggregate(a, ctx);
    if (inner) throw new SqlError(`aggregate calls cannot be nested (${callName(inner)} inside ${fn})`, startOf(inner));
    arg = translate(a, inputScope(rel, `the argument of ${fn}(...)`), ctx);
  }
  const distinct = Boolean(fa.distinctKw);
  const key = `${fn}|${distinct}|${arg?.key ?? '*'}`;
  const known = aggs.find((x) => x.key === key);
  if (known) return known;
  const agg: Agg = { call, fn, distinct, arg, key, name: '' };
  aggs.push(agg);
  return agg;
}

function findAggregate(n: Node, ctx: PlanContext): FuncCall | undefined {
  if (isAggregateCall(n, ctx.udfs)) return n;
  for (const c of childNodes(n)) {
    const hit = findAggregate(c.node, ctx);
    if (hit) return hit;
  }
  return undefined;
}

// A query: SELECT [DISTINCT] items FROM ... [WHERE] [GROUP BY] [HAVING], or a UNION ALL of them.
// FROM gives a relation, WHERE a filter, then either a projection or an aggregation (aggregate.ts),
// then DISTINCT as an updating aggregate over every column.

import type { FuncCall, GroupByClause, HavingClause, Node, SelectClause, SelectStmt } from 'sql-parser-cst';
import { SqlError } from '../problems.js';
import { childNodes, endOf, keywordText, listItems, startOf, unparen } from '../syntax.js';
import { planAggregation, planDistinct } from './aggregate.js';
import type { PlanContext } from './context.js';
import { checkCondition } from './engine.js';
import { compileFrom } from './from.js';
import { type Conjunct, splitAnd } from './join.js';
import { type OutItem, project } from './project.js';
import { type Column, type Relation, visible } from './relation.js';
import { nameParts, resolveName } from './resolve.js';
import { quoteName, Snippet } from './snippet.js';
import { isAggregateCall, isWindowCall, misplacedWindow, type Scope, translate } from './translate.js';
import { compileUnion } from './union.js';

export interface SelectItem {
  node?: Node;
  alias?: { name: string; at: number };
  /** A column from `*` / `t.*`. */
  star?: Column;
  at: number;
}

/** `top`: the rows go straight to a sink (no hidden columns needed afterwards). */
export function compileQuery(node: Node, ctx: PlanContext, top: boolean): Relation {
  if (node.type === 'paren_expr') return compileQuery(node.expr as Node, ctx, top);
  if (node.type === 'compound_select_stmt') return compileUnion(node, ctx, top);
  if (node.type === 'select_stmt') return compileSelect(node, ctx, top);
  throw new SqlError(`expected a query (SELECT ...), found ${node.type.replace(/_/g, ' ')}`, startOf(node));
}

function compileSelect(stmt: SelectStmt, ctx: PlanContext, top: boolean): Relation {
  let select: SelectClause | undefined;
  let from: Node | undefined;
  let where: Node | undefined;
  let groupBy: GroupByClause | undefined;
  let having: HavingClause | undefined;
  for (const c of stmt.clauses) {
    if (c.type === 'select_clause') select = c;
    else if (c.type === 'from_clause') from = c.expr as Node;
    else if (c.type === 'where_clause') where = c.expr as Node;
    else if (c.type === 'group_by_clause') groupBy = c;
    else if (c.type === 'having_clause') having = c;
    else if (c.type === 'paren_expr') return compileQuery(c, ctx, top);
    else if (c.type === 'order_by_clause' || c.type === 'limit_clause' || c.type === 'offset_clause' || c.type === 'fetch_clause') {
      throw new SqlError(`${keywordText(c.type === 'order_by_clause' ? c.orderByKw : c.type === 'limit_clause' ? c.limitKw : c.type === 'offset_clause' ? c.offsetKw : c.fetchKw)} is not supported on a stream`, startOf(c));
    } else if (c.type === 'with_clause') throw new SqlError('WITH (common table expressions) is not supported; use CREATE VIEW', startOf(c));
    else throw new SqlError(`unsupported clause (${c.type.replace(/_/g, ' ')})`, startOf(c));
  }
  if (!select?.columns) throw new SqlError('expected a select list', startOf(stmt));
  if (!from) throw new SqlError('a streaming query reads FROM a table (SELECT without FROM is not supported)', endOf(select));
  const distinct = modifiersOf(select);

  const conjuncts: Conjunct[] = where ? splitAnd(where).map((node) => ({ node, used: false })) : [];
  let rel = compileFrom(from, ctx, conjuncts);
  const rest = conjuncts.filter((c) => !c.used);
  if (where && rest.length === conjuncts.length) rel = filter(rel, [where], ctx);
  else if (rest.length > 0) rel = filter(rel, rest.map((c) => c.node), ctx);

  const items = selectItems(listItems(select.columns as Node), rel);
  const aggregating = groupBy !== undefined || having !== undefined || items.some((i) => i.node && containsAggregate(i.node, ctx));
  const outTop = top && !distinct;
  rel = aggregating ? planAggregation(rel, items, groupBy, having, ctx, outTop) : plainProjection(rel, items, ctx, outTop);
  return distinct ? planDistinct(rel, ctx, startOf(select)) : rel;
}

function modifiersOf(select: SelectClause): boolean {
  let distinct = false;
  for (const m of select.modifiers) {
    if (m.type === 'select_distinct') distinct = true;
    else if (m.type !== 'select_all') throw new SqlError(`unsupported select modifier (${m.type.replace(/_/g, ' ')})`, startOf(m));
  }
  return distinct;
}

export function filter(rel: Relation, conds: Node[], ctx: PlanContext, scope: Scope = inputScope(rel, 'WHERE')): Relation {
  const parts = conds.map((c) => translate(c, scope, ctx));
  const cond = parts.length === 1 ? parts[0]! : parts.slice(1).reduce((acc, p) => acc.concat(') AND (', p), Snippet.make('(', parts[0]!.start).concat(parts[0]!)).concat(')');
  const text = checkCondition(cond, rel.node.outputSchema, ctx);
  const node = ctx.graph.add('filter', { kind: 'filter', condition: text }, [{ node: rel.node }], rel.node.outputSchema);
  return { ...rel, node };
}

/** Names resolve against the relation's columns; aggregates and windows are not allowed. */
export function inputScope(rel: Relation, where: string): Scope {
  return {
    where,
    ref(parts) {
      const r = resolveName(rel, parts);
      return r.kind === 'column' ? { text: quoteName(r.column.name) } : { struct: r.columns.map((c) => quoteName(c.name)), label: r.label };
    },
  };
}

function selectItems(nodes: Node[], rel: Relation): SelectItem[] {
  const out: SelectItem[] = [];
  for (const n of nodes) {
    if (n.type === 'empty') continue;
    if (n.type === 'all_columns') {
      for (const c of visible(rel)) out.push({ star: c, at: startOf(n) });
    } else if (n.type === 'member_expr' && n.property.type === 'all_columns') {
      const q = n.object.type === 'identifier' ? n.object.name.toLowerCase() : undefined;
      const cols = visible(rel).filter((c) => c.qualifier?.toLowerCase() === q);
      if (cols.length === 0) throw new SqlError(`no table named "${n.object.type === 'identifier' ? n.object.name : '?'}" in FROM`, startOf(n));
      for (const c of cols) out.push({ star: c, at: startOf(n) });
    } else if (n.type === 'alias') {
      if (n.columnAliases) throw new SqlError('column alias lists are not supported', startOf(n.columnAliases));
      out.push({ node: n.expr as Node, alias: { name: n.alias.name, at: startOf(n.alias) }, at: startOf(n) });
    } else out.push({ node: n, at: startOf(n) });
  }
  // Columns from * keep their names; two of the same name (a join) are told apart by the alias.
  const starNames = new Map<string, number>();
  for (const i of out) if (i.star) starNames.set(i.star.label, (starNames.get(i.star.label) ?? 0) + 1);
  for (const i of out) {
    if (i.star && (starNames.get(i.star.label) ?? 0) > 1 && i.star.qualifier) i.alias = { name: `${i.star.qualifier}.${i.star.label}`, at: i.at };
  }
  return out;
}

export function containsAggregate(node: Node, ctx: PlanContext): boolean {
  if (isAggregateCall(node, ctx.udfs)) return true;
  if (node.type === 'select_stmt' || node.type === 'compound_select_stmt') return false;
  return childNodes(node).some((c) => c.field !== 'dataType' && containsAggregate(c.node, ctx));
}

/** The first window call inside an expression. */
export function findWindowCall(node: Node): FuncCall | undefined {
  if (isWindowCall(node)) return node;
  for (const c of childNodes(node)) {
    const hit = findWindowCall(c.node);
    if (hit) return hit;
  }
  return undefined;
}

/** Output name of an unaliased item: a column's last name part (`bid.price` → `price`), else the expression's text. */
export function defaultName(node: Node, ctx: PlanContext, column?: Column): string {
  const parts = nameParts(node, ctx.q.autoQuoted);
  if (parts && column) {
    const last = parts[parts.length - 1]!.name;
    return column.label.length >= last.length ? column.label.slice(column.label.length - last.length) : last;
  }
  return ctx.q.flat.slice(startOf(node), endOf(node)).replace(/\s+/g, ' ').trim();
}

function plainProjection(rel: Relation, items: SelectItem[], ctx: PlanContext, top: boolean): Relation {
  const out: OutItem[] = [];
  const qualified = new Map<OutItem, string>();
  const scope = inputScope(rel, 'the select list of a query without GROUP BY');
  const before = ctx.problems.size;
  for (const item of items) {
    ctx.problems.attempt(() => {
      if (item.star) {
        out.push({ expr: Snippet.make(quoteName(item.star.name), item.at), name: item.alias?.name ?? item.star.label, at: item.at });
        return;
      }
      const node = unparen(item.node!);
      const win = findWindowCall(node);
      if (win) throw misplacedWindow(win, 'a query without GROUP BY');
      const parts = nameParts(node, ctx.q.autoQuoted);
      const r = parts ? resolveName(rel, parts) : undefined;
      if (r?.kind === 'struct') {
        const base = item.alias?.name ?? r.label.split('.').pop()!;
        for (const c of r.columns) out.push({ expr: Snippet.make(quoteName(c.name), item.at), name: `${base}${c.label.slice(r.label.length)}`, at: item.at });
        return;
      }
      const expr = r ? Snippet.make(quoteName(r.column.name), startOf(node)) : translate(node, scope, ctx);
      out.push({ expr, name: item.alias?.name ?? defaultName(node, ctx, r?.column), at: item.alias?.at ?? item.at });
      if (!item.alias && r?.column.qualifier) qualified.set(out[out.length - 1]!, `${r.column.qualifier}.${r.column.label}`);
    });
  }
  ctx.problems.check(before);
  // `SELECT A.id, B.id`: unaliased columns that would share a name keep their qualifier.
  for (const name of new Set(out.map((o) => o.name))) {
    const same = out.filter((o) => o.name === name);
    const q = same.map((o) => qualified.get(o));
    if (same.length > 1 && q.every((x) => x !== undefined) && new Set(q).size === q.length) same.forEach((o, i) => (o.name = q[i]!));
  }
  return project(rel, out, ctx, { top });
}

// FROM items: tables (one source node each, however often read), views (inlined: compiled again
// where used), subqueries, and joins. An alias becomes the qualifier of every column.

import type { Node } from 'sql-parser-cst';
import { SqlError, Reported } from '../problems.js';
import { startOf } from '../syntax.js';
import type { PlanContext } from './context.js';
import { type Conjunct, planJoin } from './join.js';
import { type Relation, requalify } from './relation.js';
import { quoteName } from './snippet.js';
import { compileQuery } from './select.js';

/** `where`: the WHERE conjuncts, from which comma joins (`FROM a, b WHERE a.k = b.k`) take their keys. */
export function compileFrom(node: Node, ctx: PlanContext, where: Conjunct[]): Relation {
  switch (node.type) {
    case 'identifier':
      return readNamed(node.name, startOf(node), undefined, ctx);
    case 'alias': {
      if (node.columnAliases) throw new SqlError('column alias lists are not supported', startOf(node.columnAliases));
      const alias = node.alias.name;
      const inner = node.expr as Node;
      if (inner.type === 'identifier') return readNamed(inner.name, startOf(inner), alias, ctx);
      if (inner.type === 'paren_expr' && isQuery(inner.expr as Node)) return requalify(compileQuery(inner.expr as Node, ctx, false), alias);
      throw new SqlError('only a table, a view or a (subquery) can be aliased here', startOf(inner));
    }
    case 'paren_expr': {
      const inner = node.expr as Node;
      if (isQuery(inner)) return requalify(compileQuery(inner, ctx, false), undefined);
      return compileFrom(inner, ctx, where);
    }
    case 'join_expr':
      return planJoin(node, ctx, where);
    case 'func_call':
      throw new SqlError('table functions in FROM are not supported; windows go in GROUP BY (e.g. GROUP BY tumble(interval \'1 minute\'))', startOf(node));
    case 'member_expr':
      throw new SqlError('table names are plain names (no schema.table)', startOf(node));
    default:
      throw new SqlError(`unsupported FROM item (${node.type.replace(/_/g, ' ')})`, startOf(node));
  }
}

export function isQuery(node: Node): boolean {
  return node.type === 'select_stmt' || node.type === 'compound_select_stmt' || (node.type === 'paren_expr' && isQuery(node.expr as Node));
}

/** Table and view names match case-insensitively, quoted or not. */
function readNamed(name: string, at: number, alias: string | undefined, ctx: PlanContext): Relation {
  const key = name.toLowerCase();
  if (ctx.broken.has(key)) throw new Reported();
  const view = ctx.views.get(key);
  if (view) return requalify(compileQuery(view.query, ctx, false), alias ?? view.name);
  const table = ctx.tables.get(key);
  if (!table) {
    const known = [...ctx.tables.values()].map((t) => t.name).concat([...ctx.views.values()].map((v) => v.name));
    throw new SqlError(`unknown table "${name}"${known.length ? ` (known: ${known.join(', ')})` : ' (declare it with CREATE TABLE)'}`, at);
  }
  if (table.source instanceof SqlError) throw new SqlError(`cannot read table "${table.name}": ${table.source.message}`, at);
  const plan = table.source;
  let node = ctx.graph.sources.get(table.name);
  if (!node) {
    const op = {
      kind: 'source' as const,
      source: plan.spec,
      ...(plan.eventTime ? { event_time: plan.eventTime } : {}),
      ...(plan.badData ? { bad_data: plan.badData } : {}),
    };
    node = ctx.graph.add(`${plan.spec.type}-source`, op, [], plan.schema);
    ctx.graph.sources.set(table.name, node);
  }
  return {
    node,
    columns: node.outputSchema.fields.map((field) => ({ name: field.name, label: field.name, qualifier: alias ?? table.name, field })),
    time: plan.eventTime ? quoteName(plan.eventTime.event_time_field) : null,
    window: null,
    updating: false,
  };
}

// UNION ALL: every input has the first one's columns (by position, same types; renamed to the
// first's names when they differ) and feeds one `union` node.

import type { CompoundSelectStmt, Node } from 'sql-parser-cst';
import { SqlError } from '../problems.js';
import { keywordText, startOf } from '../syntax.js';
import type { PlanContext } from './context.js';
import { type OutItem, project } from './project.js';
import { type Relation, TIME_COLUMN, visible } from './relation.js';
import { compileQuery } from './select.js';
import { quoteName, Snippet } from './snippet.js';

export function compileUnion(node: CompoundSelectStmt, ctx: PlanContext, top: boolean): Relation {
  const inputs = flatten(node);
  const rels = inputs.map((n) => ({ rel: compileQuery(n, ctx, top), at: startOf(n) }));
  const first = rels[0]!.rel;
  const cols = visible(first);
  for (const { rel, at } of rels) {
    if (rel.updating) throw new SqlError('UNION ALL of an updating table (a GROUP BY without a window) is not supported', at);
    const theirs = visible(rel);
    if (theirs.length !== cols.length) throw new SqlError(`each side of UNION ALL needs ${cols.length} columns, this one has ${theirs.length}`, at);
    theirs.forEach((c, i) => {
      const want = cols[i]!;
      if (c.field.type !== want.field.type) {
        throw new SqlError(`UNION ALL column ${i + 1} ("${want.label}") is ${want.field.type} in the first query but ${c.field.type} here; CAST it`, at);
      }
    });
  }
  // Event time survives the union when every input has it (as a hidden column at the same place).
  const keepTime = !top && rels.every(({ rel }) => rel.time !== null);
  const aligned = rels.map(({ rel, at }) => {
    const items: OutItem[] = visible(rel).map((c, i) => ({ expr: Snippet.make(quoteName(c.name), at), name: cols[i]!.name, label: cols[i]!.label, at }));
    if (keepTime) items.push({ expr: Snippet.make(rel.time!, at), name: TIME_COLUMN, at, hidden: true });
    return project(rel, items, ctx, { top: true, window: null });
  });
  const fields = aligned[0]!.node.outputSchema.fields.map((f, i) => ({
    ...f,
    nullable: aligned.some((r) => r.node.outputSchema.fields[i]!.nullable ?? true),
  }));
  const union = ctx.graph.add('union', { kind: 'union' }, aligned.map((r) => ({ node: r.node })), { fields });
  return {
    node: union,
    columns: aligned[0]!.columns.map((c, i) => ({ ...c, field: fields[i]! })),
    time: keepTime ? quoteName(TIME_COLUMN) : null,
    window: null,
    updating: false,
  };
}

function flatten(node: CompoundSelectStmt): Node[] {
  const op = keywordText(node.operator);
  if (op !== 'UNION ALL') throw new SqlError(`${op} is not supported on streams; use UNION ALL`, startOf(Array.isArray(node.operator) ? node.operator[0] : node.operator));
  const left = node.left as Node;
  return [...(left.type === 'compound_select_stmt' ? flatten(left) : [left]), node.right as Node];
}

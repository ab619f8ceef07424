// Where a query's rows go: INSERT INTO a table (its sink; a declared column list is the shape the
// rows must take, by position, cast where the types differ) or, for a bare SELECT, the default
// sink. The `_op` column of an updating result goes along, so the sink sees retractions.

import type { Node } from 'sql-parser-cst';
import type { FieldType, SinkSpec } from '../../types.js';
import { SqlError } from '../problems.js';
import { startOf } from '../syntax.js';
import type { PlanContext } from './context.js';
import { type OutItem, project } from './project.js';
import { OP_COLUMN, type Relation, visible } from './relation.js';
import { quoteName, Snippet } from './snippet.js';

const SQL_TYPE: Record<FieldType, string> = { int32: 'INT', int64: 'BIGINT', float64: 'DOUBLE', utf8: 'TEXT', bool: 'BOOLEAN', timestamp: 'TIMESTAMP' };

export function writeTo(rel: Relation, sink: SinkSpec, declared: { name: string; type: FieldType }[] | undefined, at: number, ctx: PlanContext): void {
  const cols = visible(rel);
  let out = rel;
  if (declared) {
    if (cols.length !== declared.length) {
      throw new SqlError(`the query gives ${cols.length} columns (${cols.map((c) => c.name).join(', ')}) but the table declares ${declared.length} (${declared.map((d) => d.name).join(', ')})`, at);
    }
    const items: OutItem[] = cols.map((c, i) => {
      const want = declared[i]!;
      const ref = quoteName(c.name);
      const expr = c.field.type === want.type ? ref : `CAST(${ref} AS ${SQL_TYPE[want.type]})`;
      return { expr: Snippet.make(expr, at), name: want.name, at };
    });
    out = project(rel, items, ctx, { top: true, window: null });
  } else if (rel.columns.some((c) => c.hidden && c.name !== OP_COLUMN)) {
    out = project(rel, cols.map((c) => ({ expr: Snippet.make(quoteName(c.name), at), name: c.name, label: c.label, at })), ctx, { top: true, window: null });
  }
  const schema = out.node.outputSchema;
  ctx.graph.add(`${sink.type}-sink`, { kind: 'sink', sink }, [{ node: out.node }], schema);
}

/** INSERT INTO <table> <query>. */
export function insertTarget(node: Node): { table: Node; query: Node } {
  if (node.type !== 'insert_stmt') throw new SqlError('expected INSERT INTO', startOf(node));
  const clause = node.clauses.find((c) => c.type === 'insert_clause');
  const query = node.clauses.find((c) => c.type === 'select_stmt' || c.type === 'compound_select_stmt' || c.type === 'paren_expr');
  if (!clause || clause.type !== 'insert_clause') throw new SqlError('expected INSERT INTO <table> SELECT ...', startOf(node));
  if (clause.columns) throw new SqlError('INSERT INTO with a column list is not supported; select the columns in the table\'s order', startOf(clause.columns));
  const values = node.clauses.find((c) => c.type === 'values_clause');
  if (values) throw new SqlError('INSERT ... VALUES is not supported; insert the result of a SELECT', startOf(values));
  const extra = node.clauses.find((c) => c !== clause && c !== query);
  if (extra) throw new SqlError(`unsupported clause in INSERT (${extra.type.replace(/_/g, ' ')})`, startOf(extra));
  if (!query) throw new SqlError('expected INSERT INTO <table> SELECT ...', startOf(node));
  return { table: clause.table as Node, query: query as Node };
}

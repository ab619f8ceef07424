// Turns a scalar expression of the query into engine text for one node: the expression's own
// text, with column references replaced by the node's physical column names (and, after an
// aggregation, aggregate calls and GROUP BY expressions by the columns holding them). Everything
// else is left to the expression engine, which type-checks the result.

import type { FuncCall, Node } from 'sql-parser-cst';
import { AGGREGATE_FNS, type AggregateFn } from '../../operators/aggregate/calls.js';
import type { UdfRegistry } from '../expr/index.js';
import type { PreparedQuery } from '../prepare.js';
import { SqlError } from '../problems.js';
import { childNodes, endOf, keywordText, startOf } from '../syntax.js';
import { nameParts, type NamePart, partsText } from './resolve.js';
import { Snippet } from './snippet.js';

/** What a name means in the expression's context: a column's text, or a struct's columns. */
export type RefText = { text: string } | { struct: string[]; label: string };

export interface Scope {
  ref(parts: NamePart[], node: Node): RefText;
  /** Replacement for an aggregate call; absent: aggregates are not allowed here. */
  aggregate?(call: FuncCall): string;
  /** Replacement for a window function call (tumble/hop/session); absent: not allowed here. */
  window?(call: FuncCall): string;
  /** Replacement for a whole sub-expression (a GROUP BY expression), if it is one. */
  whole?(node: Node): string | undefined;
  /** Where the expression is, for messages: `WHERE`, `the select list`. */
  where: string;
}

export interface TranslateContext {
  q: PreparedQuery;
  udfs?: UdfRegistry | undefined;
}

export const WINDOW_FNS = ['tumble', 'hop', 'session'];

export function callName(node: Node): string | undefined {
  return node.type === 'func_call' && node.name.type === 'identifier' && node.args ? node.name.name.toLowerCase() : undefined;
}

export function isAggregateCall(node: Node, udfs: UdfRegistry | undefined): node is FuncCall {
  const name = callName(node);
  return name !== undefined && (AGGREGATE_FNS.includes(name as AggregateFn) || (udfs?.aggregate.has(name) ?? false));
}

export function isWindowCall(node: Node): node is FuncCall {
  const name = callName(node);
  return name !== undefined && WINDOW_FNS.includes(name);
}

interface Replacement {
  start: number;
  end: number;
  text: string;
}

export function translate(node: Node, scope: Scope, ctx: TranslateContext): Snippet {
  const reps: Replacement[] = [];
  visit(node, scope, ctx, reps);
  reps.sort((a, b) => a.start - b.start);
  let pieces = Snippet.make('', startOf(node));
  let at = startOf(node);
  for (const r of reps) {
    pieces = pieces.concat(Snippet.copy(ctx.q.flat, at, r.start), Snippet.make(r.text, r.start));
    at = r.end;
  }
  return pieces.concat(Snippet.copy(ctx.q.flat, at, endOf(node)));
}

function visit(node: Node, scope: Scope, ctx: TranslateContext, reps: Replacement[]): void {
  const replace = (n: Node, text: string): void => {
    reps.push({ start: startOf(n), end: endOf(n), text });
  };
  if (scope.whole && node.type !== 'identifier' && !node.type.endsWith('literal')) {
    const hit = scope.whole(node);
    if (hit !== undefined) return replace(node, hit);
  }
  const parts = nameParts(node, ctx.q.autoQuoted);
  if (parts) {
    const r = scope.ref(parts, node);
    if ('text' in r) return replace(node, r.text);
    throw new SqlError(`"${partsText(parts)}" is a group of columns (${r.label}.*); name one of them or test it with IS [NOT] NULL`, startOf(node));
  }
  switch (node.type) {
    case 'member_expr':
      if (node.property.type === 'all_columns') throw new SqlError(`${ctx.q.text.slice(startOf(node), endOf(node))} is only allowed as a select item`, startOf(node));
      throw new SqlError('field access on an expression is not supported', startOf(node.property));
    case 'all_columns':
      throw new SqlError('* is only allowed as a select item or in count(*)', startOf(node));
    case 'func_call': {
      const call: FuncCall = node;
      if (isAggregateCall(call, ctx.udfs)) {
        if (!scope.aggregate) throw new SqlError(`aggregate function ${callName(call)}(...) is not allowed in ${scope.where}`, startOf(call));
        return replace(call, scope.aggregate(call));
      }
      if (isWindowCall(call)) {
        if (!scope.window) throw misplacedWindow(call, scope.where);
        return replace(call, scope.window(call));
      }
      if (node.over) throw new SqlError('window functions (OVER ...) are not supported', startOf(node.over));
      for (const arg of node.args ? (node.args.expr.args.items as Node[]) : []) visit(arg, scope, ctx, reps);
      return;
    }
    case 'binary_expr':
    case 'postfix_op_expr': {
      // `bid IS NOT NULL` on a struct (Nexmark's person/auction/bid): its first field says whether it is set.
      const op = keywordText(node.operator);
      const arg = (node.type === 'binary_expr' ? node.left : node.expr) as Node;
      const isNull = node.type === 'binary_expr' ? (op === 'IS' || op === 'IS NOT') && node.right.type === 'null_literal' : ['ISNULL', 'NOTNULL', 'NOT NULL'].includes(op);
      const argParts = isNull ? nameParts(arg, ctx.q.autoQuoted) : undefined;
      if (argParts) {
        const r = scope.ref(argParts, arg);
        replace(arg, 'text' in r ? r.text : r.struct[0]!);
        if (node.type === 'binary_expr') visit(node.right as Node, scope, ctx, reps);
        return;
      }
      break;
    }
    case 'paren_expr':
      if (node.expr.type === 'select_stmt' || node.expr.type === 'compound_select_stmt') throw new SqlError('subqueries in expressions are not supported', startOf(node));
      break;
    case 'cast_expr':
      return visit(node.args.expr.expr as Node, scope, ctx, reps);
    case 'cast_operator_expr':
      return visit(node.left as Node, scope, ctx, reps);
    case 'interval_literal':
      return;
  }
  for (const child of childNodes(node)) {
    if (child.field === 'dataType' || child.field === 'unit' || child.node.type === 'keyword') continue;
    visit(child.node, scope, ctx, reps);
  }
}

export function misplacedWindow(node: FuncCall, where: string): SqlError {
  return new SqlError(`time window function ${callName(node)}(...) is not allowed in ${where}; windows go in GROUP BY (with an aggregation)`, startOf(node));
}

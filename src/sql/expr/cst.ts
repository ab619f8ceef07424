// Maps sql-parser-cst's concrete syntax tree onto our AST, rejecting every construct the engine
// does not implement. CST ranges are offsets into `SELECT <expr>`; ours are into `<expr>`.

import type { Node, Keyword, DataType, Expr as CstExpr } from 'sql-parser-cst';
import type { FieldType } from '../../types.js';
import { ExprCompileError, type Ast, type BinaryOp, type ColAst } from './ast.js';
import { intervalMs } from './interval.js';
import { EXTRACT_FN } from './rewrite.js';

/** What parse.ts puts before the user's text. */
export const PREFIX = 'SELECT ';

/** Start of a CST node as an offset into the user's text. */
export function at(node: { range?: [number, number] }): number {
  return node.range ? Math.max(0, node.range[0] - PREFIX.length) : 0;
}
function span(node: { range?: [number, number] }): { pos: number; end: number } {
  const r = node.range ?? [PREFIX.length, PREFIX.length];
  return { pos: Math.max(0, r[0] - PREFIX.length), end: Math.max(0, r[1] - PREFIX.length) };
}

function unsupported(what: string, node: Node): never {
  throw new ExprCompileError(`${what} is not supported`, at(node));
}

/** An operator as text: symbols as they are, keyword sequences upper-cased and space-joined. */
function kwNames(op: unknown): string | null {
  if (typeof op === 'string') return op;
  const list = Array.isArray(op) ? op : [op];
  if (!list.every((k) => typeof k === 'object' && k !== null && (k as Keyword).type === 'keyword')) return null;
  return (list as Keyword[]).map((k) => k.name.toUpperCase()).join(' ');
}

const SYMBOL_OPS: Record<string, BinaryOp> = {
  '+': '+', '-': '-', '*': '*', '/': '/', '%': '%',
  '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
  '||': '||', AND: 'and', OR: 'or',
};

export function toAst(node: Node): Ast {
  const s = span(node);
  switch (node.type) {
    case 'paren_expr': {
      const inner = node.expr as Node;
      if (inner.type === 'list_expr') unsupported('a row value (a, b, ...)', node);
      if (inner.type === 'select_stmt' || inner.type === 'compound_select_stmt') unsupported('a subquery', node);
      return toAst(inner);
    }
    case 'identifier':
      return { k: 'col', ...s, name: node.name, quoted: node.text.startsWith('"') };
    case 'number_literal': {
      const isInt = /^(\d+|0x[0-9a-f]+)$/i.test(node.text);
      if (isInt && BigInt(node.text) > 9223372036854775807n) throw new ExprCompileError(`integer literal ${node.text} is out of range for int64`, s.pos);
      if (node.value === null || !Number.isFinite(node.value)) throw new ExprCompileError(`number literal ${node.text} is out of range`, s.pos);
      return { k: 'lit', ...s, value: node.value, isInt, text: node.text };
    }
    case 'string_literal':
      if (!/^[eE]?'/.test(node.text)) unsupported(`string literal ${node.text}`, node);
      return { k: 'lit', ...s, value: node.value, isInt: false, text: node.text };
    case 'boolean_literal':
      return { k: 'lit', ...s, value: node.value, isInt: false, text: node.value ? 'TRUE' : 'FALSE' };
    case 'null_literal':
      return { k: 'lit', ...s, value: null, isInt: false, text: 'NULL' };
    case 'timestamp_literal': {
      const str = toAst(node.string);
      return { k: 'cast', ...s, arg: str, to: 'timestamp', typeName: 'TIMESTAMP' };
    }
    case 'prefix_op_expr': {
      const op = kwNames(node.operator);
      const arg = toAst(node.expr);
      if (op === '-' || op === '+') return { k: 'unary', ...s, op, arg };
      if (op === 'NOT') return { k: 'unary', ...s, op: 'not', arg };
      return unsupported(`prefix operator ${op ?? '?'}`, node);
    }
    case 'postfix_op_expr': {
      const op = kwNames(node.operator);
      const arg = toAst(node.expr);
      if (op === 'ISNULL') return { k: 'is', ...s, arg, what: 'null', negated: false };
      if (op === 'NOTNULL' || op === 'NOT NULL') return { k: 'is', ...s, arg, what: 'null', negated: true };
      if (op === 'IS UNKNOWN') return { k: 'is', ...s, arg, what: 'unknown', negated: false };
      if (op === 'IS NOT UNKNOWN') return { k: 'is', ...s, arg, what: 'unknown', negated: true };
      return unsupported(op ?? 'this postfix operator', node);
    }
    case 'binary_expr':
      return binaryToAst(node.left as Node, kwNames(node.operator), node.right as Node, node);
    case 'between_expr': {
      const kw = kwNames(node.betweenKw);
      if (kw !== 'BETWEEN' && kw !== 'NOT BETWEEN') unsupported(kw ?? 'BETWEEN variant', node);
      return { k: 'between', ...s, arg: toAst(node.left), low: toAst(node.begin), high: toAst(node.end), negated: kw === 'NOT BETWEEN' };
    }
    case 'case_expr': {
      const whens: { when: Ast; then: Ast }[] = [];
      let otherwise: Ast | null = null;
      for (const c of node.clauses) {
        if (c.type === 'case_when') whens.push({ when: toAst(c.condition), then: toAst(c.result) });
        else otherwise = toAst(c.result);
      }
      return { k: 'case', ...s, operand: node.expr ? toAst(node.expr) : null, whens, otherwise };
    }
    case 'cast_expr': {
      if (node.castKw.name.toUpperCase() !== 'CAST') unsupported(node.castKw.text.toUpperCase(), node);
      const arg = node.args.expr;
      if (arg.format) unsupported('CAST ... FORMAT', arg.format);
      return { k: 'cast', ...s, arg: toAst(arg.expr), ...castTarget(arg.dataType) };
    }
    case 'cast_operator_expr':
      return { k: 'cast', ...s, arg: toAst(node.left), ...castTarget(node.right) };
    case 'func_call':
      return callToAst(node, s);
    case 'member_expr':
      return qualifiedName(node, s);
    case 'interval_literal':
      return intervalLiteral(node, s);
    case 'extract_expr': {
      // Only reached when rewrite.ts left EXTRACT alone (e.g. a comment inside it).
      const from = node.args.expr;
      const field = from.unit.type === 'interval_unit' ? from.unit.unitKw.name.toLowerCase() : null;
      if (field === null) unsupported('this EXTRACT field', from.unit);
      const lit: Ast = { k: 'lit', ...span(from.unit), value: field, isInt: false, text: `'${field}'` };
      return { k: 'call', ...s, name: 'extract', args: [lit, toAst(from.expr)] };
    }
    default:
      return unsupported(describe(node.type), node);
  }
}

/** `a.b.c` (any part may be quoted) → a column reference with qualifier [a, b]. */
function qualifiedName(node: Extract<Node, { type: 'member_expr' }>, s: { pos: number; end: number }): ColAst {
  const parts: { name: string; quoted: boolean }[] = [];
  let cur: Node = node;
  while (cur.type === 'member_expr') {
    const prop = cur.property as Node;
    if (prop.type === 'all_columns') unsupported('table.* (all columns of a table)', cur);
    if (prop.type !== 'identifier') unsupported('field access', cur);
    parts.unshift({ name: prop.name, quoted: prop.text.startsWith('"') });
    cur = cur.object as Node;
  }
  if (cur.type !== 'identifier') unsupported('field access on an expression (only table.column names)', node);
  parts.unshift({ name: cur.name, quoted: cur.text.startsWith('"') });
  const last = parts.pop()!;
  return { k: 'col', ...s, name: last.name, quoted: last.quoted, qualifier: parts };
}

/** INTERVAL '5' SECOND, INTERVAL '10 seconds', INTERVAL 5 MINUTE → an int64 literal of milliseconds. */
function intervalLiteral(node: Extract<Node, { type: 'interval_literal' }>, s: { pos: number; end: number }): Ast {
  const v = node.value as Node;
  let value: string;
  if (v.type === 'string_literal') value = v.value;
  else if (v.type === 'number_literal') value = v.text;
  else if (!node.unit) return toAst(hoistInterval(node));
  else return unsupported('an INTERVAL whose value is not a string or number literal', v);
  let unit: string | null = null;
  if (node.unit) {
    if (node.unit.type !== 'interval_unit') unsupported('an INTERVAL unit range (... TO ...)', node.unit);
    unit = node.unit.unitKw.name.toLowerCase();
  }
  const ms = intervalMs(value, unit);
  if (typeof ms !== 'number') throw new ExprCompileError(ms.error, s.pos);
  const quoted = `'${value.replace(/'/g, "''")}'`;
  const text = `INTERVAL ${quoted}${unit ? ` ${unit.toUpperCase()}` : ''}`;
  return { k: 'lit', ...s, value: ms, isInt: true, text, interval: true };
}

/**
 * Without a unit the grammar reads the rest of an arithmetic expression as the interval's value
 * (`INTERVAL '5 ms' * 2` as `INTERVAL ('5 ms' * 2)`); this moves the INTERVAL back onto the
 * leftmost literal: `(INTERVAL '5 ms') * 2`.
 */
function hoistInterval(lit: Extract<Node, { type: 'interval_literal' }>): Node {
  const start = lit.range?.[0] ?? 0;
  const rebuild = (n: Node): Node => {
    const range: [number, number] = [start, n.range?.[1] ?? start];
    if (n.type === 'binary_expr' || n.type === 'cast_operator_expr') return { ...n, left: rebuild(n.left as Node), range } as Node;
    if (n.type === 'string_literal' || n.type === 'number_literal') return { ...lit, value: n, range };
    return unsupported('an INTERVAL whose value is not a string or number literal', n);
  };
  return rebuild(lit.value as Node);
}

function describe(type: string): string {
  const map: Record<string, string> = {
    all_columns: '*', interval_literal: 'INTERVAL', parameter: 'a query parameter', blob_literal: 'a blob literal',
    extract_expr: 'EXTRACT', quantifier_expr: 'ANY/ALL', row_constructor: 'ROW(...)', exists_expr: 'EXISTS',
    array_literal_expr: 'an array', array_expr: 'an array', date_literal: 'a DATE literal', time_literal: 'a TIME literal',
  };
  return map[type] ?? `${type.replace(/_/g, ' ')}`;
}

function binaryToAst(leftNode: Node, op: string | null, rightNode: Node, node: Node): Ast {
  const s = span(node);
  const known = op === null ? undefined : SYMBOL_OPS[op];
  if (known) return { k: 'binary', ...s, op: known, left: toAst(leftNode), right: toAst(rightNode) };
  switch (op) {
    case 'IS':
    case 'IS NOT': {
      const negated = op === 'IS NOT';
      const left = toAst(leftNode);
      if (rightNode.type === 'null_literal') return { k: 'is', ...s, arg: left, what: 'null', negated };
      if (rightNode.type === 'boolean_literal') return { k: 'is', ...s, arg: left, what: rightNode.value ? 'true' : 'false', negated };
      return unsupported(`${op} with anything but NULL, TRUE or FALSE`, rightNode);
    }
    case 'IN':
    case 'NOT IN': {
      const list = rightNode.type === 'paren_expr' ? (rightNode.expr as Node) : rightNode;
      if (list.type === 'select_stmt' || list.type === 'compound_select_stmt') unsupported('IN (subquery)', list);
      const items = list.type === 'list_expr' ? (list.items as Node[]) : [list];
      return { k: 'in', ...s, arg: toAst(leftNode), list: items.map(toAst), negated: op === 'NOT IN' };
    }
    case 'LIKE':
    case 'NOT LIKE':
    case 'ILIKE':
    case 'NOT ILIKE': {
      let pattern: Node = rightNode;
      let escape: Ast | null = null;
      if (rightNode.type === 'binary_expr' && kwNames(rightNode.operator) === 'ESCAPE') {
        pattern = rightNode.left as Node;
        escape = toAst(rightNode.right as Node);
      }
      return {
        k: 'like', ...s, arg: toAst(leftNode), pattern: toAst(pattern), escape,
        negated: op.startsWith('NOT'), caseInsensitive: op.endsWith('ILIKE'),
      };
    }
    default:
      return unsupported(`operator ${op ?? '?'}`, node);
  }
}

function callToAst(node: Extract<Node, { type: 'func_call' }>, s: { pos: number; end: number }): Ast {
  if (node.name.type !== 'identifier') unsupported('a qualified function name', node.name);
  let name = node.name.name.toLowerCase();
  if (name === EXTRACT_FN) name = 'extract';
  // The parser reads keyword-like names without parentheses (`user`, `current_date`) as calls;
  // treat them as column references, since a column may well be named `user`.
  if (!node.args) return { k: 'col', ...s, name: node.name.name, quoted: false };
  if (node.filter) unsupported('FILTER (...)', node.filter);
  if (node.over) unsupported('window functions (OVER ...)', node.over);
  const fa = node.args.expr;
  if (fa.distinctKw) unsupported('DISTINCT in a function call', fa.distinctKw);
  if (fa.orderBy || fa.limit || fa.having || fa.nullHandlingKw) unsupported(`extra clauses in ${name}(...)`, node);
  const args = (fa.args.items as Node[]).map((a) => {
    if (a.type === 'all_columns') unsupported(`${name}(*)`, a);
    if (a.type === 'named_arg') unsupported('named arguments', a);
    return toAst(a as CstExpr);
  });
  return { k: 'call', ...s, name, args };
}

const TYPE_NAMES: Record<string, [FieldType, string]> = {
  INT: ['int32', 'INT'], INTEGER: ['int32', 'INTEGER'], INT4: ['int32', 'INT'], SMALLINT: ['int32', 'INT'], INT2: ['int32', 'INT'],
  BIGINT: ['int64', 'BIGINT'], INT8: ['int64', 'BIGINT'],
  DOUBLE: ['float64', 'DOUBLE'], 'DOUBLE PRECISION': ['float64', 'DOUBLE'], FLOAT: ['float64', 'FLOAT'],
  FLOAT8: ['float64', 'DOUBLE'], FLOAT4: ['float64', 'DOUBLE'], REAL: ['float64', 'REAL'],
  NUMERIC: ['float64', 'DOUBLE'], DECIMAL: ['float64', 'DOUBLE'],
  TEXT: ['utf8', 'TEXT'], VARCHAR: ['utf8', 'VARCHAR'], STRING: ['utf8', 'STRING'], CHAR: ['utf8', 'VARCHAR'],
  'CHARACTER VARYING': ['utf8', 'VARCHAR'],
  BOOLEAN: ['bool', 'BOOLEAN'], BOOL: ['bool', 'BOOLEAN'],
  TIMESTAMP: ['timestamp', 'TIMESTAMP'], TIMESTAMPTZ: ['timestamp', 'TIMESTAMP'],
};

function castTarget(dt: DataType): { to: FieldType; typeName: string } {
  let name: string | null = null;
  const base = dt.type === 'modified_data_type' ? dt.dataType : dt;
  if (base.type === 'data_type_name') name = kwNames(base.name);
  else if (base.type === 'identifier') name = base.name.toUpperCase();
  else if (base.type === 'time_data_type' && base.timeKw.name.toUpperCase() === 'TIMESTAMP') name = 'TIMESTAMP';
  const hit = name === null ? undefined : TYPE_NAMES[name];
  if (!hit) {
    const spelled = name ?? 'this type';
    throw new ExprCompileError(
      `cannot cast to ${spelled} (supported: INT, BIGINT, DOUBLE, TEXT, BOOLEAN, TIMESTAMP)`,
      at(dt),
    );
  }
  return { to: hit[0], typeName: hit[1] };
}

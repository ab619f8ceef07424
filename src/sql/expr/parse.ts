// Parses one SQL expression with sql-parser-cst, as the single item of `SELECT <expr>`, and
// rejects anything around it (more items, FROM/WHERE clauses, further statements).

import { parse as parseSql } from 'sql-parser-cst';
import { ExprCompileError, type Ast } from './ast.js';
import { PREFIX, at, toAst } from './cst.js';
import { rewriteSyntax } from './rewrite.js';

export interface ParsedItem {
  expr: Ast;
  /** `expr AS alias` (only when aliases are allowed). */
  alias: string | null;
}

/** Parses `text` as a single select item. */
export function parseExpression(text: string, allowAlias: boolean): ParsedItem {
  if (text.trim() === '') throw new ExprCompileError('empty expression', 0);
  let program;
  try {
    program = parseSql(PREFIX + rewriteSyntax(text), { dialect: 'postgresql', includeRange: true, filename: 'expr' });
  } catch (err) {
    throw syntaxError(text, err);
  }
  const [stmt, ...rest] = program.statements;
  const extra = rest.find((s) => s.type !== 'empty');
  if (extra) throw new ExprCompileError('expected a single expression, found another statement', at(extra));
  if (!stmt || stmt.type !== 'select_stmt') throw new ExprCompileError('expected an expression', 0);
  const [clause, ...moreClauses] = stmt.clauses;
  if (moreClauses.length > 0) {
    const c = moreClauses[0]!;
    throw new ExprCompileError(`unexpected ${clauseName(c.type)} clause; only a single expression is allowed`, at(c));
  }
  if (!clause || clause.type !== 'select_clause' || !clause.columns) throw new ExprCompileError('expected an expression', 0);
  if (clause.modifiers.length > 0) throw new ExprCompileError('unexpected modifier before the expression', at(clause.modifiers[0]!));
  const items = clause.columns.items;
  if (items.length !== 1) throw new ExprCompileError('expected a single expression, found a list', at(items[1]!));
  const item = items[0]!;
  if (item.type === 'alias') {
    if (!allowAlias) throw new ExprCompileError('an alias (AS ...) is not allowed here', at(item.alias));
    if (item.columnAliases) throw new ExprCompileError('column alias lists are not supported', at(item.columnAliases));
    return { expr: toAst(item.expr), alias: item.alias.name };
  }
  return { expr: toAst(item), alias: null };
}

/** 1-based line and column of a 0-based offset. */
export function lineCol(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, column: pos - start + 1 };
}

function syntaxError(text: string, err: unknown): ExprCompileError {
  const msg = err instanceof Error ? err.message : String(err);
  const loc = /--> [^\n]*:(\d+):(\d+)/.exec(msg);
  const found = /Unexpected ([^\n]*)/.exec(msg);
  const what = found ? `unexpected ${found[1]}` : 'could not parse the expression';
  if (!loc) return new ExprCompileError(`syntax error: ${what}`, undefined);
  const line = Number(loc[1]);
  const col = Number(loc[2]) - 1 - (line === 1 ? PREFIX.length : 0);
  let pos = 0;
  for (let l = 1; l < line; l++) pos = text.indexOf('\n', pos) + 1;
  pos = Math.max(0, Math.min(text.length, pos + col));
  const { column } = lineCol(text, pos);
  const where = line > 1 ? `line ${line}, column ${column}` : `column ${column}`;
  return new ExprCompileError(`syntax error at ${where}: ${what}`, pos);
}

function clauseName(type: string): string {
  return type.replace(/_clause$/, '').replace(/_/g, ' ').toUpperCase();
}

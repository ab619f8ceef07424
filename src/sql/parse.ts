// Parses each statement on its own with sql-parser-cst (PostgreSQL dialect), so a syntax error in
// one statement still lets the others be checked. The statement is parsed in place — everything
// else blanked, line breaks kept — so CST ranges are offsets into the whole edited query.

import { parse as parseSql, type Statement } from 'sql-parser-cst';
import type { PreparedQuery, PreparedStatement } from './prepare.js';
import { SqlError } from './problems.js';
import { offsetOf } from './text-map.js';

export interface ParsedStatement {
  prepared: PreparedStatement;
  node: Statement;
}

/** Parses one statement; throws SqlError at the offending token. */
export function parseStatement(q: PreparedQuery, s: PreparedStatement): ParsedStatement {
  const text = blankOutside(q.text, s.start, s.end);
  let program;
  try {
    program = parseSql(text, { dialect: 'postgresql', includeRange: true, filename: 'query' });
  } catch (err) {
    throw syntaxError(text, err, s.start, s.end);
  }
  const nodes = program.statements.filter((n) => n.type !== 'empty');
  if (nodes.length !== 1) throw new SqlError('expected one statement', s.start);
  return { prepared: s, node: nodes[0]! };
}

function blankOutside(text: string, start: number, end: number): string {
  const blank = (part: string) => part.replace(/[^\n]/g, ' ');
  return blank(text.slice(0, start)) + text.slice(start, end) + blank(text.slice(end));
}

function syntaxError(text: string, err: unknown, fallback: number, end: number): SqlError {
  const msg = err instanceof Error ? err.message : String(err);
  const loc = /--> [^\n]*:(\d+):(\d+)/.exec(msg);
  const found = /Unexpected ([^\n]*)/.exec(msg);
  const expected = /Was expecting to see: ([^\n]*)/.exec(msg);
  let what = found ? `unexpected ${found[1]}` : 'could not parse the statement';
  if (expected) what += `; expected ${shorten(expected[1]!)}`;
  // "Unexpected end of input" points past the statement: point at its end instead.
  const at = loc ? Math.min(offsetOf(text, Number(loc[1]), Number(loc[2])), end) : fallback;
  return new SqlError(`syntax error: ${what}`, at);
}

/** The parser lists every token it could take; keep the message readable. */
function shorten(list: string): string {
  const items = list.split(/, (?:or )?/);
  return items.length <= 6 ? list : `${items.slice(0, 6).join(', ')}, ...`;
}

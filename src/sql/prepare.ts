// Before sql-parser-cst sees the query, a token-level pass makes Arroyo's dialect parseable as
// PostgreSQL, keeping a map back to the user's positions (text-map.ts):
//   - `WATERMARK FOR col [AS expr]` items are cut out of CREATE TABLE column lists (the parser
//     rejects them) and kept for catalog/watermark.ts;
//   - `window` and a bare `end` (Arroyo's `window.end`, a column named end) are reserved words in
//     PostgreSQL: they become quoted names, remembered as "auto-quoted" so they still match
//     case-insensitively;
//   - `'key' = value` in WITH (...) becomes `"key" = value`; `BIGINT UNSIGNED` loses UNSIGNED;
//     DataFusion's `==` becomes `=`.
// (UNSIGNED goes wherever it is: a type modifier only, in column lists and CASTs.)
// The query is also split into statements at top-level semicolons.

import { isWord, significant, type Token, tokenize } from './lexer.js';
import { cutWatermarks } from './column-list.js';
import { type Edit, TextMap } from './text-map.js';

export interface WatermarkClause {
  /** Tokens after WATERMARK (FOR, the column, AS, the expression), original positions. */
  tokens: Token[];
  /** Original offset of WATERMARK. */
  pos: number;
}

export interface PreparedStatement {
  /** Range in the edited text (without the semicolon). */
  start: number;
  end: number;
  /** Cut-out WATERMARK FOR items of a CREATE TABLE. */
  watermarks: WatermarkClause[];
  /** `CREATE TABLE|VIEW <name>`: known even when the statement does not parse. */
  defines?: string;
}

export interface PreparedQuery {
  map: TextMap;
  /** The edited text. */
  text: string;
  /** The edited text with comments and line breaks blanked to spaces (same offsets): expression text is cut from here. */
  flat: string;
  statements: PreparedStatement[];
  /** Edited offsets of names this pass quoted (`window`, `end`): unquoted for name matching. */
  autoQuoted: Set<number>;
}

export function prepareQuery(query: string): PreparedQuery {
  const tokens = tokenize(query);
  const edits: Edit[] = [];
  const quotedAt: number[] = [];
  const statements: { from: number; to: number; watermarks: WatermarkClause[]; defines?: string }[] = [];
  let from = 0;
  let current: Token[] = [];
  const flush = (to: number) => {
    const sig = significant(current);
    if (sig.length > 0) statements.push({ from, to, ...rewriteStatement(sig, edits, quotedAt) });
    current = [];
  };
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === ';') {
      flush(t.start);
      from = t.end;
    } else current.push(t);
  }
  flush(query.length);

  const map = new TextMap(query, edits);
  const toEdited = editedOffsets(query.length, edits);
  return {
    map,
    text: map.text,
    flat: blankComments(map.text).replace(/\s/g, ' '),
    statements: statements.map((s) => ({
      start: toEdited(s.from),
      end: toEdited(s.to),
      watermarks: s.watermarks,
      ...(s.defines !== undefined ? { defines: s.defines } : {}),
    })),
    autoQuoted: new Set(quotedAt.map((p) => toEdited(p))),
  };
}

function rewriteStatement(sig: Token[], edits: Edit[], quotedAt: number[]): { watermarks: WatermarkClause[]; defines?: string } {
  const createTable = isWord(sig[0], 'create') && isWord(sig[1], 'table');
  const defines = isWord(sig[0], 'create') && isWord(sig[1], 'table', 'view') && sig[2] ? unquote(sig[2]) : undefined;
  const skip = new Set<Token>();
  const watermarks = createTable ? cutWatermarks(sig, edits, skip, quotedAt) : [];
  let depth = 0;
  let caseDepth = 0;
  let withDepth = -1;
  sig.forEach((t, i) => {
    if (skip.has(t)) return;
    const prev = sig[i - 1];
    if (t.kind === 'punct') {
      if (t.text === '(') {
        depth++;
        if (createTable && depth === 1 && isWord(prev, 'with')) withDepth = depth;
      } else if (t.text === ')') {
        if (depth === withDepth) withDepth = -1;
        depth--;
      } else if (t.text === '==') edits.push({ start: t.start, end: t.end, text: '=' });
      return;
    }
    if (t.kind === 'string' && depth === withDepth && (prev?.text === '(' || prev?.text === ',') && sig[i + 1]?.text === '=') {
      edits.push({ start: t.start, end: t.end, text: `"${t.text.slice(1, -1).replace(/''/g, "'").replace(/"/g, '""')}"` });
      return;
    }
    if (t.kind !== 'word') return;
    const w = t.text.toLowerCase();
    if (w === 'case') caseDepth++;
    else if (w === 'end' && caseDepth > 0) caseDepth--;
    else if (w === 'window' || w === 'end') {
      edits.push({ start: t.start, end: t.end, text: `"${w}"` });
      quotedAt.push(t.start);
    } else if (w === 'unsigned') edits.push({ start: t.start, end: t.end, text: '' });
  });
  return { watermarks, ...(defines !== undefined ? { defines } : {}) };
}

function unquote(t: Token): string {
  return t.kind === 'qident' ? t.text.slice(1, -1).replace(/""/g, '"') : t.text.toLowerCase();
}

/** Maps an original offset that no edit covers (statement bounds) into the edited text. */
function editedOffsets(length: number, edits: Edit[]): (pos: number) => number {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  return (pos) => {
    let delta = 0;
    for (const e of sorted) {
      if (e.start >= pos) break;
      delta += e.text.length - (Math.min(e.end, pos) - e.start);
    }
    return Math.min(pos + delta, length + delta);
  };
}

/** Replaces comments with spaces (same length), so cut-out expression text stays one line. */
function blankComments(text: string): string {
  let out = '';
  let last = 0;
  for (const t of tokenize(text)) {
    if (t.kind !== 'comment') continue;
    out += text.slice(last, t.start) + ' '.repeat(t.end - t.start);
    last = t.end;
  }
  return out + text.slice(last);
}

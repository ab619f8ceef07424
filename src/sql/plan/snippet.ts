// Expression text handed to the expression engine, built from pieces of the query (copied) and
// generated pieces (quoted column names, aggregate columns). Each piece remembers the query
// offset it stands for, so an engine error at column N of the text points back into the query.

import { tokenize } from '../lexer.js';

export interface Piece {
  text: string;
  /** Offset in the edited query text this piece stands for (copied pieces: of its first char). */
  at: number;
  copied: boolean;
}

export class Snippet {
  readonly text: string;

  constructor(readonly pieces: Piece[]) {
    this.text = pieces.map((p) => p.text).join('');
  }

  /** Copies query text [start, end) from the flattened query (comments and line breaks blanked). */
  static copy(flat: string, start: number, end: number): Snippet {
    // Runs of blanks (line breaks, comments) outside literals shrink to one space; the text
    // between them maps 1:1.
    const pieces: Piece[] = [];
    const text = flat.slice(start, end);
    let at = 0;
    for (const t of tokenize(text)) {
      if (t.kind !== 'ws' || t.text.length < 2) continue;
      pieces.push({ text: `${text.slice(at, t.start)} `, at: start + at, copied: true });
      at = t.end;
    }
    pieces.push({ text: text.slice(at), at: start + at, copied: true });
    return new Snippet(pieces);
  }

  static make(text: string, at: number): Snippet {
    return new Snippet([{ text, at, copied: false }]);
  }

  concat(...more: (Snippet | string)[]): Snippet {
    const pieces = [...this.pieces];
    let last = pieces[pieces.length - 1]?.at ?? 0;
    for (const m of more) {
      if (typeof m === 'string') pieces.push({ text: m, at: last, copied: false });
      else pieces.push(...m.pieces);
      last = pieces[pieces.length - 1]?.at ?? last;
    }
    return new Snippet(pieces);
  }

  /** The query offset of offset `i` of the text. */
  at(i: number): number {
    let offset = 0;
    for (const p of this.pieces) {
      if (i < offset + p.text.length) return p.copied ? p.at + (i - offset) : p.at;
      offset += p.text.length;
    }
    const last = this.pieces[this.pieces.length - 1];
    return last ? (last.copied ? last.at + last.text.length : last.at) : 0;
  }

  /** Whitespace-normalized text, for comparing expressions (GROUP BY keys against select items). */
  get key(): string {
    return tokenize(this.text)
      .filter((t) => t.kind !== 'ws' && t.kind !== 'comment')
      .map((t) => (t.kind === 'word' ? t.text.toLowerCase() : t.text))
      .join(' ');
  }

  /** The start of what it stands for. */
  get start(): number {
    return this.pieces[0]?.at ?? 0;
  }
}

const SIMPLE = /^[a-z_][a-z0-9_]*$/;
/** Words the parser would not read as a column name. */
const RESERVED = new Set([
  'all', 'and', 'any', 'array', 'as', 'asc', 'between', 'both', 'by', 'case', 'cast', 'check', 'collate', 'column', 'constraint',
  'create', 'cross', 'current_date', 'current_time', 'current_timestamp', 'current_user', 'date', 'default', 'desc', 'distinct',
  'do', 'else', 'end', 'except', 'exists', 'extract', 'false', 'fetch', 'for', 'foreign', 'from', 'full', 'grant', 'group',
  'having', 'ilike', 'in', 'inner', 'interval', 'intersect', 'into', 'is', 'join', 'leading', 'left', 'like', 'limit', 'localtime',
  'localtimestamp', 'natural', 'not', 'null', 'offset', 'on', 'only', 'or', 'order', 'outer', 'primary', 'references', 'right',
  'row', 'select', 'session_user', 'similar', 'some', 'table', 'then', 'time', 'timestamp', 'to', 'trailing', 'true', 'union',
  'unique', 'user', 'using', 'values', 'when', 'where', 'window', 'with',
]);

/** A column name as the engine should read it: bare when that is unambiguous, else double-quoted. */
export function quoteName(name: string): string {
  return SIMPLE.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

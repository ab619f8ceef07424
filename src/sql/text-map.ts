// The query as the parser sees it is the user's text with a few edits (prepare.ts). Every CST
// range is an offset into the edited text; TextMap turns such offsets back into the user's line
// and column, so errors point at what the user wrote.

export interface Edit {
  /** Range of the original text that is replaced. */
  start: number;
  end: number;
  text: string;
}

interface Piece {
  /** Start in the edited text. */
  at: number;
  /** Start in the original text. */
  orig: number;
  len: number;
  origLen: number;
}

export class TextMap {
  readonly text: string;
  private readonly pieces: Piece[] = [];

  /** `edits` must not overlap. */
  constructor(
    readonly original: string,
    edits: Edit[],
  ) {
    const sorted = [...edits].sort((a, b) => a.start - b.start);
    let out = '';
    let orig = 0;
    const copy = (to: number) => {
      if (to > orig) this.pieces.push({ at: out.length, orig, len: to - orig, origLen: to - orig });
      out += original.slice(orig, to);
      orig = to;
    };
    for (const e of sorted) {
      copy(e.start);
      this.pieces.push({ at: out.length, orig: e.start, len: e.text.length, origLen: e.end - e.start });
      out += e.text;
      orig = e.end;
    }
    copy(original.length);
    this.text = out;
  }

  /** Offset in the original text of an offset in the edited text. */
  toOriginal(pos: number): number {
    for (const p of this.pieces) {
      if (pos >= p.at && pos < p.at + p.len) return p.orig + Math.min(pos - p.at, p.origLen);
    }
    return this.original.length;
  }

  /** 1-based line and column of an offset in the edited text, in the original text. */
  lineCol(pos: number): { line: number; column: number } {
    return lineColOf(this.original, this.toOriginal(pos));
  }
}

/** 1-based line and column of a 0-based offset. */
export function lineColOf(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  const end = Math.min(pos, text.length);
  for (let i = 0; i < end; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, column: pos - start + 1 };
}

/** 0-based offset of a 1-based line and column. */
export function offsetOf(text: string, line: number, column: number): number {
  let pos = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) return text.length;
    pos = nl + 1;
  }
  return Math.min(text.length, pos + column - 1);
}

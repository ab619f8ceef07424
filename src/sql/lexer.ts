// A small SQL tokenizer for the rewrite pass that runs before sql-parser-cst (prepare.ts): it only
// needs to know where words, strings, quoted names, comments and punctuation start and end.

export type TokenKind = 'ws' | 'comment' | 'string' | 'qident' | 'word' | 'number' | 'punct';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  text: string;
}

const WORD = /[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/y;
const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const WS = /\s+/y;
const PUNCT2 = new Set(['==', '!=', '<>', '<=', '>=', '::', '||']);

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    out.push({ kind, start: i, end, text: text.slice(i, end) });
    i = end;
  };
  while (i < text.length) {
    const c = text[i]!;
    const sticky = (re: RegExp): number => {
      re.lastIndex = i;
      return re.exec(text) ? re.lastIndex : i;
    };
    if (/\s/.test(c)) push('ws', sticky(WS));
    else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      push('comment', nl < 0 ? text.length : nl);
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      push('comment', close < 0 ? text.length : close + 2);
    } else if (c === "'" || ((c === 'e' || c === 'E') && text[i + 1] === "'")) push('string', quoted(text, c === "'" ? i : i + 1, "'"));
    else if (c === '"') push('qident', quoted(text, i, '"'));
    else if (/\d/.test(c) || (c === '.' && /\d/.test(text[i + 1] ?? ''))) push('number', sticky(NUMBER));
    else if (WORD_START.test(c)) push('word', sticky(WORD));
    else push('punct', i + (PUNCT2.has(text.slice(i, i + 2)) ? 2 : 1));
  }
  return out;
}

/** End of a quoted token starting at `open` (doubled quotes escape); unterminated runs to the end. */
function quoted(text: string, open: number, q: string): number {
  let j = open + 1;
  while (j < text.length) {
    if (text[j] === q) {
      if (text[j + 1] === q) j += 2;
      else return j + 1;
    } else j++;
  }
  return text.length;
}

/** Tokens that carry meaning (no whitespace, no comments). */
export function significant(tokens: Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
}

export function isWord(t: Token | undefined, ...words: string[]): boolean {
  return t !== undefined && t.kind === 'word' && words.includes(t.text.toLowerCase());
}

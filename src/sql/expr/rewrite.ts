// Pre-parse rewrites for streaming-SQL syntax that sql-parser-cst's PostgreSQL grammar lacks.
// Each keeps the text's length and the position of everything around it, so error offsets and
// spans (used for messages and runtime sites) still point into what the user wrote:
//   INTERVAL '5' MILLISECONDS   →  INTERVAL '5 MILLISECONDS'   (units/plurals the grammar lacks)
//   EXTRACT(millisecond FROM x) →  __extract('millisecond', x) (the grammar knows few fields)
// Strings, quoted identifiers and comments are skipped, so nothing inside them changes.

import { isIntervalUnit } from './interval.js';

/** The function name EXTRACT(field FROM x) is rewritten to; cst.ts maps it back to `extract`. */
export const EXTRACT_FN = '__extract';

/** Units the grammar itself accepts after `INTERVAL '...'` (those are left alone). */
const NATIVE_UNITS = new Set(['year', 'month', 'day', 'hour', 'minute', 'second']);

const isWordStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isWordChar = (c: string): boolean => /[A-Za-z0-9_$]/.test(c);

export function rewriteSyntax(text: string): string {
  // Cheap exit for the common case.
  if (!/interval|extract/i.test(text)) return text;
  let out = text;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      i = skipQuoted(text, i, "'", false);
    } else if (c === '"') {
      i = skipQuoted(text, i, '"', false);
    } else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (isWordStart(c) && (i === 0 || !isWordChar(text[i - 1]!))) {
      let j = i + 1;
      while (j < text.length && isWordChar(text[j]!)) j++;
      const word = text.slice(i, j).toLowerCase();
      if (word === 'e' && text[j] === "'") {
        i = skipQuoted(text, j, "'", true); // E'...' with backslash escapes
        continue;
      }
      let end = j;
      if (word === 'interval') end = rewriteInterval(text, j, (at, s) => (out = splice(out, at, s)));
      else if (word === 'extract') end = rewriteExtract(text, i, j, (at, s) => (out = splice(out, at, s)));
      i = end;
    } else {
      i++;
    }
  }
  return out;
}

function splice(s: string, at: number, part: string): string {
  return s.slice(0, at) + part + s.slice(at + part.length);
}

/** Index after the quoted token starting at `i`; a doubled quote (or \x when `backslash`) escapes. */
function skipQuoted(text: string, i: number, q: string, backslash: boolean): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text[j]!;
    if (backslash && c === '\\') j += 2;
    else if (c === q && text[j + 1] === q) j += 2;
    else if (c === q) return j + 1;
    else j++;
  }
  return text.length;
}

/** `INTERVAL '5' <unit>` with a unit the grammar lacks: moves the closing quote after the unit. */
function rewriteInterval(text: string, at: number, write: (at: number, s: string) => void): number {
  const re = /(\s+)'([^']*)'(\s+)([A-Za-z]+)(?![A-Za-z0-9_$])/y;
  re.lastIndex = at;
  const m = re.exec(text);
  if (!m) return at;
  const [, ws1, value, ws2, unit] = m as unknown as [string, string, string, string, string];
  if (!isIntervalUnit(unit) || NATIVE_UNITS.has(unit.toLowerCase())) return at;
  write(at + ws1.length, `'${value}${ws2}${unit}'`);
  return re.lastIndex;
}

/** `EXTRACT(field FROM` → `__extract('field',` padded with spaces to the same length. */
function rewriteExtract(text: string, start: number, at: number, write: (at: number, s: string) => void): number {
  const re = /\s*\(\s*([A-Za-z_][A-Za-z0-9_]*|'[^']*')\s+from(?![A-Za-z0-9_$])/iy;
  re.lastIndex = at;
  const m = re.exec(text);
  if (!m) return at;
  const field = m[1]!.startsWith("'") ? m[1]! : `'${m[1]!}'`;
  const replacement = `${EXTRACT_FN}(${field},`;
  const length = re.lastIndex - start;
  if (replacement.length > length) return at;
  write(start, replacement.padEnd(length, ' '));
  return re.lastIndex;
}

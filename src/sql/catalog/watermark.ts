// `WATERMARK FOR col [AS col - INTERVAL '5' SECOND]` (cut out of the column list by prepare.ts):
// the event time column and the bounded out-of-orderness. Without AS the delay is 0. Positions
// here are offsets of the original text (the clause is not in the parsed text).

import { ValidationError } from '../../errors.js';
import { parseInterval } from '../expr/interval.js';
import { isWord, type Token } from '../lexer.js';
import type { WatermarkClause } from '../prepare.js';
import { SqlError } from '../problems.js';

export interface Watermark {
  column: string;
  /** Quoted in the query: matched exactly. */
  quoted: boolean;
  /** Original offset of the column name. */
  at: number;
  delayMs: number;
}

export function readWatermark(clause: WatermarkClause): Watermark {
  let t = clause.tokens;
  // `AS (ts - INTERVAL '1' MINUTE)`: the parentheses change nothing.
  if (t[3]?.text === '(' && t[t.length - 1]?.text === ')') t = [...t.slice(0, 3), ...t.slice(4, -1)];
  const fail = (message: string, token?: Token): never => {
    throw new SqlError(message, token?.start ?? clause.pos, true);
  };
  if (!isWord(t[0], 'for')) fail('expected WATERMARK FOR <column> [AS <column> - INTERVAL ...]', t[0]);
  const col = t[1];
  if (!col || (col.kind !== 'word' && col.kind !== 'qident')) return fail('expected the event time column after WATERMARK FOR', col ?? t[0]);
  const column = nameOf(col);
  const quoted = col.kind === 'qident';
  const base = { column, quoted, at: col.start };
  if (t.length === 2) return { ...base, delayMs: 0 };
  if (!isWord(t[2], 'as')) return fail('expected AS <column> - INTERVAL ... after the watermark column', t[2]);
  const ref = t[3];
  if (!ref || nameOf(ref).toLowerCase() !== column.toLowerCase()) {
    return fail(`only "${column} - INTERVAL '...'" is supported as a watermark expression`, ref ?? t[2]);
  }
  if (t.length === 4) return { ...base, delayMs: 0 };
  if (t[4]?.text !== '-' || !isWord(t[5], 'interval') || t[6]?.kind !== 'string' || t.length > 8) {
    return fail(`only "${column} - INTERVAL '...'" is supported as a watermark expression`, t[4]);
  }
  const interval = t.slice(5).map((x) => x.text).join(' ');
  try {
    return { ...base, delayMs: parseInterval(interval) };
  } catch (err) {
    if (err instanceof ValidationError) return fail(`watermark delay: ${err.message}`, t[6]);
    throw err;
  }
}

function nameOf(t: Token): string {
  return t.kind === 'qident' ? t.text.slice(1, -1).replace(/""/g, '"') : t.text;
}

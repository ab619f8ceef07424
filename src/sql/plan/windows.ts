// Arroyo's time windows as GROUP BY items: tumble(size), hop(slide, size), session(gap), each
// argument an interval (`interval '10 seconds'`, `INTERVAL '10' SECOND` or just '10 seconds').

import type { FuncCall, Node } from 'sql-parser-cst';
import { ValidationError } from '../../errors.js';
import type { WindowSpec } from '../../types.js';
import { parseInterval } from '../expr/index.js';
import { SqlError } from '../problems.js';
import { endOf, startOf } from '../syntax.js';
import { callName } from './translate.js';

const ARGS: Record<string, string[]> = { tumble: ['size'], hop: ['slide', 'size'], session: ['gap'] };

export function windowSpecOf(call: FuncCall, query: string): WindowSpec {
  const name = callName(call)!;
  const fa = call.args!.expr;
  const args = fa.args.items as Node[];
  const expected = ARGS[name]!;
  if (fa.distinctKw || args.length !== expected.length) {
    throw new SqlError(`${name} takes ${expected.length === 1 ? 'one interval' : 'two intervals'}: ${name}(${expected.map((a) => `<${a}>`).join(', ')}), e.g. ${name}(${expected.map(() => "interval '10 seconds'").join(', ')})`, startOf(call));
  }
  const ms = args.map((a) => {
    if (a.type !== 'interval_literal' && a.type !== 'string_literal') throw new SqlError(`${name}(...) takes interval literals such as interval '10 seconds'`, startOf(a));
    try {
      const v = parseInterval(query.slice(startOf(a), endOf(a)));
      if (v <= 0) throw new ValidationError('a window interval must be positive');
      return v;
    } catch (err) {
      if (err instanceof ValidationError) throw new SqlError(err.message, startOf(a));
      throw err;
    }
  });
  if (name === 'tumble') return { kind: 'tumble', size_ms: ms[0]! };
  if (name === 'session') return { kind: 'session', gap_ms: ms[0]! };
  const [slide, size] = ms as [number, number];
  if (slide > size) throw new SqlError(`hop slide (${slide} ms) must not exceed its size (${size} ms)`, startOf(args[0]!));
  // A hop that slides by its whole size is a tumble (as Arroyo plans it).
  return slide === size ? { kind: 'tumble', size_ms: size } : { kind: 'hop', slide_ms: slide, size_ms: size };
}

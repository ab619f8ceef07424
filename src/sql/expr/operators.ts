// Typing of the binary operators (arithmetic, comparison, ||), shared by the type checker and by
// functions that are operators in disguise (mod).

import { ExprCompileError, type ArithOp, type CmpOp } from './ast.js';
import { arithKernel } from './arith.js';
import { castKernel } from './cast.js';
import { comparable, retype, typeLabel, type Arg } from './coerce.js';
import { cmpKernel } from './compare.js';
import { apply } from './fold.js';
import { isInteger, isNumeric, type Plan, type Site, type VType } from './plan.js';
import { concatKernel } from './strings.js';

/**
 * Result type of `l op r`: integer op integer is int64 (with `/` truncating), anything with a
 * float64 is float64, timestamp ± integer is a timestamp, timestamp - timestamp is int64 (ms).
 */
function arithType(op: ArithOp, x: VType, y: VType): VType | null {
  if (x === 'null' && y === 'null') return 'null';
  // An untyped NULL takes whichever type makes the other operand's operator valid.
  if (x === 'null') x = y === 'timestamp' ? (op === '-' ? 'timestamp' : 'int64') : y;
  if (y === 'null') y = x === 'timestamp' ? 'int64' : x;
  if (isNumeric(x) && isNumeric(y)) return isInteger(x) && isInteger(y) ? 'int64' : 'float64';
  if (x === 'timestamp' && isInteger(y) && (op === '+' || op === '-')) return 'timestamp';
  if (isInteger(x) && y === 'timestamp' && op === '+') return 'timestamp';
  if (x === 'timestamp' && y === 'timestamp' && op === '-') return 'int64';
  return null;
}

export function buildArith(op: ArithOp, l: Arg, r: Arg, site: Site): Plan {
  const type = arithType(op, l.plan.type, r.plan.type);
  if (type === null) {
    throw new ExprCompileError(`cannot apply ${op} to ${typeLabel(l.plan.type)} and ${typeLabel(r.plan.type)}`, site.pos);
  }
  const integer = isInteger(l.plan.type) && isInteger(r.plan.type);
  return apply(arithKernel(op, integer, site), [l.plan, r.plan], type);
}

export function buildCompare(op: CmpOp, l: Arg, r: Arg, pos: number): Plan {
  const c = comparable(l, r, pos);
  return apply(cmpKernel(op, c.domain), [c.l, c.r], 'bool');
}

/** `a || b`: string concatenation, NULL if either side is; a non-text side is cast to text. */
export function buildConcatOp(l: Arg, r: Arg, site: Site): Plan {
  if (l.plan.type !== 'utf8' && r.plan.type !== 'utf8' && !(l.plan.type === 'null' || r.plan.type === 'null')) {
    throw new ExprCompileError(`cannot apply || to ${typeLabel(l.plan.type)} and ${typeLabel(r.plan.type)}`, site.pos);
  }
  return apply(concatKernel(true), [toText(l.plan, site), toText(r.plan, site)], 'utf8');
}

/** Casts any value to utf8 (the implicit conversion of concat and ||). */
export function toText(p: Plan, site: Site): Plan {
  if (p.type === 'utf8' || p.type === 'null') return retype(p, 'utf8');
  return apply(castKernel(p.type, 'utf8', site), [p], 'utf8');
}

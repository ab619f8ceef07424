// Evaluates a Plan over one batch, column at a time. AND, OR and CASE narrow the set of "active"
// rows for their later operands so that e.g. `b <> 0 AND a / b > 1` or
// `CASE WHEN b = 0 THEN 0 ELSE a / b END` never raise division by zero for rows that skip it.

import { type Col, type Mask, type BoolCol, asBool } from './col.js';
import { kindOf, type ConstValue, type Ctx, type Plan, type Site, type VType } from './plan.js';
import { StrBuilder, encode, decode } from './utf8.js';

export type ColumnSource = (index: number) => Col;
export type FailHandler = (site: Site, message: string) => never;

/** `now` supplies now()'s value (called at most once); the default is the wall clock. */
export function evaluatePlan(plan: Plan, n: number, columns: ColumnSource, fail: FailHandler, now: () => number = Date.now): Col {
  return new Evaluator(n, columns, fail, now).eval(plan, null);
}

class Evaluator {
  private readonly shared = new Map<Plan, Col>();
  private readonly cols = new Map<number, Col>();
  private nowMs: number | null = null;
  /** One now() value for the whole evaluation, read lazily. */
  private readonly now = (): number => (this.nowMs ??= this.clock());

  constructor(
    private readonly n: number,
    private readonly columns: ColumnSource,
    private readonly fail: FailHandler,
    private readonly clock: () => number,
  ) {}

  eval(p: Plan, active: Mask | null): Col {
    if (p.shared) {
      const hit = this.shared.get(p);
      if (hit) return hit;
    }
    const out = this.compute(p, active);
    if (p.shared) this.shared.set(p, out);
    return out;
  }

  private compute(p: Plan, active: Mask | null): Col {
    switch (p.k) {
      case 'const':
        return broadcast(p.type, p.value, this.n);
      case 'col': {
        let c = this.cols.get(p.index);
        if (!c) this.cols.set(p.index, (c = this.columns(p.index)));
        return c;
      }
      case 'apply': {
        const args = p.args.map((a) => this.eval(a, active));
        const ctx: Ctx = { n: this.n, active, fail: this.fail, now: this.now };
        return p.fn(args, ctx);
      }
      case 'and':
      case 'or':
        return this.logic(p.k, p.left, p.right, active);
      case 'case':
        return this.caseWhen(p.type, p.whens, p.otherwise, active);
    }
  }

  /** Kleene AND/OR; the right side only runs for rows the left side does not decide. */
  private logic(op: 'and' | 'or', left: Plan, right: Plan, active: Mask | null): BoolCol {
    const n = this.n;
    const l = asBool(this.eval(left, active));
    const decidedBy = op === 'and' ? 0 : 1; // FALSE decides AND, TRUE decides OR
    const rest = new Uint8Array(n);
    let open = 0;
    for (let i = 0; i < n; i++) {
      const decided = (l.valid === null || l.valid[i] === 1) && l.v[i] === decidedBy;
      const r = (active === null || active[i] === 1) && !decided ? 1 : 0;
      rest[i] = r;
      open += r;
    }
    if (open === 0) return l;
    const r = asBool(this.eval(right, rest));
    const v = new Uint8Array(n);
    const valid = l.valid === null && r.valid === null ? null : new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const lv = l.valid === null || l.valid[i] === 1;
      const rv = r.valid === null || r.valid[i] === 1;
      const lt = lv && l.v[i] === 1;
      const lf = lv && l.v[i] === 0;
      const rt = rv && r.v[i] === 1;
      const rf = rv && r.v[i] === 0;
      if (op === 'and') {
        v[i] = lt && rt ? 1 : 0;
        if (valid) valid[i] = lf || rf || (lt && rt) ? 1 : 0;
      } else {
        v[i] = lt || rt ? 1 : 0;
        if (valid) valid[i] = lt || rt || (lf && rf) ? 1 : 0;
      }
    }
    return { t: 'bool', v, valid };
  }

  private caseWhen(type: VType, whens: { cond: Plan; then: Plan }[], otherwise: Plan | null, active: Mask | null): Col {
    const n = this.n;
    const remaining = active === null ? new Uint8Array(n).fill(1) : active.slice();
    // which[i]: 0 = no branch (NULL), k + 1 = branch k, whens.length + 1 = ELSE
    const which = new Uint16Array(n);
    const results: Col[] = [];
    for (let k = 0; k < whens.length; k++) {
      const cond = asBool(this.eval(whens[k]!.cond, remaining));
      const take = new Uint8Array(n);
      let any = false;
      for (let i = 0; i < n; i++) {
        if (remaining[i] === 1 && cond.v[i] === 1 && (cond.valid === null || cond.valid[i] === 1)) {
          take[i] = 1;
          remaining[i] = 0;
          which[i] = k + 1;
          any = true;
        }
      }
      if (any) results[k] = this.eval(whens[k]!.then, take);
    }
    if (otherwise) {
      let any = false;
      for (let i = 0; i < n; i++) {
        if (remaining[i] === 1) {
          which[i] = whens.length + 1;
          any = true;
        }
      }
      if (any) results[whens.length] = this.eval(otherwise, remaining);
    }
    return gather(kindOf(type), results, which, n);
  }
}

/** Row i comes from results[which[i] - 1]; which[i] = 0 means NULL. */
export function gather(kind: 'num' | 'bool' | 'str', results: Col[], which: Uint16Array, n: number): Col {
  const valid = new Uint8Array(n);
  if (kind === 'str') {
    const b = new StrBuilder(n);
    for (let i = 0; i < n; i++) {
      const w = which[i]!;
      const c = w === 0 ? undefined : results[w - 1];
      if (c && c.t === 'str' && (c.valid === null || c.valid[i] === 1)) {
        valid[i] = 1;
        b.pushBytes(c.bytes, c.offsets[i]!, c.offsets[i + 1]!);
      }
      b.endRow();
    }
    return b.finish(valid);
  }
  const v = kind === 'num' ? new Float64Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const w = which[i]!;
    const c = w === 0 ? undefined : results[w - 1];
    if (c && c.t !== 'str' && (c.valid === null || c.valid[i] === 1)) {
      valid[i] = 1;
      v[i] = c.v[i]!;
    }
  }
  return kind === 'num' ? { t: 'num', v: v as Float64Array, valid } : { t: 'bool', v: v as Uint8Array, valid };
}

// Constants are broadcast to full columns so every kernel only handles column x column. Kernels
// never modify their inputs, so the arrays are cached (batch sizes rarely change).
const broadcasts = new Map<string, Col>();

export function broadcast(type: VType, value: ConstValue, n: number): Col {
  const kind = kindOf(type);
  const key = `${kind}|${n}|${typeof value}|${String(value)}`;
  let col = broadcasts.get(key);
  if (!col) {
    col = makeBroadcast(kind, value, n);
    if (broadcasts.size >= 256) broadcasts.clear();
    broadcasts.set(key, col);
  }
  return col;
}

/** A fresh (uncached) constant column, for results handed out of the engine. */
export function makeBroadcast(kind: 'num' | 'bool' | 'str', value: ConstValue, n: number): Col {
  const valid = value === null ? new Uint8Array(n) : null;
  if (kind === 'num') return { t: 'num', v: new Float64Array(n).fill(typeof value === 'number' ? value : 0), valid };
  if (kind === 'bool') return { t: 'bool', v: new Uint8Array(n).fill(value === true ? 1 : 0), valid };
  const one = typeof value === 'string' ? encode(value) : new Uint8Array(0);
  const b = new StrBuilder(n, n * one.length);
  for (let i = 0; i < n; i++) {
    b.pushBytes(one, 0, one.length);
    b.endRow();
  }
  return b.finish(valid);
}

/** Row `i` of a column as a constant (used for constant folding). */
export function valueAt(c: Col, i: number): ConstValue {
  if (c.valid !== null && c.valid[i] !== 1) return null;
  if (c.t === 'num') return c.v[i]!;
  if (c.t === 'bool') return c.v[i] === 1;
  return decode(c.bytes, c.offsets[i]!, c.offsets[i + 1]!);
}

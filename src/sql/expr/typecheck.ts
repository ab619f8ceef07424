// Type checking: turns the AST into an executable Plan against a schema, resolving columns,
// applying the type rules (coerce.ts, operators.ts) and lowering BETWEEN, IN and simple CASE
// onto comparisons over a shared (evaluated once) operand.

import type { Schema } from '../../types.js';
import { ExprCompileError, type Ast, type BetweenAst, type CaseAst, type ColAst, type InAst, type LikeAst } from './ast.js';
import { resolveColumn } from './names.js';
import type { UdfRegistry } from './udf-types.js';
import { negateKernel } from './arith.js';
import { canCast, castKernel } from './cast.js';
import { commonType, comparable, expectBool, retype, typeLabel, type Arg } from './coerce.js';
import { cmpKernel, inSetKernel } from './compare.js';
import { apply, foldConstants } from './fold.js';
import { buildCall } from './functions.js';
import { compileLike, likeKernel, LikePatternError, type Matcher } from './like.js';
import { isNullKernel, isTruthKernel, notKernel } from './logic.js';
import { buildArith, buildCompare, buildConcatOp } from './operators.js';
import { constPlan, isInteger, isNumeric, type Plan, type Site } from './plan.js';

export function typecheck(ast: Ast, schema: Schema, text: string, udfs?: UdfRegistry, onColumn?: (name: string) => void): Plan {
  return new Checker(schema, text, udfs, onColumn).check(ast);
}

class Checker {
  constructor(
    private readonly schema: Schema,
    private readonly text: string,
    private readonly udfs: UdfRegistry | undefined,
    private readonly onColumn: ((name: string) => void) | undefined,
  ) {}

  private site(a: Ast): Site {
    return { src: this.text.slice(a.pos, a.end), pos: a.pos };
  }

  private arg(a: Ast): Arg {
    return { plan: this.check(a), pos: a.pos };
  }

  check(a: Ast): Plan {
    switch (a.k) {
      case 'lit':
        if (a.value === null) return constPlan('null', null);
        if (typeof a.value === 'number') return constPlan(a.isInt ? 'int64' : 'float64', a.value);
        return constPlan(typeof a.value === 'string' ? 'utf8' : 'bool', a.value);
      case 'col':
        return this.column(a);
      case 'unary': {
        const x = this.arg(a.arg);
        if (a.op === 'not') return apply(notKernel, [expectBool(x, 'argument of NOT')], 'bool');
        const t = x.plan.type;
        if (t !== 'null' && !isNumeric(t)) throw new ExprCompileError(`cannot apply unary ${a.op} to ${typeLabel(t)}`, a.pos);
        if (a.op === '+') return x.plan;
        return apply(negateKernel, [x.plan], isInteger(t) ? 'int64' : t);
      }
      case 'binary': {
        const l = this.arg(a.left);
        const r = this.arg(a.right);
        switch (a.op) {
          case 'and':
          case 'or': {
            const left = expectBool(l, `argument of ${a.op.toUpperCase()}`);
            const right = expectBool(r, `argument of ${a.op.toUpperCase()}`);
            return foldConstants({ k: a.op, type: 'bool', nullable: left.nullable || right.nullable, left, right });
          }
          case '||':
            return buildConcatOp(l, r, this.site(a));
          case '=': case '<>': case '<': case '<=': case '>': case '>=':
            return buildCompare(a.op, l, r, a.pos);
          default:
            return buildArith(a.op, l, r, this.site(a));
        }
      }
      case 'in':
        return this.inList(a);
      case 'between':
        return this.between(a);
      case 'like':
        return this.like(a);
      case 'is': {
        const x = this.arg(a.arg);
        if (a.what === 'null') return apply(isNullKernel(a.negated), [retype(x.plan, 'bool')], 'bool', { strict: false, nullable: false });
        const b = expectBool(x, `argument of IS ${a.what.toUpperCase()}`);
        return apply(isTruthKernel(a.what, a.negated), [b], 'bool', { strict: false, nullable: false });
      }
      case 'case':
        return this.caseExpr(a);
      case 'cast': {
        const x = this.check(a.arg);
        if (x.type === 'null') return constPlan(a.to, null);
        if (x.type === a.to) return x;
        if (!canCast(x.type, a.to)) throw new ExprCompileError(`cannot cast ${x.type} to ${a.typeName}`, a.pos);
        return apply(castKernel(x.type, a.to, this.site(a)), [x], a.to);
      }
      case 'call':
        return buildCall({ name: a.name, args: a.args.map((x) => this.arg(x)), site: this.site(a) }, this.udfs);
    }
  }

  /** Bare and qualified names, resolved as names.ts describes. */
  private column(a: ColAst): Plan {
    const index = resolveColumn(this.schema.fields, [...(a.qualifier ?? []), a], a.pos);
    const f = this.schema.fields[index]!;
    this.onColumn?.(f.name);
    return { k: 'col', index, name: f.name, type: f.type, nullable: f.nullable ?? true };
  }

  private inList(a: InAst): Plan {
    const x = this.arg(a.arg);
    const items = a.list.map((i) => this.arg(i));
    const pairs = items.map((i) => comparable(x, i, i.pos));
    let result: Plan;
    if (pairs.every((p) => p.r.k === 'const') && x.plan.type !== 'null') {
      const values = pairs.flatMap((p) => (p.r.k === 'const' && p.r.value !== null ? [p.r.value] : []));
      const hasNull = values.length < pairs.length;
      result = apply(inSetKernel(values, hasNull), [pairs[0]!.l], 'bool');
      if (hasNull) result.nullable = true;
    } else {
      x.plan.shared = true;
      const eqs = pairs.map((p) => apply(cmpKernel('=', p.domain), [p.l, p.r], 'bool'));
      result = eqs.reduce((acc, e) => foldConstants({ k: 'or', type: 'bool', nullable: acc.nullable || e.nullable, left: acc, right: e }));
    }
    return a.negated ? apply(notKernel, [result], 'bool') : result;
  }

  private between(a: BetweenAst): Plan {
    const x = this.arg(a.arg);
    x.plan.shared = true;
    const low = this.arg(a.low);
    const high = this.arg(a.high);
    // NOT BETWEEN is x < low OR x > high (De Morgan holds in three-valued logic).
    const left = buildCompare(a.negated ? '<' : '>=', x, low, a.pos);
    const right = buildCompare(a.negated ? '>' : '<=', x, high, a.pos);
    return foldConstants({ k: a.negated ? 'or' : 'and', type: 'bool', nullable: left.nullable || right.nullable, left, right });
  }

  private like(a: LikeAst): Plan {
    const op = `${a.negated ? 'NOT ' : ''}${a.caseInsensitive ? 'ILIKE' : 'LIKE'}`;
    const text = (x: Arg): Plan => {
      if (x.plan.type !== 'utf8' && x.plan.type !== 'null') throw new ExprCompileError(`${op} expects utf8, got ${typeLabel(x.plan.type)}`, x.pos);
      return retype(x.plan, 'utf8');
    };
    const value = text(this.arg(a.arg));
    const pattern = text(this.arg(a.pattern));
    let escape = '\\';
    if (a.escape) {
      const e = this.check(a.escape);
      if (e.k !== 'const' || typeof e.value !== 'string' || Array.from(e.value).length > 1) {
        throw new ExprCompileError('ESCAPE must be a single-character string literal', a.escape.pos);
      }
      escape = e.value;
    }
    let matcher: Matcher | null = null;
    if (pattern.k === 'const' && typeof pattern.value === 'string') {
      try {
        matcher = compileLike(pattern.value, escape, a.caseInsensitive);
      } catch (err) {
        if (err instanceof LikePatternError) throw new ExprCompileError(err.message, a.pattern.pos);
        throw err;
      }
    }
    const kernel = likeKernel(matcher, escape, a.caseInsensitive, a.negated, this.site(a));
    return apply(kernel, matcher ? [value] : [value, pattern], 'bool');
  }

  private caseExpr(a: CaseAst): Plan {
    const operand = a.operand ? this.arg(a.operand) : null;
    if (operand) operand.plan.shared = true;
    const conds = a.whens.map(({ when }) => {
      const w = this.arg(when);
      if (!operand) return expectBool(w, 'CASE WHEN condition');
      return buildCompare('=', operand, w, w.pos);
    });
    const results = a.whens.map(({ then }) => this.arg(then));
    if (a.otherwise) results.push(this.arg(a.otherwise));
    const { type, plans } = commonType(results, 'CASE branches');
    if (type === 'null') return constPlan('null', null);
    const whens = conds.map((cond, i) => ({ cond, then: plans[i]! }));
    const otherwise = a.otherwise ? plans[plans.length - 1]! : null;
    const nullable = !otherwise || plans.some((p) => p.nullable);
    return foldConstants({ k: 'case', type, nullable, whens, otherwise });
  }
}

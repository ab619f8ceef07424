// The type-checked, executable form of an expression: a tree of constants, column reads, kernel
// applications and the few lazily evaluated forms (AND/OR/CASE) that need row selections.

import type { FieldType } from '../../types.js';
import type { Col, Mask } from './col.js';

/** `null` is the type of a bare NULL literal until context gives it a real type. */
export type VType = FieldType | 'null';
/** Numbers stand for every numeric type and timestamps (ms since the epoch). */
export type ConstValue = number | string | boolean | null;

/** Where a kernel sits in the user's text, for runtime and folding errors. */
export interface Site {
  src: string;
  pos: number;
}

export interface Ctx {
  readonly n: number;
  /** Rows that are actually reached (CASE branches, right side of AND/OR); null = all. */
  readonly active: Mask | null;
  /** Raises the error for a row that is reached; never returns. */
  fail(site: Site, message: string): never;
  /** now(): the evaluation time in ms, one value per batch. */
  now(): number;
}

/** Computes a column from argument columns. Must not modify its arguments. */
export type Kernel = (args: Col[], ctx: Ctx) => Col;

interface Base {
  type: VType;
  nullable: boolean;
  /** Referenced from several places (BETWEEN, simple CASE, IN lowering): evaluate once per batch. */
  shared?: boolean;
}

export type Plan = ConstPlan | ColPlan | ApplyPlan | LogicPlan | CasePlan;

export interface ConstPlan extends Base {
  k: 'const';
  value: ConstValue;
}
export interface ColPlan extends Base {
  k: 'col';
  index: number;
  name: string;
}
export interface ApplyPlan extends Base {
  k: 'apply';
  fn: Kernel;
  args: Plan[];
  /** now() and UDFs: never folded into a constant at compile time. */
  volatile?: boolean;
}
export interface LogicPlan extends Base {
  k: 'and' | 'or';
  left: Plan;
  right: Plan;
}
export interface CasePlan extends Base {
  k: 'case';
  whens: { cond: Plan; then: Plan }[];
  otherwise: Plan | null;
}

export function isActive(ctx: Ctx, i: number): boolean {
  return ctx.active === null || ctx.active[i] === 1;
}

export function constPlan(type: VType, value: ConstValue): ConstPlan {
  return { k: 'const', type, value, nullable: value === null };
}

export function isNullConst(p: Plan): boolean {
  return p.k === 'const' && p.value === null;
}

export const isNumeric = (t: VType): boolean => t === 'int32' || t === 'int64' || t === 'float64';
export const isInteger = (t: VType): boolean => t === 'int32' || t === 'int64';

/** Which internal column kind a type evaluates to. */
export function kindOf(t: VType): 'num' | 'bool' | 'str' {
  if (t === 'bool') return 'bool';
  if (t === 'utf8') return 'str';
  if (t === 'null') throw new Error('internal: untyped NULL reached evaluation');
  return 'num';
}

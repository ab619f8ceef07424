// Joins. Equalities between the two sides (ON, USING, or the WHERE of a comma join) are the keys;
// other ON conditions filter the joined rows (inner joins only). Two sides that are window
// aggregations over the same window join per window (their rows meet in the window that just
// closed); anything else is an inner join that keeps rows for `updating_ttl`. Output columns are
// named `<alias>.<column>`; each keeps its alias as qualifier, so `A.x` and a unique `x` resolve.

import type { JoinExpr, Node } from 'sql-parser-cst';
import { ValidationError } from '../../errors.js';
import { joinOutputSchema, type JoinSpec } from '../../operators/join/index.js';
import type { JoinType } from '../../types.js';
import { SqlError } from '../problems.js';
import { endOf, keywordText, startOf, unparen } from '../syntax.js';
import type { PlanContext } from './context.js';
import { compileFrom } from './from.js';
import { extend, type OutItem, uniqueName } from './project.js';
import { type Column, describeWindow, type Relation, sameWindow, TIME_COLUMN, timeColumnName, type WindowCols } from './relation.js';
import { filter, inputScope } from './select.js';
import { quoteName, Snippet } from './snippet.js';
import { nameParts, resolveName } from './resolve.js';
import { translate } from './translate.js';

export interface Conjunct {
  node: Node;
  used: boolean;
}

export function splitAnd(node: Node): Node[] {
  const n = unparen(node);
  if (n.type === 'binary_expr' && keywordText(n.operator) === 'AND') return [...splitAnd(n.left as Node), ...splitAnd(n.right as Node)];
  return [n];
}

interface KeyPair {
  left: Snippet;
  right: Snippet;
  at: number;
  /** The equality as written, for messages. */
  text: string;
}

export function planJoin(node: JoinExpr, ctx: PlanContext, where: Conjunct[]): Relation {
  const words = node.operator === ',' ? 'CROSS JOIN' : keywordText(node.operator);
  const at = Array.isArray(node.operator) ? startOf(node.operator[0]!) : typeof node.operator === 'object' ? startOf(node.operator) : startOf(node.right);
  if (words.includes('NATURAL')) throw new SqlError('NATURAL JOIN is not supported; name the keys with ON', at);
  const type: JoinType = words.startsWith('LEFT') ? 'left' : words.startsWith('RIGHT') ? 'right' : words.startsWith('FULL') ? 'full' : 'inner';
  let left = compileFrom(node.left as Node, ctx, where);
  let right = compileFrom(node.right as Node, ctx, where);
  for (const side of [left, right]) {
    if (side.updating) throw new SqlError('joining the output of a GROUP BY without a window (an updating table) is not supported', at);
  }

  const pairs: KeyPair[] = [];
  const residual: Node[] = [];
  const spec = node.specification;
  if (spec?.type === 'join_on_specification') {
    for (const c of splitAnd(spec.expr as Node)) if (!keyPair(c, left, right, ctx, pairs)) residual.push(c);
  } else if (spec?.type === 'join_using_specification') {
    for (const col of spec.expr.expr.items) {
      pairs.push({ left: translate(col, inputScope(left, 'USING'), ctx), right: translate(col, inputScope(right, 'USING'), ctx), at: startOf(col), text: `USING (${col.name})` });
    }
  } else {
    // A comma join takes its keys from WHERE; those conditions are then used up.
    for (const c of where) if (!c.used && keyPair(c.node, left, right, ctx, pairs)) c.used = true;
  }
  if (pairs.length === 0) {
    throw new SqlError('a join needs at least one equality between its two sides (ON a.k = b.k); cross joins are not supported', at);
  }
  if (residual.length > 0 && type !== 'inner') {
    throw new SqlError(`only equalities between the two sides are supported in the ON of a ${type.toUpperCase()} JOIN`, startOf(residual[0]!));
  }

  // Keys and times must be columns of each side: computed ones are added as hidden columns.
  const leftPrep = prepareSide(left, pairs.map((p) => p.left), ctx, 'l');
  const rightPrep = prepareSide(right, pairs.map((p) => p.right), ctx, 'r');
  left = leftPrep.rel;
  right = rightPrep.rel;

  pairs.forEach((p, i) => {
    const l = left.node.outputSchema.fields.find((f) => f.name === leftPrep.keys[i])!;
    const r = right.node.outputSchema.fields.find((f) => f.name === rightPrep.keys[i])!;
    const numeric = (t: string) => t === 'int32' || t === 'int64' || t === 'float64';
    if (l.type !== r.type && !(numeric(l.type) && numeric(r.type))) {
      throw new SqlError(`the join keys in ${p.text} have different types (${l.type} and ${r.type}); CAST one of them`, p.at);
    }
  });
  const windowed = left.window && right.window;
  if (left.window && right.window && !sameWindow(left.window.spec, right.window.spec)) {
    throw new SqlError(`the two sides of the join are windowed differently (${describeWindow(left.window.spec)} vs ${describeWindow(right.window.spec)})`, at);
  }
  if (!windowed && type !== 'inner') {
    throw new SqlError(`a ${type.toUpperCase()} JOIN needs both sides to be window aggregations over the same window; without windows only inner joins are supported`, at);
  }
  const names = outputNames([...left.columns, ...right.columns]);
  const op: JoinSpec = { kind: 'join', join_type: type, left_keys: leftPrep.keys, right_keys: rightPrep.keys, output_names: names };
  if (windowed) {
    // Each side's rows carry their window's end − 1 as time: a 1 ms tumble groups exactly the rows
    // of one window, and closes as soon as the inputs' windows do.
    op.window = { kind: 'tumble', size_ms: 1 };
    op.time_columns = [timeColumnName(left)!, timeColumnName(right)!];
  } else op.ttl_ms = ctx.ttlMs;
  let schema;
  try {
    schema = joinOutputSchema(left.node.outputSchema, right.node.outputSchema, op);
  } catch (err) {
    if (err instanceof ValidationError) throw new SqlError(err.message.replace(/^join: /, ''), pairs[0]!.at);
    throw err;
  }
  const joined = ctx.graph.add('join', op, [{ node: left.node, keys: leftPrep.keys }, { node: right.node, keys: rightPrep.keys }], schema);
  const columns: Column[] = [...left.columns, ...right.columns].map((c, i) => ({ ...c, name: names[i]!, field: schema.fields[i]! }));
  const renamed = (rel: Relation, offset: number) => (name: string) => names[offset + rel.columns.findIndex((c) => c.name === name)]!;
  const l = renamed(left, 0);
  const r = renamed(right, left.columns.length);
  const lt = timeColumnName(left);
  const rt = timeColumnName(right);
  let time: string | null = null;
  if (lt !== null && rt !== null) time = windowed ? quoteName(l(lt)) : `greatest(${quoteName(l(lt))}, ${quoteName(r(rt))})`;
  else if (lt !== null || rt !== null) time = quoteName(lt !== null ? l(lt) : r(rt!));
  const window: WindowCols | null = windowed ? { spec: left.window!.spec, start: l(left.window!.start), end: l(left.window!.end) } : null;
  const out: Relation = { node: joined, columns, time, window, updating: false };
  return residual.length > 0 ? filter(out, residual, ctx) : out;
}

/** An equality `x = y` with x over one side and y over the other (structs pair up field by field). */
function keyPair(cond: Node, left: Relation, right: Relation, ctx: PlanContext, pairs: KeyPair[]): boolean {
  const n = unparen(cond);
  if (n.type !== 'binary_expr' || keywordText(n.operator) !== '=') return false;
  const a = n.left as Node;
  const b = n.right as Node;
  const sides = [refsOn(a, left, ctx), refsOn(b, right, ctx), refsOn(a, right, ctx), refsOn(b, left, ctx)];
  const [al, br, ar, bl] = sides;
  const [l, r] = al && br ? [al, br] : ar && bl ? [bl, ar] : [undefined, undefined];
  if (!l || !r) return false;
  if (l.length !== r.length) throw new SqlError('the two sides of this equality have different numbers of columns', startOf(n));
  const text = ctx.q.flat.slice(startOf(n), endOf(n)).replace(/\s+/g, ' ');
  l.forEach((x, i) => pairs.push({ left: x, right: r[i]!, at: startOf(n), text }));
  return true;
}

/** The expression over `rel` alone (a struct: one per field, by field name), or undefined when it needs other columns. */
function refsOn(node: Node, rel: Relation, ctx: PlanContext): Snippet[] | undefined {
  const parts = nameParts(unparen(node), ctx.q.autoQuoted);
  try {
    if (parts) {
      const r = resolveName(rel, parts);
      if (r.kind === 'column') return [Snippet.make(quoteName(r.column.name), startOf(node))];
      const fields = [...r.columns].sort((x, y) => (x.label < y.label ? -1 : x.label > y.label ? 1 : 0));
      return fields.map((c) => Snippet.make(quoteName(c.name), startOf(node)));
    }
    // A side of a key must read the side's columns; a constant is a filter, not a key.
    const scope = inputScope(rel, 'a join condition');
    let refs = 0;
    const s = translate(node, { ...scope, ref: (p, n) => (refs++, scope.ref(p, n)) }, ctx);
    return refs > 0 ? [s] : undefined;
  } catch (err) {
    if (err instanceof SqlError) return undefined;
    throw err;
  }
}

function prepareSide(rel: Relation, exprs: Snippet[], ctx: PlanContext, tag: string): { rel: Relation; keys: string[] } {
  const extra: OutItem[] = [];
  const taken = new Map(rel.columns.map((c) => [c.name, c]));
  const keys = exprs.map((e, i) => {
    const bare = rel.columns.find((c) => quoteName(c.name) === e.text);
    if (bare) return bare.name;
    const name = uniqueName(`_${tag}key${i}`, taken);
    taken.set(name, rel.columns[0]!);
    extra.push({ expr: e, name, at: e.start });
    return name;
  });
  if (rel.time !== null && timeColumnName(rel) === null) extra.push({ expr: Snippet.make(rel.time, 0), name: uniqueName(TIME_COLUMN, taken), at: 0 });
  const out = extend(rel, extra, ctx);
  const timeName = extra.find((x) => x.name.startsWith(TIME_COLUMN))?.name;
  return { rel: timeName ? { ...out, time: quoteName(timeName) } : out, keys };
}

/** `<alias>.<label>` for qualified columns, the label otherwise; unique. */
function outputNames(columns: Column[]): string[] {
  const taken = new Map<string, true>();
  return columns.map((c) => {
    const name = uniqueName(c.qualifier ? `${c.qualifier}.${c.label}` : c.label, taken);
    taken.set(name, true);
    return name;
  });
}

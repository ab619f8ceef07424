// Column name resolution. Columns are flat: a join's output is named `<alias>.<col>` and Nexmark's
// struct fields `bid.price`, so `a.b` (or `"a"."b"`) means the column literally named `a.b`.
// A reference resolves, in order, to
//   1. the column with exactly that name,
//   2. the one column equal to it ignoring case in its unquoted parts,
//   3. the one column whose name ends with `.<reference>` (same case rules; exact case first),
// so `price` finds `bid.price` when no other column ends in `.price`. Two candidates at the step
// that decides make the reference ambiguous.

import type { Field } from '../../types.js';
import { ExprCompileError } from './ast.js';

export interface NamePart {
  name: string;
  /** Quoted parts match exactly, unquoted ones case-insensitively. */
  quoted: boolean;
}

/** Index into `fields` of the column `parts` refers to; throws ExprCompileError at `pos`. */
export function resolveColumn(fields: readonly Field[], parts: readonly NamePart[], pos: number): number {
  const full = parts.map((p) => p.name).join('.');
  const exact = fields.findIndex((f) => f.name === full);
  if (exact >= 0) return exact;
  const steps: ((name: string) => boolean)[] = [
    (name) => matches(name, parts, false, false),
    (name) => matches(name, parts, true, true),
    (name) => matches(name, parts, true, false),
  ];
  for (const step of steps) {
    const hits = fields.flatMap((f, i) => (step(f.name) ? [i] : []));
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) {
      const names = hits.map((i) => `"${fields[i]!.name}"`).join(', ');
      throw new ExprCompileError(`column reference "${full}" is ambiguous (${names}); qualify it or quote the exact name`, pos);
    }
  }
  const list = fields.map((f) => f.name).join(', ');
  throw new ExprCompileError(`unknown column "${full}" (columns: ${list || 'none'})`, pos);
}

/**
 * Whether column `name` is (or with `suffix`, ends with `.` followed by) the parts joined by
 * dots; unquoted parts compare ignoring case unless `exactCase`.
 */
function matches(name: string, parts: readonly NamePart[], suffix: boolean, exactCase: boolean): boolean {
  let len = parts.length - 1;
  for (const p of parts) len += p.name.length;
  const start = name.length - len;
  if (suffix ? start < 1 || name[start - 1] !== '.' : start !== 0) return false;
  let at = start;
  for (const p of parts) {
    const seg = name.slice(at, at + p.name.length);
    const same = p.quoted || exactCase ? seg === p.name : seg.toLowerCase() === p.name.toLowerCase();
    if (!same) return false;
    at += p.name.length;
    if (at < name.length && name[at] !== '.') return false;
    at++;
  }
  return true;
}

/**
 * Output name of a bare or qualified column: its last part, spelled as the column is
 * (`bid.price` → `price`, like SQL; `"a.b"` → `a.b`).
 */
export function lastPartName(fieldName: string, parts: readonly NamePart[]): string {
  const last = parts[parts.length - 1]!.name;
  return last.length <= fieldName.length ? fieldName.slice(fieldName.length - last.length) : last;
}

// Resolving a column reference (`x`, `A.x`, `bid.price`, `A.bid.price`, `window.start`) against a
// relation. Unquoted parts match case-insensitively (an exact match wins). A name that only
// prefixes columns (`bid`, `window`, `A.window`) is a struct: the columns under it.

import type { Node } from 'sql-parser-cst';
import { SqlError } from '../problems.js';
import { startOf } from '../syntax.js';
import type { Column, Relation } from './relation.js';
import { visible } from './relation.js';

export interface NamePart {
  name: string;
  quoted: boolean;
  at: number;
}

export type Resolved = { kind: 'column'; column: Column } | { kind: 'struct'; label: string; columns: Column[] };

/** The parts of an identifier or member_expr chain, or undefined when the node is something else. */
export function nameParts(node: Node, autoQuoted: Set<number>): NamePart[] | undefined {
  if (node.type === 'identifier') {
    const at = startOf(node);
    return [{ name: node.name, quoted: node.text.startsWith('"') && !autoQuoted.has(at), at }];
  }
  // The parser reads keyword-like names without parentheses (`user`, `current_date`) as calls.
  if (node.type === 'func_call' && !node.args && node.name.type === 'identifier') return nameParts(node.name, autoQuoted);
  if (node.type === 'member_expr' && node.property.type === 'identifier') {
    const head = nameParts(node.object as Node, autoQuoted);
    const tail = nameParts(node.property, autoQuoted);
    return head && tail ? [...head, ...tail] : undefined;
  }
  return undefined;
}

export function partsText(parts: NamePart[]): string {
  return parts.map((p) => p.name).join('.');
}

function same(a: string, parts: NamePart[], exactCase: boolean): boolean {
  const b = partsText(parts);
  return exactCase || parts.some((p) => p.quoted) ? a === b : a.toLowerCase() === b.toLowerCase();
}

function under(label: string, parts: NamePart[], exactCase: boolean): boolean {
  const prefix = `${partsText(parts)}.`;
  if (label.length <= prefix.length) return false;
  const head = label.slice(0, prefix.length);
  return exactCase || parts.some((p) => p.quoted) ? head === prefix : head.toLowerCase() === prefix.toLowerCase();
}

/** Resolves `parts`; throws SqlError (unknown or ambiguous) at the reference. */
export function resolveName(rel: Relation, parts: NamePart[]): Resolved {
  const at = parts[0]!.at;
  const text = partsText(parts);
  for (const exactCase of [true, false]) {
    const hits = rel.columns.filter(
      (c) => same(c.label, parts, exactCase) || (c.qualifier !== undefined && parts.length > 1 && same(c.qualifier, parts.slice(0, 1), exactCase) && same(c.label, parts.slice(1), exactCase)),
    );
    if (hits.length === 1) return { kind: 'column', column: hits[0]! };
    if (hits.length > 1) throw ambiguous(text, hits, at);
  }
  for (const exactCase of [true, false]) {
    const direct = rel.columns.filter((c) => under(c.label, parts, exactCase));
    const qualified = parts.length > 1
      ? rel.columns.filter((c) => c.qualifier !== undefined && same(c.qualifier, parts.slice(0, 1), exactCase) && under(c.label, parts.slice(1), exactCase))
      : [];
    const hits = direct.length > 0 ? direct : qualified;
    if (hits.length === 0) continue;
    const owners = new Set(hits.map((c) => c.qualifier ?? ''));
    if (direct.length > 0 && owners.size > 1) throw ambiguous(text, hits, at);
    const label = direct.length > 0 ? partsText(parts) : partsText(parts.slice(1));
    return { kind: 'struct', label: hits[0]!.label.slice(0, label.length), columns: hits };
  }
  const names = visible(rel).map((c) => (c.qualifier ? `${c.qualifier}.${c.label}` : c.label));
  throw new SqlError(`unknown column "${text}" (columns: ${names.join(', ') || 'none'})`, at);
}

function ambiguous(text: string, hits: Column[], at: number): SqlError {
  const names = hits.map((c) => (c.qualifier ? `${c.qualifier}.${c.label}` : c.label)).join(', ');
  return new SqlError(`column reference "${text}" is ambiguous (${names}); qualify it`, at);
}

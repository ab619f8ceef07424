// Small helpers over sql-parser-cst nodes: positions, names, keyword lists.

import type { Node } from 'sql-parser-cst';

type Ranged = { range?: [number, number] };

export function startOf(node: Ranged): number {
  return node.range?.[0] ?? 0;
}

export function endOf(node: Ranged): number {
  return node.range?.[1] ?? startOf(node);
}

/** Keyword list or keyword as upper-case words: `LEFT JOIN`, `IS NOT`. */
export function keywordText(op: unknown): string {
  if (typeof op === 'string') return op.toUpperCase();
  const list = Array.isArray(op) ? op : [op];
  return list
    .map((k) => (k && typeof k === 'object' && 'name' in k ? String((k as { name: string }).name).toUpperCase() : ''))
    .filter(Boolean)
    .join(' ');
}

/** The children of a node that are nodes themselves, with the field they sit in. */
export function childNodes(node: Node): { field: string; node: Node }[] {
  const out: { field: string; node: Node }[] = [];
  for (const [field, value] of Object.entries(node)) {
    if (field === 'range' || field === 'type') continue;
    const push = (v: unknown) => {
      if (v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string') out.push({ field, node: v as Node });
    };
    if (Array.isArray(value)) value.forEach(push);
    else push(value);
  }
  return out;
}

/** The expressions of a list (`a, b, c`), or the one expression. */
export function listItems(node: Node): Node[] {
  return node.type === 'list_expr' ? (node.items as Node[]) : [node];
}

/** Strips redundant parentheses around an expression. */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'paren_expr' && n.expr.type !== 'list_expr') n = n.expr as Node;
  return n;
}

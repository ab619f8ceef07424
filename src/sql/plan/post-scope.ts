// Names after an aggregation (select list, HAVING): a grouped column or GROUP BY expression is
// its key column, an aggregate call its result column, `window` / `window.start` / `window_end`
// the window's bounds. Any other input column is an error: it is neither grouped nor aggregated.

import type { Node } from 'sql-parser-cst';
import { SqlError } from '../problems.js';
import { startOf } from '../syntax.js';
import type { PlanContext } from './context.js';
import type { Grouping, Win } from './group.js';
import type { Column, Relation } from './relation.js';
import { type NamePart, nameParts, resolveName } from './resolve.js';
import { inputScope } from './select.js';
import { quoteName, type Snippet } from './snippet.js';
import { type RefText, type Scope, translate } from './translate.js';

type Found = { kind: 'column'; name: string; label: string } | { kind: 'struct'; label: string; columns: { name: string; suffix: string }[] };

export interface PostScope extends Scope {
  translate(node: Node): Snippet;
  /** A name that stands for several output columns (a struct, the window), with their suffixes. */
  structOf(node: Node): { label: string; columns: { name: string; suffix: string }[] } | undefined;
  /** The column a bare name stands for (for the default output name). */
  columnOf(node: Node): Column | undefined;
}

export function postScope(input: Relation, g: Grouping, ctx: PlanContext): PostScope {
  const win = g.window as Win | null;
  const eq = (p: NamePart, name: string) => (p.quoted ? p.name === name : p.name.toLowerCase() === name.toLowerCase());
  const keyName = (c: Column) => g.keys.find((k) => k.column?.name === c.name)?.name;

  const find = (parts: NamePart[]): Found => {
    if (win?.kind === 'new') {
      const alias = win.alias;
      if (parts.length === 1 && eq(parts[0]!, alias)) return { kind: 'struct', label: alias, columns: [{ name: 'window_start', suffix: '.start' }, { name: 'window_end', suffix: '.end' }] };
      if (parts.length === 2 && eq(parts[0]!, alias) && (eq(parts[1]!, 'start') || eq(parts[1]!, 'end'))) {
        const part = parts[1]!.name.toLowerCase();
        return { kind: 'column', name: `window_${part}`, label: `${alias}.${part}` };
      }
    }
    let r;
    try {
      r = resolveName(input, parts);
    } catch (err) {
      const bound = parts.length === 1 && win?.kind === 'new' && ['window_start', 'window_end'].find((b) => eq(parts[0]!, b));
      if (bound) return { kind: 'column', name: bound, label: bound };
      throw err;
    }
    const notGrouped = (c: Column) =>
      new SqlError(`column "${c.qualifier ? `${c.qualifier}.` : ''}${c.label}" must appear in GROUP BY or be used in an aggregate function`, parts[0]!.at);
    if (r.kind === 'column') {
      const name = keyName(r.column);
      if (name === undefined) throw notGrouped(r.column);
      return { kind: 'column', name, label: r.column.label };
    }
    const columns = r.columns.map((c) => {
      const name = keyName(c);
      if (name === undefined) throw notGrouped(c);
      return { name, suffix: c.label.slice(r.label.length) };
    });
    return { kind: 'struct', label: r.label, columns };
  };

  const scope: PostScope = {
    where: 'the select list of an aggregating query',
    ref(parts): RefText {
      const f = find(parts);
      return f.kind === 'column' ? { text: quoteName(f.name) } : { struct: f.columns.map((c) => quoteName(c.name)), label: f.label };
    },
    aggregate(call) {
      const agg = g.byCall.get(call);
      if (!agg) throw new SqlError('aggregate call not found (internal)', startOf(call));
      return quoteName(agg.name);
    },
    window(call) {
      throw new SqlError('a time window is a pair of columns; select it on its own (hop(...) AS window) or use window.start / window.end', startOf(call));
    },
    whole(node) {
      if (nameParts(node, ctx.q.autoQuoted) || g.keys.every((k) => k.column)) return undefined;
      let s: Snippet;
      try {
        s = translate(node, inputScope(input, 'GROUP BY'), ctx);
      } catch {
        return undefined;
      }
      const key = g.keys.find((k) => !k.column && k.expr.key === s.key);
      return key ? quoteName(key.name) : undefined;
    },
    translate: (node) => translate(node, scope, ctx),
    structOf(node) {
      const parts = nameParts(node, ctx.q.autoQuoted);
      if (!parts) return undefined;
      const f = find(parts);
      return f.kind === 'struct' ? { label: f.label, columns: f.columns } : undefined;
    },
    columnOf(node) {
      const parts = nameParts(node, ctx.q.autoQuoted);
      if (!parts) return undefined;
      try {
        const f = find(parts);
        return f.kind === 'column' ? { name: f.name, label: f.label, field: { name: f.name, type: 'utf8' } } : undefined;
      } catch {
        return undefined;
      }
    },
  };
  return scope;
}

// Renders an AST back to canonical SQL text: the output column name of an unaliased projection.
// Spacing is normalized, keywords are upper case, function names lower case, `!=` becomes `<>`,
// `x::int` becomes `CAST(x AS INT)`, and parentheses appear only where precedence needs them.

import type { Ast } from './ast.js';

const PREC = { or: 1, and: 2, not: 3, is: 4, cmp: 5, pred: 6, concat: 7, add: 8, mul: 9, neg: 10, atom: 11 } as const;

function precOf(a: Ast): number {
  switch (a.k) {
    case 'binary':
      if (a.op === 'or') return PREC.or;
      if (a.op === 'and') return PREC.and;
      if (a.op === '||') return PREC.concat;
      if (a.op === '+' || a.op === '-') return PREC.add;
      if (a.op === '*' || a.op === '/' || a.op === '%') return PREC.mul;
      return PREC.cmp;
    case 'unary':
      return a.op === 'not' ? PREC.not : PREC.neg;
    case 'is':
      return PREC.is;
    case 'in':
    case 'between':
    case 'like':
      return PREC.pred;
    default:
      return PREC.atom;
  }
}

function wrap(a: Ast, min: number): string {
  const s = render(a);
  return precOf(a) < min ? `(${s})` : s;
}

export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function render(a: Ast): string {
  switch (a.k) {
    case 'lit':
      if (typeof a.value === 'string') return `'${a.value.replace(/'/g, "''")}'`;
      if (typeof a.value === 'number') return a.interval ? a.text : a.text.toLowerCase();
      return a.text;
    case 'col':
      return [...(a.qualifier ?? []), a].map((p) => (p.quoted ? `"${p.name.replace(/"/g, '""')}"` : quoteIdent(p.name))).join('.');
    case 'unary': {
      if (a.op === 'not') return `NOT ${wrap(a.arg, PREC.not)}`;
      const inner = wrap(a.arg, PREC.neg);
      // `- -x` must not render as `--x`, which would start a comment.
      return `${a.op}${inner.startsWith('-') || inner.startsWith('+') ? `(${inner})` : inner}`;
    }
    case 'binary': {
      const p = precOf(a);
      const op = a.op === 'and' || a.op === 'or' ? a.op.toUpperCase() : a.op;
      // Left-associative: the right side needs parentheses at equal precedence; comparisons don't chain.
      const leftMin = p === PREC.cmp ? p + 1 : p;
      return `${wrap(a.left, leftMin)} ${op} ${wrap(a.right, p + 1)}`;
    }
    case 'in':
      return `${wrap(a.arg, PREC.concat)} ${a.negated ? 'NOT IN' : 'IN'} (${a.list.map(render).join(', ')})`;
    case 'between':
      return `${wrap(a.arg, PREC.concat)} ${a.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${wrap(a.low, PREC.concat)} AND ${wrap(a.high, PREC.concat)}`;
    case 'like': {
      const op = `${a.negated ? 'NOT ' : ''}${a.caseInsensitive ? 'ILIKE' : 'LIKE'}`;
      const esc = a.escape ? ` ESCAPE ${render(a.escape)}` : '';
      return `${wrap(a.arg, PREC.concat)} ${op} ${wrap(a.pattern, PREC.concat)}${esc}`;
    }
    case 'is':
      return `${wrap(a.arg, PREC.cmp)} IS ${a.negated ? 'NOT ' : ''}${a.what.toUpperCase()}`;
    case 'case': {
      const parts = ['CASE'];
      if (a.operand) parts.push(render(a.operand));
      for (const w of a.whens) parts.push(`WHEN ${render(w.when)} THEN ${render(w.then)}`);
      if (a.otherwise) parts.push(`ELSE ${render(a.otherwise)}`);
      parts.push('END');
      return parts.join(' ');
    }
    case 'cast':
      return `CAST(${render(a.arg)} AS ${a.typeName})`;
    case 'call': {
      const [field, from] = a.args;
      if (a.name === 'extract' && a.args.length === 2 && field!.k === 'lit' && typeof field!.value === 'string') {
        return `extract(${field!.value.toLowerCase()} FROM ${render(from!)})`;
      }
      return `${a.name}(${a.args.map(render).join(', ')})`;
    }
  }
}

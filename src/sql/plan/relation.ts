// What a FROM item, a join or a SELECT produces: a graph node plus how SQL names its columns.
// A column has a physical name (in the node's output schema), a label (how a query names it:
// `x`, `bid.price`, `window.start`) and maybe a qualifier (the table alias: `A` in `A.x`).
// Hidden columns ride along for the planner: `_timestamp` (event time after a projection that
// dropped it) and `_op` (the changelog column of an updating aggregate).

import type { Field, LogicalNode, WindowSpec } from '../../types.js';

export const TIME_COLUMN = '_timestamp';
export const OP_COLUMN = '_op';

export interface Column {
  name: string;
  label: string;
  qualifier?: string;
  hidden?: boolean;
  field: Field;
}

export interface WindowCols {
  spec: WindowSpec;
  /** Physical names of the window's start and end columns. */
  start: string;
  end: string;
}

export interface Relation {
  node: LogicalNode;
  columns: Column[];
  /** Event time as expression text over physical names (`"event_time"`), or null when unknown. */
  time: string | null;
  /** Rows are results of a window aggregation whose bounds are still at hand. */
  window: WindowCols | null;
  /** Output of an updating aggregate (carries `_op`). */
  updating: boolean;
}

/** The relation seen through a FROM alias: every column gets that qualifier (or none). */
export function requalify(rel: Relation, qualifier: string | undefined): Relation {
  return {
    ...rel,
    columns: rel.columns.map((c) => {
      const { qualifier: _old, ...rest } = c;
      return qualifier === undefined ? rest : { ...rest, qualifier };
    }),
  };
}

export function visible(rel: Relation): Column[] {
  return rel.columns.filter((c) => !c.hidden);
}

/** The relation's time as a bare physical column name, when it is one. */
export function timeColumnName(rel: Relation): string | null {
  if (rel.time === null) return null;
  const m = /^"((?:[^"]|"")*)"$/.exec(rel.time);
  if (m) return m[1]!.replace(/""/g, '"');
  return /^[a-z_][a-z0-9_]*$/.test(rel.time) ? rel.time : null;
}

export function describeWindow(w: WindowSpec): string {
  const s = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
  switch (w.kind) {
    case 'tumble':
      return `tumble(${s(w.size_ms)})`;
    case 'hop':
      return `hop(${s(w.slide_ms)}, ${s(w.size_ms)})`;
    case 'session':
      return `session(${s(w.gap_ms)})`;
  }
}

export function sameWindow(a: WindowSpec, b: WindowSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

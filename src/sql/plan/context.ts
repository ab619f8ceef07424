// Everything the planner threads through a compile: the query, the graph being built, the
// catalog (tables, views), settings and the problems found so far.

import type { Node } from 'sql-parser-cst';
import type { UdfRegistry } from '../expr/index.js';
import type { TableDef } from '../catalog/tables.js';
import type { PreparedQuery } from '../prepare.js';
import type { Problems } from '../problems.js';
import type { GraphBuilder } from './graph.js';

export interface ViewDef {
  name: string;
  at: number;
  /** The view's query (a select or a UNION ALL). */
  query: Node;
}

export interface PlanContext {
  q: PreparedQuery;
  graph: GraphBuilder;
  problems: Problems;
  /** By lower-cased name. */
  tables: Map<string, TableDef>;
  views: Map<string, ViewDef>;
  /** Names whose CREATE failed: using them is not reported again. */
  broken: Set<string>;
  /** `SET updating_ttl`: how long updating aggregates and non-windowed joins keep state. */
  ttlMs: number;
  udfs?: UdfRegistry | undefined;
}

export const DEFAULT_UPDATING_TTL_MS = 24 * 60 * 60 * 1000;

// Arroyo-dialect streaming SQL → the LogicalGraph the JSON spec compiles to (src/types.ts).
//
//   CREATE TABLE t (col TYPE, ..., WATERMARK FOR col AS col - INTERVAL '5' SECOND)
//     WITH (connector = 'nats' | 'jetstream' | 'impulse' | 'nexmark' | 'json_file' | 'preview' | 'stdout' | 'blackhole', ...);
//   CREATE VIEW v AS SELECT ...;            -- inlined where used
//   SET updating_ttl = '1 hour';            -- state TTL of updating aggregates and joins (default 24 h)
//   INSERT INTO t SELECT ...;               -- a table read in FROM is a source, written here a sink
//   SELECT ...;                             -- goes to the default sink (preview)
//
// Problems come back as a ValidationError whose details are [{ message, line, column }] (1-based,
// in the text given), one per problem found. The steps: prepare.ts (dialect rewrites, statement
// split), parse.ts (sql-parser-cst), catalog/ (tables), plan/ (queries → graph nodes).

import { ValidationError } from '../errors.js';
import { type GraphJson, graphToJson } from '../dataflow/logical.js';
import type { LogicalGraph } from '../types.js';
import { compileStatements } from './compile.js';
import { rewriteSyntax, type UdfRegistry } from './expr/index.js';
import { prepareQuery } from './prepare.js';
import type { SqlProblem } from './problems.js';

export type { SqlProblem } from './problems.js';

export interface SqlCompileOptions {
  /** Every node (sources and sinks too) runs with this many subtasks. */
  parallelism: number;
  /** The deployment's subject prefix: connector subjects under it are refused. */
  prefix: string;
  /** Where a bare SELECT goes (default: preview). */
  defaultSink?: 'preview' | 'stdout';
  udfs?: UdfRegistry | undefined;
}

/** Compiles the query; throws ValidationError with every problem found. */
export function compileSql(query: string, opts: SqlCompileOptions): LogicalGraph {
  const { graph, problems } = run(query, opts);
  if (problems.length > 0) throw toError(problems);
  return graph;
}

/** Like compileSql, but returns the problems (and the graph when there are none). */
export function validateSql(query: string, opts: SqlCompileOptions): { errors: SqlProblem[]; graph: GraphJson | null } {
  const { graph, problems } = run(query, opts);
  return { errors: problems, graph: problems.length === 0 ? graphToJson(graph) : null };
}

function run(query: string, opts: SqlCompileOptions): { graph: LogicalGraph; problems: SqlProblem[] } {
  // rewriteSyntax keeps every offset, so positions still point into `query`.
  const q = prepareQuery(rewriteSyntax(query));
  const { graph, problems } = compileStatements(q, {
    parallelism: opts.parallelism,
    prefix: opts.prefix,
    defaultSink: opts.defaultSink ?? 'preview',
    udfs: opts.udfs,
  });
  const list = [...problems.list].sort((a, b) => a.line - b.line || a.column - b.column);
  return { graph, problems: list };
}

function toError(problems: SqlProblem[]): ValidationError {
  const shown = problems.slice(0, 3).map((d) => `line ${d.line}, column ${d.column}: ${d.message}`);
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new ValidationError(`invalid query (${count}): ${shown.join('; ')}${more}`, problems.map((d) => ({ ...d })));
}

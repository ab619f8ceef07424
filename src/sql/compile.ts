// The statement loop: SET first (it applies to the whole query), then CREATE TABLE / CREATE VIEW
// into the catalog and INSERT / SELECT into the graph, in order. A statement with a problem is
// skipped after reporting it, and the rest are still checked.

import type { Node } from 'sql-parser-cst';
import { ValidationError } from '../errors.js';
import type { LogicalGraph } from '../types.js';
import { defineTable } from './catalog/tables.js';
import { parseInterval, type UdfRegistry } from './expr/index.js';
import { type ParsedStatement, parseStatement } from './parse.js';
import { DEFAULT_UPDATING_TTL_MS, type PlanContext } from './plan/context.js';
import { pruneSharedSources } from '../dataflow/prune.js';
import { GraphBuilder } from './plan/graph.js';
import { compileQuery } from './plan/select.js';
import { insertTarget, writeTo } from './plan/sink.js';
import type { PreparedQuery } from './prepare.js';
import { Problems, Reported, SqlError } from './problems.js';
import { startOf } from './syntax.js';

export interface CompileSettings {
  parallelism: number;
  prefix: string;
  defaultSink: 'preview' | 'stdout';
  udfs?: UdfRegistry | undefined;
}

export function compileStatements(q: PreparedQuery, s: CompileSettings): { graph: LogicalGraph; problems: Problems } {
  const problems = new Problems(q);
  const ctx: PlanContext = {
    q,
    graph: new GraphBuilder(s.parallelism),
    problems,
    tables: new Map(),
    views: new Map(),
    broken: new Set(),
    ttlMs: DEFAULT_UPDATING_TTL_MS,
    udfs: s.udfs,
  };
  const parsed: ParsedStatement[] = [];
  for (const st of q.statements) {
    const p = problems.attempt(() => parseStatement(q, st));
    if (p) parsed.push(p);
    else if (st.defines) ctx.broken.add(st.defines.toLowerCase());
  }
  for (const p of parsed) if (p.node.type === 'set_parameter_stmt') problems.attempt(() => applySet(p.node as Node, ctx));

  let outputs = 0;
  for (const p of parsed) {
    const node = p.node as Node;
    const defines = p.prepared.defines?.toLowerCase();
    const ok = problems.attempt(() => {
      switch (node.type) {
        case 'create_table_stmt': {
          const def = defineTable(node, p.prepared, { query: q.text, prefix: s.prefix, problems });
          claimName(def.name, def.at, ctx);
          ctx.tables.set(def.name.toLowerCase(), def);
          return true;
        }
        case 'create_view_stmt': {
          if (node.name.type !== 'identifier') throw new SqlError('view names are plain names', startOf(node.name));
          const as = node.clauses.find((c) => c.type === 'as_clause');
          if (!as || node.columns) throw new SqlError('expected CREATE VIEW <name> AS SELECT ...', startOf(node));
          claimName(node.name.name, startOf(node.name), ctx);
          // Checked once here, on a scratch graph; each use compiles it again where it is used.
          compileQuery(as.expr as Node, { ...ctx, graph: new GraphBuilder(s.parallelism) }, false);
          ctx.views.set(node.name.name.toLowerCase(), { name: node.name.name, at: startOf(node.name), query: as.expr as Node });
          return true;
        }
        case 'insert_stmt': {
          const { table, query } = insertTarget(node);
          const name = table.type === 'identifier' ? table.name : undefined;
          if (name === undefined) throw new SqlError('INSERT INTO takes a table name', startOf(table));
          if (ctx.broken.has(name.toLowerCase())) throw new Reported();
          const def = ctx.tables.get(name.toLowerCase());
          if (!def) throw new SqlError(`unknown table "${name}"${ctx.views.has(name.toLowerCase()) ? ' (a view cannot be written to)' : ''}`, startOf(table));
          if (def.sink instanceof SqlError) throw new SqlError(`cannot write to table "${def.name}": ${def.sink.message}`, startOf(table));
          const rel = compileQuery(query, ctx, true);
          writeTo(rel, def.sink, def.declared, startOf(query), ctx);
          outputs++;
          return true;
        }
        case 'select_stmt':
        case 'compound_select_stmt':
        case 'paren_expr': {
          const rel = compileQuery(node, ctx, true);
          writeTo(rel, s.defaultSink === 'stdout' ? { type: 'stdout', config: {} } : { type: 'preview', config: {} }, undefined, startOf(node), ctx);
          outputs++;
          return true;
        }
        case 'set_parameter_stmt':
          return true;
        default:
          throw new SqlError(`unsupported statement (${node.type.replace(/_stmt$/, '').replace(/_/g, ' ')}); expected CREATE TABLE, CREATE VIEW, SET, INSERT INTO or SELECT`, startOf(node));
      }
    });
    if (!ok && defines) ctx.broken.add(defines);
  }
  if (outputs === 0 && problems.size === 0) {
    problems.add('the query has no SELECT or INSERT INTO, so there is nothing to run', q.text.length);
  }
  const graph = ctx.graph.graph();
  return { graph: problems.size === 0 ? pruneSharedSources(graph, s.udfs) : graph, problems };
}

function claimName(name: string, at: number, ctx: PlanContext): void {
  const key = name.toLowerCase();
  if (ctx.tables.has(key) || ctx.views.has(key)) throw new SqlError(`"${name}" is already defined`, at);
}

function applySet(node: Node, ctx: PlanContext): void {
  if (node.type !== 'set_parameter_stmt') return;
  const name = node.name.name.toLowerCase();
  if (name !== 'updating_ttl') throw new SqlError(`unknown setting "${node.name.name}" (supported: updating_ttl)`, startOf(node.name));
  const value = node.value.items[0] as Node | undefined;
  if (!value || node.value.items.length !== 1) throw new SqlError("expected SET updating_ttl = '1 hour'", startOf(node));
  const text = ctx.q.text.slice(startOf(value), value.range?.[1] ?? startOf(value));
  try {
    const ms = /^\s*\d+\s*$/.test(text) ? Number(text) : parseInterval(text);
    if (ms <= 0) throw new ValidationError('updating_ttl must be positive');
    ctx.ttlMs = ms;
  } catch (err) {
    if (err instanceof ValidationError) throw new SqlError(err.message, startOf(value));
    throw err;
  }
}

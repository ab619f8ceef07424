// Runs every query in test/sql/*.sql through the SQL compiler (compile only). A file's header:
//   --fail=<text>              first line: compiling must fail with a problem containing <text>
//   -- at: <line>:<column>     with --fail: where that problem must point (1-based)
//   -- plan: a > b > c         the node kinds of the logical graph, in order
//   -- expect: <kind>[#n].<path> = <json>   a property of the n-th node of that kind (its OperatorSpec;
//                              `schema` means its output columns as "name:type, ..."), deep-equal
//   -- expect: edges.<kind> = <n>           how many edges are forward / shuffle
//   -- parallelism: <n>        compile at this parallelism (default 2, so keyed edges shuffle)
//   -- default_sink: stdout    where a bare SELECT goes (default preview)
//   -- query: <path>           compile that file (from the repo root) instead of this one's SQL, so
//                              the Nexmark cases check examples/nexmark/*.sql themselves
//   -- golden: <file>          expected output of a run: not checked here (compile only). Bounded
//                              runs with golden outputs live in test/sql/golden/ and run end to
//                              end in test/sql-golden.test.ts; a case here that names a golden
//                              file (006, Nexmark q5 on an unbounded generator, so it never
//                              finishes) is listed as skipped with that pointer.
// Every compiled graph must also make a physical plan.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPhysicalPlan } from '../src/dataflow/physical.js';
import { ValidationError } from '../src/errors.js';
import { compileSql } from '../src/sql/index.js';
import type { LogicalGraph, LogicalNode } from '../src/types.js';

const DIR = new URL('./sql/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.sql')).sort();

interface Case {
  fail?: string;
  at?: string;
  plan?: string[];
  expects: { target: string; path: string[]; value: unknown; line: string }[];
  parallelism: number;
  defaultSink: 'preview' | 'stdout';
  golden?: string;
  query?: string;
}

function header(text: string): Case {
  const lines = text.split('\n');
  const c: Case = { expects: [], parallelism: 2, defaultSink: 'preview' };
  const fail = /^--fail=(.*)$/.exec(lines[0]!.trim());
  if (fail) c.fail = fail[1]!.trim();
  for (const raw of lines) {
    const line = raw.trim();
    const m = /^--\s*(plan|expect|parallelism|default_sink|golden|at|query):\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'plan') c.plan = value.split('>').map((s) => s.trim());
    else if (key === 'parallelism') c.parallelism = Number(value);
    else if (key === 'default_sink') c.defaultSink = value === 'stdout' ? 'stdout' : 'preview';
    else if (key === 'golden') c.golden = value;
    else if (key === 'at') c.at = value;
    else if (key === 'query') c.query = value;
    else {
      const e = /^([\w.#]+)\s*=\s*(.*)$/.exec(value);
      if (!e) throw new Error(`bad expectation: ${line}`);
      const [target, ...path] = e[1]!.split('.');
      c.expects.push({ target: target!, path, value: JSON.parse(e[2]!), line });
    }
  }
  return c;
}

function nodeOf(graph: LogicalGraph, target: string): LogicalNode {
  const [kind, nth] = target.split('#');
  const nodes = graph.nodes.filter((n) => n.op.kind === kind);
  const node = nodes[Number(nth ?? 1) - 1];
  if (!node) throw new Error(`no ${target} node (kinds: ${graph.nodes.map((n) => n.op.kind).join(', ')})`);
  return node;
}

function actual(graph: LogicalGraph, target: string, path: string[]): unknown {
  if (target === 'edges') return graph.edges.filter((e) => e.kind === path[0]).length;
  const node = nodeOf(graph, target);
  if (path[0] === 'schema') return node.outputSchema.fields.map((f) => `${f.name}:${f.type}`).join(', ');
  let v: unknown = node.op;
  for (const p of path) v = (v as Record<string, unknown> | undefined)?.[p];
  return v;
}

describe('test/sql/*.sql', () => {
  it('has the cases', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  for (const file of files) {
    const own = readFileSync(new URL(file, DIR), 'utf8');
    const c = header(own);
    const text = c.query ? readFileSync(new URL(`../${c.query}`, import.meta.url), 'utf8') : own;
    const compile = () => compileSql(text, { parallelism: c.parallelism, prefix: 'rivulet', defaultSink: c.defaultSink });

    if (c.fail !== undefined) {
      it(`${file} fails: ${c.fail}`, () => {
        let err: unknown;
        try {
          compile();
        } catch (e) {
          err = e;
        }
        expect(err, 'compiling must fail').toBeInstanceOf(ValidationError);
        const details = (err as ValidationError).details ?? [];
        const hit = details.find((d) => d.message.includes(c.fail!));
        expect(hit, `no problem mentions "${c.fail}"; got ${JSON.stringify(details)}`).toBeDefined();
        for (const d of details) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
        }
        if (c.at) expect(`${hit!.line}:${hit!.column}`).toBe(c.at);
      });
      continue;
    }

    it(`${file} compiles`, () => {
      let graph: LogicalGraph;
      try {
        graph = compile();
      } catch (e) {
        if (e instanceof ValidationError) throw new Error(`${e.message}\n${JSON.stringify(e.details)}`);
        throw e;
      }
      if (c.plan) expect(graph.nodes.map((n) => n.op.kind)).toEqual(c.plan);
      for (const e of c.expects) expect(actual(graph, e.target, e.path), e.line).toEqual(e.value);
      for (const n of graph.nodes) expect(n.parallelism).toBe(c.parallelism);
      const plan = buildPhysicalPlan(graph);
      expect(plan.tasks.length).toBeGreaterThan(0);
    });

    if (c.golden) it.skip(`${file}: golden output ${c.golden} — not run here: bounded golden cases are test/sql/golden/*.sql, run by test/sql-golden.test.ts`, () => {});
  }
});

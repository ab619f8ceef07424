// What `rivulet run` knows about a pipeline before it starts anything: the query text (from a file
// or stdin), the UDF module, and the fingerprint that says whether a stored job is this pipeline.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DefaultSink } from '../spec/sql-spec.js';
import { UsageError } from './options.js';

export function readTextFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

/** The query from a file, or from stdin when there is none (or it is `-`). */
export async function readQuery(file: string | undefined): Promise<string> {
  if (file !== undefined && file !== '-') return readTextFile(file, 'query file');
  if (process.stdin.isTTY) process.stderr.write('reading the query from stdin (end it with Ctrl-D)\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new UsageError('no query: give a .sql file or pipe the query into stdin');
  return text;
}

/**
 * The query with comments removed and every run of whitespace made one space, outside string
 * literals and quoted identifiers; without trailing semicolons. Reformatting or commenting a
 * query does not make it another pipeline; changing a literal does.
 */
export function normalizeQuery(query: string): string {
  let out = '';
  let pendingSpace = false;
  const emit = (s: string) => {
    if (pendingSpace && out !== '') out += ' ';
    pendingSpace = false;
    out += s;
  };
  for (let i = 0; i < query.length; ) {
    const c = query[i]!;
    if (c === '-' && query[i + 1] === '-') {
      const end = query.indexOf('\n', i);
      i = end === -1 ? query.length : end;
      pendingSpace = true;
    } else if (c === '/' && query[i + 1] === '*') {
      const end = query.indexOf('*/', i + 2);
      i = end === -1 ? query.length : end + 2;
      pendingSpace = true;
    } else if (/\s/.test(c)) {
      i++;
      pendingSpace = true;
    } else if (c === "'" || c === '"') {
      // A quote inside is doubled (SQL's escape), so the literal ends at a lone quote.
      let j = i + 1;
      for (; j < query.length; j++) {
        if (query[j] === c) {
          if (query[j + 1] === c) j++;
          else break;
        }
      }
      emit(query.slice(i, j + 1));
      i = j + 1;
    } else {
      emit(c);
      i++;
    }
  }
  return out.replace(/[\s;]+$/, '');
}

/** What makes two runs the same pipeline: the normalized query, parallelism, UDF module, default sink. */
export interface PipelineIdentity {
  query: string;
  parallelism: number;
  udfs?: string | undefined;
  default_sink?: DefaultSink | undefined;
}

export function pipelineHash(p: PipelineIdentity): string {
  const canonical = JSON.stringify([normalizeQuery(p.query), p.parallelism, p.udfs ?? null, p.default_sink ?? 'preview']);
  return createHash('sha256').update(canonical).digest('hex');
}

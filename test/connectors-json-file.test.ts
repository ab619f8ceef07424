// The json_file source: the shared conformance suite, lines split over subtasks, bad lines, lines
// across read chunks, exact restores at another parallelism, a missing file, and validation.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import type { RecordBatch } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSource, sourceSchema } from '../src/connectors/registry.js';
import { JsonFileSource } from '../src/connectors/sources/json-file.js';
import type { SourcePosition, SourceRestore } from '../src/connectors/types.js';
import { ValidationError } from '../src/errors.js';
import { decodeControl, encodeControl } from '../src/nats/codec.js';
import { validateJobSpec } from '../src/spec/validate.js';
import type { JsonFileSourceConfig, Schema } from '../src/types.js';
import { collector, columnValues, settlesWithin, sourceConformance } from './conformance/sources.js';
import { connectTest } from './helpers/nats.js';

const SCHEMA: Schema = {
  fields: [
    { name: 'id', type: 'int64', nullable: false },
    { name: 'name', type: 'utf8' },
  ],
};
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const line = (id: number) => JSON.stringify({ id, name: `n${id}` });

const dir = mkdtempSync(join(tmpdir(), 'rivulet-json-file-'));
let files = 0;
/** A file of the given lines, each ended by a newline. */
function file(lines: string[], ending = '\n'): string {
  const path = join(dir, `f${files++}.jsonl`);
  writeFileSync(path, lines.map((l) => l + ending).join(''));
  return path;
}
const config = (path: string): JsonFileSourceConfig => ({ path, format: 'json', schema: SCHEMA });

let nc: NatsConnection;
beforeAll(async () => {
  nc = await connectTest();
});
afterAll(async () => {
  await nc.close();
  rmSync(dir, { recursive: true, force: true });
});

// The file holds all the case's records from the start: a bounded source that does not wait for
// input. Bad lines are the subject of their own tests below (the suite produces them after start).
sourceConformance({
  name: 'json_file',
  bounded: true,
  decodes: false,
  replayable: true,
  idColumn: 'id',
  async setup({ records }) {
    const c = config(file(range(records).map(line)));
    return {
      source: new JsonFileSource(c),
      produce: async () => {},
      restored: (restore) => new JsonFileSource(c, restore),
    };
  },
});

async function readAll(source: JsonFileSource, o: { subtaskIndex?: number; parallelism?: number; batchSize?: number } = {}) {
  const col = collector(nc, { batchSize: 100, ...o });
  await source.start(col.ctx);
  await expect(settlesWithin(source.done, 10_000)).resolves.toBe(true);
  await source.done;
  return col;
}

describe('json_file source', () => {
  it('reads every line as a record; blank lines and CRLF endings are fine', async () => {
    const path = file([line(0), '', line(1), '   ', line(2)], '\r\n');
    const col = await readAll(new JsonFileSource(config(path)));
    expect(columnValues(col.batches, 'id')).toEqual([0, 1, 2]);
    expect(col.bad).toEqual([]);
    expect(col.batches[0]!.getChild('name')!.get(2)).toBe('n2');
  });

  it('subtask i of N reads lines n ≡ i (mod N): together every line once', async () => {
    const path = file(range(1000).map(line));
    const cols = await Promise.all([0, 1, 2].map((i) => readAll(new JsonFileSource(config(path)), { subtaskIndex: i, parallelism: 3 })));
    cols.forEach((c, i) => expect(columnValues(c.batches, 'id')).toEqual(range(1000).filter((n) => n % 3 === i)));
  });

  it('reports bad lines with their bytes and reads on; the position covers them', async () => {
    const bad = ['{"id": 1,', '[1, 2]', '{"id": "x"}', '{"name": "no id"}'];
    const path = file([line(0), ...bad, line(5)]);
    const source = new JsonFileSource(config(path));
    const col = await readAll(source);
    expect(columnValues(col.batches, 'id')).toEqual([0, 5]);
    expect(col.bad.map((b) => new TextDecoder().decode(b.raw))).toEqual(bad);
    expect(col.bad[3]!.reason).toMatch(/id/);
    expect(source.position()).toEqual({ next: 6 });
  });

  it('reads lines that straddle its 1 MiB read chunks, and a last line without a newline', async () => {
    const long = 'x'.repeat(3000);
    const lines = range(1000).map((id) => JSON.stringify({ id, name: `${id}${long}` }));
    const path = join(dir, 'long.jsonl');
    writeFileSync(path, lines.join('\n')); // about 3 MB, no final newline
    const col = await readAll(new JsonFileSource(config(path)), { batchSize: 256 });
    expect(columnValues(col.batches, 'id')).toEqual(range(1000));
    expect(col.batches.at(-1)!.getChild('name')!.get(col.batches.at(-1)!.numRows - 1)).toBe(`999${long}`);
  });

  it('fails to start with a clear error when the file does not exist', async () => {
    const source = new JsonFileSource(config(join(dir, 'missing.jsonl')));
    const col = collector(nc);
    await expect(source.start(col.ctx)).rejects.toThrow(ValidationError);
    await expect(new JsonFileSource(config(join(dir, 'missing.jsonl'))).start(col.ctx)).rejects.toThrow(/missing\.jsonl" does not exist/);
  });

  it('is built by the registry with its declared schema', () => {
    const spec = { type: 'json_file' as const, config: config('/tmp/x.jsonl') };
    expect(createSource(spec)).toBeInstanceOf(JsonFileSource);
    expect(sourceSchema(spec)).toBe(SCHEMA);
  });
});

// ---------------------------------------------------------------------------------------------

interface Subtask {
  ids: number[];
  position: SourcePosition;
}

/** One run: subtask i stops after stopAfter[i] batches (its emit hangs), as a failure would. */
async function run(path: string, parallelism: number, restore: SourceRestore | undefined, batchSize: number, stopAfter?: number[]): Promise<Subtask[]> {
  const subtasks: Subtask[] = [];
  const sources: JsonFileSource[] = [];
  const ended: Promise<unknown>[] = [];
  for (let i = 0; i < parallelism; i++) {
    const limit = stopAfter?.[i];
    const source = new JsonFileSource(config(path), restore);
    const sub: Subtask = { ids: [], position: source.position() };
    subtasks.push(sub);
    if (limit === 0) continue;
    sources.push(source);
    // A long linger: only full batches go out, so a run stops exactly where it is told.
    const col = collector(nc, { subtaskIndex: i, parallelism, batchSize, lingerMs: 60_000 });
    let calls = 0;
    let reached!: () => void;
    const stopped = new Promise<void>((resolve) => (reached = resolve));
    await source.start({
      ...col.ctx,
      emit(batch: RecordBatch) {
        sub.position = source.position();
        sub.ids.push(...columnValues([batch], 'id'));
        if (limit !== undefined && ++calls >= limit) {
          reached();
          return new Promise<void>(() => {});
        }
        return Promise.resolve();
      },
    });
    ended.push(limit !== undefined ? Promise.race([stopped, source.done]) : source.done);
  }
  await Promise.all(ended);
  await Promise.all(sources.map((s) => s.stop(false)));
  return subtasks;
}

const restoreOf = (subtasks: Subtask[]): SourceRestore => ({
  parallelism: subtasks.length,
  positions: subtasks.map((s) => decodeControl(encodeControl(s.position))),
});
const allIds = (...runs: Subtask[][]) => sorted(runs.flat().flatMap((s) => s.ids));

describe('json_file source restore', () => {
  // Ids are line numbers; bad lines (every 37th) are reported, never emitted.
  const lines = range(600).map((n) => (n % 37 === 36 ? '{"id": oops' : line(n)));
  const good = range(600).filter((n) => n % 37 !== 36);

  it('2 → 3 subtasks: every good line exactly once over both runs', async () => {
    const path = file(lines);
    const before = await run(path, 2, undefined, 10, [3, 8]);
    expect(before.map((s) => s.ids.length)).toEqual([30, 80]);
    const after = await run(path, 3, restoreOf(before), 10);
    after.forEach((s, j) => expect(s.ids.every((n) => n % 3 === j)).toBe(true));
    expect(allIds(before, after)).toEqual(good);
    for (const s of after) expect(s.position).not.toHaveProperty('prior');
  });

  it('2 → 3 → 1 with the middle run stopped while catching up: nothing lost or repeated', async () => {
    const path = file(lines);
    const before = await run(path, 2, undefined, 10, [2, 20]);
    const middle = await run(path, 3, restoreOf(before), 5, [2, 1, 3]);
    for (const s of middle) expect(s.position).toHaveProperty('prior');
    const after = await run(path, 1, restoreOf(middle), 10);
    expect(allIds(before, middle, after)).toEqual(good);
  });

  it('restoring a finished run reads nothing more', async () => {
    const path = file(lines);
    const before = await run(path, 2, undefined, 50);
    expect(allIds(before)).toEqual(good);
    const after = await run(path, 3, restoreOf(before), 50);
    expect(allIds(after)).toEqual([]);
  });
});

describe('json_file spec validation', () => {
  const spec = (c: unknown) => ({ name: 'f', sources: [{ type: 'json_file', config: c }], sinks: [{ type: 'blackhole' }] });

  it('accepts path, format and schema', () => {
    const v = validateJobSpec(spec({ path: '/data/in.jsonl', format: 'json', schema: SCHEMA }));
    expect(v.sources[0]).toEqual({ type: 'json_file', config: { path: '/data/in.jsonl', format: 'json', schema: { fields: SCHEMA.fields.map((f) => ({ ...f, nullable: f.nullable !== false })) } } });
  });

  it('names each problem: path not a string, unknown format, missing schema, unknown keys', () => {
    const problems = (c: unknown) => {
      try {
        validateJobSpec(spec(c));
      } catch (err) {
        return ((err as ValidationError).details ?? []).map((d) => `${d.field}: ${d.message}`);
      }
      throw new Error('expected a rejection');
    };
    expect(problems({ path: 42, schema: SCHEMA })).toEqual(['sources[0].config.path: expected a string, got number']);
    expect(problems({ format: 'json', schema: SCHEMA })).toEqual(['sources[0].config.path: required string is missing']);
    expect(problems({ path: 'a', format: 'csv', schema: SCHEMA })[0]).toMatch(/format: unsupported format "csv"/);
    expect(problems({ path: 'a' })).toEqual(['sources[0].config.schema: required schema is missing']);
    expect(problems({ path: 'a', schema: SCHEMA, tail: true })[0]).toMatch(/config\.tail: unknown key "tail"/);
  });
});

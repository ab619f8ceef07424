// `sources[i]`: connector type, its settings, and the schema it declares.

import type { SourceSpec, SourceType } from '../types.js';
import { NEXMARK_SCHEMA } from '../connectors/nexmark/schema.js';
import {
  isObject,
  join,
  jsonType,
  type JsonObject,
  type Problems,
  readFormat,
  readInteger,
  readObject,
  readString,
  rejectUnknownKeys,
} from './problems.js';
import { parseSchema } from './schema.js';
import { streamNameProblem, subjectProblem } from './subjects.js';

const SOURCE_TYPES: readonly SourceType[] = ['impulse', 'nexmark', 'json_file', 'nats', 'jetstream'];

/** Validates one source entry; undefined when anything in it is wrong. */
export function validateSource(raw: unknown, path: string, p: Problems, prefix: string): SourceSpec | undefined {
  if (!isObject(raw)) {
    p.add(path, `expected a source object {type, config}, got ${jsonType(raw)}`);
    return undefined;
  }
  rejectUnknownKeys(raw, ['type', 'config'], path, p);
  const type = raw.type;
  if (typeof type !== 'string' || !(SOURCE_TYPES as readonly string[]).includes(type)) {
    const got = typeof type === 'string' ? `unknown source type "${type}"` : 'missing source type';
    p.add(join(path, 'type'), `${got} (expected one of ${SOURCE_TYPES.join(', ')})`);
    return undefined;
  }
  const configPath = join(path, 'config');
  const config = readObject(raw, 'config', path, p, true);
  if (!config) return undefined;
  const before = p.size;
  const spec = readSourceConfig(type as SourceType, config, configPath, p, prefix);
  return p.size === before ? spec : undefined;
}

function readSourceConfig(type: SourceType, c: JsonObject, path: string, p: Problems, prefix: string): SourceSpec | undefined {
  switch (type) {
    case 'impulse': {
      rejectUnknownKeys(c, ['event_rate', 'count'], path, p);
      const count = readInteger(c, 'count', path, p, { min: 0 });
      const rate = readRate(c, path, p, 'records');
      const config = { ...(rate !== undefined ? { event_rate: rate } : {}), ...(count !== undefined ? { count } : {}) };
      return { type, config };
    }
    case 'nexmark': {
      rejectUnknownKeys(c, ['event_rate', 'count', 'runtime_ms', 'seed', 'realtime', 'columns'], path, p);
      const columns = readNexmarkColumns(c, path, p);
      if (c.realtime !== undefined && typeof c.realtime !== 'boolean') p.add(`${path}.realtime`, 'expected true or false');
      const rate = readRate(c, path, p, 'events');
      const count = readInteger(c, 'count', path, p, { min: 0 });
      const runtime = readInteger(c, 'runtime_ms', path, p, { min: 1 });
      const seed = readInteger(c, 'seed', path, p, { min: 0 });
      const config = {
        ...(rate !== undefined ? { event_rate: rate } : {}),
        ...(count !== undefined ? { count } : {}),
        ...(runtime !== undefined ? { runtime_ms: runtime } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(c.realtime === true ? { realtime: true } : {}),
        ...(columns ? { columns } : {}),
      };
      return { type, config };
    }
    case 'json_file': {
      // The file itself is checked when the source starts: it is read on the workers.
      rejectUnknownKeys(c, ['path', 'format', 'schema'], path, p);
      const file = readString(c, 'path', path, p, true);
      const format = readFormat(c, path, p);
      const schema = parseSchema(c.schema, join(path, 'schema'), p);
      if (file === undefined || format === undefined || schema === undefined) return undefined;
      return { type, config: { path: file, format, schema } };
    }
    case 'nats': {
      rejectUnknownKeys(c, ['subject', 'format', 'schema'], path, p);
      const subject = readSubject(c, path, p, prefix);
      const format = readFormat(c, path, p);
      const schema = parseSchema(c.schema, join(path, 'schema'), p);
      if (subject === undefined || format === undefined || schema === undefined) return undefined;
      return { type, config: { subject, format, schema } };
    }
    case 'jetstream': {
      rejectUnknownKeys(c, ['stream', 'subject', 'format', 'schema', 'start_sequence'], path, p);
      const stream = readStream(c, path, p);
      const subject = readSubject(c, path, p, prefix);
      const format = readFormat(c, path, p);
      const schema = parseSchema(c.schema, join(path, 'schema'), p);
      const start_sequence = readInteger(c, 'start_sequence', path, p, { min: 1 });
      if (stream === undefined || subject === undefined || format === undefined || schema === undefined) return undefined;
      return { type, config: { stream, subject, format, schema, ...(start_sequence !== undefined ? { start_sequence } : {}) } };
    }
  }
}

/** `event_rate`: a finite number ≥ 0 (per second; 0 or absent: as fast as possible). */
function readRate(c: JsonObject, path: string, p: Problems, what: string): number | undefined {
  const rate = c.event_rate;
  if (rate === undefined) return undefined;
  if (typeof rate === 'number' && Number.isFinite(rate) && rate >= 0) return rate;
  p.add(join(path, 'event_rate'), `must be a number ≥ 0 (${what} per second), got ${JSON.stringify(rate)}`);
  return undefined;
}

function readSubject(c: JsonObject, path: string, p: Problems, prefix: string): string | undefined {
  const subject = readString(c, 'subject', path, p, true);
  if (subject === undefined) return undefined;
  const problem = subjectProblem(subject, { wildcards: true, prefix });
  if (problem) p.add(join(path, 'subject'), problem);
  return problem ? undefined : subject;
}

/** Shared with sinks: a JetStream stream name. */
export function readStream(c: JsonObject, path: string, p: Problems): string | undefined {
  const stream = readString(c, 'stream', path, p, true);
  if (stream === undefined) return undefined;
  const problem = streamNameProblem(stream);
  if (problem) p.add(join(path, 'stream'), problem);
  return problem ? undefined : stream;
}

/** `columns`: a non-empty list of distinct Nexmark column names, kept in schema order. */
function readNexmarkColumns(c: JsonObject, path: string, p: Problems): string[] | undefined {
  const v = c.columns;
  if (v === undefined) return undefined;
  const names = NEXMARK_SCHEMA.fields.map((f) => f.name);
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string')) {
    p.add(join(path, 'columns'), 'expected a non-empty list of column names');
    return undefined;
  }
  const unknown = v.filter((x) => !names.includes(x as string));
  if (unknown.length) {
    p.add(join(path, 'columns'), `unknown Nexmark column(s) ${unknown.map((x) => JSON.stringify(x)).join(', ')} (columns: ${names.join(', ')})`);
    return undefined;
  }
  return names.filter((n) => v.includes(n));
}

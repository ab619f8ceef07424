// What each connector of CREATE TABLE ... WITH (connector = '...') can be (source, sink or both),
// which options it takes, and the SourceSpec / SinkSpec (src/types.ts) its options make.

import { sourceSchema } from '../../spec/schema.js';
import { streamNameProblem, subjectProblem } from '../../spec/subjects.js';
import type { Schema, SinkSpec, SourceSpec } from '../../types.js';
import { SqlError } from '../problems.js';
import type { TableOptions } from './options.js';

export const CONNECTORS = ['nats', 'jetstream', 'impulse', 'nexmark', 'json_file', 'preview', 'stdout', 'blackhole'] as const;
export type Connector = (typeof CONNECTORS)[number];

const SOURCES: readonly Connector[] = ['nats', 'jetstream', 'impulse', 'nexmark', 'json_file'];
const SINKS: readonly Connector[] = ['nats', 'jetstream', 'preview', 'stdout', 'blackhole'];

export function canRead(c: Connector): boolean {
  return SOURCES.includes(c);
}
export function canWrite(c: Connector): boolean {
  return SINKS.includes(c);
}

/** The generators' columns are theirs (as the connector says); a declared column list is optional for them. */
export function fixedSchema(c: Connector): Schema | undefined {
  if (c === 'impulse' || c === 'nexmark') return sourceSchema({ type: c, config: {} });
  return undefined;
}

/** The event time column a generator has without WATERMARK FOR / event_time_field. */
export function defaultEventTime(c: Connector): string | undefined {
  if (c === 'nexmark') return 'event_time';
  if (c === 'impulse') return 'timestamp';
  return undefined;
}

export interface Where {
  /** Offset of the table name (for missing options). */
  at: number;
  prefix: string;
}

/** The source a table reads; `schema` is the declared (or fixed) one. */
export function sourceSpec(c: Connector, o: TableOptions, schema: Schema | undefined, w: Where): SourceSpec {
  const needSchema = (): Schema => {
    if (!schema) throw new SqlError(`a ${c} table read as a source needs its columns declared: CREATE TABLE name (col TYPE, ...) WITH (...)`, w.at);
    return schema;
  };
  switch (c) {
    case 'impulse': {
      const event_rate = o.number('event_rate');
      const count = o.integer('count') ?? o.integer('message_count');
      return { type: 'impulse', config: { ...(event_rate !== undefined ? { event_rate } : {}), ...(count !== undefined ? { count } : {}) } };
    }
    case 'nexmark': {
      const event_rate = o.number('event_rate');
      const count = o.integer('count') ?? o.integer('message_count');
      const seconds = o.number('runtime');
      const runtime_ms = o.integer('runtime_ms') ?? (seconds !== undefined ? Math.round(seconds * 1000) : undefined);
      const seed = o.integer('seed');
      const realtime = o.string('realtime');
      const config = {
        ...(realtime === 'true' ? { realtime: true } : {}),
        ...(event_rate !== undefined ? { event_rate } : {}),
        ...(count !== undefined ? { count } : {}),
        ...(runtime_ms !== undefined ? { runtime_ms } : {}),
        ...(seed !== undefined ? { seed } : {}),
      };
      return { type: 'nexmark', config };
    }
    case 'json_file': {
      const path = o.required('path', 'the JSON-lines file to read', w.at);
      format(o);
      return { type: 'json_file', config: { path, format: 'json', schema: needSchema() } };
    }
    case 'nats': {
      const subject = subjectOf(o, w, true);
      format(o);
      return { type: 'nats', config: { subject, format: 'json', schema: needSchema() } };
    }
    case 'jetstream': {
      const stream = streamOf(o, w);
      const subject = subjectOf(o, w, true);
      format(o);
      const start = o.integer('start_sequence', 1);
      return { type: 'jetstream', config: { stream, subject, format: 'json', schema: needSchema(), ...(start !== undefined ? { start_sequence: start } : {}) } };
    }
    default:
      throw new SqlError(`connector '${c}' is a sink; it cannot be read (SELECT ... FROM)`, w.at);
  }
}

/** The sink a table writes to. */
export function sinkSpec(c: Connector, o: TableOptions, w: Where): SinkSpec {
  switch (c) {
    case 'nats': {
      const subject = subjectOf(o, w, false);
      format(o);
      return { type: 'nats', config: { subject, format: 'json' } };
    }
    case 'jetstream': {
      const stream = streamOf(o, w);
      const subject = subjectOf(o, w, false);
      format(o);
      return { type: 'jetstream', config: { stream, subject, format: 'json' } };
    }
    case 'stdout':
      format(o);
      return { type: 'stdout', config: { format: 'json' } };
    case 'preview':
      return { type: 'preview', config: {} };
    case 'blackhole':
      return { type: 'blackhole', config: {} };
    default:
      throw new SqlError(`connector '${c}' is a source; it cannot be written to (INSERT INTO)`, w.at);
  }
}

function subjectOf(o: TableOptions, w: Where, source: boolean): string {
  const subject = o.required('subject', 'the NATS subject', w.at);
  const problem = subjectProblem(subject, { wildcards: source, prefix: w.prefix });
  if (problem) throw new SqlError(problem, o.get('subject')!.valueAt);
  return subject;
}

function streamOf(o: TableOptions, w: Where): string {
  const stream = o.required('stream', 'the JetStream stream', w.at);
  const problem = streamNameProblem(stream);
  if (problem) throw new SqlError(problem, o.get('stream')!.valueAt);
  return stream;
}

function format(o: TableOptions): void {
  o.oneOf('format', ['json'] as const);
}

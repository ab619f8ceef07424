// `sinks[i]`: where results go. Sinks publish, so subjects must be literal (no wildcards).

import type { SinkSpec, SinkType } from '../types.js';
import { isObject, join, jsonType, type JsonObject, type Problems, readFormat, readObject, readString, rejectUnknownKeys } from './problems.js';
import { readStream } from './sources.js';
import { subjectProblem } from './subjects.js';

const SINK_TYPES: readonly SinkType[] = ['nats', 'jetstream', 'preview', 'stdout', 'blackhole'];

/** Validates one sink entry; undefined when anything in it is wrong. */
export function validateSink(raw: unknown, path: string, p: Problems, prefix: string): SinkSpec | undefined {
  if (!isObject(raw)) {
    p.add(path, `expected a sink object {type, config}, got ${jsonType(raw)}`);
    return undefined;
  }
  rejectUnknownKeys(raw, ['type', 'config'], path, p);
  const type = raw.type;
  if (typeof type !== 'string' || !(SINK_TYPES as readonly string[]).includes(type)) {
    const got = typeof type === 'string' ? `unknown sink type "${type}"` : 'missing sink type';
    p.add(join(path, 'type'), `${got} (expected one of ${SINK_TYPES.join(', ')})`);
    return undefined;
  }
  const config = readObject(raw, 'config', path, p, true);
  if (!config) return undefined;
  const before = p.size;
  const spec = readSinkConfig(type as SinkType, config, join(path, 'config'), p, prefix);
  return p.size === before ? spec : undefined;
}

function readSinkConfig(type: SinkType, c: JsonObject, path: string, p: Problems, prefix: string): SinkSpec | undefined {
  switch (type) {
    case 'nats': {
      rejectUnknownKeys(c, ['subject', 'format'], path, p);
      const subject = readSinkSubject(c, path, p, prefix);
      const format = readFormat(c, path, p);
      return subject === undefined || format === undefined ? undefined : { type, config: { subject, format } };
    }
    case 'jetstream': {
      rejectUnknownKeys(c, ['stream', 'subject', 'format'], path, p);
      const stream = readStream(c, path, p);
      const subject = readSinkSubject(c, path, p, prefix);
      const format = readFormat(c, path, p);
      if (stream === undefined || subject === undefined || format === undefined) return undefined;
      return { type, config: { stream, subject, format } };
    }
    case 'stdout': {
      rejectUnknownKeys(c, ['format'], path, p);
      const format = readFormat(c, path, p);
      return format === undefined ? undefined : { type, config: { format } };
    }
    case 'preview':
    case 'blackhole':
      rejectUnknownKeys(c, [], path, p);
      return { type, config: {} };
  }
}

function readSinkSubject(c: JsonObject, path: string, p: Problems, prefix: string): string | undefined {
  const subject = readString(c, 'subject', path, p, true);
  if (subject === undefined) return undefined;
  const problem = subjectProblem(subject, { wildcards: false, prefix });
  if (problem) p.add(join(path, 'subject'), problem);
  return problem ? undefined : subject;
}

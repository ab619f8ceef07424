// Spec → connector instance. The one place that knows every source and sink type; the planner
// asks sourceSchema() for a source's output schema without building a source.

import type { Writable } from 'node:stream';
import { ValidationError } from '../errors.js';
import { IMPULSE_SCHEMA, type Schema, type SinkSpec, type SourceSpec } from '../types.js';
import { nexmarkSchema } from './nexmark/schema.js';
import { BlackholeSink } from './sinks/blackhole.js';
import { JetStreamSink } from './sinks/jetstream.js';
import { natsSink } from './sinks/nats.js';
import { previewSink } from './sinks/preview.js';
import { StdoutSink } from './sinks/stdout.js';
import { ImpulseSource } from './sources/impulse.js';
import { JetStreamSource } from './sources/jetstream.js';
import { JsonFileSource } from './sources/json-file.js';
import { NexmarkSource } from './sources/nexmark.js';
import { NatsSource } from './sources/nats.js';
import type { Sink, Source, SourceRestore } from './types.js';

/** `restore`: the positions of the run restored from (see SourceRestore); absent for a fresh start. */
export function createSource(spec: SourceSpec, restore?: SourceRestore): Source {
  switch (spec.type) {
    case 'impulse':
      return new ImpulseSource(spec.config, restore);
    case 'nats':
      return new NatsSource(spec.config, restore);
    case 'jetstream':
      return new JetStreamSource(spec.config, restore);
    case 'nexmark':
      return new NexmarkSource(spec.config, restore);
    case 'json_file':
      return new JsonFileSource(spec.config, restore);
    default:
      return unknownType('source', spec);
  }
}

export interface SinkOptions {
  /** Where the stdout sink writes; defaults to process.stdout (tests pass their own). */
  stdout?: Writable;
}

export function createSink(spec: SinkSpec, options: SinkOptions = {}): Sink {
  switch (spec.type) {
    case 'nats':
      return natsSink(spec.config.subject);
    case 'jetstream':
      return new JetStreamSink(spec.config);
    case 'preview':
      return previewSink();
    case 'stdout':
      return new StdoutSink(options.stdout ? { out: options.stdout } : {});
    case 'blackhole':
      return new BlackholeSink();
    default:
      return unknownType('sink', spec);
  }
}

/** The schema a source emits: fixed for impulse and nexmark, declared in the spec otherwise. */
export function sourceSchema(spec: SourceSpec): Schema {
  switch (spec.type) {
    case 'impulse':
      return IMPULSE_SCHEMA;
    case 'nexmark':
      return nexmarkSchema(spec.config.columns);
    case 'nats':
    case 'jetstream':
    case 'json_file':
      return spec.config.schema;
    default:
      return unknownType('source', spec);
  }
}

function unknownType(kind: string, spec: never): never {
  const type = (spec as { type?: unknown }).type;
  throw new ValidationError(`unknown ${kind} type "${String(type)}"`, [{ field: 'type', message: `unknown ${kind} type` }]);
}

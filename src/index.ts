// The package's public entry: the typed client, the wire contract, and the embedded stack.

export { ApiError, RivuletClient } from './api/client.js';
export { startStack, type Stack, type StackOptions } from './stack.js';
export * from './wire.js';
export type { JobSpec, Schema, Field, FieldType, SourceSpec, SinkSpec, TransformationSpec, JobConfig } from './types.js';

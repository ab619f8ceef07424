// The package's public entry: the typed clients, the wire contract and its schemas, and the
// embedded stack.

export { RivuletClient } from './api/client.js';
export { ApiError, BadRequestError, ResourceNotFoundError, ServerError, StateConflictError, TooManyJobsError, type ApiErrorDetail } from './api/client-errors.js';
export { JobManager, type JobManagerOptions, type ListJobsOptions, type RestartOptions } from './api/job-manager.js';
export type { OutputOptions, OutputRecord } from './api/output-stream.js';
export { API_SCHEMAS, ErrorBodySchema, type JobRequest, type JobResponse, type OpSchema, type ParsedJobRequest } from './api/schema/index.js';
export { startStack, type Stack, type StackOptions } from './stack.js';
export * from './wire.js';
export type { JobSpec, Schema, Field, FieldType, SourceSpec, SinkSpec, TransformationSpec, JobConfig } from './types.js';

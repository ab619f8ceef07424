// The Arrow batch layer of the data path: schemas, columns, JSON in and out, IPC, row selection,
// key hashing and batching. See each file for the why; operators import from here.

export { Batcher, type BatcherOptions } from './batcher.js';
export { batchFromColumns, int64AsFloat64, isValidAt, makeColumn, makeUtf8Column } from './columns.js';
export { hashKeys, murmur3Bytes, partitionIndices, partitionOfHash } from './hash.js';
export { decodeBatch, encodeBatch } from './ipc.js';
export { JsonBatchBuilder } from './json-decode.js';
export { batchToJsonBytes, batchToJsonRows } from './json-encode.js';
export { concatBatches, filterBatch, selectColumns, takeRows } from './select.js';
export { arrowType, emptyBatch, fieldTypeOf, fromArrowSchema, toArrowSchema } from './schema.js';
export { formatTimestamp, parseTimestamp } from './timestamp.js';

// For kernels that read columns directly (row i of a bitmap is bit `data.offset + i`).
export { getBit } from './bits.js';
export { singleData } from './concat.js';
export { validityOf } from './data.js';

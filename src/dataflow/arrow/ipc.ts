// Arrow IPC stream format, one batch per message: schema message, RecordBatch message, end of
// stream. Standard bytes any Arrow reader accepts; the schema message is made once per schema by
// Arrow JS and cached, the RecordBatch message is written by hand (flatbuf.ts). Decoding parses
// the same way and falls back to Arrow JS's reader for anything else (other types, compression,
// dictionaries, several batches).

import * as arrow from 'apache-arrow';
import { Buffer } from 'node:buffer';
import { InternalError } from '../../errors.js';
import { alignedBits } from './bits.js';
import { concatData } from './concat.js';
import { emptyData, fixedData, layoutOf, utf8Data, validityOf } from './data.js';
import { HEADER_RECORD_BATCH, HEADER_SCHEMA, Table, readI64, recordBatchMetaSize, writeRecordBatchMeta } from './flatbuf.js';
import { assembleBatch, fieldTypeOf } from './schema.js';

const EOS = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);
const EMPTY = new Uint8Array(0);
const pad8 = (n: number): number => (n + 7) & ~7;

// ---------------------------------------------------------------------------------------------
// Encoding

const schemaMessages = new WeakMap<arrow.Schema, Uint8Array>();

/** The framed schema message of a schema, cut from what Arrow JS writes for an empty batch. */
function schemaMessage(schema: arrow.Schema): Uint8Array {
  let msg = schemaMessages.get(schema);
  if (!msg) {
    const empty = assembleBatch(schema, 0, schema.fields.map((f) => emptyData(f.type)));
    const stream = arrow.RecordBatchStreamWriter.writeAll([empty]).toUint8Array(true);
    msg = stream.slice(0, frameAt(new DataView(stream.buffer, stream.byteOffset, stream.byteLength), 0).end);
    schemaMessages.set(schema, msg);
  }
  return msg;
}

export function encodeBatch(batch: arrow.RecordBatch): Uint8Array {
  const schemaMsg = schemaMessage(batch.schema);
  const nodes: number[] = [];
  const regions: number[] = [];
  const buffers: Uint8Array[] = [];
  let body = 0;
  const add = (b: Uint8Array): void => {
    regions.push(body, b.byteLength);
    buffers.push(b);
    body += pad8(b.byteLength);
  };
  for (const data of batch.data.children) {
    const { length, offset } = data;
    const nulls = data.nullCount;
    nodes.push(length, nulls);
    const validity = validityOf(data);
    add(validity ? alignedBits(validity, offset, length) : EMPTY);
    switch (layoutOf(data.type)) {
      case 'w32':
      case 'w64': {
        const v = (data.values as Int32Array).subarray(0, length);
        add(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        break;
      }
      case 'bit':
        add(alignedBits(data.values as Uint8Array, offset, length));
        break;
      case 'utf8': {
        let o = (data.valueOffsets as Int32Array).subarray(0, length + 1);
        const start = o[0]!;
        if (start !== 0) o = o.map((x) => x - start);
        add(new Uint8Array(o.buffer, o.byteOffset, o.byteLength));
        add((data.values as Uint8Array).subarray(start, start + o[length]!));
        break;
      }
    }
  }
  const meta = recordBatchMetaSize(nodes.length / 2, buffers.length);
  const out = new Uint8Array(schemaMsg.length + 8 + meta + body + EOS.length);
  const view = new DataView(out.buffer);
  out.set(schemaMsg);
  let at = schemaMsg.length;
  view.setInt32(at, -1, true);
  view.setInt32(at + 4, meta, true);
  writeRecordBatchMeta(view, at + 8, batch.numRows, body, nodes, regions);
  at += 8 + meta;
  for (let i = 0; i < buffers.length; i++) out.set(buffers[i]!, at + regions[2 * i]!);
  out.set(EOS, at + body);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** A message frame: flatbuffer at [meta, body), then its body up to `end`. */
interface Frame {
  meta: number;
  body: number;
  end: number;
  eos: boolean;
}

function frameAt(view: DataView, at: number): Frame {
  if (at + 4 > view.byteLength) return { meta: at, body: at, end: at, eos: true };
  let size = view.getInt32(at, true);
  let meta = at + 4;
  // Since Arrow 0.15 a message starts with 0xFFFFFFFF, then the size; before, just the size.
  if (size === -1) {
    size = at + 8 <= view.byteLength ? view.getInt32(at + 4, true) : 0;
    meta = at + 8;
  }
  if (size === 0) return { meta, body: meta, end: meta, eos: true };
  const body = meta + size;
  if (size < 0 || body > view.byteLength) throw new InternalError('invalid Arrow IPC stream: truncated message');
  const message = Table.root(view, meta);
  const end = body + message.int(3, 8);
  if (end > view.byteLength) throw new InternalError('invalid Arrow IPC stream: truncated message body');
  return { meta, body, end, eos: false };
}

interface DecodedSchema {
  schema: arrow.Schema;
  /** Whether every column has a type the hand decoder reads. */
  simple: boolean;
}

const decodedSchemas = new Map<string, DecodedSchema>();
const MAX_CACHED_SCHEMAS = 256;

/** Decodes one encodeBatch message. The batch may view `bytes`: do not modify them afterwards. */
export function decodeBatch(bytes: Uint8Array): arrow.RecordBatch {
  // Typed-array views need aligned memory; a message cut out of a socket buffer may not be.
  if (bytes.byteOffset % 8 !== 0) bytes = copyBytes(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = frameAt(view, 0);
  if (first.eos || Table.root(view, first.meta).int(1, 1) !== HEADER_SCHEMA) {
    throw new InternalError('invalid Arrow IPC stream: no schema message first');
  }
  const key = Buffer.from(bytes.buffer, bytes.byteOffset, first.end).toString('latin1');
  const cached = decodedSchemas.get(key);
  if (!cached) return decodeWithArrow(bytes, key);
  if (!cached.simple) return decodeWithArrow(bytes, null);
  const { schema } = cached;
  const parts: arrow.Data[][] = schema.fields.map(() => []);
  let rows = 0;
  for (let frame = frameAt(view, first.end); !frame.eos; frame = frameAt(view, frame.end)) {
    const message = Table.root(view, frame.meta);
    const header = message.table(2);
    if (message.int(1, 1) !== HEADER_RECORD_BATCH || !header || header.field(3) !== 0) return decodeWithArrow(bytes, null);
    const length = header.int(0, 8);
    readColumns(bytes, view, header, frame.body, frame.end, schema, length).forEach((d, i) => parts[i]!.push(d));
    rows += length;
  }
  return assembleBatch(
    schema,
    rows,
    parts.map((p, i) => concatData(schema.fields[i]!.type, p)),
  );
}

function readColumns(bytes: Uint8Array, view: DataView, header: Table, body: number, end: number, schema: arrow.Schema, length: number): arrow.Data[] {
  const nodes = header.vector(1);
  const buffers = header.vector(2);
  if (!nodes || !buffers || nodes.length !== schema.fields.length) throw new InternalError('invalid Arrow IPC stream: nodes do not match the schema');
  let b = 0;
  const buffer = (minBytes: number): Uint8Array => {
    if (b >= buffers.length) throw new InternalError('invalid Arrow IPC stream: too few buffers');
    const start = body + readI64(view, buffers.at + 16 * b);
    const len = readI64(view, buffers.at + 16 * b + 8);
    b++;
    if (start + len > end || len < minBytes) throw new InternalError('invalid Arrow IPC stream: buffer out of bounds');
    return bytes.subarray(start, start + len);
  };
  return schema.fields.map((field, i) => {
    const n = readI64(view, nodes.at + 16 * i);
    const nulls = readI64(view, nodes.at + 16 * i + 8);
    if (n !== length) throw new InternalError('invalid Arrow IPC stream: column length differs from batch length');
    const validity = buffer(nulls > 0 ? (n + 7) >> 3 : 0);
    const type = field.type;
    switch (layoutOf(type)) {
      case 'w32':
        return fixedData(type, n, typed(Int32Array, buffer(4 * n), n), validity, nulls);
      case 'w64':
        return fixedData(type, n, typed(type.ArrayType, buffer(8 * n), n), validity, nulls);
      case 'bit':
        return fixedData(type, n, buffer((n + 7) >> 3), validity, nulls);
      case 'utf8': {
        const offsets = typed(Int32Array, buffer(4 * (n + 1)), n + 1);
        const data = buffer(0);
        if (offsets[n]! > data.length) throw new InternalError('invalid Arrow IPC stream: Utf8 offsets out of bounds');
        return utf8Data(n, offsets, data, validity, nulls);
      }
    }
  });
}

/** A real copy: on a Node Buffer (as NATS hands out) `.slice()` is only another view. */
function copyBytes(b: Uint8Array): Uint8Array {
  const c = new Uint8Array(b.byteLength);
  c.set(b);
  return c;
}

type ArrayCtor<T> = { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number };

/** A typed view of `n` elements over `b`, copying only if the bytes are misaligned for the type. */
function typed<T>(Ctor: ArrayCtor<T>, b: Uint8Array, n: number): T {
  if (b.byteOffset % Ctor.BYTES_PER_ELEMENT !== 0) b = copyBytes(b);
  return new Ctor(b.buffer as ArrayBuffer, b.byteOffset, n);
}

/** Arrow JS's own reader; also learns the schema of a new stream (key) for the fast path. */
function decodeWithArrow(bytes: Uint8Array, key: string | null): arrow.RecordBatch {
  let schema: arrow.Schema;
  let batches: arrow.RecordBatch[];
  try {
    const table = arrow.tableFromIPC(bytes);
    batches = table.batches;
    schema = table.schema;
  } catch (err) {
    throw new InternalError(`invalid Arrow IPC stream: ${(err as Error).message}`, { cause: err });
  }
  if (key !== null) {
    if (decodedSchemas.size >= MAX_CACHED_SCHEMAS) decodedSchemas.clear();
    decodedSchemas.set(key, { schema, simple: schema.fields.every((f) => fieldTypeOf(f.type) !== null) });
  }
  if (batches.length === 1) return batches[0]!;
  const rows = batches.reduce((n, b) => n + b.numRows, 0);
  return assembleBatch(
    schema,
    rows,
    schema.fields.map((f, i) => concatData(f.type, batches.map((b) => b.data.children[i]!))),
  );
}

// Just enough FlatBuffers to write and read the Arrow IPC RecordBatch message (Message.fbs,
// Schema.fbs) for Rivulet's flat column types. Arrow JS spends ~30 µs per message in its general
// writer and reader, which dominates small shuffle batches; this path costs a few µs.
//
// Layout written (offsets from the flatbuffer start; every int64 8-aligned):
//   0  root offset -> Message table at 32
//   4  Message vtable (5 slots)      18  RecordBatch vtable (3 slots)
//  32  Message { soffset, header offset, bodyLength: i64, version: i16, header_type: u8 }
//  56  RecordBatch { soffset, nodes offset, length: i64, buffers offset }
//  84  nodes: u32 count, then FieldNode { length: i64, null_count: i64 } from 88
//      buffers: u32 count, then Buffer { offset: i64, length: i64 }, 8-aligned

const METADATA_V5 = 4;
export const HEADER_SCHEMA = 1;
export const HEADER_RECORD_BATCH = 3;

const TWO_32 = 4294967296;
const MESSAGE = 32;
const RECORD_BATCH = 56;
const NODES = 84;

/** Size of the RecordBatch message flatbuffer for `nodes` columns and `buffers` buffers. */
export function recordBatchMetaSize(nodes: number, buffers: number): number {
  return NODES + 4 + 16 * nodes + 8 + 16 * buffers;
}

/** Writes the RecordBatch message flatbuffer at `at`; `nodes` and `buffers` are flat pairs. */
export function writeRecordBatchMeta(view: DataView, at: number, length: number, bodyLength: number, nodes: number[], buffers: number[]): void {
  const nNodes = nodes.length / 2;
  const nBuffers = buffers.length / 2;
  const nodesEnd = NODES + 4 + 16 * nNodes;
  view.setUint32(at, MESSAGE, true);
  // Message vtable: size, table size, version, header_type, header, bodyLength, custom_metadata
  u16s(view, at + 4, [14, 24, 16, 18, 4, 8, 0]);
  // RecordBatch vtable: size, table size, length, nodes, buffers
  u16s(view, at + 18, [10, 24, 8, 4, 16]);
  view.setInt32(at + MESSAGE, MESSAGE - 4, true);
  view.setUint32(at + MESSAGE + 4, RECORD_BATCH - (MESSAGE + 4), true);
  i64(view, at + MESSAGE + 8, bodyLength);
  view.setInt16(at + MESSAGE + 16, METADATA_V5, true);
  view.setUint8(at + MESSAGE + 18, HEADER_RECORD_BATCH);
  view.setInt32(at + RECORD_BATCH, RECORD_BATCH - 18, true);
  view.setUint32(at + RECORD_BATCH + 4, NODES - (RECORD_BATCH + 4), true);
  i64(view, at + RECORD_BATCH + 8, length);
  view.setUint32(at + RECORD_BATCH + 16, nodesEnd + 4 - (RECORD_BATCH + 16), true);
  view.setUint32(at + NODES, nNodes, true);
  for (let i = 0; i < nodes.length; i++) i64(view, at + NODES + 4 + 8 * i, nodes[i]!);
  view.setUint32(at + nodesEnd + 4, nBuffers, true);
  for (let i = 0; i < buffers.length; i++) i64(view, at + nodesEnd + 8 + 8 * i, buffers[i]!);
}

function u16s(view: DataView, at: number, values: number[]): void {
  for (let i = 0; i < values.length; i++) view.setUint16(at + 2 * i, values[i]!, true);
}

function i64(view: DataView, at: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  view.setUint32(at, v - hi * TWO_32, true);
  view.setInt32(at + 4, hi, true);
}

export function readI64(view: DataView, at: number): number {
  return view.getInt32(at + 4, true) * TWO_32 + view.getUint32(at, true);
}

/** A FlatBuffers table: where it starts and where its vtable is. */
export class Table {
  private readonly vtable: number;
  private readonly vtableSize: number;
  constructor(
    readonly view: DataView,
    readonly pos: number,
  ) {
    this.vtable = pos - view.getInt32(pos, true);
    this.vtableSize = view.getUint16(this.vtable, true);
  }

  static root(view: DataView, at: number): Table {
    return new Table(view, at + view.getUint32(at, true));
  }

  /** Absolute position of field `slot`, or 0 when absent. */
  field(slot: number): number {
    const entry = 4 + 2 * slot;
    if (entry >= this.vtableSize) return 0;
    const off = this.view.getUint16(this.vtable + entry, true);
    return off === 0 ? 0 : this.pos + off;
  }

  int(slot: number, size: 1 | 2 | 8, dflt = 0): number {
    const p = this.field(slot);
    if (p === 0) return dflt;
    return size === 1 ? this.view.getUint8(p) : size === 2 ? this.view.getInt16(p, true) : readI64(this.view, p);
  }

  table(slot: number): Table | null {
    const p = this.field(slot);
    return p === 0 ? null : new Table(this.view, p + this.view.getUint32(p, true));
  }

  /** Position of a vector's first element and its length, or null when absent. */
  vector(slot: number): { at: number; length: number } | null {
    const p = this.field(slot);
    if (p === 0) return null;
    const v = p + this.view.getUint32(p, true);
    return { at: v + 4, length: this.view.getUint32(v, true) };
  }
}

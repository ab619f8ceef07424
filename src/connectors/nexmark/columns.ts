// Nexmark events straight into Arrow columns, the source's hot path. Measured choices:
// - 64-bit values are written as two 32-bit words (no BigInt).
// - Memory is carved from uninitialized 4 MiB chunks (Chunk below), and every byte a batch
//   shows is written: Utf8 offsets on every row, bid values on every row (zeros where there is no
//   bid), bytes up to each column's end; the person and auction number columns, null on 94-98% of
//   rows, are zero-filled first.
// - Strings are copied from the pools with Uint8Array.set of precomputed views (a JS byte loop
//   costs ~1.5 ns a byte, set 20-40 ns a string), or copyWithin from the pool's copy in the chunk
//   (no view to allocate); channel names, at most 12 bytes, by a byte loop; bid extras as words.
// - One validity bitmap per group (person, auction, bid), shared by all of the group's columns.
// - Bid columns write their Utf8 offsets on every row; the person and auction ones only on their
//   own rows, filling the empty rows before with one TypedArray.fill.
//
// Only the rows' event numbers matter: row r is event first + r * step, or list[r].

import type * as arrow from 'apache-arrow';
import { fixedData, utf8Data } from '../../dataflow/arrow/data.js';
import { InternalError } from '../../errors.js';
import { arrowType, assembleBatch, toArrowSchema } from '../../dataflow/arrow/schema.js';
import {
  AUCTION,
  A_CATEGORY,
  A_DESC,
  A_DESC_LEN,
  A_EXPIRES,
  A_ID,
  A_INITIAL_BID,
  A_NAME,
  A_NAME_LEN,
  A_RESERVE,
  A_SELLER,
  BID,
  BID_EXTRA_LENGTH,
  B_AUCTION,
  B_BIDDER,
  B_CHANNEL,
  B_PRICE,
  type DrawParams,
  draw,
  EXTRA,
  EXTRA_LEN,
  KIND,
  kindOf,
  PERSON,
  P_CARD,
  P_CITY,
  P_EMAIL_HOST,
  P_EMAIL_HOST_LEN,
  P_EMAIL_USER,
  P_EMAIL_USER_LEN,
  P_ID,
  P_NAME,
  P_STATE,
  SCRATCH_SLOTS,
  TIME,
} from './model.js';
import type { StringTable } from './pools.js';
import { NEXMARK_SCHEMA, nexmarkSchema } from './schema.js';

const TWO_32 = 4294967296;
const INT64 = arrowType('int64');
const TIMESTAMP = arrowType('timestamp');
const AT_SIGN = 64;
const SPACE = 32;
const DOT_COM = [46, 99, 111, 109]; // '.com'
const CARD_LENGTH = 19;
const EMAIL_MAX = 6 + 1 + 4 + 4;
const PERSON_EXTRA_MAX = 200;
const AUCTION_EXTRA_MAX = 500;
const ITEM_NAME_MAX = 19;
const DESCRIPTION_MAX = 99;
const UTF8_COLUMNS = 12;

const align8 = (n: number) => (n + 7) & ~7;

/** Size of the memory chunks batches are carved from. */
const CHUNK_BYTES = 4 << 20;

/**
 * Uninitialized memory that batches are carved from, 4 MiB at a time, with a copy of the char
 * pool at its start so strings can be copied with copyWithin (no view to allocate). Fresh
 * memory per batch meant a page fault every 4 KiB: a fifth of the time went to the kernel.
 * A chunk lives as long as any batch carved from it.
 */
class Chunk {
  readonly buffer: ArrayBuffer;
  /** The whole chunk; the char pool's copy at 0, so a pool offset is a chunk offset. */
  readonly u8: Uint8Array;
  at: number;
  readonly end: number;

  constructor(bytes: number, chars: Uint8Array) {
    const b = Buffer.allocUnsafe(align8(chars.length) + bytes);
    this.buffer = b.buffer as ArrayBuffer;
    this.u8 = new Uint8Array(this.buffer, b.byteOffset, b.length);
    this.u8.set(chars, 0);
    this.at = align8(chars.length);
    this.end = b.length;
  }
}

/** Bump allocation of one batch's typed arrays from a chunk; 8-byte aligned. */
class Slab {
  constructor(readonly chunk: Chunk) {}
  int32(n: number): Int32Array {
    const c = this.chunk;
    const a = new Int32Array(c.buffer, c.u8.byteOffset + c.at, n);
    c.at += align8(n * 4);
    return a;
  }
  int64(n: number): BigInt64Array {
    const c = this.chunk;
    const a = new BigInt64Array(c.buffer, c.u8.byteOffset + c.at, n);
    c.at += n * 8;
    return a;
  }
  /** Returns the offset in chunk.u8 of the n bytes taken. */
  bytes(n: number): number {
    const at = this.chunk.at;
    this.chunk.at += align8(n);
    return at;
  }
}

/** A Utf8 column being filled: offsets for every row, bytes sized for the worst case. */
class Utf8Out {
  readonly offsets: Int32Array;
  /** The chunk's bytes; this column's start at `base`. */
  readonly u8: Uint8Array;
  readonly base: number;
  at = 0;
  /** offsets[0..filled] are written (rare kinds: the rows in between are filled when one comes). */
  private filled = 0;
  constructor(slab: Slab, rows: number, maxBytes: number) {
    this.offsets = slab.int32(rows + 1);
    this.offsets[0] = 0;
    this.u8 = slab.chunk.u8;
    this.base = slab.bytes(maxBytes);
  }
  /** Before writing row r: the rows since the last one written are empty. */
  begin(r: number): void {
    if (this.filled < r) this.offsets.fill(this.at, this.filled + 1, r + 1);
  }
  /** After writing row r. */
  end(r: number): void {
    this.offsets[r + 1] = this.at;
    this.filled = r + 1;
  }
  /** After the last row: the rows since the last one written are empty. */
  close(rows: number): void {
    this.begin(rows);
  }
  /** Copies `length` bytes of the char pool from `start`. */
  chars(start: number, length: number): void {
    this.u8.copyWithin(this.base + this.at, start, start + length);
    this.at += length;
  }
  byte(b: number): void {
    this.u8[this.base + this.at++] = b;
  }
  data(rows: number, bitmap: Uint8Array, nulls: number): arrow.Data {
    return utf8Data(rows, this.offsets, this.u8.subarray(this.base, this.base + this.at), bitmap, nulls);
  }
}

/** Indexes in NEXMARK_SCHEMA of the string columns, in the order build() sizes them. */
const STRING_COLUMNS = [1, 2, 3, 4, 5, 7, 9, 10, 17, 21, 22, 24];

export class NexmarkColumns {
  private readonly scratch = new Float64Array(SCRATCH_SLOTS);
  private chunk: Chunk | null = null;
  /** The char pool as float64 words, for copying bid extras (see build). */
  private readonly poolWords: Float64Array;

  /** Which NEXMARK_SCHEMA columns go out (all when no `columns` are given); strings of the others are not written. */
  private readonly keep: boolean[];
  private readonly schema: arrow.Schema;

  constructor(
    private readonly p: DrawParams,
    columns?: readonly string[],
  ) {
    this.keep = NEXMARK_SCHEMA.fields.map((f) => !columns || columns.includes(f.name));
    this.schema = toArrowSchema(nexmarkSchema(columns));
    const chars = p.pools.chars;
    if (BID_EXTRA_LENGTH % 8 !== 0 || chars.byteOffset % 8 !== 0) throw new InternalError('nexmark: bid extras must copy as 8-byte words');
    this.poolWords = new Float64Array(chars.buffer, chars.byteOffset, chars.byteLength >> 3);
  }

  /** A slab of `bytes` from the current chunk, or from a new one when it is full. */
  private slab(bytes: number): Slab {
    if (this.chunk === null || this.chunk.at + bytes > this.chunk.end) this.chunk = new Chunk(Math.max(bytes, CHUNK_BYTES), this.p.pools.chars);
    return new Slab(this.chunk);
  }

  /** A batch of `rows` events: first + r * step, or list[r] when a list is given. */
  build(rows: number, first: number, step: number, list: Float64Array | null = null): arrow.RecordBatch {
    const { p, scratch: e } = this;
    const pools = p.pools;
    let persons = 0;
    let auctions = 0;
    for (let r = 0; r < rows; r++) {
      const kind = kindOf(list ? list[r]! : first + r * step);
      if (kind === PERSON) persons++;
      else if (kind === AUCTION) auctions++;
    }
    const bids = rows - persons - auctions;

    // Worst-case string bytes of each Utf8 column, in the order they are taken below.
    const keep = this.keep;
    const [kName, kEmail, kCard, kCity, kState, kPExtra, kDesc, kItem, kAExtra, kChan, kUrl, kBExtra] = STRING_COLUMNS.map((i) => keep[i]!);
    const stringBytes = [
      kName ? persons * pools.names.maxLength : 0,
      kEmail ? persons * EMAIL_MAX : 0,
      kCard ? persons * CARD_LENGTH : 0,
      kCity ? persons * pools.cities.maxLength : 0,
      kState ? persons * pools.states.maxLength : 0,
      kPExtra ? persons * PERSON_EXTRA_MAX : 0,
      kDesc ? auctions * DESCRIPTION_MAX : 0,
      kItem ? auctions * ITEM_NAME_MAX : 0,
      kAExtra ? auctions * AUCTION_EXTRA_MAX : 0,
      kChan ? bids * pools.channels.maxLength : 0,
      kUrl ? bids * pools.urls.maxLength : 0,
      kBExtra ? bids * BID_EXTRA_LENGTH : 0,
    ];
    const bitmapBytes = align8((rows + 7) >> 3);
    const slabBytes = 3 * bitmapBytes + UTF8_COLUMNS * align8((rows + 1) * 4) + 14 * rows * 8 + stringBytes.reduce((s, n) => s + align8(n), 0);
    const slab = this.slab(slabBytes);
    const bitmap = () => {
      const at = slab.bytes(bitmapBytes);
      return slab.chunk.u8.subarray(at, at + bitmapBytes).fill(0);
    };
    const personBits = bitmap();
    const auctionBits = bitmap();
    const bidBits = bitmap();
    const [pName, pEmail, pCard, pCity, pState, pExtra, aDesc, aName, aExtra, bChannel, bUrl, bExtra] = stringBytes.map(
      (max) => new Utf8Out(slab, rows, max),
    ) as [Utf8Out, Utf8Out, Utf8Out, Utf8Out, Utf8Out, Utf8Out, Utf8Out, Utf8Out, Utf8Out, Utf8Out, Utf8Out, Utf8Out];
    const personStrings = [pName, pEmail, pCard, pCity, pState, pExtra];
    const auctionStrings = [aDesc, aName, aExtra];
    // Bid and event-time values: written on every row.
    const bAuction = slab.int64(rows);
    const bBidder = slab.int64(rows);
    const bPrice = slab.int64(rows);
    const bTime = slab.int64(rows);
    const eventTime = slab.int64(rows);
    // Person and auction values: zero-filled (memset beats a store per row), written on their rows only.
    const zeroed = slab.bytes(9 * rows * 8);
    slab.chunk.u8.fill(0, zeroed, zeroed + 9 * rows * 8);
    const [pId, pTime, aId, aInitial, aReserve, aTime, aExpires, aSeller, aCategory] = Array.from(
      { length: 9 },
      (_, i) => new BigInt64Array(slab.chunk.buffer, slab.chunk.u8.byteOffset + zeroed + i * rows * 8, rows),
    ) as [BigInt64Array, BigInt64Array, BigInt64Array, BigInt64Array, BigInt64Array, BigInt64Array, BigInt64Array, BigInt64Array, BigInt64Array];

    const [pIdW, pTimeW, aIdW, aInitialW, aReserveW, aTimeW, aExpiresW, aSellerW, aCategoryW] = [pId, pTime, aId, aInitial, aReserve, aTime, aExpires, aSeller, aCategory].map(words) as [
      Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array,
    ];
    // The hot (bid) path keeps its arrays and cursors in locals.
    const bAuctionW = words(bAuction);
    const bBidderW = words(bBidder);
    const bPriceW = words(bPrice);
    const bTimeW = words(bTime);
    const timeW = words(eventTime);
    const u8 = slab.chunk.u8;
    const chanBase = bChannel.base;
    const urlBase = bUrl.base;
    const extraBase = bExtra.base;
    const chanOff = bChannel.offsets;
    const urlOff = bUrl.offsets;
    const extraOff = bExtra.offsets;
    const chanSrc = pools.channels.bytes;
    const chanIdx = pools.channels.offsets;
    const urlViews = pools.urls.views;
    // Bid extras are BID_EXTRA_LENGTH bytes from a multiple of 8 in the pool into a multiple of 8
    // in the column: copied as float64 words, ~10% faster than Uint8Array.set. Exact: the bytes
    // are alphanumeric, so no word is a NaN (whose bits V8 might not keep).
    const poolWords = this.poolWords;
    const chunkWords = new Float64Array(slab.chunk.buffer, u8.byteOffset, u8.byteLength >> 3);
    let chanAt = 0;
    let urlAt = 0;
    let extraAt = 0;

    for (let r = 0; r < rows; r++) {
      const n = list ? list[r]! : first + r * step;
      draw(n, p, e);
      const time = e[TIME]!;
      const tLo = time >>> 0;
      const tHi = Math.floor(time / TWO_32);
      const w = 2 * r;
      timeW[w] = tLo;
      timeW[w + 1] = tHi;
      if (e[KIND] === BID) {
        bidBits[r >> 3] |= 1 << (r & 7);
        bTimeW[w] = tLo;
        bTimeW[w + 1] = tHi;
        put(bAuctionW, w, e[B_AUCTION]!);
        put(bBidderW, w, e[B_BIDDER]!);
        put(bPriceW, w, e[B_PRICE]!);
        const channel = e[B_CHANNEL]!;
        if (kChan) {
          for (let i = chanIdx[channel]!, end = chanIdx[channel + 1]!, to = chanBase + chanAt; i < end; i++) u8[to++] = chanSrc[i]!;
          chanAt += chanIdx[channel + 1]! - chanIdx[channel]!;
        }
        if (kUrl) {
          const url = urlViews[channel]!;
          u8.set(url, urlBase + urlAt);
          urlAt += url.length;
        }
        if (kBExtra) {
          for (let i = e[EXTRA]! / 8, end = i + BID_EXTRA_LENGTH / 8, to = (extraBase + extraAt) / 8; i < end; i++) chunkWords[to++] = poolWords[i]!;
          extraAt += BID_EXTRA_LENGTH;
        }
      } else {
        bTimeW[w] = bTimeW[w + 1] = 0;
        bAuctionW[w] = bAuctionW[w + 1] = 0;
        bBidderW[w] = bBidderW[w + 1] = 0;
        bPriceW[w] = bPriceW[w + 1] = 0;
        if (e[KIND] === AUCTION) {
          auctionBits[r >> 3] |= 1 << (r & 7);
          for (const c of auctionStrings) c.begin(r);
          put(aIdW, w, e[A_ID]!);
          if (kDesc) aDesc.chars(e[A_DESC]!, e[A_DESC_LEN]!);
          if (kItem) aName.chars(e[A_NAME]!, e[A_NAME_LEN]!);
          put(aInitialW, w, e[A_INITIAL_BID]!);
          put(aReserveW, w, e[A_RESERVE]!);
          put(aTimeW, w, time);
          put(aExpiresW, w, e[A_EXPIRES]!);
          put(aSellerW, w, e[A_SELLER]!);
          put(aCategoryW, w, e[A_CATEGORY]!);
          if (kAExtra) aExtra.chars(e[EXTRA]!, e[EXTRA_LEN]!);
          for (const c of auctionStrings) c.end(r);
        } else {
          personBits[r >> 3] |= 1 << (r & 7);
          for (const c of personStrings) c.begin(r);
          put(pIdW, w, e[P_ID]!);
          if (kName) copyEntry(pName, pools.names, e[P_NAME]!);
          if (kEmail) writeEmail(pEmail, e);
          if (kCard) writeCard(pCard, e);
          if (kCity) copyEntry(pCity, pools.cities, e[P_CITY]!);
          if (kState) copyEntry(pState, pools.states, e[P_STATE]!);
          put(pTimeW, w, time);
          if (kPExtra) pExtra.chars(e[EXTRA]!, e[EXTRA_LEN]!);
          for (const c of personStrings) c.end(r);
        }
      }
      const end = r + 1;
      chanOff[end] = chanAt;
      urlOff[end] = urlAt;
      extraOff[end] = extraAt;
    }
    for (const c of personStrings) c.close(rows);
    for (const c of auctionStrings) c.close(rows);
    bChannel.at = chanAt;
    bUrl.at = urlAt;
    bExtra.at = extraAt;

    const pn = rows - persons;
    const an = rows - auctions;
    const bn = rows - bids;
    const int64 = (v: BigInt64Array, bits: Uint8Array, nulls: number) => fixedData(INT64, rows, v, bits, nulls);
    const ts = (v: BigInt64Array, bits: Uint8Array, nulls: number) => fixedData(TIMESTAMP, rows, v, bits, nulls);
    const children = [
      int64(pId, personBits, pn),
      pName.data(rows, personBits, pn),
      pEmail.data(rows, personBits, pn),
      pCard.data(rows, personBits, pn),
      pCity.data(rows, personBits, pn),
      pState.data(rows, personBits, pn),
      ts(pTime, personBits, pn),
      pExtra.data(rows, personBits, pn),
      int64(aId, auctionBits, an),
      aDesc.data(rows, auctionBits, an),
      aName.data(rows, auctionBits, an),
      int64(aInitial, auctionBits, an),
      int64(aReserve, auctionBits, an),
      ts(aTime, auctionBits, an),
      ts(aExpires, auctionBits, an),
      int64(aSeller, auctionBits, an),
      int64(aCategory, auctionBits, an),
      aExtra.data(rows, auctionBits, an),
      int64(bAuction, bidBits, bn),
      int64(bBidder, bidBits, bn),
      int64(bPrice, bidBits, bn),
      bChannel.data(rows, bidBits, bn),
      bUrl.data(rows, bidBits, bn),
      ts(bTime, bidBits, bn),
      bExtra.data(rows, bidBits, bn),
      fixedData(TIMESTAMP, rows, eventTime, null, 0),
    ];
    return assembleBatch(this.schema, rows, children.filter((_, i) => keep[i]));
  }
}

function words(v: BigInt64Array): Int32Array {
  return new Int32Array(v.buffer, v.byteOffset, v.length * 2);
}

/** A non-negative safe integer into words w, w + 1 (little-endian halves). */
function put(words: Int32Array, w: number, v: number): void {
  words[w] = v >>> 0;
  words[w + 1] = Math.floor(v / TWO_32);
}

function copyEntry(out: Utf8Out, table: StringTable, index: number): void {
  const view = table.views[index]!;
  out.u8.set(view, out.base + out.at);
  out.at += view.length;
}

/** rows.emailAddress, as bytes. */
function writeEmail(out: Utf8Out, e: Float64Array): void {
  out.chars(e[P_EMAIL_USER]!, e[P_EMAIL_USER_LEN]!);
  out.byte(AT_SIGN);
  out.chars(e[P_EMAIL_HOST]!, e[P_EMAIL_HOST_LEN]!);
  for (const c of DOT_COM) out.byte(c);
}

/** rows.creditCard, as bytes. */
function writeCard(out: Utf8Out, e: Float64Array): void {
  const bytes = out.u8;
  let at = out.base + out.at;
  for (let g = 0; g < 4; g++) {
    if (g > 0) bytes[at++] = SPACE;
    const v = e[P_CARD + g]!;
    bytes[at++] = 48 + Math.floor(v / 1000);
    bytes[at++] = 48 + (Math.floor(v / 100) % 10);
    bytes[at++] = 48 + (Math.floor(v / 10) % 10);
    bytes[at++] = 48 + (v % 10);
  }
  out.at = at - out.base;
}

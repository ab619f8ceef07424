// Nexmark events straight into Arrow columns: 64-bit values written as two 32-bit words (no
// BigInt), Utf8 columns as offsets plus bytes copied from the pools, one validity bitmap per
// group (person, auction, bid) shared by all of the group's columns. Every row writes every Utf8
// offset, so the columns of the two groups a row does not belong to get an empty, null entry.
//
// Only the rows' event numbers matter: row r is event first + r * step, or list[r].

import type * as arrow from 'apache-arrow';
import { fixedData, utf8Data } from '../../dataflow/arrow/data.js';
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
import { NEXMARK_SCHEMA } from './schema.js';

const TWO_32 = 4294967296;
const INT64 = arrowType('int64');
const TIMESTAMP = arrowType('timestamp');
const AT = 64; // '@'
const SPACE = 32;
const DOT_COM = [46, 99, 111, 109]; // '.com'
const CARD_LENGTH = 19;
const EMAIL_MAX = 6 + 1 + 4 + 4;
const PERSON_EXTRA_MAX = 200;
const AUCTION_EXTRA_MAX = 500;
const ITEM_NAME_MAX = 19;
const DESCRIPTION_MAX = 99;

/** A Utf8 column being filled: offsets for every row, bytes sized for the worst case. */
class Utf8Out {
  readonly offsets: Int32Array;
  readonly bytes: Uint8Array;
  at = 0;
  constructor(rows: number, maxBytes: number) {
    this.offsets = new Int32Array(rows + 1);
    this.bytes = new Uint8Array(maxBytes);
  }
  data(rows: number, bitmap: Uint8Array, nulls: number): arrow.Data {
    return utf8Data(rows, this.offsets, this.bytes.subarray(0, this.at), bitmap, nulls);
  }
}

/** A 64-bit column being filled through its 32-bit words. */
class WordsOut {
  readonly values: BigInt64Array;
  readonly words: Int32Array;
  constructor(rows: number) {
    this.values = new BigInt64Array(rows);
    this.words = new Int32Array(this.values.buffer);
  }
}

export class NexmarkColumns {
  private readonly scratch = new Float64Array(SCRATCH_SLOTS);
  private readonly poolWords: Int32Array;

  constructor(private readonly p: DrawParams) {
    const chars = p.pools.chars;
    this.poolWords = new Int32Array(chars.buffer, chars.byteOffset, chars.byteLength >> 2);
  }

  /** A batch of `rows` events: first + r * step, or list[r] when a list is given. */
  build(rows: number, first: number, step: number, list: Float64Array | null = null): arrow.RecordBatch {
    const { p, scratch: e, poolWords } = this;
    const pools = p.pools;
    const chars = pools.chars;
    let persons = 0;
    let auctions = 0;
    for (let r = 0; r < rows; r++) {
      const kind = kindOf(list ? list[r]! : first + r * step);
      if (kind === PERSON) persons++;
      else if (kind === AUCTION) auctions++;
    }
    const bids = rows - persons - auctions;
    const bitmapBytes = (rows + 7) >> 3;
    const personBits = new Uint8Array(bitmapBytes);
    const auctionBits = new Uint8Array(bitmapBytes);
    const bidBits = new Uint8Array(bitmapBytes);

    const pId = new WordsOut(rows);
    const pTime = new WordsOut(rows);
    const pName = new Utf8Out(rows, persons * pools.names.maxLength);
    const pEmail = new Utf8Out(rows, persons * EMAIL_MAX);
    const pCard = new Utf8Out(rows, persons * CARD_LENGTH);
    const pCity = new Utf8Out(rows, persons * pools.cities.maxLength);
    const pState = new Utf8Out(rows, persons * pools.states.maxLength);
    const pExtra = new Utf8Out(rows, persons * PERSON_EXTRA_MAX);
    const aId = new WordsOut(rows);
    const aDesc = new Utf8Out(rows, auctions * DESCRIPTION_MAX);
    const aName = new Utf8Out(rows, auctions * ITEM_NAME_MAX);
    const aInitial = new WordsOut(rows);
    const aReserve = new WordsOut(rows);
    const aTime = new WordsOut(rows);
    const aExpires = new WordsOut(rows);
    const aSeller = new WordsOut(rows);
    const aCategory = new WordsOut(rows);
    const aExtra = new Utf8Out(rows, auctions * AUCTION_EXTRA_MAX);
    const bAuction = new WordsOut(rows);
    const bBidder = new WordsOut(rows);
    const bPrice = new WordsOut(rows);
    const bChannel = new Utf8Out(rows, bids * pools.channels.maxLength);
    const bUrl = new Utf8Out(rows, bids * pools.urls.maxLength);
    const bTime = new WordsOut(rows);
    const bExtra = new Utf8Out(rows, bids * BID_EXTRA_LENGTH);
    const eventTime = new WordsOut(rows);

    // The hot (bid) path keeps its arrays and cursors in locals.
    const bAuctionW = bAuction.words;
    const bBidderW = bBidder.words;
    const bPriceW = bPrice.words;
    const bTimeW = bTime.words;
    const timeW = eventTime.words;
    const chanBytes = bChannel.bytes;
    const urlBytes = bUrl.bytes;
    const extraWords = new Int32Array(bExtra.bytes.buffer, 0, bExtra.bytes.byteLength >> 2);
    const chanOff = bChannel.offsets;
    const urlOff = bUrl.offsets;
    const extraOff = bExtra.offsets;
    const chanTable = pools.channels;
    const urlTable = pools.urls;
    const chanSrc = chanTable.bytes;
    const chanIdx = chanTable.offsets;
    const urlSrc = urlTable.bytes;
    const urlIdx = urlTable.offsets;
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
      const kind = e[KIND];
      if (kind === BID) {
        bidBits[r >> 3] |= 1 << (r & 7);
        bTimeW[w] = tLo;
        bTimeW[w + 1] = tHi;
        put(bAuctionW, w, e[B_AUCTION]!);
        put(bBidderW, w, e[B_BIDDER]!);
        put(bPriceW, w, e[B_PRICE]!);
        const channel = e[B_CHANNEL]!;
        for (let i = chanIdx[channel]!, end = chanIdx[channel + 1]!; i < end; i++) chanBytes[chanAt++] = chanSrc[i]!;
        for (let i = urlIdx[channel]!, end = urlIdx[channel + 1]!; i < end; i++) urlBytes[urlAt++] = urlSrc[i]!;
        // Bid extras are all BID_EXTRA_LENGTH (a multiple of 4) long and start on a word.
        for (let i = e[EXTRA]! >> 2, end = i + (BID_EXTRA_LENGTH >> 2), to = extraAt >> 2; i < end; i++) extraWords[to++] = poolWords[i]!;
        extraAt += BID_EXTRA_LENGTH;
      } else if (kind === AUCTION) {
        auctionBits[r >> 3] |= 1 << (r & 7);
        put(aId.words, w, e[A_ID]!);
        copyChars(aDesc, chars, e[A_DESC]!, e[A_DESC_LEN]!);
        copyChars(aName, chars, e[A_NAME]!, e[A_NAME_LEN]!);
        put(aInitial.words, w, e[A_INITIAL_BID]!);
        put(aReserve.words, w, e[A_RESERVE]!);
        aTime.words[w] = tLo;
        aTime.words[w + 1] = tHi;
        put(aExpires.words, w, e[A_EXPIRES]!);
        put(aSeller.words, w, e[A_SELLER]!);
        put(aCategory.words, w, e[A_CATEGORY]!);
        copyChars(aExtra, chars, e[EXTRA]!, e[EXTRA_LEN]!);
      } else {
        personBits[r >> 3] |= 1 << (r & 7);
        put(pId.words, w, e[P_ID]!);
        copyEntry(pName, pools.names, e[P_NAME]!);
        writeEmail(pEmail, chars, e);
        writeCard(pCard, e);
        copyEntry(pCity, pools.cities, e[P_CITY]!);
        copyEntry(pState, pools.states, e[P_STATE]!);
        pTime.words[w] = tLo;
        pTime.words[w + 1] = tHi;
        copyChars(pExtra, chars, e[EXTRA]!, e[EXTRA_LEN]!);
      }
      const end = r + 1;
      chanOff[end] = chanAt;
      urlOff[end] = urlAt;
      extraOff[end] = extraAt;
      pName.offsets[end] = pName.at;
      pEmail.offsets[end] = pEmail.at;
      pCard.offsets[end] = pCard.at;
      pCity.offsets[end] = pCity.at;
      pState.offsets[end] = pState.at;
      pExtra.offsets[end] = pExtra.at;
      aDesc.offsets[end] = aDesc.at;
      aName.offsets[end] = aName.at;
      aExtra.offsets[end] = aExtra.at;
    }
    bChannel.at = chanAt;
    bUrl.at = urlAt;
    bExtra.at = extraAt;

    const pn = rows - persons;
    const an = rows - auctions;
    const bn = rows - bids;
    const int64 = (c: WordsOut, bits: Uint8Array, nulls: number) => fixedData(INT64, rows, c.values, bits, nulls);
    const ts = (c: WordsOut, bits: Uint8Array, nulls: number) => fixedData(TIMESTAMP, rows, c.values, bits, nulls);
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
      fixedData(TIMESTAMP, rows, eventTime.values, null, 0),
    ];
    return assembleBatch(toArrowSchema(NEXMARK_SCHEMA), rows, children);
  }
}

/** A non-negative safe integer into words w, w + 1 (little-endian halves). */
function put(words: Int32Array, w: number, v: number): void {
  words[w] = v >>> 0;
  words[w + 1] = Math.floor(v / TWO_32);
}

function copyChars(out: Utf8Out, chars: Uint8Array, start: number, length: number): void {
  const bytes = out.bytes;
  let at = out.at;
  for (let i = start, end = start + length; i < end; i++) bytes[at++] = chars[i]!;
  out.at = at;
}

function copyEntry(out: Utf8Out, table: StringTable, index: number): void {
  const bytes = out.bytes;
  const src = table.bytes;
  let at = out.at;
  for (let i = table.offsets[index]!, end = table.offsets[index + 1]!; i < end; i++) bytes[at++] = src[i]!;
  out.at = at;
}

/** rows.emailAddress, as bytes. */
function writeEmail(out: Utf8Out, chars: Uint8Array, e: Float64Array): void {
  copyChars(out, chars, e[P_EMAIL_USER]!, e[P_EMAIL_USER_LEN]!);
  out.bytes[out.at++] = AT;
  copyChars(out, chars, e[P_EMAIL_HOST]!, e[P_EMAIL_HOST_LEN]!);
  for (const c of DOT_COM) out.bytes[out.at++] = c;
}

/** rows.creditCard, as bytes. */
function writeCard(out: Utf8Out, e: Float64Array): void {
  const bytes = out.bytes;
  let at = out.at;
  for (let g = 0; g < 4; g++) {
    if (g > 0) bytes[at++] = SPACE;
    const v = e[P_CARD + g]!;
    bytes[at++] = 48 + Math.floor(v / 1000);
    bytes[at++] = 48 + (Math.floor(v / 100) % 10);
    bytes[at++] = 48 + (Math.floor(v / 10) % 10);
    bytes[at++] = 48 + (v % 10);
  }
  out.at = at;
}

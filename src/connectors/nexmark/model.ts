// The Nexmark event model of Arroyo's generator (a port of Beam/Flink's NexmarkGenerator and
// GeneratorConfig), as arithmetic on the event number n = 0, 1, 2, ... of the whole job.
//
// - Out-of-order groups: events come in groups of 50; within a group event n takes the place
//   (its id and its time) of event adjusted(n) = group start + (n * 953) % 50, a permutation.
// - Mix: event id e = adjusted(n); e % 50 == 0 is a person, 1..3 an auction, 4..49 a bid, so
//   every group of 50 events holds exactly 1 person, 3 auctions and 46 bids.
// - Ids: the person of event id e is 1000 + e / 50, the auctions 1000 + 3 * (e / 50) + (e % 50 - 1).
//   Bids and auctions point at people and auctions near the newest ones (some not created yet:
//   the `lead` constants), "hot" ones most of the time (the ratios below).
// - Time: event id e happens at base + floor(e * 1000 / rate) ms (rate = event_rate, or 10,000/s
//   of event time when the source runs unpaced), base = 2024-01-01T00:00:00Z; an auction expires
//   within twice the time it takes to create 100 more auctions.
//
// Arroyo counts from 1 (first_event_number = first_event_id = 1); we count from 0 so that events
// 50k .. 50k+49 are one group. Draws are made in Arroyo's order, from a per-event stream
// (random.ts). Bid `extra` is padded to 200 - 32 bytes as in Arroyo, which uses the person size
// there (Beam pads bids to 100).

import type { NexmarkPools } from './pools.js';
import { CHAR_POOL_SIZE, COLD_CHANNELS, FIRST_NAMES, LAST_NAMES, US_CITIES, US_STATES } from './pools.js';
import { below, bits, next, start, TWO_POW_M32, unit } from './random.js';

export const PERSON = 0;
export const AUCTION = 1;
export const BID = 2;
export type EventKind = typeof PERSON | typeof AUCTION | typeof BID;

export const GROUP_SIZE = 50; // out_of_order_group_size, also person + auction + bid proportions
const AUCTION_PROPORTION = 3;
const FIRST_PERSON_ID = 1000;
const FIRST_AUCTION_ID = 1000;
const FIRST_CATEGORY_ID = 10;
const NUM_CATEGORIES = 5;
/** Chance 1 - 1/ratio of a hot auction / bidder / seller. */
const HOT_AUCTION_RATIO = 2;
const HOT_BIDDERS_RATIO = 4;
const HOT_SELLER_RATIO = 4;
/** Hot ids are the newest rounded down to a multiple of this. */
const HOT_GRAIN = 100;
const NUM_INFLIGHT_AUCTIONS = 100;
const NUM_ACTIVE_PEOPLE = 1000;
const PERSON_ID_LEAD = 10;
const AUCTION_ID_LEAD = 10;
const HOT_CHANNELS_RATIO = 2;
const HOT_CHANNELS = 4;
const AVG_PERSON_BYTES = 200;
const AVG_AUCTION_BYTES = 500;
/** Bid `extra` length: Arroyo's next_extra_string(32, avg_person_byte_size). */
export const BID_EXTRA_LENGTH = AVG_PERSON_BYTES - 32;
/** Bid extras start at a multiple of this in the char pool (columns.ts copies them as 8-byte words). */
export const BID_EXTRA_ALIGN = 8;
const BID_EXTRA_STARTS = Math.floor((CHAR_POOL_SIZE - BID_EXTRA_LENGTH) / BID_EXTRA_ALIGN) + 1;
const CREDIT_CARD_LENGTH = 19;
const SIX_LOG2_10 = 6 * Math.LOG2E * Math.LN10;
/** Events it takes to create NUM_INFLIGHT_AUCTIONS auctions. */
const EVENTS_FOR_AUCTIONS = Math.floor((NUM_INFLIGHT_AUCTIONS * GROUP_SIZE) / AUCTION_PROPORTION);
/** Event-time rate when the source is not paced (Beam's default first_event_rate). */
export const DEFAULT_EVENT_TIME_RATE = 10_000;
/** Event time of event id 0: fixed, so that a seed always gives the same events. 2024-01-01T00:00:00Z. */
export const NEXMARK_BASE_TIME_MS = Date.UTC(2024, 0, 1);

/** What draw() needs besides n. */
export interface DrawParams {
  /** seedKey(seed, PURPOSE_EVENTS). */
  key: number;
  /** Events per second of event time. */
  rate: number;
  pools: NexmarkPools;
  /** Event time of event 0, ms since the epoch (NEXMARK_BASE_TIME_MS unless realtime). */
  base: number;
}

// Slots of the scratch array draw() fills. Strings are pool references: a start in the char pool
// and a length, or an index into a string table.
export const KIND = 0;
export const TIME = 1;
export const P_ID = 2;
export const P_NAME = 3;
export const P_EMAIL_USER = 4;
export const P_EMAIL_USER_LEN = 5;
export const P_EMAIL_HOST = 6;
export const P_EMAIL_HOST_LEN = 7;
/** Four slots: the four groups of the credit card number. */
export const P_CARD = 8;
export const P_CITY = 12;
export const P_STATE = 13;
export const A_ID = 2;
export const A_SELLER = 3;
export const A_CATEGORY = 4;
export const A_INITIAL_BID = 5;
export const A_RESERVE = 6;
export const A_EXPIRES = 7;
export const A_NAME = 8;
export const A_NAME_LEN = 9;
export const A_DESC = 10;
export const A_DESC_LEN = 11;
export const B_AUCTION = 2;
export const B_BIDDER = 3;
export const B_PRICE = 4;
export const B_CHANNEL = 5;
export const EXTRA = 14;
export const EXTRA_LEN = 15;
export const SCRATCH_SLOTS = 16;

// `%` on a number V8 cannot prove to be a small integer compiles to a call of C's fmod; event
// numbers pass 2^31, so the group arithmetic below divides and multiplies instead.

/** Position of event n's id within its group: (n * 953) % 50, i.e. (n % 50) * 3 % 50. */
function slotOf(n: number, group: number): number {
  const t = (n - group * GROUP_SIZE) * 3;
  return t >= 2 * GROUP_SIZE ? t - 2 * GROUP_SIZE : t >= GROUP_SIZE ? t - GROUP_SIZE : t;
}

/** The event id (and time slot) of event n: its place in the out-of-order group. */
export function adjusted(n: number): number {
  const group = Math.floor(n / GROUP_SIZE);
  return group * GROUP_SIZE + slotOf(n, group);
}

/** PERSON, AUCTION or BID: depends on n % 50 only. */
export function kindOf(n: number): EventKind {
  const r = slotOf(n, Math.floor(n / GROUP_SIZE));
  return r === 0 ? PERSON : r <= AUCTION_PROPORTION ? AUCTION : BID;
}

/** Event time of event n in ms (base + adjusted(n) / rate, rounded down). */
export function eventTime(n: number, rate: number): number {
  return NEXMARK_BASE_TIME_MS + Math.floor((adjusted(n) * 1000) / rate);
}

/** How far out of event-time order the events can come, in ms: the span of one group. */
export function maxDisorderMs(rate: number): number {
  return Math.ceil(((GROUP_SIZE - 1) * 1000) / rate);
}

// Ids are base-0 here: "newest" person / auction at an event id in group g with slot r (r >= 1
// for lastAuction, which only auctions and bids use).

function lastAuction(group: number, r: number): number {
  return group * AUCTION_PROPORTION + (r > AUCTION_PROPORTION ? AUCTION_PROPORTION - 1 : r - 1);
}

/** A person near the newest at event id e (up to PERSON_ID_LEAD not created yet), from draw state s. */
function somePerson(group: number, s: number): number {
  const newest = group;
  const active = Math.min(newest, NUM_ACTIVE_PEOPLE);
  return newest - active + below(s, active + PERSON_ID_LEAD);
}

/** 2^(i / 256) for i in 0..255. */
const POW2_FRACTION = Float64Array.from({ length: 256 }, (_, i) => Math.pow(2, i / 256));
/** 2^k for k in 0..31. */
const POW2_INT = Float64Array.from({ length: 32 }, (_, k) => 2 ** k);

/**
 * Arroyo's next_price: 100 * 10^U(0, 6), rounded down. 10^(6u) = 2^(6u log2 10), taken as 2^k
 * (exact) × 2^(i/256) (a table) × 2^g with g < 1/256 (three Taylor terms, error ~1e-12): four
 * times faster than Math.exp, whose cost dominated a bid.
 */
function price(s: number): number {
  const x = unit(s) * SIX_LOG2_10;
  const k = Math.floor(x);
  const f = (x - k) * 256;
  const i = Math.floor(f);
  const g = ((f - i) / 256) * Math.LN2;
  return Math.floor(POW2_INT[k]! * POW2_FRACTION[i]! * (1 + g * (1 + g * (0.5 + g / 6))) * 100);
}

/** Start of a random slice of `length` bytes of the char pool. */
function slice(s: number, length: number): number {
  return below(s, CHAR_POOL_SIZE - length + 1);
}

/**
 * Fills `out` (SCRATCH_SLOTS long) with event n. The draw state lives in a local `s`; each
 * `s = next(s)` is one draw, in Arroyo's order. One function per kind: a single big one was too
 * large for V8 to inline its helpers into, and the calls cost half the time.
 */
export function draw(n: number, p: DrawParams, out: Float64Array): void {
  const group = Math.floor(n / GROUP_SIZE);
  const r = slotOf(n, group);
  const time = p.base + Math.floor(((group * GROUP_SIZE + r) * 1000) / p.rate);
  const s = start(n, p.key);
  out[TIME] = time;
  if (r > AUCTION_PROPORTION) drawBid(group, r, s, out);
  else if (r > 0) drawAuction(group, r, s, time, p.rate, out);
  else drawPerson(group, s, out);
}

// The hot path: helpers written out (below() is floor(bits(s) * k / 2^32)), since V8 did not
// inline them here.
function drawBid(group: number, r: number, s: number, out: Float64Array): void {
  out[KIND] = BID;
  s = next(s);
  if (bits(s) * HOT_AUCTION_RATIO * TWO_POW_M32 >= 1) {
    out[B_AUCTION] = FIRST_AUCTION_ID + Math.floor(lastAuction(group, r) / HOT_GRAIN) * HOT_GRAIN;
  } else {
    s = next(s);
    const newest = lastAuction(group, r);
    const oldest = newest < NUM_INFLIGHT_AUCTIONS ? 0 : newest - NUM_INFLIGHT_AUCTIONS;
    out[B_AUCTION] = FIRST_AUCTION_ID + oldest + Math.floor(bits(s) * (newest + AUCTION_ID_LEAD + 1 - oldest) * TWO_POW_M32);
  }
  s = next(s);
  if (bits(s) * HOT_BIDDERS_RATIO * TWO_POW_M32 >= 1) {
    out[B_BIDDER] = FIRST_PERSON_ID + Math.floor(group / HOT_GRAIN) * HOT_GRAIN;
  } else {
    s = next(s);
    const active = Math.min(group, NUM_ACTIVE_PEOPLE);
    out[B_BIDDER] = FIRST_PERSON_ID + group - active + Math.floor(bits(s) * (active + PERSON_ID_LEAD) * TWO_POW_M32);
  }
  s = next(s);
  out[B_PRICE] = price(s);
  s = next(s);
  const hotChannel = bits(s) * HOT_CHANNELS_RATIO * TWO_POW_M32 >= 1;
  s = next(s);
  out[B_CHANNEL] = hotChannel ? Math.floor(bits(s) * HOT_CHANNELS * TWO_POW_M32) : HOT_CHANNELS + Math.floor(bits(s) * COLD_CHANNELS * TWO_POW_M32);
  s = next(s);
  out[EXTRA] = BID_EXTRA_ALIGN * Math.floor(bits(s) * BID_EXTRA_STARTS * TWO_POW_M32);
  out[EXTRA_LEN] = BID_EXTRA_LENGTH;
}

function drawAuction(group: number, r: number, s: number, time: number, rate: number, out: Float64Array): void {
  out[KIND] = AUCTION;
  out[A_ID] = FIRST_AUCTION_ID + lastAuction(group, r);
  s = next(s);
  const hotSeller = below(s, HOT_SELLER_RATIO) > 0;
  if (!hotSeller) s = next(s);
  out[A_SELLER] = FIRST_PERSON_ID + (hotSeller ? Math.floor(group / HOT_GRAIN) * HOT_GRAIN : somePerson(group, s));
  s = next(s);
  out[A_CATEGORY] = FIRST_CATEGORY_ID + below(s, NUM_CATEGORIES);
  s = next(s);
  const initial = price(s);
  out[A_INITIAL_BID] = initial;
  const horizonMs = (EVENTS_FOR_AUCTIONS * 1000) / rate;
  s = next(s);
  out[A_EXPIRES] = time + 1 + Math.floor(unit(s) * 2 * horizonMs);
  s = next(s);
  const nameLen = 3 + below(s, 17);
  out[A_NAME_LEN] = nameLen;
  s = next(s);
  out[A_NAME] = slice(s, nameLen);
  s = next(s);
  const descLen = 3 + below(s, 97);
  out[A_DESC_LEN] = descLen;
  s = next(s);
  out[A_DESC] = slice(s, descLen);
  s = next(s);
  out[A_RESERVE] = initial + price(s);
  const extraLen = Math.max(0, AVG_AUCTION_BYTES - (8 + nameLen + descLen + 40));
  out[EXTRA_LEN] = extraLen;
  s = next(s);
  out[EXTRA] = slice(s, extraLen);
}

function drawPerson(group: number, s: number, out: Float64Array): void {
  out[KIND] = PERSON;
  out[P_ID] = FIRST_PERSON_ID + group;
  s = next(s);
  const first = below(s, FIRST_NAMES.length);
  s = next(s);
  const last = below(s, LAST_NAMES.length);
  out[P_NAME] = first * LAST_NAMES.length + last;
  s = next(s);
  const userLen = 3 + below(s, 4);
  out[P_EMAIL_USER_LEN] = userLen;
  s = next(s);
  out[P_EMAIL_USER] = slice(s, userLen);
  s = next(s);
  const hostLen = 3 + below(s, 2);
  out[P_EMAIL_HOST_LEN] = hostLen;
  s = next(s);
  out[P_EMAIL_HOST] = slice(s, hostLen);
  for (let i = 0; i < 4; i++) {
    s = next(s);
    out[P_CARD + i] = below(s, 10_000);
  }
  s = next(s);
  const city = below(s, US_CITIES.length);
  out[P_CITY] = city;
  s = next(s);
  out[P_STATE] = below(s, US_STATES.length);
  const nameBytes = FIRST_NAMES[first]!.length + 1 + LAST_NAMES[last]!.length;
  const size = 8 + nameBytes + (userLen + 1 + hostLen + 4) + CREDIT_CARD_LENGTH + US_CITIES[city]!.length + 2;
  const extraLen = Math.max(0, AVG_PERSON_BYTES - size);
  out[EXTRA_LEN] = extraLen;
  s = next(s);
  out[EXTRA] = slice(s, extraLen);
}

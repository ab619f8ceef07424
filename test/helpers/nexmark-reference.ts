// Reference results of the Nexmark queries in examples/nexmark/, computed in plain JavaScript from
// the generated events (NexmarkGenerator.events(), or rows read back from source batches with
// nexmarkRowsOf), to check the SQL engine's output against. Written from the query definitions
// (Nexmark's q0-q8 in the Arroyo form of examples/nexmark/*.sql), not from any engine code. Each
// function returns the columns that query selects, under the names it gives them.
//
// Window semantics, the same for every windowed query:
// - A window is [start, end) in event time (`event_time`, ms since the epoch), aligned to the
//   epoch: tumble(size) puts time t in the window starting at t - (t mod size); hop(slide, size)
//   puts t in every window [k·slide, k·slide + size) that contains it (size / slide of them).
// - Every event counts: the input is bounded and the source's end flushes every window, and with
//   a watermark delay of at least NexmarkGenerator.maxDisorderMs no event is late.
// - Only windows holding at least one event exist (so no empty-window rows).
//
// Results are multisets: order carries no meaning (sortRows makes them comparable). Ints are
// numbers, timestamps ms numbers, as in NexmarkRow.

import type { RecordBatch } from 'apache-arrow';
import { NEXMARK_SCHEMA, type NexmarkRow } from '../../src/connectors/nexmark/schema.js';

export interface Person {
  id: number;
  name: string;
  email_address: string;
  credit_card: string;
  city: string;
  state: string;
  datetime: number;
  extra: string;
}

export interface Auction {
  id: number;
  description: string;
  item_name: string;
  initial_bid: number;
  reserve: number;
  datetime: number;
  expires: number;
  seller: number;
  category: number;
  extra: string;
}

export interface Bid {
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  url: string;
  datetime: number;
  extra: string;
}

export interface Events {
  persons: Person[];
  auctions: Auction[];
  bids: Bid[];
}

/** The three kinds apart; a row's kind is the group whose first field is set (`bid IS NOT NULL` in SQL). */
export function splitEvents(rows: readonly NexmarkRow[]): Events {
  const out: Events = { persons: [], auctions: [], bids: [] };
  for (const r of rows) {
    if (r['person.id'] !== null) out.persons.push(group(r, 'person.') as unknown as Person);
    else if (r['auction.id'] !== null) out.auctions.push(group(r, 'auction.') as unknown as Auction);
    else if (r['bid.auction'] !== null) out.bids.push(group(r, 'bid.') as unknown as Bid);
    else throw new Error(`a Nexmark row with no group set: ${JSON.stringify(r)}`);
  }
  return out;
}

function group(row: NexmarkRow, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Windows

/** Start of the tumbling window of `size` ms holding time t (epoch-aligned). */
export function tumbleStart(t: number, size: number): number {
  return t - mod(t, size);
}

/** Starts of the hopping windows [k·slide, k·slide + size) holding time t, earliest first. */
export function hopStarts(t: number, slide: number, size: number): number[] {
  const last = t - mod(t, slide);
  const starts: number[] = [];
  for (let s = last - size + slide; s <= last; s += slide) if (s + size > t) starts.push(s);
  return starts;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

// ---------------------------------------------------------------------------------------------
// Queries

export interface BidRow {
  auction: number;
  bidder: number;
  price: number;
  datetime: number;
}

/** q0, pass through: every bid's auction, bidder, price, datetime. */
export function q0(rows: readonly NexmarkRow[]): BidRow[] {
  return splitEvents(rows).bids.map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price, datetime: b.datetime }));
}

/** q1, currency conversion: q0 with price * 0.908 (a double; dollars to euros). */
export function q1(rows: readonly NexmarkRow[]): BidRow[] {
  return q0(rows).map((b) => ({ ...b, price: b.price * 0.908 }));
}

/** q2, selection: auction and price of the bids on every 123rd auction (auction % 123 = 0). */
export function q2(rows: readonly NexmarkRow[]): { auction: number; price: number }[] {
  return splitEvents(rows)
    .bids.filter((b) => b.auction % 123 === 0)
    .map((b) => ({ auction: b.auction, price: b.price }));
}

const Q3_STATES = new Set(['OR', 'ID', 'CA']);

/**
 * q3, local item suggestion: for each auction of category 10 whose seller is a person in OR, ID
 * or CA, the seller's name, city, state and the auction id. An inner join on seller = person id
 * over the whole input (no window: the join keeps both sides for the run), so an auction whose
 * seller never appears, or appears only after the input ends, gives nothing.
 */
export function q3(rows: readonly NexmarkRow[]): { name: string; city: string; state: string; id: number }[] {
  const { persons, auctions } = splitEvents(rows);
  const byId = groupBy(persons, (p) => p.id);
  const out: { name: string; city: string; state: string; id: number }[] = [];
  for (const a of auctions) {
    if (a.category !== 10) continue;
    for (const p of byId.get(a.seller) ?? []) if (Q3_STATES.has(p.state)) out.push({ name: p.name, city: p.city, state: p.state, id: a.id });
  }
  return out;
}

/**
 * q4, average price for a category. A bid is valid for an auction when its datetime is BETWEEN
 * the auction's datetime and expires (both ends included). examples/nexmark/q4.sql takes, per
 * auction and tumbling window (10 s) of the valid bids' datetime (the join's time: the later of
 * auction and bid, which is the bid), the highest valid price; then per category the average
 * (a double) of those maxima. An auction whose valid bids fall in two windows counts twice.
 * `window: null` gives Nexmark's original, one maximum per auction. Auctions without a valid bid
 * do not count. The query is an updating aggregate: these are the final values, after all input.
 */
export function q4(rows: readonly NexmarkRow[], o: { window?: number | null } = {}): { category: number; avg_price: number }[] {
  const size = o.window === undefined ? 10_000 : o.window;
  const { auctions, bids } = splitEvents(rows);
  const bidsOf = groupBy(bids, (b) => b.auction);
  const perCategory = new Map<number, { sum: number; n: number }>();
  for (const a of auctions) {
    const finals = new Map<number, number>(); // window start (0 unwindowed) -> max valid price
    for (const b of bidsOf.get(a.id) ?? []) {
      if (b.datetime < a.datetime || b.datetime > a.expires) continue;
      const w = size === null ? 0 : tumbleStart(b.datetime, size);
      finals.set(w, Math.max(finals.get(w) ?? -Infinity, b.price));
    }
    for (const final of finals.values()) {
      const acc = perCategory.get(a.category) ?? { sum: 0, n: 0 };
      acc.sum += final;
      acc.n++;
      perCategory.set(a.category, acc);
    }
  }
  return [...perCategory].map(([category, { sum, n }]) => ({ category, avg_price: sum / n }));
}

export interface WindowOptions {
  /** Window size in ms. */
  size?: number;
  /** Hop slide in ms (q5). */
  slide?: number;
}

/**
 * q5, hot items: per hopping window (slide 2 s, size 10 s), the bids per auction; the auctions
 * whose count is the window's highest (num >= max over the window, so ties all appear). The
 * query selects auction and num; q5Windows adds each row's window.
 */
export function q5(rows: readonly NexmarkRow[], o: WindowOptions = {}): { auction: number; num: number }[] {
  return q5Windows(rows, o).map((r) => ({ auction: r.auction, num: r.num }));
}

export function q5Windows(rows: readonly NexmarkRow[], o: WindowOptions = {}): { window_start: number; window_end: number; auction: number; num: number }[] {
  const size = o.size ?? 10_000;
  const slide = o.slide ?? 2_000;
  const counts = new Map<number, Map<number, number>>(); // window start -> auction -> bids
  for (const b of splitEvents(rows).bids) {
    for (const start of hopStarts(b.datetime, slide, size)) {
      const perAuction = counts.get(start) ?? new Map<number, number>();
      perAuction.set(b.auction, (perAuction.get(b.auction) ?? 0) + 1);
      counts.set(start, perAuction);
    }
  }
  const out: { window_start: number; window_end: number; auction: number; num: number }[] = [];
  for (const [start, perAuction] of counts) {
    let max = 0;
    for (const num of perAuction.values()) max = Math.max(max, num);
    for (const [auction, num] of perAuction) if (num >= max) out.push({ window_start: start, window_end: start + size, auction, num });
  }
  return out;
}

/**
 * q7, highest bid: the bids whose price equals the highest price of their tumbling window (10 s),
 * as auction, price, bidder, datetime; ties all appear, identical bids each time (the SQL joins
 * the bid stream, not a grouped one). q7Windows adds each row's window.
 */
export function q7(rows: readonly NexmarkRow[], o: WindowOptions = {}): { auction: number; price: number; bidder: number; datetime: number }[] {
  return q7Windows(rows, o).map((r) => ({ auction: r.auction, price: r.price, bidder: r.bidder, datetime: r.datetime }));
}

export function q7Windows(
  rows: readonly NexmarkRow[],
  o: WindowOptions = {},
): { window_start: number; window_end: number; auction: number; price: number; bidder: number; datetime: number }[] {
  const size = o.size ?? 10_000;
  const byWindow = groupBy(splitEvents(rows).bids, (b) => tumbleStart(b.datetime, size));
  const out: { window_start: number; window_end: number; auction: number; price: number; bidder: number; datetime: number }[] = [];
  for (const [start, bids] of byWindow) {
    const max = bids.reduce((m, b) => Math.max(m, b.price), -Infinity);
    for (const b of bids) {
      if (b.price === max) out.push({ window_start: start, window_end: start + size, auction: b.auction, price: b.price, bidder: b.bidder, datetime: b.datetime });
    }
  }
  return out;
}

/**
 * q8, monitor new users: per tumbling window (10 s), the people created in it who are the seller
 * of at least one auction created in the same window; once per (person, window), with the
 * window's start (`starttime`).
 */
export function q8(rows: readonly NexmarkRow[], o: WindowOptions = {}): { id: number; name: string; starttime: number }[] {
  const size = o.size ?? 10_000;
  const { persons, auctions } = splitEvents(rows);
  const sellers = new Set(auctions.map((a) => `${tumbleStart(a.datetime, size)}/${a.seller}`));
  const seen = new Set<string>();
  const out: { id: number; name: string; starttime: number }[] = [];
  for (const p of persons) {
    const row = { id: p.id, name: p.name, starttime: tumbleStart(p.datetime, size) };
    // GROUP BY id, name, window: one row per distinct (id, name) in a window.
    const key = JSON.stringify(row);
    if (!sellers.has(`${row.starttime}/${p.id}`) || seen.has(key)) continue;
    seen.add(key);
    out.push(row);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers for comparing

/** Rows in a canonical order (by their JSON), so multisets compare with toEqual. */
export function sortRows<T>(rows: readonly T[]): T[] {
  return rows
    .map((r) => [JSON.stringify(r), r] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);
}

/** Each row with only the given keys (e.g. to drop window bounds the SQL does not select). */
export function pick<T extends object, K extends keyof T>(rows: readonly T[], keys: readonly K[]): Pick<T, K>[] {
  return rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])) as Pick<T, K>);
}

/** Rows of NEXMARK_SCHEMA batches as NexmarkRow objects (int64 and timestamps as numbers). */
export function nexmarkRowsOf(batches: readonly RecordBatch[]): NexmarkRow[] {
  const names = NEXMARK_SCHEMA.fields.map((f) => f.name);
  const out: NexmarkRow[] = [];
  for (const batch of batches) {
    const columns = names.map((name) => {
      const child = batch.getChild(name);
      if (!child) throw new Error(`batch has no column ${name}`);
      return child;
    });
    for (let i = 0; i < batch.numRows; i++) {
      const row: Record<string, unknown> = {};
      names.forEach((name, c) => {
        const v: unknown = columns[c]!.get(i);
        row[name] = typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : (v ?? null);
      });
      out.push(row as unknown as NexmarkRow);
    }
  }
  return out;
}

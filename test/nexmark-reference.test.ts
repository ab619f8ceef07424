// The reference query results (test/helpers/nexmark-reference.ts) on a small event set whose
// answers are worked out by hand below, then on generated events for properties that must hold
// at scale.

import { describe, expect, it } from 'vitest';
import { NexmarkGenerator } from '../src/connectors/nexmark/generator.js';
import { EMPTY_ROW } from '../src/connectors/nexmark/rows.js';
import type { NexmarkRow } from '../src/connectors/nexmark/schema.js';
import { hopStarts, q0, q1, q2, q3, q4, q5, q5Windows, q7, q7Windows, q8, sortRows, splitEvents, tumbleStart } from './helpers/nexmark-reference.js';

/** 2024-01-01T00:00:00Z, a multiple of 10 s: window k of 10 s starts at T + 10 s·k. */
const T = Date.UTC(2024, 0, 1);

const EMPTY: NexmarkRow = EMPTY_ROW;

function person(id: number, name: string, city: string, state: string, at: number): NexmarkRow {
  return {
    ...EMPTY,
    'person.id': id,
    'person.name': name,
    'person.email_address': 'x@y.com',
    'person.credit_card': '0000 0000 0000 0000',
    'person.city': city,
    'person.state': state,
    'person.datetime': T + at,
    'person.extra': '',
    event_time: T + at,
  };
}

function auction(id: number, seller: number, category: number, at: number, expires: number): NexmarkRow {
  return {
    ...EMPTY,
    'auction.id': id,
    'auction.description': 'd',
    'auction.item_name': 'i',
    'auction.initial_bid': 10,
    'auction.reserve': 20,
    'auction.datetime': T + at,
    'auction.expires': T + expires,
    'auction.seller': seller,
    'auction.category': category,
    'auction.extra': '',
    event_time: T + at,
  };
}

function bid(name: string, auctionId: number, price: number, at: number): NexmarkRow {
  return {
    ...EMPTY,
    'bid.auction': auctionId,
    'bid.bidder': 1001,
    'bid.price': price,
    'bid.channel': 'Google',
    'bid.url': 'u',
    'bid.datetime': T + at,
    'bid.extra': name,
    event_time: T + at,
  };
}

// Window 0 is [T, T + 10 s), window 1 [T + 10 s, T + 20 s). Times below are ms after T.
const EVENTS: NexmarkRow[] = [
  person(1000, 'Alice A', 'Portland', 'OR', 1000),
  person(1001, 'Bob B', 'Seattle', 'WA', 2000),
  person(1002, 'Cid C', 'Bend', 'CA', 12_000),
  auction(2000, 1000, 10, 1500, 5000), // Alice, in window 0
  auction(2001, 1001, 10, 2500, 3000), // Bob (WA), in window 0
  auction(2002, 1002, 11, 13_000, 20_000), // Cid, category 11, window 1
  auction(2003, 1000, 10, 11_000, 19_000), // Alice again, but in window 1 (she joined in window 0)
  auction(2004, 1009, 10, 3000, 9000), // a seller who never appears
  bid('b1', 2000, 100, 1600),
  bid('b2', 2000, 300, 4000),
  bid('b3', 2000, 900, 6000), // after auction 2000 expired
  bid('b4', 2001, 500, 2800),
  bid('b5', 2002, 250, 14_000),
  bid('b6', 2002, 250, 15_000),
  bid('b7', 2460, 50, 9999), // 2460 = 20 · 123
  bid('b8', 2001, 900, 12_500), // after auction 2001 expired
];

describe('nexmark reference queries on a hand-checked event set', () => {
  it('q0 passes every bid through; q1 converts its price', () => {
    expect(q0(EVENTS).map((b) => b.datetime - T)).toEqual([1600, 4000, 6000, 2800, 14_000, 15_000, 9999, 12_500]);
    expect(q0(EVENTS)[0]).toEqual({ auction: 2000, bidder: 1001, price: 100, datetime: T + 1600 });
    expect(q1(EVENTS).map((b) => b.price)).toEqual([90.8, 272.40000000000003, 817.2, 454, 227, 227, 45.4, 817.2]);
  });

  it('q2 keeps the bids on auctions divisible by 123', () => {
    expect(q2(EVENTS)).toEqual([{ auction: 2460, price: 50 }]);
  });

  it('q3 joins category-10 auctions with their OR/ID/CA sellers', () => {
    expect(sortRows(q3(EVENTS))).toEqual([
      { name: 'Alice A', city: 'Portland', state: 'OR', id: 2000 },
      { name: 'Alice A', city: 'Portland', state: 'OR', id: 2003 },
    ]);
  });

  it('q4 averages, per category, each auction\'s highest bid made while it was open', () => {
    // 2000: max(100, 300) (900 came after it expired); 2001: 500; 2002: 250; 2003, 2004: no bid.
    expect(sortRows(q4(EVENTS))).toEqual([
      { category: 10, avg_price: 400 },
      { category: 11, avg_price: 250 },
    ]);
    // Auction 2005 is open across the window boundary at 10 s: the SQL's maximum is per window.
    const straddling = [...EVENTS, auction(2005, 1000, 12, 9000, 11_000), bid('c1', 2005, 70, 9500), bid('c2', 2005, 60, 10_500), bid('c3', 2005, 99, 11_001)];
    expect(sortRows(q4(straddling)).at(-1)).toEqual({ category: 12, avg_price: 65 });
    expect(sortRows(q4(straddling, { window: null })).at(-1)).toEqual({ category: 12, avg_price: 70 });
  });

  it('q5 names the auctions with the most bids in each 10 s window sliding by 2 s', () => {
    const w = (start: number, auction: number, num: number) => ({ window_start: T + start, window_end: T + start + 10_000, auction, num });
    expect(sortRows(q5Windows(EVENTS))).toEqual(
      sortRows([
        w(-8000, 2000, 1), // b1
        w(-6000, 2000, 1), // b1, b4: a tie
        w(-6000, 2001, 1),
        w(-4000, 2000, 2), // b1, b2, b4
        w(-2000, 2000, 3), // b1, b2, b3, b4
        w(0, 2000, 3), // b1, b2, b3, b4, b7
        w(2000, 2000, 2), // b2, b3, b4, b7 (b1 at 1600 is before the window)
        w(4000, 2000, 2), // b2 (at the start: included), b3, b7, b8; b5 at 14000 is the end: excluded
        w(6000, 2002, 2), // b3, b7, b8, b5, b6
        w(8000, 2002, 2),
        w(10_000, 2002, 2),
        w(12_000, 2002, 2),
        w(14_000, 2002, 2), // b5, b6
      ]),
    );
  });

  it('q7 keeps the highest-priced bids of each 10 s window', () => {
    expect(sortRows(q7Windows(EVENTS))).toEqual([
      { window_start: T, window_end: T + 10_000, auction: 2000, price: 900, bidder: 1001, datetime: T + 6000 },
      { window_start: T + 10_000, window_end: T + 20_000, auction: 2001, price: 900, bidder: 1001, datetime: T + 12_500 },
    ]);
    expect(q7(EVENTS)[0]).toEqual({ auction: 2000, price: 900, bidder: 1001, datetime: T + 6000 });
    // Ties all appear, identical bids each time; a bid at another window's top price does not.
    const tie = [...EVENTS, bid('b3', 2000, 900, 6000), bid('b9', 2004, 900, 7000), bid('b10', 2004, 800, 10_000)];
    expect(q7(tie).map((r) => r.datetime - T).sort((a, b) => a - b)).toEqual([6000, 6000, 7000, 12_500]);
  });

  it('q8 finds people who created an auction in the 10 s window they joined in', () => {
    expect(sortRows(q8(EVENTS))).toEqual([
      { id: 1000, name: 'Alice A', starttime: T },
      { id: 1001, name: 'Bob B', starttime: T },
      { id: 1002, name: 'Cid C', starttime: T + 10_000 },
    ]);
  });

  it('windows are aligned to the epoch, start-inclusive and end-exclusive', () => {
    expect(tumbleStart(T + 12_345, 10_000)).toBe(T + 10_000);
    expect(tumbleStart(T + 10_000, 10_000)).toBe(T + 10_000);
    expect(tumbleStart(-1, 10_000)).toBe(-10_000);
    expect(hopStarts(12_345, 2000, 10_000)).toEqual([4000, 6000, 8000, 10_000, 12_000]);
    expect(hopStarts(12_000, 2000, 10_000)).toEqual([4000, 6000, 8000, 10_000, 12_000]);
    expect(hopStarts(11_999, 2000, 10_000)).toEqual([2000, 4000, 6000, 8000, 10_000]);
  });
});

describe('nexmark reference queries on generated events', () => {
  const gen = new NexmarkGenerator({ seed: 42, event_rate: 10_000 });
  const rows = gen.events(0, 200_000); // 20 s of event time
  const { persons, auctions, bids } = splitEvents(rows);

  it('q0-q2 see every bid; q2 only auctions divisible by 123', () => {
    expect(q0(rows)).toHaveLength(bids.length);
    expect(bids.length).toBe(200_000 * 46 / 50);
    const selected = q2(rows);
    expect(selected.length).toBeGreaterThan(0);
    expect(selected.every((b) => b.auction % 123 === 0)).toBe(true);
  });

  it('q3 finds matches; every one is a category-10 auction of an OR/ID/CA seller', () => {
    const out = q3(rows);
    expect(out.length).toBeGreaterThan(10);
    const byAuction = new Map(auctions.map((a) => [a.id, a]));
    const byPerson = new Map(persons.map((p) => [p.id, p]));
    for (const r of out) {
      const a = byAuction.get(r.id)!;
      expect(a.category).toBe(10);
      expect(byPerson.get(a.seller)!.name).toBe(r.name);
      expect(['OR', 'ID', 'CA']).toContain(r.state);
    }
  });

  it('q4 has a positive average for each of the five categories', () => {
    const out = q4(rows);
    expect(out.map((r) => r.category).sort()).toEqual([10, 11, 12, 13, 14]);
    for (const r of out) expect(r.avg_price).toBeGreaterThan(100);
  });

  it('q5, q7 and q8 give rows for every window of the run', () => {
    const windows5 = new Set(q5Windows(rows).map((r) => r.window_start));
    expect(windows5.size).toBe(14); // 20 s of bids: hop starts from -8 s to 18 s
    expect(q5(rows).length).toBeGreaterThanOrEqual(14);
    const out7 = q7Windows(rows);
    expect(new Set(out7.map((r) => r.window_start)).size).toBe(2);
    for (const r of out7) expect(r.price).toBe(Math.max(...bids.filter((b) => tumbleStart(b.datetime, 10_000) === r.window_start).map((b) => b.price)));
    expect(q8(rows).length).toBeGreaterThan(10);
  });
});

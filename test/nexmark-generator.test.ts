// The Nexmark generator without NATS: schema, the event mix, determinism across batch sizes and
// subtask splits, rows and batches agreeing, and the shape of each kind of event.

import { describe, expect, it } from 'vitest';
import { sourceSchema as registrySchema } from '../src/connectors/registry.js';
import { NexmarkGenerator } from '../src/connectors/nexmark/generator.js';
import { adjusted, AUCTION, BID, eventTime, GROUP_SIZE, kindOf, NEXMARK_BASE_TIME_MS, PERSON } from '../src/connectors/nexmark/model.js';
import { NEXMARK_SCHEMA, type NexmarkRow } from '../src/connectors/nexmark/schema.js';
import { toArrowSchema } from '../src/dataflow/arrow/index.js';
import { ValidationError } from '../src/errors.js';
import { sourceSchema as specSchema } from '../src/spec/schema.js';
import { validateJobSpec } from '../src/spec/validate.js';
import type { SourceSpec } from '../src/types.js';
import { nexmarkRowsOf, splitEvents } from './helpers/nexmark-reference.js';

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const kindName = (row: NexmarkRow) => (row['person.id'] !== null ? 'person' : row['auction.id'] !== null ? 'auction' : 'bid');

describe('nexmark schema', () => {
  it('is Arroyo\'s three structs as flat nullable columns, plus a non-null event_time', () => {
    const t = (prefix: string, list: string) => list.split(' ').map((f) => `${prefix}.${f}`);
    expect(NEXMARK_SCHEMA.fields.map((f) => f.name)).toEqual([
      ...t('person', 'id name email_address credit_card city state datetime extra'),
      ...t('auction', 'id description item_name initial_bid reserve datetime expires seller category extra'),
      ...t('bid', 'auction bidder price channel url datetime extra'),
      'event_time',
    ]);
    const types = Object.fromEntries(NEXMARK_SCHEMA.fields.map((f) => [f.name, f.type]));
    for (const name of ['person.id', 'auction.id', 'auction.initial_bid', 'auction.reserve', 'auction.seller', 'auction.category', 'bid.auction', 'bid.bidder', 'bid.price']) {
      expect(types[name], name).toBe('int64');
    }
    for (const name of ['person.datetime', 'auction.datetime', 'auction.expires', 'bid.datetime', 'event_time']) expect(types[name], name).toBe('timestamp');
    for (const name of ['person.name', 'person.email_address', 'person.credit_card', 'person.city', 'person.state', 'person.extra', 'auction.item_name', 'auction.description', 'auction.extra', 'bid.channel', 'bid.url', 'bid.extra']) {
      expect(types[name], name).toBe('utf8');
    }
    expect(NEXMARK_SCHEMA.fields.filter((f) => f.nullable === false).map((f) => f.name)).toEqual(['event_time']);
  });

  it('is what the registry and the spec layer say a nexmark source emits, and what its batches carry', () => {
    const spec: SourceSpec = { type: 'nexmark', config: { count: 10 } };
    expect(registrySchema(spec)).toBe(NEXMARK_SCHEMA);
    expect(specSchema(spec)).toBe(NEXMARK_SCHEMA);
    const batch = new NexmarkGenerator().batch(100, 0);
    expect(batch.schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual(
      toArrowSchema(NEXMARK_SCHEMA).fields.map((f) => [f.name, String(f.type), f.nullable]),
    );
  });
});

describe('nexmark events', () => {
  const gen = new NexmarkGenerator({ seed: 7 });

  it('every group of 50 events holds exactly 1 person, 3 auctions and 46 bids', () => {
    const rows = gen.events(0, 50 * 40);
    for (let g = 0; g < 40; g++) {
      const kinds = rows.slice(g * 50, g * 50 + 50).map(kindName);
      expect(kinds.filter((k) => k === 'person'), `group ${g}`).toHaveLength(1);
      expect(kinds.filter((k) => k === 'auction'), `group ${g}`).toHaveLength(3);
      expect(kinds.filter((k) => k === 'bid'), `group ${g}`).toHaveLength(46);
    }
    // The kind of event n depends on n % 50 only, also far out.
    for (const n of [0, 1, 17, 34, 49, 2 ** 40 + 17, 2 ** 52]) expect(kindOf(n)).toBe(kindOf(n % 50));
    expect([0, 1, 17, 34].map(kindOf)).toEqual([PERSON, AUCTION, AUCTION, AUCTION]);
    expect(range(50).filter((n) => kindOf(n) === BID)).toHaveLength(46);
  });

  it('in each row exactly one group is set, and event_time is that group\'s datetime', () => {
    const rows = gen.events(0, 500);
    for (const row of rows) {
      const groups = ['person', 'auction', 'bid'].filter((g) => Object.entries(row).some(([k, v]) => k.startsWith(`${g}.`) && v !== null));
      expect(groups).toHaveLength(1);
      const prefix = groups[0]!;
      // Every field of the set group is set, every field of the others null.
      for (const [k, v] of Object.entries(row)) if (k !== 'event_time') expect(v === null, k).toBe(!k.startsWith(`${prefix}.`));
      expect(row[`${prefix}.datetime` as keyof NexmarkRow]).toBe(row.event_time);
    }
  });

  it('comes in out-of-order groups: times within a group are a permutation of its slots, groups in order', () => {
    const g = new NexmarkGenerator({ event_rate: 1000 }); // one event per ms of event time
    const times = g.events(0, 200).map((r) => r.event_time - NEXMARK_BASE_TIME_MS);
    for (let k = 0; k < 4; k++) {
      const group = times.slice(k * 50, k * 50 + 50);
      expect([...group].sort((a, b) => a - b)).toEqual(range(50, k * 50));
      expect(group).not.toEqual(range(50, k * 50));
    }
    expect(range(200).map((n) => eventTime(n, 1000) - NEXMARK_BASE_TIME_MS)).toEqual(times);
    expect(g.maxDisorderMs).toBe(49);
    // Unpaced, event time runs at 10,000 events per second.
    expect(new NexmarkGenerator().event(2000).event_time).toBe(NEXMARK_BASE_TIME_MS + Math.floor(adjusted(2000) / 10));
  });

  it('numbers people and auctions in order of event id and points bids at existing or near-future ones', () => {
    const g = new NexmarkGenerator({ event_rate: 1000, seed: 3 });
    const rows = g.events(0, 5000);
    const { persons, auctions, bids } = splitEvents(rows);
    expect(persons.map((p) => p.id)).toEqual(range(100, 1000));
    expect([...auctions.map((a) => a.id)].sort((a, b) => a - b)).toEqual(range(300, 1000));
    const lastAuction = Math.max(...auctions.map((a) => a.id));
    const lastPerson = Math.max(...persons.map((p) => p.id));
    for (const b of bids) {
      expect(b.auction).toBeGreaterThanOrEqual(1000);
      expect(b.auction).toBeLessThanOrEqual(lastAuction + 10);
      expect(b.bidder).toBeGreaterThanOrEqual(1000);
      expect(b.bidder).toBeLessThanOrEqual(lastPerson + 10);
    }
    // Hot auctions and bidders: the newest rounded down to a multiple of 100 (+1000) half / three
    // quarters of the time.
    const hot = bids.filter((b) => (b.auction - 1000) % 100 === 0).length / bids.length;
    expect(hot).toBeGreaterThan(0.45);
    const hotBidders = bids.filter((b) => (b.bidder - 1000) % 100 === 0).length / bids.length;
    expect(hotBidders).toBeGreaterThan(0.7);
  });

  it('fills each kind\'s fields as Arroyo does', () => {
    const { persons, auctions, bids } = splitEvents(gen.events(0, 20_000));
    for (const p of persons) {
      expect(p.name).toMatch(/^(Peter|Paul|Luke|John|Saul|Vicky|Kate|Julie|Sarah|Deiter|Walter) (Shultz|Abrams|Spencer|White|Bartels|Walton|Smith|Jones|Noris)$/);
      expect(p.email_address).toMatch(/^[A-Za-z0-9]{3,6}@[A-Za-z0-9]{3,4}\.com$/);
      expect(p.credit_card).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
      expect(['AZ', 'CA', 'ID', 'OR', 'WA', 'WY']).toContain(p.state);
      expect(p.extra).toMatch(/^[A-Za-z0-9]*$/);
    }
    for (const a of auctions) {
      expect(a.category).toBeGreaterThanOrEqual(10);
      expect(a.category).toBeLessThan(15);
      expect(a.reserve).toBeGreaterThanOrEqual(a.initial_bid);
      expect(a.initial_bid).toBeGreaterThanOrEqual(100);
      expect(a.initial_bid).toBeLessThan(1e8);
      expect(a.expires).toBeGreaterThan(a.datetime);
      expect(a.item_name).toMatch(/^[A-Za-z0-9]{3,19}$/);
      expect(a.description).toMatch(/^[A-Za-z0-9]{3,99}$/);
      // `extra` pads an auction to 500 bytes.
      expect(8 + a.item_name.length + a.description.length + 40 + a.extra.length).toBe(500);
    }
    expect(new Set(auctions.map((a) => a.category)).size).toBe(5);
    for (const b of bids) {
      expect(b.price).toBeGreaterThanOrEqual(100);
      expect(b.price).toBeLessThan(1e8);
      expect(b.extra).toMatch(/^[A-Za-z0-9]{168}$/);
      if (['Google', 'Facebook', 'Baidu', 'Apple'].includes(b.channel)) expect(b.url).toMatch(/^https:\/\/www\.nexmark\.com\/\w+\/\w+\/cidro\/item\.htm\?query=1$/);
      else {
        const k = /^channel-(\d+)$/.exec(b.channel)?.[1];
        expect(k, b.channel).toBeDefined();
        expect(b.url).toMatch(new RegExp(`^https://www\\.nexmark\\.com/\\w{3,4}/\\w{3,4}/\\w{3,4}/item\\.htm\\?query=1(&channel_id=${k})?$`));
      }
    }
    // Half the bids on the four hot channels; the prices spread over six decades.
    const hotChannels = bids.filter((b) => !b.channel.startsWith('channel-')).length / bids.length;
    expect(hotChannels).toBeGreaterThan(0.45);
    expect(hotChannels).toBeLessThan(0.55);
    expect(Math.min(...bids.map((b) => b.price))).toBeLessThan(1000);
    expect(Math.max(...bids.map((b) => b.price))).toBeGreaterThan(1e7);
  });

  it('same seed, same events; another seed, other events', () => {
    const a = new NexmarkGenerator({ seed: 11 }).events(0, 300);
    expect(new NexmarkGenerator({ seed: 11 }).events(0, 300)).toEqual(a);
    const b = new NexmarkGenerator({ seed: 12 }).events(0, 300);
    expect(b.map(kindName)).toEqual(a.map(kindName));
    expect(b.filter((r, i) => r['bid.price'] !== a[i]!['bid.price']).length).toBeGreaterThan(200);
    // An event does not depend on which events were generated before it.
    expect(new NexmarkGenerator({ seed: 11 }).event(299)).toEqual(a[299]);
  });
});

describe('nexmark batches', () => {
  const gen = new NexmarkGenerator({ seed: 5, event_rate: 5000 });

  it('hold the same events as the rows, column for column', () => {
    const rows = nexmarkRowsOf([gen.batch(1000, 0), gen.batch(1000, 1000)]);
    expect(rows).toEqual(gen.events(0, 2000));
  });

  it('are identical whatever the batch sizes', () => {
    const whole = nexmarkRowsOf([gen.batch(3000, 0)]);
    for (const size of [1, 7, 64, 999]) {
      const batches = [];
      for (let n = 0; n < 3000; n += size) batches.push(gen.batch(Math.min(size, 3000 - n), n));
      expect(nexmarkRowsOf(batches), `batches of ${size}`).toEqual(whole);
    }
  });

  it('split over subtasks (n ≡ i mod N) hold exactly the events of one run', () => {
    const all = gen.events(0, 2000);
    for (const parallelism of [2, 3, 7]) {
      const merged: NexmarkRow[] = [];
      for (let i = 0; i < parallelism; i++) {
        const count = Math.ceil((2000 - i) / parallelism);
        const rows = nexmarkRowsOf([gen.batch(count, i, parallelism)]);
        rows.forEach((r, k) => (merged[i + k * parallelism] = r));
      }
      expect(merged).toEqual(all);
    }
    // An explicit list of event numbers (what a restored subtask catching up uses).
    const list = Float64Array.from([5, 1999, 0, 49, 50, 1234]);
    expect(nexmarkRowsOf([gen.batch(list.length, 0, 0, list)])).toEqual([...list].map((n) => all[n]));
  });

  it('keep one validity bitmap per group: null counts match the kinds', () => {
    const batch = gen.batch(1000, 10);
    const kinds = range(1000, 10).map(kindOf);
    const count = (k: number) => kinds.filter((x) => x === k).length;
    expect(batch.getChild('person.name')!.nullCount).toBe(1000 - count(PERSON));
    expect(batch.getChild('auction.expires')!.nullCount).toBe(1000 - count(AUCTION));
    expect(batch.getChild('bid.url')!.nullCount).toBe(1000 - count(BID));
    expect(batch.getChild('event_time')!.nullCount).toBe(0);
  });

  it('are exact for event numbers past 2^32', () => {
    const n = GROUP_SIZE * 2 ** 28; // a group start above 2^32
    const rows = nexmarkRowsOf([gen.batch(100, n)]);
    expect(rows).toEqual(gen.events(n, n + 100));
    expect(rows[0]!['person.id']).toBe(1000 + 2 ** 28);
    expect(rows[0]!.event_time).toBe(NEXMARK_BASE_TIME_MS + n / 5);
  });
});

describe('nexmark options', () => {
  it('count and runtime bound the events; runtime without a rate bounds wall-clock time', () => {
    expect(new NexmarkGenerator({ count: 42 }).limit).toBe(42);
    expect(new NexmarkGenerator({}).limit).toBe(Infinity);
    // Arroyo's runtime: event_rate × runtime events.
    expect(new NexmarkGenerator({ event_rate: 100, runtime_ms: 2500 }).limit).toBe(250);
    expect(new NexmarkGenerator({ event_rate: 100, runtime_ms: 2500, count: 100 }).limit).toBe(100);
    const unpaced = new NexmarkGenerator({ runtime_ms: 300 });
    expect(unpaced.limit).toBe(Infinity);
    expect(unpaced.wallClockLimitMs).toBe(300);
  });
});

describe('nexmark spec validation', () => {
  const spec = (config: unknown) => ({ name: 'n', sources: [{ type: 'nexmark', config }], sinks: [{ type: 'blackhole' }] });
  const problems = (config: unknown) => {
    try {
      validateJobSpec(spec(config));
    } catch (err) {
      return ((err as ValidationError).details ?? []).map((d) => `${d.field}: ${d.message}`);
    }
    throw new Error('expected a rejection');
  };

  it('accepts {event_rate?, count?, runtime_ms?, seed?} and no config at all', () => {
    expect(validateJobSpec(spec({ event_rate: 1000.5, count: 10, runtime_ms: 5000, seed: 3 })).sources).toEqual([
      { type: 'nexmark', config: { event_rate: 1000.5, count: 10, runtime_ms: 5000, seed: 3 } },
    ]);
    const bare = validateJobSpec({ name: 'n', sources: [{ type: 'nexmark' }], sinks: [{ type: 'blackhole' }] });
    expect(bare.sources).toEqual([{ type: 'nexmark', config: {} }]);
  });

  it('names each bad option', () => {
    expect(problems({ event_rate: -1 })).toEqual(['sources[0].config.event_rate: must be a number ≥ 0 (events per second), got -1']);
    expect(problems({ count: 1.5 })[0]).toMatch(/^sources\[0\]\.config\.count: must be an integer ≥ 0/);
    expect(problems({ runtime_ms: 0 })[0]).toMatch(/^sources\[0\]\.config\.runtime_ms: must be an integer ≥ 1/);
    expect(problems({ seed: 'x' })[0]).toMatch(/^sources\[0\]\.config\.seed: must be an integer ≥ 0/);
    expect(problems({ rate: 5 })[0]).toMatch(/config\.rate: unknown key "rate"/);
  });
});

describe('realtime event time', () => {
  it('anchors the next event at the run start, keeping the spacing; unpaced generators ignore it', () => {
    const g = new NexmarkGenerator({ event_rate: 1000, realtime: true });
    g.anchor(5_000_000, 2_000);
    // Event 2000 starts a group (not shifted out of order): it happens at the anchor; the
    // spacing is unchanged (the same offsets as event time from the fixed base).
    const t = (n: number) => g.event(n).event_time as number;
    expect(t(2_000)).toBe(5_000_000);
    expect(t(2_000 + GROUP_SIZE) - t(2_000)).toBe(eventTime(2_000 + GROUP_SIZE, 1000) - eventTime(2_000, 1000));
    const fixed = new NexmarkGenerator({ event_rate: 1000 });
    fixed.anchor(5_000_000, 2_000);
    expect(fixed.event(2_000).event_time).toBe(eventTime(2_000, 1000));
  });
});

describe('column selection', () => {
  it('makes only the chosen columns, with the same values as the full batch', () => {
    const columns = ['person.name', 'auction.seller', 'bid.price', 'bid.url', 'event_time'];
    const full = new NexmarkGenerator({ seed: 7 }).batch(2000, 100);
    const some = new NexmarkGenerator({ seed: 7, columns }).batch(2000, 100);
    expect(some.schema.fields.map((f) => f.name)).toEqual(columns);
    for (const c of columns) expect(some.getChild(c)!.toArray()).toEqual(full.getChild(c)!.toArray());
    expect(some.getChild('bid.price')!.nullCount).toBe(full.getChild('bid.price')!.nullCount);
  });

  it('refuses unknown columns in a spec', () => {
    const spec = { name: 'x', sources: [{ type: 'nexmark', config: { count: 1, columns: ['bid.price', 'bid.nope'] } }], sinks: [{ type: 'blackhole', config: {} }] };
    expect(() => validateJobSpec(spec)).toThrow('unknown Nexmark column(s) "bid.nope"');
  });
});

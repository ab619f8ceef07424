// Precomputed strings. Where Arroyo's generator draws random text per event (item names,
// descriptions, e-mail parts, `extra` padding, channel URLs), we draw a slice of, or an entry in,
// a pool built once per seed: the same distribution of lengths and contents, but a batch is filled
// by copying bytes instead of building strings. Everything is ASCII, so a string's UTF-8 bytes
// are its char codes.

import { below, next, seedKey, start } from './random.js';

/** Bytes of random alphanumeric text that random strings and `extra` paddings are sliced from. */
export const CHAR_POOL_SIZE = 8192;
/** Arroyo's CHANNELS_NUMBER: distinct non-hot channels. */
export const COLD_CHANNELS = 10_000;

export const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
export const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
export const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
export const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const HOT_URLS = [
  'https://www.nexmark.com/abo/eoci/cidro/item.htm?query=1',
  'https://www.nexmark.com/eoax/oad/cidro/item.htm?query=1',
  'https://www.nexmark.com/abo/jack/cidro/item.htm?query=1',
  'https://www.nexmark.com/abo/micah/cidro/item.htm?query=1',
];
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Distinct purposes of the seeded draws, so pools and events never share a stream. */
export const PURPOSE_EVENTS = 0;
const PURPOSE_CHARS = 1;
const PURPOSE_CHANNELS = 2;

/** Strings as one byte blob with offsets, for copying into Utf8 columns. */
export class StringTable {
  readonly bytes: Uint8Array;
  /** Entry i is bytes[offsets[i], offsets[i + 1]). */
  readonly offsets: Int32Array;
  readonly maxLength: number;
  /** Entry i as a view of `bytes`: copying with Uint8Array.set(view) is 6x faster than a byte loop. */
  readonly views: Uint8Array[];

  constructor(readonly strings: readonly string[]) {
    this.offsets = new Int32Array(strings.length + 1);
    let total = 0;
    let max = 0;
    strings.forEach((s, i) => {
      total += s.length;
      max = Math.max(max, s.length);
      this.offsets[i + 1] = total;
    });
    this.maxLength = max;
    this.bytes = new Uint8Array(total);
    strings.forEach((s, i) => writeAscii(this.bytes, this.offsets[i]!, s));
    this.views = strings.map((_, i) => this.bytes.subarray(this.offsets[i]!, this.offsets[i + 1]!));
  }
}

export class NexmarkPools {
  /** Random alphanumeric text, as bytes and as a string. */
  readonly chars: Uint8Array;
  readonly charString: string;
  /** 4 hot channels, then cold channel k at 4 + k. */
  readonly channels: StringTable;
  /** The URL of each channel (same index). */
  readonly urls: StringTable;
  /** "First Last", first name i and last name j at i * LAST_NAMES.length + j. */
  readonly names = new StringTable(FIRST_NAMES.flatMap((f) => LAST_NAMES.map((l) => `${f} ${l}`)));
  readonly cities = new StringTable(US_CITIES);
  readonly states = new StringTable(US_STATES);

  constructor(seedValue: number) {
    this.chars = new Uint8Array(CHAR_POOL_SIZE);
    let s = start(0, seedKey(seedValue, PURPOSE_CHARS));
    for (let i = 0; i < CHAR_POOL_SIZE; i++) this.chars[i] = ALPHANUMERIC.charCodeAt(below((s = next(s)), ALPHANUMERIC.length));
    this.charString = String.fromCharCode(...this.chars);
    // Arroyo's ChannelCache: a cold channel's URL has three random path parts of 3-4 chars, and
    // nine times in ten the channel id as a query parameter.
    const channelKey = seedKey(seedValue, PURPOSE_CHANNELS);
    const names = [...HOT_CHANNELS];
    const urls = [...HOT_URLS];
    for (let k = 0; k < COLD_CHANNELS; k++) {
      let c = start(k, channelKey);
      const part = () => {
        const at = below((c = next(c)), CHAR_POOL_SIZE - 4);
        return this.charString.substr(at, 3 + below((c = next(c)), 2));
      };
      const url = `https://www.nexmark.com/${part()}/${part()}/${part()}/item.htm?query=1`;
      names.push(`channel-${k}`);
      urls.push(below((c = next(c)), 10) > 0 ? `${url}&channel_id=${k}` : url);
    }
    this.channels = new StringTable(names);
    this.urls = new StringTable(urls);
  }
}

const cache = new Map<number, NexmarkPools>();

/** The pools of a seed, built once per process (about 10 ms). */
export function poolsFor(seedValue: number): NexmarkPools {
  let pools = cache.get(seedValue);
  if (!pools) {
    pools = new NexmarkPools(seedValue);
    if (cache.size >= 16) cache.delete(cache.keys().next().value as number);
    cache.set(seedValue, pools);
  }
  return pools;
}

function writeAscii(out: Uint8Array, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
}

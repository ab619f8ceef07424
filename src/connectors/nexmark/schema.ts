// The Nexmark table's columns. Arroyo's table has three nullable structs (person, auction, bid);
// our Arrow layer has no struct type, so each struct field is a flat column named
// `<struct>.<field>` (names, types and field order as Arroyo's nexmark connector). In every row
// exactly one group is set; the columns of the other two are null. `event_time` is the event's
// time, equal to the set group's `datetime`.

import type { Field, FieldType, Schema } from '../../types.js';

const group = (prefix: string, fields: [string, FieldType][]): Field[] => fields.map(([name, type]) => ({ name: `${prefix}.${name}`, type, nullable: true }));

export const PERSON_FIELDS = group('person', [
  ['id', 'int64'],
  ['name', 'utf8'],
  ['email_address', 'utf8'],
  ['credit_card', 'utf8'],
  ['city', 'utf8'],
  ['state', 'utf8'],
  ['datetime', 'timestamp'],
  ['extra', 'utf8'],
]);

// Arroyo's auction struct puts description before item_name; kept so `SELECT *` matches.
export const AUCTION_FIELDS = group('auction', [
  ['id', 'int64'],
  ['description', 'utf8'],
  ['item_name', 'utf8'],
  ['initial_bid', 'int64'],
  ['reserve', 'int64'],
  ['datetime', 'timestamp'],
  ['expires', 'timestamp'],
  ['seller', 'int64'],
  ['category', 'int64'],
  ['extra', 'utf8'],
]);

export const BID_FIELDS = group('bid', [
  ['auction', 'int64'],
  ['bidder', 'int64'],
  ['price', 'int64'],
  ['channel', 'utf8'],
  ['url', 'utf8'],
  ['datetime', 'timestamp'],
  ['extra', 'utf8'],
]);

/** The fixed schema of the `nexmark` source. */
export const NEXMARK_SCHEMA: Schema = {
  fields: [...PERSON_FIELDS, ...AUCTION_FIELDS, ...BID_FIELDS, { name: 'event_time', type: 'timestamp', nullable: false }],
};

/** One generated event as a plain row: NEXMARK_SCHEMA's column names, timestamps in ms, ints as numbers. */
export interface NexmarkRow {
  'person.id': number | null;
  'person.name': string | null;
  'person.email_address': string | null;
  'person.credit_card': string | null;
  'person.city': string | null;
  'person.state': string | null;
  'person.datetime': number | null;
  'person.extra': string | null;
  'auction.id': number | null;
  'auction.description': string | null;
  'auction.item_name': string | null;
  'auction.initial_bid': number | null;
  'auction.reserve': number | null;
  'auction.datetime': number | null;
  'auction.expires': number | null;
  'auction.seller': number | null;
  'auction.category': number | null;
  'auction.extra': string | null;
  'bid.auction': number | null;
  'bid.bidder': number | null;
  'bid.price': number | null;
  'bid.channel': string | null;
  'bid.url': string | null;
  'bid.datetime': number | null;
  'bid.extra': string | null;
  event_time: number;
}

/** NEXMARK_SCHEMA, or the given columns of it (in schema order). */
export function nexmarkSchema(columns?: readonly string[]): Schema {
  if (!columns) return NEXMARK_SCHEMA;
  return { fields: NEXMARK_SCHEMA.fields.filter((f) => columns.includes(f.name)) };
}

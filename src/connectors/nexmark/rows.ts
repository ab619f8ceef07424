// One event as a plain row object: what tests and reference computations read. Same draws as the
// columnar builder (both go through model.draw), so the two cannot disagree.

import { AUCTION, A_CATEGORY, A_DESC, A_DESC_LEN, A_EXPIRES, A_ID, A_INITIAL_BID, A_NAME, A_NAME_LEN, A_RESERVE, A_SELLER, BID, B_AUCTION, B_BIDDER, B_CHANNEL, B_PRICE, type DrawParams, draw, EXTRA, EXTRA_LEN, KIND, P_CARD, P_CITY, P_EMAIL_HOST, P_EMAIL_HOST_LEN, P_EMAIL_USER, P_EMAIL_USER_LEN, P_ID, P_NAME, P_STATE, SCRATCH_SLOTS, TIME } from './model.js';
import { US_CITIES, US_STATES } from './pools.js';
import { NEXMARK_SCHEMA, type NexmarkRow } from './schema.js';

const scratch = new Float64Array(SCRATCH_SLOTS);

/** Every column null (event_time 0): the base of a row of one kind. */
export const EMPTY_ROW: Readonly<NexmarkRow> = Object.freeze({
  ...(Object.fromEntries(NEXMARK_SCHEMA.fields.map((f) => [f.name, null])) as unknown as NexmarkRow),
  event_time: 0,
});

export function eventRow(n: number, p: DrawParams): NexmarkRow {
  const e = scratch;
  draw(n, p, e);
  const text = p.pools.charString;
  const sub = (start: number, len: number) => text.substr(e[start]!, e[len]!);
  const time = e[TIME]!;
  const row: NexmarkRow = { ...EMPTY_ROW, event_time: time };

  const kind = e[KIND];
  if (kind === BID) {
    row['bid.auction'] = e[B_AUCTION]!;
    row['bid.bidder'] = e[B_BIDDER]!;
    row['bid.price'] = e[B_PRICE]!;
    row['bid.channel'] = p.pools.channels.strings[e[B_CHANNEL]!]!;
    row['bid.url'] = p.pools.urls.strings[e[B_CHANNEL]!]!;
    row['bid.datetime'] = time;
    row['bid.extra'] = sub(EXTRA, EXTRA_LEN);
  } else if (kind === AUCTION) {
    row['auction.id'] = e[A_ID]!;
    row['auction.description'] = sub(A_DESC, A_DESC_LEN);
    row['auction.item_name'] = sub(A_NAME, A_NAME_LEN);
    row['auction.initial_bid'] = e[A_INITIAL_BID]!;
    row['auction.reserve'] = e[A_RESERVE]!;
    row['auction.datetime'] = time;
    row['auction.expires'] = e[A_EXPIRES]!;
    row['auction.seller'] = e[A_SELLER]!;
    row['auction.category'] = e[A_CATEGORY]!;
    row['auction.extra'] = sub(EXTRA, EXTRA_LEN);
  } else {
    row['person.id'] = e[P_ID]!;
    row['person.name'] = p.pools.names.strings[e[P_NAME]!]!;
    row['person.email_address'] = emailAddress(text, e);
    row['person.credit_card'] = creditCard(e);
    row['person.city'] = US_CITIES[e[P_CITY]!]!;
    row['person.state'] = US_STATES[e[P_STATE]!]!;
    row['person.datetime'] = time;
    row['person.extra'] = sub(EXTRA, EXTRA_LEN);
  }
  return row;
}

/** `user@host.com`, both parts random 3-6 and 3-4 alphanumerics (Arroyo's). */
export function emailAddress(text: string, e: Float64Array): string {
  return `${text.substr(e[P_EMAIL_USER]!, e[P_EMAIL_USER_LEN]!)}@${text.substr(e[P_EMAIL_HOST]!, e[P_EMAIL_HOST_LEN]!)}.com`;
}

/** Four groups of four digits: `0042 1337 0000 9999`. */
export function creditCard(e: Float64Array): string {
  return [0, 1, 2, 3].map((i) => String(e[P_CARD + i]!).padStart(4, '0')).join(' ');
}

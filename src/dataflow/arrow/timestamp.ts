// Timestamps are int64 milliseconds since the epoch, UTC. Parsing accepts ISO-8601 / RFC 3339
// text only (Date.parse would also take "March 7" and read offset-less times as local time).

/** Largest |ms| a JS Date can hold; also the accepted input range. */
export const MAX_TIMESTAMP_MS = 8.64e15;

// date, then optionally a time with optional fraction and offset; offset-less times are UTC.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Milliseconds since the epoch, or NaN when `s` is not an ISO-8601 date or date-time. */
export function parseTimestamp(s: string): number {
  const m = ISO.exec(s);
  if (!m) return NaN;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  const hour = m[4] ? +m[4] : 0;
  const minute = m[5] ? +m[5] : 0;
  const second = m[6] ? +m[6] : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  const ms = m[7] ? +(m[7] + '00').slice(0, 3) : 0;
  let offsetMin = 0;
  const tz = m[8];
  if (tz && tz !== 'Z' && tz !== 'z') {
    const oh = +tz.slice(1, 3);
    const om = tz.length > 3 ? +tz.slice(-2) : 0;
    if (oh > 23 || om > 59) return NaN;
    offsetMin = (tz[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const days = daysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute - offsetMin) * 60000 + second * 1000 + ms;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** ISO-8601 UTC with milliseconds; values a Date cannot hold stay numbers (as text). */
export function formatTimestamp(ms: number): string {
  return ms >= -MAX_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS ? new Date(ms).toISOString() : String(ms);
}

// Timestamps are int64 milliseconds since the epoch, UTC. Parsing accepts ISO-8601 / RFC 3339
// text only (Date.parse would also take "March 7" and read offset-less times as local time).
// Both directions are hand-written: regex parsing and Date#toISOString were the largest costs
// of JSON decode and encode.

/** Largest |ms| a JS Date can hold; also the accepted input range. */
export const MAX_TIMESTAMP_MS = 8.64e15;
const DAY_MS = 86400000;

/**
 * Milliseconds since the epoch of `YYYY-MM-DD`, optionally followed by `T` (or `t` or a space),
 * `HH:MM`, optional `:SS`, optional fraction (`.` or `,`, digits past ms are truncated) and an
 * optional offset (`Z`, `+HH`, `+HHMM`, `+HH:MM`); no offset means UTC. NaN for anything else.
 */
export function parseTimestamp(s: string): number {
  const len = s.length;
  if (len < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return NaN;
  let ms = daysFromCivil(year, month, day) * DAY_MS;
  if (len === 10) return ms;
  const sep = s.charCodeAt(10);
  if ((sep !== 84 && sep !== 116 && sep !== 32) || len < 16 || s.charCodeAt(13) !== 58) return NaN;
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  if (!(hour <= 23 && minute <= 59)) return NaN;
  ms += hour * 3600000 + minute * 60000;
  let i = 16;
  if (i < len && s.charCodeAt(i) === 58) {
    const second = digits(s, i + 1, 2);
    if (!(second <= 59)) return NaN;
    ms += second * 1000;
    i += 3;
    const c = s.charCodeAt(i);
    if (c === 46 || c === 44) {
      const start = ++i;
      let frac = 0;
      for (; i < len && isDigit(s.charCodeAt(i)); i++) if (i - start < 3) frac = frac * 10 + s.charCodeAt(i) - 48;
      const n = i - start;
      if (n === 0) return NaN;
      ms += n >= 3 ? frac : n === 2 ? frac * 10 : frac * 100;
    }
  }
  if (i === len) return ms;
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) return i + 1 === len ? ms : NaN;
  if (z !== 43 && z !== 45) return NaN;
  const rest = len - i - 1;
  const oh = digits(s, i + 1, 2);
  const om = rest === 2 ? 0 : rest === 4 ? digits(s, i + 3, 2) : rest === 5 && s.charCodeAt(i + 3) === 58 ? digits(s, i + 4, 2) : NaN;
  if (!(oh <= 23 && om <= 59)) return NaN;
  return ms - (z === 45 ? -1 : 1) * (oh * 60 + om) * 60000;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The number written by `n` ASCII digits at `at`, or NaN. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return NaN;
    v = v * 10 + c - 48;
  }
  return v;
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

const D2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const D3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
// Rows of a batch mostly share a day: its `YYYY-MM-DDT` prefix is reused.
let cachedDay = NaN;
let cachedPrefix = '';

/** `YYYY-MM-DDTHH:MM:SS.mmmZ`, exactly as Date#toISOString; values a Date cannot hold stay numbers (as text). */
export function formatTimestamp(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  if (days !== cachedDay) {
    // Years outside 0000..9999 get toISOString's extended form.
    if (!(ms >= -62167219200000 && ms < 253402300800000)) {
      return ms >= -MAX_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS ? new Date(ms).toISOString() : String(ms);
    }
    cachedDay = days;
    cachedPrefix = civilPrefix(days);
  }
  let t = ms - days * DAY_MS;
  const h = Math.floor(t / 3600000);
  t -= h * 3600000;
  const m = Math.floor(t / 60000);
  t -= m * 60000;
  const sec = Math.floor(t / 1000);
  return cachedPrefix + D2[h] + ':' + D2[m] + ':' + D2[sec] + '.' + D3[t - sec * 1000] + 'Z';
}

// `YYYY-MM-DDT` of a day number (H. Hinnant's civil_from_days).
function civilPrefix(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return String(y).padStart(4, '0') + '-' + D2[m] + '-' + D2[d] + 'T';
}

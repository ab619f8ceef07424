// UTC calendar arithmetic on millisecond timestamps (proleptic Gregorian, H. Hinnant's
// algorithms), with plain number math and no Date objects so per-row kernels stay allocation-free.

export const DAY_MS = 86_400_000;

/** x mod m in [0, m), also for negative x (times before 1970). */
export function floorMod(x: number, m: number): number {
  const r = x % m;
  return r < 0 ? r + m : r;
}

/** Days since 1970-01-01 of the timestamp's UTC date. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** Days since 1970-01-01 of a date (month 1-12, day 1-31). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export type CivilPart = 'year' | 'month' | 'day';

/** Year, month (1-12) or day of month (1-31) of day number `days`. */
export function civil(days: number, part: CivilPart): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  if (part === 'day') return doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  if (part === 'month') return m;
  return yoe + era * 400 + (m <= 2 ? 1 : 0);
}

/** Day of the week, Sunday = 0 (1970-01-01 was a Thursday). */
export function dowOf(days: number): number {
  return floorMod(days + 4, 7);
}

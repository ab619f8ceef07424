// INTERVAL literals. Rivulet has no interval type: an interval is an int64 count of milliseconds,
// so `ts + INTERVAL '5' SECOND` is timestamp + int64 and `ts2 - ts1 > INTERVAL '1 minute'`
// compares int64 milliseconds. Only fixed-length units exist (months and years vary in length).

import { ValidationError } from '../../errors.js';

const UNIT_MS: Record<string, number> = {};
function unit(ms: number, ...names: string[]): void {
  for (const n of names) UNIT_MS[n] = ms;
}
unit(1, 'ms', 'msec', 'msecs', 'millisecond', 'milliseconds');
unit(1000, 's', 'sec', 'secs', 'second', 'seconds');
unit(60_000, 'min', 'mins', 'minute', 'minutes');
unit(3_600_000, 'h', 'hr', 'hrs', 'hour', 'hours');
unit(86_400_000, 'd', 'day', 'days');
unit(604_800_000, 'w', 'week', 'weeks');

const VARIABLE = new Set(['mon', 'mons', 'month', 'months', 'y', 'yr', 'yrs', 'year', 'years', 'quarter', 'quarters', 'decade', 'decades', 'century', 'centuries']);

/** Whether `word` is an interval unit we know (used by the pre-parse rewrite). */
export function isIntervalUnit(word: string): boolean {
  const w = word.toLowerCase();
  return Object.hasOwn(UNIT_MS, w) || VARIABLE.has(w);
}

/**
 * Milliseconds of an interval value: `'10 seconds'`, `'1 hour 30 minutes'`, or (with `unit`, as in
 * `INTERVAL '5' SECOND`) a bare number. Returns an error message instead of throwing.
 */
export function intervalMs(value: string, unit: string | null): number | { error: string } {
  const text = value.trim();
  let total = 0;
  if (unit !== null) {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) return { error: `invalid interval value '${value}' for unit ${unit.toUpperCase()} (expected a number)` };
    const ms = unitMs(unit);
    if (typeof ms !== 'number') return ms;
    total = Number(text) * ms;
  } else {
    const re = /\s*([+-]?(?:\d+\.?\d*|\.\d+))\s*([a-zA-Z]+)\s*/y;
    let at = 0;
    let parts = 0;
    while (at < text.length) {
      re.lastIndex = at;
      const m = re.exec(text);
      if (!m) break;
      const ms = unitMs(m[2]!);
      if (typeof ms !== 'number') return ms;
      total += Number(m[1]) * ms;
      at = re.lastIndex;
      parts++;
    }
    if (parts === 0 || at < text.length) {
      return { error: `invalid interval '${value}' (expected e.g. '10 seconds', '1 minute', '500 ms', '1 hour 30 minutes')` };
    }
  }
  if (!Number.isInteger(total)) return { error: `interval '${value}' is not a whole number of milliseconds` };
  if (!Number.isSafeInteger(total)) return { error: `interval '${value}' is out of range` };
  return total === 0 ? 0 : total; // no -0
}

function unitMs(u: string): number | { error: string } {
  const w = u.toLowerCase();
  if (Object.hasOwn(UNIT_MS, w)) return UNIT_MS[w]!;
  if (VARIABLE.has(w)) return { error: `interval unit ${u} has no fixed length; use days, hours, minutes, seconds or milliseconds` };
  return { error: `unknown interval unit "${u}" (expected millisecond, second, minute, hour, day or week, singular or plural)` };
}

/**
 * Milliseconds of an interval as a SQL planner meets it (window sizes): the whole literal
 * `INTERVAL '5' SECOND` / `interval '1 minute'`, or just its text `'10 seconds'` / `10 seconds`.
 * Throws ValidationError.
 */
export function parseInterval(text: string): number {
  const m = /^\s*(?:interval\s+)?(?:'((?:[^']|'')*)'|([+-]?[\d.]+))\s*(?:([a-zA-Z]+)\s*)?$/i.exec(text);
  // A number without a unit (`'5'`) goes to the unit-less form, which rejects it.
  const r = m ? intervalMs((m[1] ?? m[2]!).replace(/''/g, "'"), m[3] ?? null) : intervalMs(text, null);
  if (typeof r !== 'number') throw new ValidationError(r.error);
  return r;
}

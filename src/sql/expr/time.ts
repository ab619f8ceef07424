// Time functions over UTC millisecond timestamps: date_trunc, extract / date_part, now(),
// to_timestamp. Each is one columnar pass (mapKernel) with a per-unit number function chosen at
// compile time; the unit must therefore be a constant.
//
// extract/date_part results: integral fields (year, quarter, month, week, day, hour, minute, dow,
// isodow, doy, millisecond) are int64; second (with its fraction, 12.345) and epoch (seconds since
// 1970 with fraction) are float64. millisecond is Postgres' `milliseconds`: second * 1000
// (12345), whole at our millisecond precision.

import { ExprCompileError } from './ast.js';
import { mapKernel } from './arith.js';
import { civil, DAY_MS, dayOf, daysFromCivil, dowOf, floorMod } from './calendar.js';
import { castKernel, parseTimestampText } from './cast.js';
import { retype, typeLabel } from './coerce.js';
import { apply } from './fold.js';
import type { FnCall } from './functions.js';
import { constPlan, isNumeric, type Kernel, type Plan } from './plan.js';

const ALIASES: Record<string, string> = {};
for (const [name, ...more] of [
  ['millisecond', 'milliseconds', 'ms', 'msec', 'msecs'],
  ['second', 'seconds', 'sec', 'secs'],
  ['minute', 'minutes', 'min', 'mins'],
  ['hour', 'hours', 'hr', 'hrs'],
  ['day', 'days'],
  ['week', 'weeks'],
  ['month', 'months', 'mon', 'mons'],
  ['quarter', 'quarters'],
  ['year', 'years', 'yr', 'yrs'],
  ['epoch'], ['dow'], ['isodow'], ['doy'],
] as string[][]) {
  for (const a of [name!, ...more]) ALIASES[a] = name!;
}

const fixedTrunc = (unit: number) => (ms: number): number => Math.floor(ms / unit) * unit;

const TRUNC: Record<string, (ms: number) => number> = {
  millisecond: (ms) => ms,
  second: fixedTrunc(1000),
  minute: fixedTrunc(60_000),
  hour: fixedTrunc(3_600_000),
  day: fixedTrunc(DAY_MS),
  // Weeks start on Monday (ISO, like Postgres).
  week: (ms) => {
    const d = dayOf(ms);
    return (d - floorMod(d + 3, 7)) * DAY_MS;
  },
  month: (ms) => {
    const d = dayOf(ms);
    return daysFromCivil(civil(d, 'year'), civil(d, 'month'), 1) * DAY_MS;
  },
  quarter: (ms) => {
    const d = dayOf(ms);
    const m = civil(d, 'month');
    return daysFromCivil(civil(d, 'year'), m - ((m - 1) % 3), 1) * DAY_MS;
  },
  year: (ms) => daysFromCivil(civil(dayOf(ms), 'year'), 1, 1) * DAY_MS,
};

/** ISO 8601 week number: the week (Monday-based) holding the year's first Thursday is week 1. */
function isoWeek(ms: number): number {
  const d = dayOf(ms);
  const thursday = d - floorMod(d + 3, 7) + 3;
  return Math.floor((thursday - daysFromCivil(civil(thursday, 'year'), 1, 1)) / 7) + 1;
}

interface FieldDef {
  type: 'int64' | 'float64';
  f: (ms: number) => number;
}
const int = (f: (ms: number) => number): FieldDef => ({ type: 'int64', f });

const FIELDS: Record<string, FieldDef> = {
  year: int((ms) => civil(dayOf(ms), 'year')),
  quarter: int((ms) => Math.floor((civil(dayOf(ms), 'month') - 1) / 3) + 1),
  month: int((ms) => civil(dayOf(ms), 'month')),
  week: int(isoWeek),
  day: int((ms) => civil(dayOf(ms), 'day')),
  hour: int((ms) => Math.floor(floorMod(ms, DAY_MS) / 3_600_000)),
  minute: int((ms) => Math.floor(floorMod(ms, 3_600_000) / 60_000)),
  second: { type: 'float64', f: (ms) => floorMod(ms, 60_000) / 1000 },
  millisecond: int((ms) => floorMod(ms, 60_000)),
  epoch: { type: 'float64', f: (ms) => ms / 1000 },
  dow: int((ms) => dowOf(dayOf(ms))),
  isodow: int((ms) => dowOf(dayOf(ms)) || 7),
  doy: int((ms) => {
    const d = dayOf(ms);
    return d - daysFromCivil(civil(d, 'year'), 1, 1) + 1;
  }),
};

/** The constant unit/field argument, canonicalized; null for a NULL literal. */
function unitArg(call: FnCall, table: Record<string, unknown>): string | null {
  const a = call.args[0]!;
  const p = a.plan;
  if (p.k === 'const' && p.value === null) return null;
  if (p.k !== 'const' || typeof p.value !== 'string') {
    throw new ExprCompileError(`${call.name}() needs a constant text unit as argument 1, such as 'minute'`, a.pos);
  }
  const name = ALIASES[p.value.trim().toLowerCase()];
  if (name === undefined || !Object.hasOwn(table, name)) {
    throw new ExprCompileError(`${call.name}() does not support unit '${p.value}' (supported: ${Object.keys(table).join(', ')})`, a.pos);
  }
  return name;
}

/** A timestamp argument; a text literal is read as a timestamp (as in comparisons). */
function timestampArg(call: FnCall, i: number): Plan {
  const a = call.args[i]!;
  const p = a.plan;
  if (p.type === 'timestamp') return p;
  if (p.type === 'null') return retype(p, 'timestamp');
  if (p.k === 'const' && typeof p.value === 'string') {
    const ms = parseTimestampText(p.value);
    if (ms === null) throw new ExprCompileError(`invalid timestamp literal '${p.value}' (expected e.g. 2024-01-31T12:00:00Z)`, a.pos);
    return constPlan('timestamp', ms);
  }
  throw new ExprCompileError(`${call.name}() expects a timestamp as argument ${i + 1}, got ${typeLabel(p.type)}`, a.pos);
}

export function dateTrunc(call: FnCall): Plan {
  const unit = unitArg(call, TRUNC);
  const ts = timestampArg(call, 1);
  if (unit === null) return constPlan('timestamp', null);
  return apply(mapKernel(TRUNC[unit]!), [ts], 'timestamp');
}

/** extract(field FROM ts) (rewritten to a call by rewrite.ts) and date_part('field', ts). */
export function datePart(call: FnCall): Plan {
  const field = unitArg(call, FIELDS);
  const ts = timestampArg(call, 1);
  if (field === null) return constPlan('float64', null);
  const def = FIELDS[field]!;
  return apply(mapKernel(def.f), [ts], def.type);
}

const nowKernel: Kernel = (_args, ctx) => ({ t: 'num', v: new Float64Array(ctx.n).fill(ctx.now()), valid: null });

/** now(): the time the batch is evaluated; the same for every row (and every use) in a batch. */
export function now(_call: FnCall): Plan {
  return apply(nowKernel, [], 'timestamp', { strict: false, nullable: false, volatile: true });
}

/** to_timestamp(ms): milliseconds since the epoch (fractions truncated); text is parsed like CAST. */
export function toTimestamp(call: FnCall): Plan {
  const a = call.args[0]!;
  const p = a.plan;
  if (p.type === 'null') return constPlan('timestamp', null);
  if (p.type === 'timestamp') return p;
  if (!isNumeric(p.type) && p.type !== 'utf8') {
    throw new ExprCompileError(`to_timestamp() expects a number of milliseconds or text, got ${typeLabel(p.type)}`, a.pos);
  }
  return apply(castKernel(p.type, 'timestamp', call.site), [p], 'timestamp');
}
